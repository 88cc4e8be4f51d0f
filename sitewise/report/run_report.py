"""The run's report: results.json, report.html and JUnit XML's retries, written at its end.

Registered on the controller (or the only process) for a run that writes reports
(`RunJournal.keeps`). The tests come from the run's journal (sitewise.report.journal),
which every writer of the run reads; the run-wide files a11y.json and vitals.json, which
their plugins write at the end of the session, are read for the report's sections.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import time
from collections.abc import Generator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from sitewise.config.plugin import reports_dir_of
from sitewise.report import junit
from sitewise.report.collector import ResultsCollector
from sitewise.report.html import write_html
from sitewise.report.journal import RunJournal
from sitewise.report.model import (
    A11Y_FILE,
    FAILING,
    HTML_FILE,
    RESULTS_FILE,
    VITALS_FILE,
    Results,
    RunFailure,
    RunInfo,
    TestResult,
)
from sitewise.report.retries import RETRIES_KEY
from sitewise.report.runwide import api_latency_failures, read_document
from sitewise.run.timeouts import stopped_by_limit

REPORT_PLUGIN = "e2e-run-report"
# pytest-rerunfailures' --fail-on-flaky: "Fail the test run with exit code 7 if a flaky test
# passes on a rerun."
FLAKY_EXIT_STATUS = 7
# Written at the end of a run by the accessibility and vitals plugins, read for the
# report's run-wide sections.
RUN_FILES = (A11Y_FILE, VITALS_FILE)
_EXIT_REASONS = {
    1: "exit status 1 (tests failed) though no test failed: a plugin failed the run;"
    " see the terminal output",
    2: "exit status 2: the run was interrupted",
    3: "exit status 3: internal error in pytest or a plugin",
    4: "exit status 4: pytest was used wrongly (a usage error)",
    5: "exit status 5: no tests were collected",
    FLAKY_EXIT_STATUS: "exit status 7: --fail-on-flaky and a flaky test",
}
CI_VARIABLES = (
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_SHA",
    "GITHUB_REF_NAME",
    "GITHUB_JOB",
)


class RunReport:
    """Writes the run's reports at its end, from the run's journal."""

    def __init__(self, config: pytest.Config, journal: RunJournal) -> None:
        self.config = config
        self.journal = journal
        self.reports_dir = reports_dir_of(config)
        self.collector = ResultsCollector(
            self.reports_dir, config.invocation_params.dir, journal.log
        )
        self.started = time.time()
        self.results: Results | None = None
        self.session: pytest.Session | None = None
        self.tests: list[TestResult] = []
        self.drawn_from: tuple[object, ...] = ()
        self.written: list[Path] = []
        self.failed_on_flaky = False

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.started = time.time()
        self.session = session
        # Written only by a run with checks or measurements: one an earlier run left would
        # be drawn in this run's report (and merged with it) as if it were this run's.
        for name in RUN_FILES:
            (self.reports_dir / name).unlink(missing_ok=True)

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(
        self, session: pytest.Session, exitstatus: int
    ) -> Generator[None, None, None]:
        # After every plain implementation, whatever its tryfirst or trylast: junitxml has
        # written its file, pytest-rerunfailures and the API latency gate have set the exit
        # status, and a11y.json and vitals.json are written (their plugins' sessionfinish).
        result = yield
        self.finish(session)
        return result

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # After every pytest_sessionfinish, wrappers included: if one of them wrote a run file
        # or changed the exit status after the report was drawn, draw it again.
        if self.results is None or self.session is None:
            return
        if self._inputs(self.session) != self.drawn_from:
            self._write(self.session)

    def finish(self, session: pytest.Session) -> Results:
        if self.results is not None:
            return self.results
        self.tests = self.collector.tests()
        flaky = [t for t in self.tests if t.outcome == "flaky"]
        fail_on_flaky = getattr(self.config.option, "fail_on_flaky", False)
        # The exit code pytest-rerunfailures' help gives (7), also under xdist, where its
        # own check does not see the workers' items; a run that failed otherwise keeps its own.
        if fail_on_flaky and flaky and session.exitstatus in (0, FLAKY_EXIT_STATUS):
            session.exitstatus = FLAKY_EXIT_STATUS
            self.failed_on_flaky = True
        results = self._write(session)
        xml = self._junit_path()
        if xml is not None and xml.exists() and any(t.retries for t in self.tests):
            junit.collapse_retries(xml, self.tests)
        return results

    def _inputs(self, session: pytest.Session) -> tuple[object, ...]:
        """What the report is drawn from besides the tests: exit status and run files."""
        stamps: list[object] = [int(session.exitstatus)]
        for name in RUN_FILES:
            try:
                stat = (self.reports_dir / name).stat()
            except OSError:
                stamps.append(None)
            else:
                stamps.append((stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)

    def _write(self, session: pytest.Session) -> Results:
        tests = self.tests
        results = Results(runs=[self._run_info(session, tests)], tests=tests)
        results.runs[0].counts = results.counts()
        self.results = results
        self.drawn_from = self._inputs(session)
        written = [results.save(self.reports_dir), write_html(results, self.reports_dir)]
        self.written += [path for path in written if path not in self.written]
        return results

    def _failures(self, session: pytest.Session, tests: list[TestResult]) -> list[RunFailure]:
        """Why the run failed besides its failing tests (see RunFailure)."""
        failures = []
        if self.failed_on_flaky:
            flaky = sum(1 for t in tests if t.outcome == "flaky")
            failures.append(
                RunFailure(
                    kind="flaky",
                    message=f"--fail-on-flaky: {flaky} flaky test(s) (exit code"
                    f" {FLAKY_EXIT_STATUS})",
                )
            )
        vitals, _ = read_document(self.reports_dir / VITALS_FILE)
        failures += api_latency_failures(vitals)
        status = int(session.exitstatus)
        stopped = stopped_by_limit(self.config)
        if stopped:
            failures.append(RunFailure(kind="time-limit", message=self._stopped_message(stopped)))
            if status == pytest.ExitCode.INTERRUPTED:
                return failures
        tests_failed = any(t.outcome in FAILING for t in tests)
        if self.failed_on_flaky and status == FLAKY_EXIT_STATUS:
            return failures
        if status not in (0, 1) or (status == 1 and not failures and not tests_failed):
            failures.append(RunFailure(kind="exit-status", message=exit_reason(status)))
        return failures

    def _stopped_message(self, stopped: str) -> str:
        not_started = len((self.journal.collected or set()) - {t.nodeid for t in self.tests})
        return f"{stopped} ({not_started} test(s) not started)"

    def _junit_path(self) -> Path | None:
        xmlpath = getattr(self.config.option, "xmlpath", None)
        if not xmlpath:
            return None
        return Path(
            os.path.normpath(os.path.abspath(os.path.expanduser(os.path.expandvars(xmlpath))))
        )

    def _run_info(self, session: pytest.Session, tests: list[TestResult]) -> RunInfo:
        config = self.config
        browsers = sorted({t.browser for t in tests if t.browser}) or list(
            getattr(config.option, "browser", None) or []
        )
        shard = config.getoption("--shard") or ""
        if not shard and getattr(config.option, "splits", None):
            shard = f"{config.option.group}/{config.option.splits}"
        label = "-".join(browsers) or "local"
        if shard:
            label += f" shard {shard}"
        versions = {}
        for package in ("pytest", "playwright", "pytest-playwright", "pytest-xdist"):
            try:
                versions[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                continue
        return RunInfo(
            label=label,
            started=dt.datetime.fromtimestamp(self.started, dt.UTC).isoformat(timespec="seconds"),
            duration=round(time.time() - self.started, 3),
            exit_status=int(session.exitstatus),
            args=list(config.invocation_params.args),
            hostname=socket.gethostname(),
            platform=platform.platform(terse=True),
            python=platform.python_version(),
            versions=versions,
            browsers=browsers,
            shard=shard,
            retries=config.stash.get(RETRIES_KEY, (0, ""))[0],
            workers=len({t.worker for t in tests if t.worker}),
            ci={name: os.environ[name] for name in CI_VARIABLES if os.environ.get(name)},
            failures=self._failures(session, tests),
            partial_reasons=self.journal.partial_reasons(session, int(session.exitstatus)),
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        results = self.results
        if results is None:
            return
        flaky = [t for t in results.tests if t.outcome == "flaky"]
        writer = terminalreporter
        if flaky:
            writer.write_sep("=", f"flaky tests: {len(flaky)}", yellow=True, bold=True)
            for test in flaky:
                first = next((a for a in test.attempts if a.outcome != "passed"), None)
                why = f" - first failure: {first.message}" if first and first.message else ""
                writer.write_line(
                    f"FLAKY {test.nodeid} (passed on attempt {len(test.attempts)}){why}",
                    yellow=True,
                )
                traces = [
                    art.path
                    for attempt in test.attempts[:-1]
                    for art in attempt.artifacts
                    if art.kind == "trace" and art.path
                ]
                for trace in traces:
                    path = Path(trace)
                    shown = path if path.is_absolute() else self.reports_dir / path
                    writer.write_line(f"  trace: python -m playwright show-trace {shown}")
            if self.failed_on_flaky:
                writer.write_line(
                    f"--fail-on-flaky: the flaky tests above fail this run"
                    f" (exit code {FLAKY_EXIT_STATUS}).",
                    red=True,
                    bold=True,
                )
        stopped = stopped_by_limit(self.config)
        if stopped:
            writer.write_sep("=", "run stopped", red=True, bold=True)
            writer.write_line(self._stopped_message(stopped), red=True, bold=True)
        for path in self.written:
            name = "HTML report" if path.name == HTML_FILE else "results"
            if path.name in (HTML_FILE, RESULTS_FILE):
                writer.write_line(f"{name}: {path}")


def exit_reason(status: int) -> str:
    """A non-zero exit status in words, for the report's header."""
    return _EXIT_REASONS.get(status, f"exit status {status}")


def running_report(config: pytest.Config) -> RunReport | None:
    """The controller's RunReport (None in an xdist worker)."""
    plugin = config.pluginmanager.get_plugin(REPORT_PLUGIN)
    return plugin if isinstance(plugin, RunReport) else None
