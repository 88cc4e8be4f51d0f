"""Targets in a run: deployed ones checked once, the rest started per worker.

Before the first test, the xdist controller (or the only process) checks every target
that has a URL, all at once: an unreachable or wrong one stops the run with one message
instead of one timeout per test. The session fixture `target_urls` gives each worker
its targets' URLs, starting through the suite's `pytest_sitewise_start_targets` hook the
ones that have none, and stopping them when the worker ends.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitewise.config.plugin import reports_dir_of, run_folder, stop_run, suite_config_of
from sitewise.targets.health import HealthCheck, check_targets
from sitewise.targets.model import TargetError, Targets
from sitewise.targets.resolve import (
    STARTED_KEY,
    configured_targets,
    describe_targets,
    env_name,
)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [f"e2e targets: {describe_targets(config)}"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check the deployed targets once, on the controller, before any test or worker."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    checks = {
        name: HealthCheck(target.url, target.health, target.expect)
        for name, target in configured_targets(config).items()
        if target.url
    }
    if not checks:
        return
    try:
        check_targets(checks, suite_config_of(config).timeouts.target_check_s)
    except TargetError as error:
        pytest.exit(str(error), returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def target_urls(pytestconfig: pytest.Config) -> Iterator[Targets]:
    """The run's targets, name -> base URL (a Mapping; `.url(name)`, `.route_of(url)`).

    Deployed targets cost nothing here (checked once before the run). Targets with no
    URL are started by the suite's `pytest_sitewise_start_targets` once per worker, in a
    folder of the run's, and stopped when the worker ends.
    """
    configured = configured_targets(pytestconfig)
    urls = {name: t.url for name, t in configured.items() if t.url}
    missing = tuple(name for name, t in configured.items() if not t.url)
    if not missing:
        yield Targets(urls)
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_dir = reports_dir_of(pytestconfig) / "logs"
    with tempfile.TemporaryDirectory(
        prefix=f"targets-{worker}-", dir=run_folder(pytestconfig)
    ) as workdir:
        try:
            started = pytestconfig.hook.pytest_sitewise_start_targets(
                config=pytestconfig, names=missing, workdir=Path(workdir), log_dir=log_dir
            )
        except TargetError as error:
            stop_run(pytestconfig, str(error), pytest.ExitCode.INTERNAL_ERROR)
        if started is None:
            names = ", ".join(missing)
            stop_run(
                pytestconfig,
                f"No URL for the target(s) {names}, and nothing starts them: give --target"
                f" NAME=URL (or {', '.join(env_name(n) for n in missing)}, or [targets.NAME]"
                " url in playwright.config.toml).",
                pytest.ExitCode.USAGE_ERROR,
            )
        unnamed = [name for name in missing if name not in started.urls]
        if unnamed:
            started.stop()
            stop_run(
                pytestconfig,
                f"pytest_sitewise_start_targets started {', '.join(started.urls)} but not"
                f" {', '.join(unnamed)}.",
                pytest.ExitCode.INTERNAL_ERROR,
            )
        targets = Targets({**urls, **{n: started.urls[n] for n in missing}}, started=missing)
        pytestconfig.stash[STARTED_KEY] = targets
        try:
            yield targets
        finally:
            started.stop()
