"""Web Vitals and API latency fixtures: measure a page against its budget, per profile.

`measure_vitals(target, page_name=..., profile=..., interact=...)` loads the page
[performance] runs times, each in a fresh context with the collector as an init script
and the profile's throttling (Chromium), and returns a `VitalsReport`; the checks
`assert_within_budget(report)` and `assert_api_latency(report)` raise an AssertionError
whose message is the readable report; `assert_vitals(...)` measures and checks the budget
in one call (and one page's API latency when asked: `check_api=True`).

Every measurement is attached to its test (`kind="vitals"`, chart data) and written in
full under the test's artifact folder; the controller merges the attachments of all
xdist workers into `<reports_dir>/vitals.json` at the end of the run. There, too, API
latency is judged: each endpoint's p95 over every call of the run's performance specs
(tests marked `performance`; other measurements, such as the self-tests' fixture pages,
are recorded but not judged) against [performance] api_p95_ms. An endpoint over it
fails the run (exit status 1) with one message naming it, its p95, its call count and
its slowest calls, as pytest-cov's --cov-fail-under fails a run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from sitewise.artifacts import artifact_dir, attach
from sitewise.config.model import SuiteConfig, ViewportConfig
from sitewise.config.plugin import reports_dir_of, suite_config_of
from sitewise.report.journal import RunJournal, journal_of
from sitewise.report.verdicts import Verdict, register_feeds, report_verdict
from sitewise.vitals.api import (
    MIN_P95_CALLS,
    TIMING,
    RunEndpointLatency,
    pooled_measurements,
    run_latency,
)
from sitewise.vitals.report import VitalsReport
from sitewise.vitals.runner import ContextFactory, Interaction, MeasureSpec, Target, measure_page
from sitewise.vitals.throttling import unsupported_reason

log = logging.getLogger(__name__)

VITALS_KIND = "vitals"
PERFORMANCE_MARKER = "performance"
VITALS_FILE = "vitals.json"


class MeasureVitals(Protocol):
    def __call__(
        self,
        target: Target,
        *,
        page_name: str,
        profile: str | None = None,
        interact: Interaction | None = None,
        runs: int | None = None,
        init_script: str | None = None,
        context_args: Mapping[str, Any] | None = None,
    ) -> VitalsReport: ...


class CheckVitals(Protocol):
    def __call__(self, report: VitalsReport) -> None: ...


class AssertVitals(Protocol):
    def __call__(
        self,
        target: Target,
        *,
        page_name: str,
        profile: str | None = None,
        interact: Interaction | None = None,
        runs: int | None = None,
        init_script: str | None = None,
        context_args: Mapping[str, Any] | None = None,
        check_api: bool = False,
    ) -> VitalsReport: ...


def default_profile(suite: SuiteConfig, viewport: ViewportConfig) -> str:
    """The profile named like the viewport (desktop, mobile), else the first one."""
    profiles = suite.performance.profiles
    return viewport.name if viewport.name in profiles else next(iter(profiles))


def check_within_budget(report: VitalsReport) -> None:
    """Fail on any metric over budget; skip when a budgeted metric could not be measured.

    A metric the browser does not support is reported as skipped and never passes: the
    test skips with the list of them, after the measurable ones were checked.
    """
    __tracebackhide__ = True
    if report.failures:
        raise AssertionError(report.budget_message())
    if report.skipped:
        pytest.skip(report.skip_message())


def check_api_latency(report: VitalsReport) -> None:
    """Fail when an API endpoint's p95 over the measured loads is not under the budget."""
    __tracebackhide__ = True
    if report.api_failures:
        raise AssertionError(report.api_message())


@pytest.fixture
def vitals_profile(suite_config: SuiteConfig, viewport: ViewportConfig) -> str:
    """The throttling profile a measurement uses unless it names one: the viewport's name
    when [performance.profiles] has it (desktop, mobile), else the first profile."""
    return default_profile(suite_config, viewport)


