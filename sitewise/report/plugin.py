"""Reports of a run: every run of the suite writes them under the reports folder.

- JUnit XML (pytest's --junitxml, defaulted to <reports>/junit.xml), results.json and a
  self-contained report.html (sitewise.report.run_report), and pytest-playwright's traces,
  screenshots and videos (its --output, defaulted to <reports>/artifacts). Under
  pytest-xdist only the controller sees every test, through `pytest_runtest_logreport`, so
  it alone writes the reports, from the run's journal (sitewise.report.journal); workers
  add what the controller cannot know (browser, viewport, markers) to their reports.
- Retries, flaky tests and CI shards are sitewise.report.retries, loaded with this module.
- What is not a run. A run that runs no test (`--collect-only`, `--fixtures`,
  `--fixtures-per-test`) and a run of pytest plugins' self-tests (one with `pytester`)
  leave the reports folder as the last run of the suite wrote it: no report, no JUnit
  XML, no artifacts folder emptied (`keeps_reports`).
"""

from __future__ import annotations

import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from sitewise.config.plugin import reports_dir_of, suite_config_of
from sitewise.report.journal import journal_of, keeps_reports, runs_tests
from sitewise.report.model import JUNIT_FILE
from sitewise.report.records import META_ATTR
from sitewise.report.retries import given
from sitewise.report.run_report import REPORT_PLUGIN, RunReport, running_report

pytest_plugins = ["sitewise.report.retries", "sitewise.report.verdicts"]

__all__ = ["keeps_reports", "report_meta", "running_report", "runs_tests"]

PLAYWRIGHT_DEFAULT_OUTPUT = "test-results"
# Markers that say how a test is run rather than what it is about.
_PLUMBING_MARKERS = {
    "parametrize",
    "usefixtures",
    "filterwarnings",
    "browser_context_args",
    "viewports",
}
_PROPERTIES_KEY = pytest.StashKey[list[tuple[str, object]]]()


def pytest_configure(config: pytest.Config) -> None:
    # After sitewise.config.plugin (tryfirst) resolved the reports folder; before junitxml's
    # own pytest_configure, which reads the option set here.
    journal = journal_of(config)
    if journal.keeps:
        return
    reports = reports_dir_of(config)
    if getattr(config.option, "xmlpath", "") is None:
        config.option.xmlpath = str(reports / JUNIT_FILE)
    output = getattr(config.option, "output", None)
    if output == PLAYWRIGHT_DEFAULT_OUTPUT and not given(config, "--output"):
        config.option.output = str(reports / "artifacts")
    if not journal.worker:
        config.pluginmanager.register(RunReport(config, journal), REPORT_PLUGIN)


def pytest_report_header(config: pytest.Config) -> list[str]:
    kept = keeps_reports(config)
    if kept:
        return [f"e2e report: not written ({kept}); the reports folder is left as it is"]
    return []


def pytest_sessionstart(session: pytest.Session) -> None:
    # Instead of pytest-playwright's delete_output_dir fixture, which every xdist worker
    # runs (sitewise.browsers.plugin replaces it): once, before any worker starts.
    config = session.config
    if hasattr(config, "workerinput") or not runs_tests(config):
        return
    output = getattr(config.option, "output", None)
    if output:
        # What pytest-playwright's delete_output_dir did, once for the whole run.
        shutil.rmtree(Path(config.invocation_params.dir, output), ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A retry runs the same item again; its report must carry its own attachments only,
    # not the failed attempt's too (those went with that attempt's report).
    kept = item.stash.get(_PROPERTIES_KEY, None)
    if kept is None:
        item.stash[_PROPERTIES_KEY] = list(item.user_properties)
    else:
        item.user_properties[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "setup":
        # A plain dict travels with the report from an xdist worker to the controller.
        setattr(report, META_ATTR, report_meta(item))
    return report


def report_meta(item: pytest.Item) -> dict[str, Any]:
    """Browser, viewport, markers and docstring of a test, for the report."""
    callspec = getattr(item, "callspec", None)
    params: dict[str, Any] = dict(callspec.params) if callspec is not None else {}
    viewport = params.get("viewport")
    viewport_name = str(getattr(viewport, "name", viewport or ""))
    size = ""
    if viewport_name:
        try:
            config = suite_config_of(item.config).viewport(viewport_name)
        except KeyError:
            config = None
        if config is not None:
            if config.width and config.height:
                size = f"{config.width}×{config.height}"
            size = " ".join(part for part in (config.device, size) if part)
    markers: list[str] = []
    for marker in item.iter_markers():
        if marker.name not in _PLUMBING_MARKERS and marker.name not in markers:
            markers.append(marker.name)
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    return {
        "browser": str(params.get("browser_name", "")),
        "viewport": viewport_name,
        "viewport_size": size,
        "markers": markers,
        "description": doc.strip().splitlines()[0] if doc.strip() else "",
    }
