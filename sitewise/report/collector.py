"""Turns the journal's records of a run into the results model (results.json's tests).

The records come from pytest's reports alone (sitewise.report.records), so this works the
same with or without pytest-xdist.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitewise.artifacts import PROPERTY, attachments
from sitewise.report.model import (
    Artifact,
    Attempt,
    Section,
    SoftFailure,
    Step,
    TestResult,
    map_files,
)
from sitewise.report.records import META_ATTR, AttemptRecord, TestLog, TestRecord, outcome_of
from sitewise.soft_checks import SOFT_ATTR
from sitewise.steps import STEPS_ATTR

__all__ = ["META_ATTR", "ResultsCollector"]

# pytest-playwright (>= 0.7) puts what it kept on the teardown report as these properties.
PLAYWRIGHT_PROPERTIES = {
    "playwright_trace": ("trace", "Trace"),
    "playwright_screenshot": ("screenshot", "Screenshot"),
    "playwright_video": ("video", "Video"),
}
SECTION_LIMIT = 20_000
ERROR_LIMIT = 60_000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain(text: str, limit: int) -> str:
    text = _ANSI.sub("", text)
    if len(text) <= limit:
        return text
    return f"[{len(text) - limit} characters cut]\n" + text[-limit:]


class ResultsCollector:
    """`tests()`: the records of a run's tests (a journal's, or its own) as `TestResult`s."""

    def __init__(self, reports_dir: Path, invocation_dir: Path, log: TestLog | None = None) -> None:
        self.reports_dir = reports_dir
        self.invocation_dir = invocation_dir
        self.log = log if log is not None else TestLog()

    def add(self, report: pytest.TestReport) -> None:
        self.log.add(report)

    def add_collect_error(self, report: pytest.CollectReport) -> None:
        self.log.add_collect_error(report)

    def tests(self) -> list[TestResult]:
        return [self._result(test) for test in self.log.tests()]

    def _result(self, test: TestRecord) -> TestResult:
        attempts = [self._attempt(a) for a in test.ran()]
        meta = test.meta
        return TestResult(
            nodeid=test.nodeid,
            outcome=test.outcome,
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

    def _attempt(self, attempt: AttemptRecord) -> Attempt:
        reports = attempt.ordered()
        outcome, phase, failing = outcome_of(attempt.reports)
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
            soft_failures=[
                SoftFailure.model_validate(f)
                for r in reports
                for f in getattr(r, SOFT_ATTR, None) or []
                if isinstance(f, dict)
            ],
            steps=[
                Step.model_validate(s)
                for r in reports
                for s in getattr(r, STEPS_ATTR, None) or []
                if isinstance(s, dict)
            ],
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