@pytest.fixture
def measure_vitals(
    new_context: ContextFactory,
    browser_context_args: dict[str, Any],
    browser_name: str,
    viewport: ViewportConfig,
    vitals_profile: str,
    suite_config: SuiteConfig,
    reports_dir: Path,
    request: pytest.FixtureRequest,
) -> MeasureVitals:
    """Measure a page's Web Vitals: returns `measure(target, *, page_name, ...)`.

    Costs [performance] runs page loads, each in a new context (two per run under a
    profile that throttles the network: the unthrottled one gives TTFB and API latency),
    each waiting [performance] settle_ms of quiet after the load and after `interact`.
    A throttled profile on Firefox or WebKit skips the test with its reason.
    """
    performance = suite_config.performance

    def measure(
        target: Target,
        *,
        page_name: str,
        profile: str | None = None,
        interact: Interaction | None = None,
        runs: int | None = None,
        init_script: str | None = None,
        context_args: Mapping[str, Any] | None = None,
    ) -> VitalsReport:
        profile = profile or vitals_profile
        if profile not in performance.profiles:
            raise ValueError(
                f"profile {profile!r} is not in [performance.profiles]: "
                + ", ".join(performance.profiles)
            )
        clash = sorted(set(context_args or {}) & set(browser_context_args))
        if clash:
            # new_context() passes browser_context_args too: a repeated key is a TypeError.
            raise ValueError(
                f"context_args {', '.join(clash)} already come from browser_context_args"
                " (the viewport's); override that fixture instead"
            )
        reason = unsupported_reason(browser_name, profile, performance.profiles[profile])
        if reason:
            pytest.skip(f"{page_name}: {reason}")
        spec = MeasureSpec(
            target=target,
            page_name=page_name,
            profile=profile,
            budget=performance.budget_for(page_name, profile),
            runs=runs or performance.runs,
            browser=browser_name,
            viewport=viewport.name,
            interact=interact,
            init_script=init_script,
            context_args=context_args,
        )
        report = measure_page(
            new_context,
            spec,
            performance,
            action_timeout_ms=suite_config.timeouts.action_ms,
            navigation_timeout_ms=suite_config.timeouts.navigation_ms,
        )
        _record(request.node, reports_dir, report)
        return report

    return measure


