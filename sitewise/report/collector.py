"""Builds the results model from pytest's reports, as the controller receives them.

Under pytest-xdist the controller has no test items, only the reports the workers send
(`pytest_runtest_logreport`), which carry `user_properties`, `longrepr`, `sections`,
the `rerun` index pytest-rerunfailures sets and the `e2e_meta` our plugin adds. So
everything here works from reports alone, the same with or without xdist.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sitewise.artifacts import PROPERTY, attachments
from sitewise.report.model import Artifact, Attempt, Outcome, Section, TestResult, map_files

META_ATTR = "e2e_meta"
# pytest-playwright (>= 0.7) puts what it kept on the teardown report as these properties.
PLAYWRIGHT_PROPERTIES = {
    "playwright_trace": ("trace", "Trace"),
    "playwright_screenshot": ("screenshot", "Screenshot"),
    "playwright_video": ("video", "Video"),
}
SECTION_LIMIT = 20_000
ERROR_LIMIT = 60_000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_PHASES = ("setup", "call", "teardown")


def _plain(text: str, limit: int) -> str:
    text = _ANSI.sub("", text)
    if len(text) <= limit:
        return text
    return f"[{len(text) - limit} characters cut]\n" + text[-limit:]


@dataclass
class _Attempt:
    reports: dict[str, pytest.TestReport] = field(default_factory=dict)

    def done(self) -> bool:
        return "teardown" in self.reports


@dataclass
class _Test:
    nodeid: str
    order: int
    attempts: list[_Attempt] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    worker: str = ""
    location: str = ""


class ResultsCollector:
    """Collects reports as they arrive; `tests()` turns them into `TestResult`s."""

    def __init__(self, reports_dir: Path, invocation_dir: Path) -> None:
        self.reports_dir = reports_dir
        self.invocation_dir = invocation_dir
        self._tests: dict[str, _Test] = {}

    def add(self, report: pytest.TestReport) -> None:
        test = self._tests.get(report.nodeid)
        if test is None:
            test = self._tests[report.nodeid] = _Test(report.nodeid, len(self._tests))
        index = getattr(report, "rerun", None)
        if isinstance(index, int):
            while len(test.attempts) <= index:
                test.attempts.append(_Attempt())
            attempt = test.attempts[index]
        else:
            # Without pytest-rerunfailures a new setup after a teardown is a new attempt.
            if not test.attempts or (report.when == "setup" and test.attempts[-1].done()):
                test.attempts.append(_Attempt())
            attempt = test.attempts[-1]
        # pytest-xdist reports a test whose worker crashed with when="???".
        when = report.when if report.when in _PHASES else "call"
        if when == "teardown" and when in attempt.reports and not report.failed:
            # A second teardown report of one attempt (rare): keep the failed one.
            return
        attempt.reports[when] = report
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
        """A module that failed to import: shown as an error, like pytest's summary does."""
        nodeid = report.nodeid or "(collection)"
        test = _Test(nodeid, len(self._tests))
        self._tests[f"collect::{nodeid}"] = test
        fake = pytest.TestReport(
            nodeid, (nodeid, None, nodeid), {}, "failed", report.longrepr, "setup"
        )
        test.attempts.append(_Attempt({"setup": fake}))

    def tests(self) -> list[TestResult]:
        ordered = sorted(self._tests.values(), key=lambda t: t.order)
        return [self._result(test) for test in ordered if test.attempts]

    def _result(self, test: _Test) -> TestResult:
        attempts = [self._attempt(a) for a in test.attempts if a.reports]
        final = attempts[-1].outcome
        outcome: Outcome = final
        if final == "passed" and any(a.outcome in ("failed", "error") for a in attempts[:-1]):
            outcome = "flaky"
        meta = test.meta
        return TestResult(
            nodeid=test.nodeid,
            outcome=outcome,
            duration=round(sum(a.duration for a in attempts), 3),
            location=test.location,
            description=str(meta.get("description", "")),
            browser=str(meta.get("browser", "")),
            viewport=str(meta.get("viewport", "")),
            viewport_size=str(meta.get("viewport_size", "")),
            markers=[str(m) for m in meta.get("markers", [])],
            worker=test.worker,
            attempts=attempts,
        )

    def _attempt(self, attempt: _Attempt) -> Attempt:
        reports = [attempt.reports[w] for w in _PHASES if w in attempt.reports]
        outcome, phase, failing = _outcome_of(attempt.reports)
        message, error = "", ""
        if failing is not None:
            message, error = _error_of(failing)
        last = reports[-1]
        sections = [
            Section(title=title, text=_plain(text, SECTION_LIMIT))
            for title, text in last.sections
            if text.strip()
        ]
        starts = [r.start for r in reports if isinstance(getattr(r, "start", None), float)]
        return Attempt(
            outcome=outcome,
            duration=round(sum(r.duration for r in reports), 3),
            phase=phase,
            message=message,
            error=error,
            start=min(starts) if starts else None,
            artifacts=self._artifacts(last.user_properties),
            sections=sections,
        )

    def _artifacts(self, properties: list[tuple[str, object]]) -> list[Artifact]:
        found: list[Artifact] = []
        for key, value in properties:
            if key in PLAYWRIGHT_PROPERTIES:
                kind, title = PLAYWRIGHT_PROPERTIES[key]
                found.append(Artifact(kind=kind, title=title, path=str(value)))
            elif key == PROPERTY and isinstance(value, str):
                found.extend(
                    Artifact(kind=a.kind, title=a.title, path=a.path, data=a.data)
                    for a in attachments([(key, value)])
                )
            else:
                found.append(Artifact(kind="property", title=str(key), data=value))
        return [map_files(a, self.relative) for a in found]

    def relative(self, path: str) -> str:
        """A path as the report links it: relative to the reports folder when inside it."""
        target = Path(path)
        if not target.is_absolute():
            target = self.invocation_dir / target
        target = Path(os.path.normpath(target))
        try:
            return target.relative_to(self.reports_dir).as_posix()
        except ValueError:
            return str(target)


