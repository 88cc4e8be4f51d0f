"""A load run's measurement, judged against the `[load]` budgets, and load.json.

The runner (sitewise.load.runner, in its own process) writes the measurement: per
endpoint its request and failure counts and percentiles over the whole run, and a
timeline of the same per time slice. `judge` holds each endpoint to its budget, and
`write_report` writes both to the reports folder as load.json, which the HTML report's
Load section draws. Nothing here imports Locust.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitewise.load.config import LoadConfig

LOAD_FILE = "load.json"


@dataclass(frozen=True)
class EndpointStats:
    """One endpoint ("METHOD name") over the whole run."""

    endpoint: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    rps: float

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EndpointStats:
        return cls(
            endpoint=str(data["endpoint"]),
            requests=int(data.get("requests", 0)),
            failures=int(data.get("failures", 0)),
            median_ms=float(data.get("median_ms", 0)),
            p95_ms=float(data.get("p95_ms", 0)),
            p99_ms=float(data.get("p99_ms", 0)),
            max_ms=float(data.get("max_ms", 0)),
            rps=float(data.get("rps", 0)),
        )


@dataclass(frozen=True)
class Breach:
    """An endpoint over its budget, and every way it is over."""

    stats: EndpointStats
    budget: tuple[float, float, float]
    reasons: tuple[str, ...]

    def line(self) -> str:
        s = self.stats
        return (
            f"{s.endpoint}: {', '.join(self.reasons)}; p50 {s.median_ms:.0f} ms,"
            f" p95 {s.p95_ms:.0f} ms, p99 {s.p99_ms:.0f} ms; {s.requests:,} requests,"
            f" {s.failures:,} failed"
        )


@dataclass(frozen=True)
class Verdict:
    """Every endpoint judged: the breaches (empty: within budget)."""

    endpoints: tuple[EndpointStats, ...]
    breaches: tuple[Breach, ...]
    shape: str
    problems: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.breaches and not self.problems

    def message(self) -> str:
        """The one message a failed load run gives: every endpoint over budget."""
        lines = [f"Load ({self.shape}): " + self.summary()]
        lines += [f"  {breach.line()}" for breach in self.breaches]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)

    def summary(self) -> str:
        total = len(self.endpoints)
        if self.problems and not self.endpoints:
            return "no requests were measured"
        if self.breaches:
            return f"{len(self.breaches)} of {total} endpoints over budget"
        requests = sum(s.requests for s in self.endpoints)
        return f"all {total} endpoints within budget ({requests:,} requests)"


def _percent(rate: float) -> str:
    return f"{rate * 100:.2f}%".replace(".00%", "%")


def judge(measurement: Mapping[str, Any], config: LoadConfig) -> Verdict:
    """Hold every endpoint of a measurement to its budget."""
    stats = tuple(EndpointStats.from_json(e) for e in measurement.get("endpoints") or [])
    breaches = []
    for entry in stats:
        p95, p99, error_rate = budget = config.budget_of(entry.endpoint)
        reasons = []
        if entry.p95_ms > p95:
            reasons.append(f"p95 {entry.p95_ms:.0f} ms > {p95:g} ms")
        if entry.p99_ms > p99:
            reasons.append(f"p99 {entry.p99_ms:.0f} ms > {p99:g} ms")
        if entry.error_rate > error_rate:
            reasons.append(
                f"errors {_percent(entry.error_rate)} > {_percent(error_rate)}"
                f" ({entry.failures:,} of {entry.requests:,})"
            )
        if reasons:
            breaches.append(Breach(entry, budget, tuple(reasons)))
    problems = [str(p) for p in measurement.get("problems") or []]
    if not stats:
        problems.append("no requests were made: do the journeys' targets answer?")
    unknown = sorted(set(config.endpoints) - {s.endpoint for s in stats})
    if unknown and stats:
        problems.append(
            f"[load.endpoints] names endpoints no journey called: {', '.join(unknown)}"
            " (names are 'METHOD name', as in load.json)"
        )
    return Verdict(stats, tuple(breaches), shape_of(measurement), tuple(problems))


def shape_of(measurement: Mapping[str, Any]) -> str:
    users = int(measurement.get("users", 0))
    ramp = float(measurement.get("ramp_s", 0))
    duration = float(measurement.get("elapsed_s") or measurement.get("duration_s") or 0)
    workers = int(measurement.get("workers", 0))
    where = f", {workers} workers" if workers else ""
    return f"{users} users, ramp {ramp:g} s, {duration:.0f} s{where}"


def report_document(
    measurement: Mapping[str, Any], config: LoadConfig, verdict: Verdict
) -> dict[str, Any]:
    """load.json: the measurement with each endpoint's budget and the verdict."""
    budgets = {}
    for entry in verdict.endpoints:
        p95, p99, error_rate = config.budget_of(entry.endpoint)
        budgets[entry.endpoint] = {"p95_ms": p95, "p99_ms": p99, "error_rate": error_rate}
    over = {b.stats.endpoint: list(b.reasons) for b in verdict.breaches}
    return {
        **measurement,
        "budgets": budgets,
        "verdict": {
            "passed": verdict.passed,
            "summary": verdict.summary(),
            "over": over,
            "problems": list(verdict.problems),
        },
    }


def write_report(folder: Path, document: Mapping[str, Any], name: str = LOAD_FILE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(dumps(document) + "\n", encoding="utf-8")
    return path


def dumps(document: Mapping[str, Any]) -> str:
    """JSON indented by object, with each row of numbers (a histogram's [ms, count], a
    timeline's slot) on one line: the histograms would take four lines a pair."""
    inline: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            row = value and not isinstance(value[0], list | tuple | Mapping)
            if row and not any(isinstance(item, Mapping) for item in value):
                inline.append(json.dumps(value))
                return f"\0{len(inline) - 1}\0"
            return [mark(item) for item in value]
        return value

    text = json.dumps(mark(document), indent=1)
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: inline[int(m.group(1))], text)
