"""Reports, retries, flaky tests and CI shards: what Playwright Test has built in, the pytest way.

- Reports. Every run writes under the reports folder: JUnit XML (pytest's --junitxml,
  defaulted to <reports>/junit.xml), results.json and a self-contained report.html
  (sitewise.report), and pytest-playwright's traces, screenshots and videos (its --output,
  defaulted to <reports>/artifacts). Under pytest-xdist only the controller sees every
  test, through `pytest_runtest_logreport`, so it alone writes the reports; workers add
  what the controller cannot know (browser, viewport, markers) to their reports.
- Retries. With CI=true and no --reruns given, pytest-rerunfailures retries a failed test
  `[report] ci_retries` times (2); locally nothing is retried unless asked. A test that
  passes on a retry is flaky: "FLAKY" in the terminal and the report, never plain green.
  pytest-playwright keeps each attempt's artifacts (the first one's, then `-retryN`
  folders), and so does the report. --fail-on-flaky (pytest-rerunfailures' flag) makes a
  run with a flaky test fail with exit code 1, also under xdist.
- Shards. `--shard I/N` runs part I of N: pytest-split's --splits N --group I, balanced
  by the durations in .test_durations (least_duration), disjoint and together the whole.
- What is not a run. A run that runs no test (`--collect-only`, as an editor's test
  discovery does; `--fixtures`, `--fixtures-per-test`) and a run of pytest plugins'
  self-tests (one with `pytester`, whose tests are runs of tiny suites of their own)
  leave the reports folder as the last run of the suite wrote it: no report, no JUnit
  XML, no artifacts folder emptied.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import shutil
import socket
import time
from collections.abc import Generator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from sitewise.config.plugin import reports_dir_of, suite_config_of
from sitewise.report import junit
from sitewise.report.collector import META_ATTR, ResultsCollector
from sitewise.report.html import write_html
from sitewise.report.model import (
    A11Y_FILE,
    FAILING,
    HTML_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    VITALS_FILE,
    Results,
    RunFailure,
    RunInfo,
    TestResult,
)
from sitewise.report.runwide import api_latency_failures, read_document

PLAYWRIGHT_DEFAULT_OUTPUT = "test-results"
DURATIONS_FILE = ".test_durations"
BROWSERS = ("chromium", "firefox", "webkit")
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
# Markers that say how a test is run rather than what it is about.
_PLUMBING_MARKERS = {
    "parametrize",
    "usefixtures",
    "filterwarnings",
    "browser_context_args",
    "viewports",
}
_PROPERTIES_KEY = pytest.StashKey[list[tuple[str, object]]]()
RETRIES_KEY = pytest.StashKey[tuple[int, str]]()
REPORT_PLUGIN = "e2e-run-report"
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("e2e").addoption(
        "--shard",
        default=None,
        metavar="I/N",
        help="Run shard I of N (1-based): the tests split into N disjoint parts balanced by the"
        f" durations recorded in {DURATIONS_FILE} (pytest-split's --splits N --group I,"
        " least_duration). Record durations with --store-durations.",
    )


def _given(config: pytest.Config, *names: str) -> bool:
    """Whether the user gave one of these options (command line, PYTEST_ADDOPTS or addopts)."""
    args = [
        *config.invocation_params.args,
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *config.getini("addopts"),
    ]
    return any(arg == name or arg.startswith(name + "=") for arg in args for name in names)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def parse_shard(value: str) -> tuple[int, int]:
    """`I/N` as (I, N); a UsageError that says what is expected otherwise."""
    match = _SHARD.match(value)
    if not match:
        raise pytest.UsageError(
            f"--shard {value}: expected I/N, e.g. --shard 2/4 for shard 2 of 4."
        )
    index, total = int(match[1]), int(match[2])
    if total < 1 or not 1 <= index <= total:
        raise pytest.UsageError(
            f"--shard {value}: I must be between 1 and N (shards are numbered from 1)."
        )
    return index, total


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Before pytest_configure, where pytest-split decides whether to split: each xdist
    # worker runs this too, from the same arguments, and so selects the same shard.
    if hasattr(config.option, "durations_path") and not _given(config, "--durations-path"):
        # pytest-split's default is the working directory's; the suite's file is at its root.
        config.option.durations_path = str(config.rootpath / DURATIONS_FILE)
    shard = config.getoption("--shard")
    if not shard:
        return
    index, total = parse_shard(shard)
    if not hasattr(config.option, "splits"):
        raise pytest.UsageError("--shard needs pytest-split: pip install pytest-split==0.11.0")
    if (config.option.splits, config.option.group) not in ((None, None), (total, index)):
        raise pytest.UsageError(f"--shard {shard} and --splits/--group: give one or the other.")
    config.option.splits, config.option.group = total, index
    if not _given(config, "--splitting-algorithm"):
        # Spreads long tests over the shards, unlike the default's contiguous chunks.
        config.option.splitting_algorithm = "least_duration"


def pytest_configure(config: pytest.Config) -> None:
    # After sitewise.config.plugin (tryfirst) resolved the reports folder; before junitxml's and
    # pytest-rerunfailures' own pytest_configure, which read the options set here.
    config.stash[RETRIES_KEY] = _default_retries(config)
    if keeps_reports(config):
        return
    reports = reports_dir_of(config)
    if getattr(config.option, "xmlpath", "") is None:
        config.option.xmlpath = str(reports / JUNIT_FILE)
    output = getattr(config.option, "output", None)
    if output == PLAYWRIGHT_DEFAULT_OUTPUT and not _given(config, "--output"):
        config.option.output = str(reports / "artifacts")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(RunReport(config), REPORT_PLUGIN)


def runs_tests(config: pytest.Config) -> bool:
    """Whether this run runs tests: not `--collect-only`, `--fixtures`, `--fixtures-per-test`."""
    option = config.option
    return not (
        option.collectonly
        or getattr(option, "showfixtures", False)
        or getattr(option, "show_fixtures_per_test", False)
    )


def keeps_reports(config: pytest.Config) -> str:
    """Why this run leaves the reports folder as the last run wrote it, or "" (it writes it)."""
    if not runs_tests(config):
        return "it runs no test"
    if config.pluginmanager.has_plugin("pytester"):
        return "a run of plugins' self-tests, with pytester"
    return ""


def _default_retries(config: pytest.Config) -> tuple[int, str]:
    if not hasattr(config.option, "reruns"):
        return 0, "pytest-rerunfailures not installed"
    given = config.option.reruns
    if given is None and config.getini("reruns"):
        given = int(config.getini("reruns"))
    if config.option.force_reruns is not None:
        return int(config.option.force_reruns), "--force-reruns"
    if given is not None:
        return int(given), "--reruns"
    if in_ci():
        retries = suite_config_of(config).report.ci_retries
        config.option.reruns = retries
        return retries, "CI=true"
    return 0, "local run; --reruns N to retry"


def pytest_report_header(config: pytest.Config) -> list[str]:
    retries, why = config.stash.get(RETRIES_KEY, (0, ""))
    lines = [f"e2e retries: {retries} ({why})"]
    kept = keeps_reports(config)
    if kept:
        lines.append(f"e2e report: not written ({kept}); the reports folder is left as it is")
    shard = config.getoption("--shard")
    if shard:
        durations = Path(config.option.durations_path)
        where = durations if durations.exists() else f"{durations} missing: split by count"
        lines.append(f"e2e shard: {shard} (pytest-split least_duration; durations: {where})")
    return lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # pytest-split (trylast) balances by node id; a test recorded under one browser keeps its
    # weight under another ([chromium-desktop] -> [firefox-desktop]) instead of the average.
    split = config.pluginmanager.get_plugin("pytestsplitplugin")
    durations = getattr(split, "cached_durations", None)
    if not isinstance(durations, dict) or not durations:
        return
    for item in items:
        if item.nodeid in durations:
            continue
        other = _recorded_under_other_browser(item, durations)
        if other is not None:
            durations[item.nodeid] = other


def _recorded_under_other_browser(item: pytest.Item, durations: dict[str, float]) -> float | None:
    callspec = getattr(item, "callspec", None)
    browser = callspec.params.get("browser_name") if callspec is not None else None
    if browser not in BROWSERS:
        return None
    path, bracket, params = item.nodeid.partition("[")
    for other in BROWSERS:
        swapped = re.sub(rf"(?<![^\-\[]){browser}(?=[\-\]])", other, bracket + params)
        duration = durations.get(path + swapped)
        if other != browser and duration is not None:
            return float(duration)
    return None


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


def is_flaky_pass(report: pytest.TestReport) -> bool:
    """The final, passing call of a test that failed before (pytest-rerunfailures' `rerun`
    index is the attempt number, from 0)."""
    return (
        report.when == "call"
        and report.passed
        and not hasattr(report, "wasxfail")
        and isinstance(getattr(report, "rerun", None), int)
        and report.rerun > 0
    )


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(
    report: pytest.CollectReport | pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    if isinstance(report, pytest.TestReport) and is_flaky_pass(report):
        return "flaky", "K", ("FLAKY", {"yellow": True})
    return None


class RunReport:
    """The controller's side: collects every report, writes the run's reports at the end.

    Registered only for a run that writes reports (see `keeps_reports`).
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.reports_dir = reports_dir_of(config)
        self.collector = ResultsCollector(self.reports_dir, config.invocation_params.dir)
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

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.collector.add(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collector.add_collect_error(report)

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
        # pytest-rerunfailures' own exit code for this is 7, and only without xdist.
        if fail_on_flaky and flaky and session.exitstatus in (pytest.ExitCode.OK, 7):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
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
                RunFailure(kind="flaky", message=f"--fail-on-flaky: {flaky} flaky test(s)")
            )
        vitals, _ = read_document(self.reports_dir / VITALS_FILE)
        failures += api_latency_failures(vitals)
        status = int(session.exitstatus)
        tests_failed = any(t.outcome in FAILING for t in tests)
        if status not in (0, 1) or (status == 1 and not failures and not tests_failed):
            failures.append(RunFailure(kind="exit-status", message=exit_reason(status)))
        return failures

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
                    "--fail-on-flaky: the flaky tests above fail this run (exit code 1).",
                    red=True,
                    bold=True,
                )
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
