"""Flake hunting: `--repeat-each N` and `--retry-failed-at-end`.

- `--repeat-each N` runs every test N times, as Playwright Test's option of that name: it
  is pytest-repeat's `--count N` (its ids `test[1-3]`, `--repeat-scope`), under the name
  Playwright users know. Give one or the other.
- `--retry-failed-at-end` retries each failed test once more after the process has run
  all of its tests: serially, one after the other, with every fixture of the run torn
  down and set up again (as for a test of its own). A test that passes then is flaky
  (`FLAKY`, the `flaky` status in the reports, exit status 0, or 7 with
  `--fail-on-flaky`); one that fails again has both failures in its report. The earlier
  failure is counted as a rerun, as pytest-rerunfailures counts its retries, and its
  artifacts stay in `<test>/`, the retry's go to `<test>-retryN/`. Under pytest-xdist
  each worker retries its own failed tests once it has no more to run. A run stopped early
  (`-x`, `--maxfail`, `--max-duration`, Ctrl-C) retries nothing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

RETRIED_AT_END_ATTR = "sitewise_retried_at_end"
_RETRYING_KEY = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sitewise")
    group.addoption(
        "--repeat-each",
        type=int,
        default=None,
        metavar="N",
        help="Run each test N times (pytest-repeat's --count N, under Playwright Test's name).",
    )
    group.addoption(
        "--retry-failed-at-end",
        action="store_true",
        default=False,
        help="Once every test has run, run each failed test once more, serially; one that"
        " passes then is reported flaky (exit status 0, or 7 with --fail-on-flaky).",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Before pytest_configure; each xdist worker does the same from the same arguments.
    repeat = config.getoption("--repeat-each")
    if repeat is None:
        return
    if repeat < 1:
        raise pytest.UsageError(f"--repeat-each {repeat}: give how many times, 1 or more.")
    if not hasattr(config.option, "count"):
        raise pytest.UsageError(
            "--repeat-each needs pytest-repeat: pip install pytest-repeat==0.9.4"
        )
    count = config.option.count
    if count not in (None, 1, repeat):
        raise pytest.UsageError(
            f"--repeat-each {repeat} and --count {count}: give one or the other."
        )
    # pytest-repeat reads it when it parametrizes each test (pytest_generate_tests).
    config.option.count = repeat


def _runs_tests_here(config: pytest.Config) -> bool:
    """This process runs the tests (not xdist's controller, which hands them out)."""
    return not config.pluginmanager.has_plugin("dsession")


class _FailedTests:
    """The node ids of this process's tests whose last attempt failed."""

    def __init__(self) -> None:
        self.failed: dict[str, bool] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "setup":
            self.failed[report.nodeid] = False
        if report.failed and not hasattr(report, "wasxfail"):
            self.failed[report.nodeid] = True


_FAILED_PLUGIN = "sitewise-failed-tests"


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if config.getoption("--retry-failed-at-end") and _runs_tests_here(config):
        config.pluginmanager.register(_FailedTests(), _FAILED_PLUGIN)


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, Any, Any]:
    result = yield
    tracker = session.config.pluginmanager.get_plugin(_FAILED_PLUGIN)
    if not isinstance(tracker, _FailedTests) or session.shouldstop or session.shouldfail:
        return result
    failed = [item for item in session.items if tracker.failed.get(item.nodeid)]
    worker = _xdist_worker(session.config)
    for item in failed:
        if worker is not None:
            # An xdist worker sends each report with the index of the test it ran last,
            # which must be this one's (WorkerInteractor.pytest_runtest_logreport).
            worker.item_index = session.items.index(item)
        _retry(item)
        if session.shouldstop or session.shouldfail:
            break
    return result


def _xdist_worker(config: pytest.Config) -> Any:
    """pytest-xdist's plugin in a worker that forwards its reports, or None."""
    if not hasattr(config, "workerinput"):
        return None
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__name__ == "WorkerInteractor" and hasattr(plugin, "item_index"):
            return plugin
    return None


def _retry(item: pytest.Item) -> None:
    """Run `item` once more, on its own, as its next attempt."""
    config = item.config
    # The next attempt's number: pytest-rerunfailures' count, or 1 (the first run).
    attempt = int(getattr(item, "execution_count", 1) or 1)
    item.execution_count = attempt + 1  # type: ignore[attr-defined]
    item.stash[_RETRYING_KEY] = True
    # pytest-rerunfailures would run it again on failure, or not at all (its count of
    # failures is spent): this retry is one attempt.
    saved = getattr(config.option, "reruns", None)
    if hasattr(config.option, "reruns"):
        config.option.reruns = None
    try:
        item.ihook.pytest_runtest_protocol(item=item, nextitem=None)
    finally:
        if hasattr(config.option, "reruns"):
            config.option.reruns = saved
        item.stash[_RETRYING_KEY] = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if item.stash.get(_RETRYING_KEY, False):
        # pytest-rerunfailures' attempt index (sitewise.report.records, retries.is_flaky_pass).
        report.rerun = int(getattr(item, "execution_count", 2)) - 1  # type: ignore[attr-defined]
        setattr(report, RETRIED_AT_END_ATTR, True)
    return report


class _RerunCounter:
    """On the process that counts the run (the only one, or xdist's controller): the
    attempt an at-end retry replaces becomes a rerun, as pytest-rerunfailures' are, in the
    terminal's counts, the exit status and the run's journal (the same report objects)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.session: pytest.Session | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "setup" or not getattr(report, RETRIED_AT_END_ATTR, False):
            return
        terminal: Any = self.config.pluginmanager.get_plugin("terminalreporter")
        stats: dict[str, list[Any]] = getattr(terminal, "stats", {})
        for key in ("failed", "error"):
            for earlier in list(stats.get(key, [])):
                if getattr(earlier, "nodeid", None) != report.nodeid or getattr(
                    earlier, RETRIED_AT_END_ATTR, False
                ):
                    continue
                stats[key].remove(earlier)
                earlier.outcome = "rerun"
                stats.setdefault("rerun", []).append(earlier)
                if self.session is not None and self.session.testsfailed > 0:
                    self.session.testsfailed -= 1


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--retry-failed-at-end") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_RerunCounter(config), "sitewise-at-end-reruns")


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = []
    repeat = config.getoption("--repeat-each")
    if repeat:
        lines.append(f"e2e repeat: each test {repeat} times (--repeat-each, pytest-repeat)")
    if config.getoption("--retry-failed-at-end"):
        lines.append("e2e retries at the end: each failed test once more, serially")
    return lines
