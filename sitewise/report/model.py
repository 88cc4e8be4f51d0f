"""What a run produced: the content of results.json, from which the HTML report is drawn.

A run is a list of tests; a test is a list of attempts (more than one when pytest-rerunfailures
retried it); an attempt has its outcome, error, captured output and artifacts (files and data
that pytest-playwright and the suite's engines attached). File paths are relative to the
folder results.json is in, so the folder can be moved, downloaded from CI, or merged with
others.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA = "e2e-results/1"
RESULTS_FILE = "results.json"
HTML_FILE = "report.html"
JUNIT_FILE = "junit.xml"
# Run-wide files other plugins write next to results.json (sitewise/accessibility/plugin.py,
# sitewise/vitals/plugin.py); the HTML report draws its run-wide sections from them.
A11Y_FILE = "a11y.json"
VITALS_FILE = "vitals.json"

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed", "flaky"]

# Most urgent first: the order of the report's list and of its filter buttons.
OUTCOME_ORDER: tuple[Outcome, ...] = (
    "failed",
    "error",
    "flaky",
    "xpassed",
    "passed",
    "xfailed",
    "skipped",
)
FAILING: frozenset[str] = frozenset({"failed", "error"})

# Values inside an attachment's data that name a file, so they move with the report.
FILE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg", ".zip", ".webm", ".json", ".html", ".txt"}
)


class ResultsError(Exception):
    """A results file is missing, is not JSON, or does not have the expected shape."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Artifact(_Model):
    """A file or a piece of data shown with an attempt.

    `kind` says how the report shows it: screenshot, trace, video (pytest-playwright's),
    visual, a11y, vitals (the engines'), property (a plain user property), or any other
    kind, shown as a link and its data.
    """

    kind: str
    title: str = ""
    path: str | None = None
    data: Any = None


class Section(_Model):
    """Captured output of an attempt, e.g. "Captured stdout call"."""

    title: str
    text: str


class SoftFailure(_Model):
    """A soft check that failed without stopping the test (sitewise.soft_checks)."""

    message: str
    kind: str = "expect"  # expect (a `soft` block), snapshot, a11y
    title: str = ""
    step: str = ""  # the steps it happened in, outermost first, joined by " > "


class Step(_Model):
    """A `step(...)` of a test (sitewise.steps), with the steps nested in it."""

    title: str
    start: float | None = None
    duration: float = 0.0
    failed: bool = False
    error: str = ""
    steps: list[Step] = Field(default_factory=list)


class Attempt(_Model):
    """One run of a test: its setup, call and teardown."""

    outcome: Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]
    duration: float = 0.0
    phase: str = ""  # where it failed or was skipped: setup, call or teardown
    message: str = ""  # one line
    error: str = ""  # the whole traceback
    start: float | None = None
    artifacts: list[Artifact] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    soft_failures: list[SoftFailure] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)

    @property
    def failed_step(self) -> list[Step]:
        """The failed steps from the outermost to the innermost (where it failed), or []."""
        path: list[Step] = []
        level = self.steps
        while True:
            failed = next((s for s in level if s.failed), None)
            if failed is None:
                return path
            path.append(failed)
            level = failed.steps


