"""The pytest plugin: the `sitewise` entry point of pytest11 loads this module.

Each concern is a plugin module of its own, registered here. The fixtures that extend
pytest-playwright's (`browser_type_launch_args`, `browser_context_args`, `new_context`,
`launch_browser`, `connect_options`, and `delete_output_dir`, which is replaced) are
registered at `pytest_configure`, after every plugin that entry points and `-p` load: a
fixture of a plugin registered later wins over one of the same name registered earlier,
so they extend pytest-playwright's whatever order the two entry points load in.
"""

from __future__ import annotations

import pytest

pytest_plugins = [
    "sitewise.config.plugin",
    # Before the plugins that import them, so that pytest rewrites their asserts.
    "sitewise.steps",
    "sitewise.soft_checks",
    "sitewise.run.timeouts",
    "sitewise.targets.plugin",
    "sitewise.auth.plugin",
    "sitewise.vitals.plugin",
    "sitewise.accessibility.plugin",
    "sitewise.health",
    "sitewise.visual.plugin",
    "sitewise.report.plugin",
    "sitewise.load.plugin",
    "sitewise.run.scheduling",
    "sitewise.audit.plugin",
    "sitewise.run.flake",
    "sitewise.run.progress",
    "sitewise.tracing",
]

LATE_PLUGINS = ("sitewise.browsers.plugin",)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for name in LATE_PLUGINS:
        if not config.pluginmanager.has_plugin(name):
            config.pluginmanager.import_plugin(name)