def _outcome_of(
    by_phase: dict[str, pytest.TestReport],
) -> tuple[Any, str, pytest.TestReport | None]:
    """The attempt's outcome, the phase that decided it, and the report with its error."""
    setup, call, teardown = (by_phase.get(w) for w in _PHASES)
    for report in (setup, call):
        if report is None:
            continue
        failed = report.failed or _retried(report)
        if failed:
            kind = "error" if report.when == "setup" else "failed"
            return kind, report.when, report
        if report.skipped:
            kind = "xfailed" if hasattr(report, "wasxfail") else "skipped"
            return kind, report.when, report
    if teardown is not None and (teardown.failed or _retried(teardown)):
        return "error", "teardown", teardown
    if call is not None and hasattr(call, "wasxfail"):
        return "xpassed", "call", None
    if call is None:
        # Interrupted between setup and call, or a crashed worker: nothing passed.
        return "error", "setup", setup
    return "passed", "", None


def _retried(report: pytest.TestReport) -> bool:
    # pytest-rerunfailures marks a failed attempt it retries with this outcome.
    return str(report.outcome) == "rerun"


def _error_of(report: pytest.TestReport) -> tuple[str, str]:
    """(one-line message, whole text) of a failed or skipped report."""
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2]).removeprefix("Skipped: ")
        return reason, ""
    if hasattr(report, "wasxfail"):
        reason = str(report.wasxfail) or "expected to fail"
        text = _plain(str(longrepr), ERROR_LIMIT) if longrepr else ""
        return f"xfail: {reason}", text
    text = _plain(str(longrepr), ERROR_LIMIT) if longrepr is not None else ""
    crash = getattr(longrepr, "reprcrash", None)
    message = str(getattr(crash, "message", "") or "")
    if not message:
        errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
        message = errors[0] if errors else (text.strip().splitlines() or [""])[-1]
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first[:500], text