def _record(node: pytest.Item, reports_dir: Path, report: VitalsReport) -> None:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{report.page}-{report.profile}").strip("-")
    folder = artifact_dir(reports_dir, node.nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"vitals-{name}.json"
    path.write_text(json.dumps(report.to_dict(), indent=2, default=str), encoding="utf-8")
    attach(node, VITALS_KIND, f"Web Vitals: {report.title()}", path=path, data=report.chart_data())
    log.info("vitals of %s written to %s", report.title(), path)


@pytest.fixture
def assert_within_budget() -> CheckVitals:
    """`check(report)`: AssertionError naming page, metric, runs, budget, profile and culprit
    for each metric whose median is over budget; a skip when one was unsupported. Free."""
    return check_within_budget


@pytest.fixture
def assert_api_latency() -> CheckVitals:
    """`check(report)`: AssertionError listing each API endpoint whose p95 is not under
    [performance] api_p95_ms, with every call's duration. Free."""
    return check_api_latency


@pytest.fixture
def assert_vitals(measure_vitals: MeasureVitals) -> AssertVitals:
    """Measure and check in one call: the budget, and with `check_api=True` this page's own
    API latency too (its few calls; the run-wide check of every endpoint happens anyway at
    the end of the run). Costs what `measure_vitals` costs."""

    def measure_and_check(
        target: Target,
        *,
        page_name: str,
        profile: str | None = None,
        interact: Interaction | None = None,
        runs: int | None = None,
        init_script: str | None = None,
        context_args: Mapping[str, Any] | None = None,
        check_api: bool = False,
    ) -> VitalsReport:
        __tracebackhide__ = True
        report = measure_vitals(
            target,
            page_name=page_name,
            profile=profile,
            interact=interact,
            runs=runs,
            init_script=init_script,
            context_args=context_args,
        )
        messages = [report.budget_message()] if report.failures else []
        if check_api and report.api_failures:
            messages.append(report.api_message())
        if messages:
            raise AssertionError("\n".join(messages))
        check_within_budget(report)
        return report

    return measure_and_check


class VitalsJournal:
    """Writes the vitals attachments of every test, from every xdist worker, to one
    vitals.json on the controller (or the only process) at the end, and judges the run's
    API latency per endpoint. The tests come from the run's journal
    (sitewise.report.journal): the measurements of each test's last attempt that made
    any, its outcome as results.json gives it, and whether it is a performance spec (its
    keywords)."""

    def __init__(self, config: pytest.Config, journal: RunJournal) -> None:
        self.config = config
        self.journal = journal
        self.latency: tuple[RunEndpointLatency, ...] = ()

    def entries(self) -> list[dict[str, Any]]:
        """One entry per measurement of the run, by node id."""
        entries = []
        for test in sorted(self.journal.tests(), key=lambda t: t.nodeid):
            # A retry measures again: its measurements stand for the test's.
            measured = [a.attachments(VITALS_KIND) for a in test.ran()]
            for found in next((m for m in reversed(measured) if m), []):
                entries.append(
                    {
                        "nodeid": test.nodeid,
                        "outcome": test.outcome,
                        # The performance specs' API calls are judged together (see above).
                        "judged": PERFORMANCE_MARKER in test.keywords,
                        **found.data,
                    }
                )
        return entries

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        entries = self.entries()
        if not entries:
            return
        performance = suite_config_of(self.config).performance
        judged = [entry for entry in entries if entry["judged"]]
        self.latency = run_latency(pooled_measurements(judged), performance.api_p95_ms)
        if not self.journal.keeps:
            document = {
                "schema": 1,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "settle_ms": performance.settle_ms,
                "api_p95_ms": performance.api_p95_ms,
                "api_latency": {
                    "budget_p95_ms": performance.api_p95_ms,
                    "timing": TIMING,
                    "endpoints": [e.to_dict() for e in self.latency],
                },
                "measurements": entries,
            }
            path = reports_dir_of(self.config) / VITALS_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
        # The verdict is the run's, written or not (a self-test run keeps the reports folder),
        # and a test case of its own: JUnit, results.json and --lf see it.
        if judged:
            failing = [e for e in self.latency if e.status == "fail"]
            budget = performance.api_p95_ms
            lines = [e.describe() for e in (failing or self.latency)]
            head = (
                f"API latency over the budget of {budget:g} ms ([performance] api_p95_ms) on"
                f" {len(failing)} endpoint(s), over every call of the run's performance specs:"
                if failing
                else f"every endpoint within {budget:g} ms at p95:"
            )
            report_verdict(
                session,
                Verdict(API_LATENCY, not failing, "\n".join([head, *lines]), _is_performance),
            )
        if any(e.status == "fail" for e in self.latency) and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.latency:
            return
        budget = self.latency[0].budget_ms
        failing = [e for e in self.latency if e.status == "fail"]
        terminalreporter.section("API latency")
        terminalreporter.write_line(
            f"every call of the run's performance specs ({TIMING}), budget {budget:.0f} ms"
            f" at p95 (an endpoint with under {MIN_P95_CALLS} calls: at its median):"
        )
        for endpoint in self.latency:
            terminalreporter.write_line(f"  {endpoint.describe()}", red=endpoint.status == "fail")
        if failing:
            terminalreporter.write_line(
                f"FAILED: API latency over the budget of {budget:.0f} ms ([performance]"
                f" api_p95_ms): {', '.join(e.endpoint for e in failing)}",
                red=True,
                bold=True,
            )
        if not self.journal.keeps:
            terminalreporter.write_line(f"report: {reports_dir_of(self.config) / VITALS_FILE}")


API_LATENCY = "api-latency"


def _is_performance(item: pytest.Item) -> bool:
    return item.get_closest_marker(PERFORMANCE_MARKER) is not None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{PERFORMANCE_MARKER}: Web Vitals against budgets, and API latency"
    )
    register_feeds(config, API_LATENCY, _is_performance)
    journal = journal_of(config)
    if not journal.worker:
        config.pluginmanager.register(VitalsJournal(config, journal), "e2e-vitals-journal")


def pytest_report_header(config: pytest.Config) -> list[str]:
    performance = suite_config_of(config).performance
    return [
        f"e2e performance: profiles {', '.join(performance.profiles)}; {performance.runs} runs"
        f" per page; settle {performance.settle_ms} ms; API p95 < {performance.api_p95_ms:g} ms"
    ]
