"""Every test of a run as pytest's reports tell it: attempts, outcome, keywords, attachments.

Under pytest-xdist the controller has no test items, only the reports the workers send
(`pytest_runtest_logreport`), which carry `user_properties`, `longrepr`, `sections`,
`keywords`, the `rerun` index pytest-rerunfailures sets and the `e2e_meta` the report
plugin adds. So everything here works from reports alone, the same with or without xdist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sitewise.artifacts import Attachment, attachments
from sitewise.report.model import FAILING, Outcome

META_ATTR = "e2e_meta"
PHASES = ("setup", "call", "teardown")


def retried(report: pytest.TestReport) -> bool:
    """pytest-rerunfailures marks a failed attempt it retries with this outcome."""
    return str(report.outcome) == "rerun"


def outcome_of(
    by_phase: dict[str, pytest.TestReport],
) -> tuple[Any, str, pytest.TestReport | None]:
    """An attempt's outcome, the phase that decided it, and the report with its error."""
    setup, call, teardown = (by_phase.get(w) for w in PHASES)
    for report in (setup, call):
        if report is None:
            continue
        if report.failed or retried(report):
            kind = "error" if report.when == "setup" else "failed"
            return kind, report.when, report
        if report.skipped:
            kind = "xfailed" if hasattr(report, "wasxfail") else "skipped"
            return kind, report.when, report
    if teardown is not None and (teardown.failed or retried(teardown)):
        return "error", "teardown", teardown
    if call is not None and hasattr(call, "wasxfail"):
        return "xpassed", "call", None
    if call is None:
        # Interrupted between setup and call, or a crashed worker: nothing passed.
        return "error", "setup", setup
    return "passed", "", None


@dataclass
class AttemptRecord:
    """One run of a test (its setup, call and teardown reports)."""

    reports: dict[str, pytest.TestReport] = field(default_factory=dict)

    def done(self) -> bool:
        return "teardown" in self.reports

    def ordered(self) -> list[pytest.TestReport]:
        return [self.reports[w] for w in PHASES if w in self.reports]

    @property
    def last(self) -> pytest.TestReport:
        return self.ordered()[-1]

    @property
    def outcome(self) -> str:
        return str(outcome_of(self.reports)[0])

    def ended_before_teardown(self) -> bool:
        """Whether its setup or call failed or was skipped (the test body did not finish)."""
        return any(r.when != "teardown" and not r.passed for r in self.reports.values())

    def attachments(self, kind: str) -> list[Attachment]:
        """The attempt's attachments of one kind. Its last report (the teardown's) carries
        every attachment the attempt made, once: the report plugin resets them per attempt."""
        return [a for a in attachments(self.last.user_properties) if a.kind == kind]


@dataclass
class TestRecord:
    """One test over all its attempts (more than one when pytest-rerunfailures retried it)."""

    __test__ = False  # not a pytest test class despite its name

    nodeid: str
    order: int
    attempts: list[AttemptRecord] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    worker: str = ""
    location: str = ""
    keywords: set[str] = field(default_factory=set)
    # A module that failed to import, shown as an error as pytest's summary does.
    collect_error: bool = False

    def ran(self) -> list[AttemptRecord]:
        """Its attempts that sent a report (an index pytest-rerunfailures skipped has none)."""
        return [a for a in self.attempts if a.reports]

    @property
    def final(self) -> AttemptRecord:
        return self.ran()[-1]

    @property
    def outcome(self) -> Outcome:
        attempts = self.ran()
        final: Outcome = outcome_of(attempts[-1].reports)[0]
        if final == "passed" and any(a.outcome in FAILING for a in attempts[:-1]):
            return "flaky"
        return final

    def attachments(self, kind: str) -> Iterator[Attachment]:
        """Every attempt's attachments of one kind, the first attempt's first."""
        for attempt in self.ran():
            yield from attempt.attachments(kind)


class TestLog:
    """Collects reports as they arrive, test by test and attempt by attempt."""

    __test__ = False

    def __init__(self) -> None:
        self._tests: dict[str, TestRecord] = {}

    def add(self, report: pytest.TestReport) -> None:
        test = self._tests.get(report.nodeid)
        if test is None:
            test = self._tests[report.nodeid] = TestRecord(report.nodeid, len(self._tests))
        index = getattr(report, "rerun", None)
        if isinstance(index, int):
            while len(test.attempts) <= index:
                test.attempts.append(AttemptRecord())
            attempt = test.attempts[index]
        else:
            # Without pytest-rerunfailures a new setup after a teardown is a new attempt.
            if not test.attempts or (report.when == "setup" and test.attempts[-1].done()):
                test.attempts.append(AttemptRecord())
            attempt = test.attempts[-1]
        # pytest-xdist reports a test whose worker crashed with when="???".
        when = report.when if report.when in PHASES else "call"
        if when == "teardown" and when in attempt.reports and not report.failed:
            # A second teardown report of one attempt (rare): keep the failed one.
            return
        attempt.reports[when] = report
        test.keywords.update(str(k) for k in getattr(report, "keywords", {}) or {})
        meta = getattr(report, META_ATTR, None)
        if isinstance(meta, dict):
            test.meta = meta
        worker = getattr(report, "worker_id", None) or getattr(report, "node", None)
        if isinstance(worker, str):
            test.worker = worker
        location = getattr(report, "location", None)
        if location and not test.location:
            path, line, _ = location
            test.location = f"{path}:{line + 1}" if isinstance(line, int) else str(path)

    def add_collect_error(self, report: pytest.CollectReport) -> None:
        nodeid = report.nodeid or "(collection)"
        test = TestRecord(nodeid, len(self._tests), collect_error=True)
        self._tests[f"collect::{nodeid}"] = test
        fake = pytest.TestReport(
            nodeid, (nodeid, None, nodeid), {}, "failed", report.longrepr, "setup"
        )
        test.attempts.append(AttemptRecord({"setup": fake}))

    def tests(self) -> list[TestRecord]:
        """Every test that sent a report, in the order they first did, collection errors too."""
        ordered = sorted(self._tests.values(), key=lambda t: t.order)
        return [test for test in ordered if test.ran()]