class TestResult(_Model):
    """One test, over all its attempts."""

    __test__ = False  # not a pytest test class despite its name

    nodeid: str
    outcome: Outcome
    duration: float = 0.0
    location: str = ""
    description: str = ""
    browser: str = ""
    viewport: str = ""
    viewport_size: str = ""
    markers: list[str] = Field(default_factory=list)
    worker: str = ""
    run: str = ""  # label of the run it came from (set when runs are merged)
    attempts: list[Attempt] = Field(default_factory=list)

    @property
    def final(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def retries(self) -> int:
        return max(0, len(self.attempts) - 1)


class RunFailure(_Model):
    """Why a run failed other than by a failing test (or as well as by one).

    `kind`: `api-latency` (an endpoint's p95 over the run's budget), `flaky`
    (--fail-on-flaky, exit status 7), `time-limit` (the run's --max-duration passed),
    `exit-status` (any other non-zero exit status).
    """

    kind: str
    message: str


class RunInfo(_Model):
    """Where and how one pytest run happened."""

    label: str = "local"
    started: str = ""
    duration: float = 0.0
    exit_status: int = 0
    args: list[str] = Field(default_factory=list)
    hostname: str = ""
    platform: str = ""
    python: str = ""
    versions: dict[str, str] = Field(default_factory=dict)
    browsers: list[str] = Field(default_factory=list)
    shard: str = ""
    retries: int = 0
    workers: int = 0
    ci: dict[str, str] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    failures: list[RunFailure] = Field(default_factory=list)
    # Why the run was not the whole suite (sitewise.report.partial); empty: a full run.
    partial_reasons: list[str] = Field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.exit_status != 0 or bool(self.failures)


class Results(_Model):
    """The whole of results.json: one run, or several merged."""

    schema_: str = Field(default=SCHEMA, alias="schema")
    title: str = "End-to-end report"
    runs: list[RunInfo] = Field(default_factory=list)
    tests: list[TestResult] = Field(default_factory=list)
    # Verdicts over all the runs together (set when runs are merged: the API latency of
    # every shard's calls); each run's own are in its `failures`.
    failures: list[RunFailure] = Field(default_factory=list)

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    def counts(self) -> dict[str, int]:
        """Tests per outcome, every outcome present (zero when none)."""
        found = Counter(test.outcome for test in self.tests)
        return {outcome: found.get(outcome, 0) for outcome in OUTCOME_ORDER}

    def tests_failed(self) -> bool:
        return any(test.outcome in FAILING for test in self.tests)

    def failed(self) -> bool:
        """A failing test, or a run that failed without one (a non-zero exit status, the
        API latency gate, --fail-on-flaky), or a verdict over all runs."""
        return self.tests_failed() or bool(self.failures) or any(r.failed for r in self.runs)

    def failure_reasons(self) -> list[str]:
        """Why the runs failed, besides failing tests: one line each, the run named when
        there are several."""
        reasons = [f.message for f in self.failures]
        for run in self.runs:
            prefix = f"{run.label}: " if len(self.runs) > 1 else ""
            messages = [f.message for f in run.failures]
            if run.exit_status != 0 and not messages and not self.tests_failed():
                messages = [f"exit status {run.exit_status}"]
            reasons += [prefix + m for m in messages]
        return reasons

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=1)

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / RESULTS_FILE
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> Results:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise ResultsError(f"{path}: cannot be read: {error}.") from None
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ResultsError(f"{path}: not JSON: {error}.") from None
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            found = raw.get("schema") if isinstance(raw, dict) else type(raw).__name__
            raise ResultsError(
                f"{path}: not a results file of this suite (schema {found!r}, expected"
                f" {SCHEMA!r}); it is written by a pytest run as <reports>/{RESULTS_FILE}."
            )
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise ResultsError(f"{path}: {where}: {first['msg']}.") from None


def looks_like_file(value: object) -> bool:
    """Whether an attachment data value names a file (and so must move with the report)."""
    if not isinstance(value, str) or not value or len(value) > 1000 or "\n" in value:
        return False
    if value.startswith(("http://", "https://", "data:")):
        return False
    return PurePosixPath(value.replace("\\", "/")).suffix.lower() in FILE_SUFFIXES


def map_files(artifact: Artifact, move: Any) -> Artifact:
    """A copy of `artifact` with `move(path)` applied to its path and to file names in its data.

    `move` returns the new path, or None to leave a path as it was.
    """

    def apply(value: str) -> str:
        moved = move(value)
        return value if moved is None else str(moved)

    path = apply(artifact.path) if artifact.path else artifact.path
    data = artifact.data
    if isinstance(data, dict):
        data = {k: apply(v) if looks_like_file(v) else v for k, v in data.items()}
    return artifact.model_copy(update={"path": path, "data": data})
