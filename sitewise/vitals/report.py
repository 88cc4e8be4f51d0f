"""Vitals of a page over several runs, judged against its budget, and the messages and data
the report shows: the median of the runs against the budget, every run's value, and the
culprit of each value (the LCP element, the shifting nodes, the slow interaction's target).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sitewise.config.model import Budget
from sitewise.vitals.api import (
    TIMING,
    ApiCall,
    EndpointLatency,
    latency_by_endpoint,
    server_note,
)
from sitewise.vitals.calibration import describe
from sitewise.vitals.throttling import ThrottlingState

MetricName = Literal["LCP", "CLS", "INP", "FCP", "TTFB"]
METRICS: tuple[MetricName, ...] = ("LCP", "CLS", "INP", "FCP", "TTFB")
Status = Literal["pass", "fail", "skipped", "not measured", "no budget"]

BUDGET_FIELDS: dict[MetricName, str] = {
    "LCP": "lcp_ms",
    "CLS": "cls",
    "INP": "inp_ms",
    "FCP": "fcp_ms",
    "TTFB": "ttfb_ms",
}
UNITS: dict[MetricName, str] = {"LCP": "ms", "CLS": "", "INP": "ms", "FCP": "ms", "TTFB": "ms"}
ENTRY_TYPES: dict[MetricName, str] = {
    "LCP": "largest-contentful-paint",
    "CLS": "layout-shift",
    "INP": "event (with interactionId)",
    "FCP": "paint",
    "TTFB": "navigation",
}
# Metrics a loaded page always has where the browser supports them; a missing one fails.
_EXPECTED: frozenset[MetricName] = frozenset({"LCP", "FCP", "CLS"})


def format_value(metric: MetricName, value: float | None) -> str:
    if value is None:
        return "n/a"
    if metric == "CLS":
        return f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"
    return f"{value:.0f} ms"


@dataclass(frozen=True)
class RunVitals:
    """One load of the page in a fresh context: each metric's value and its culprit."""

    index: int
    url: str
    values: Mapping[MetricName, float | None]
    culprits: Mapping[MetricName, str]
    supported: Mapping[MetricName, bool]
    settled: bool
    interactions: int
    api_calls: tuple[ApiCall, ...] = ()
    snapshot: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "url": self.url,
            "values": dict(self.values),
            "culprits": dict(self.culprits),
            "supported": dict(self.supported),
            "settled": self.settled,
            "interactions": self.interactions,
            "api_calls": [
                {
                    "method": c.method,
                    "url": c.url,
                    "endpoint": c.endpoint,
                    "start_ms": round(c.start_ms, 1),
                    "duration_ms": round(c.duration_ms, 1),
                    "status": c.status,
                }
                for c in self.api_calls
            ],
            "snapshot": dict(self.snapshot),
        }


def culprits_of(snapshot: Mapping[str, Any]) -> dict[MetricName, str]:
    """What explains each value, in words a failure message can show."""
    culprits: dict[MetricName, str] = {}
    lcp = snapshot.get("lcp")
    if lcp:
        element = lcp.get("element") or "(element removed from the page)"
        resource = f", resource {lcp['url']}" if lcp.get("url") else ""
        culprits["LCP"] = f"element {element}{resource}, {lcp.get('size', 0)} px²"
    cls = snapshot.get("cls") or {}
    if cls.get("entries"):
        nodes: list[str] = []
        for shift in sorted(cls["entries"], key=lambda s: -float(s["value"])):
            for source in shift.get("sources", []):
                node = source.get("node") or "(node removed from the page)"
                if node not in nodes:
                    nodes.append(node)
        largest = max(cls["entries"], key=lambda s: float(s["value"]))
        # No timestamps here: runs that shift the same nodes then read as one culprit.
        culprits["CLS"] = (
            f"shifting nodes {', '.join(nodes) or '(not reported)'} (largest shift"
            f" {format_value('CLS', float(largest['value']))}"
            f" of {len(cls['entries'])} in the window)"
        )
    inp = snapshot.get("inp")
    if inp and (inp.get("events") or inp.get("entries")):
        culprits["INP"] = _interaction_culprit(inp)
    return culprits


def _interaction_culprit(inp: Mapping[str, Any]) -> str:
    # The event whose handlers ran longest names the interaction (a click, not the
    # pointerdown that merely waited for it); the target is any event's, they share it.
    events = inp.get("events") or inp["entries"]
    slowest = max(events, key=lambda e: float(e["processing"]))
    target = slowest.get("target") or next((e["target"] for e in events if e.get("target")), "")
    first = min(events, key=lambda e: float(e["startTime"]))
    processing = sum(float(e["processing"]) for e in events)
    return (
        f"{slowest['name']} on {target or '(target removed from the page)'}, latency"
        f" {float(inp['value']):.0f} ms (input delay {float(first['inputDelay']):.0f} ms,"
        f" handlers {processing:.0f} ms)"
    )


def run_from_snapshots(
    index: int,
    loaded: Mapping[str, Any],
    final: Mapping[str, Any],
    *,
    settled: bool,
    api_calls: Sequence[ApiCall] = (),
) -> RunVitals:
    """A run from the snapshot read once the load settled and the one after interacting.

    LCP, FCP and TTFB come from the first: they are load metrics, and LCP stops at the
    first input anyway. CLS and INP come from the second, which covers the whole visit.
    """
    inp = final.get("inp")
    cls = final.get("cls") or {}
    values: dict[MetricName, float | None] = {
        "LCP": loaded["lcp"]["value"] if loaded.get("lcp") else None,
        "FCP": loaded.get("fcp"),
        "TTFB": loaded.get("ttfb"),
        "CLS": float(cls.get("value", 0.0)) if final["supported"]["CLS"] else None,
        "INP": float(inp["value"]) if inp else None,
    }
    culprits = culprits_of({**final, "lcp": loaded.get("lcp")})
    return RunVitals(
        index=index,
        url=str(final.get("url", "")),
        values=values,
        culprits=culprits,
        supported={m: bool(final["supported"][m]) for m in METRICS},
        settled=settled,
        interactions=int(final.get("interactionCount") or 0),
        api_calls=tuple(api_calls),
        snapshot={"loaded": dict(loaded), "final": dict(final)},
    )


@dataclass(frozen=True)
class MetricResult:
    """One metric of one page and profile: every run, the median, the budget, the verdict."""

    metric: MetricName
    unit: str
    runs: tuple[float | None, ...]
    median: float | None
    budget: float | None
    status: Status
    reason: str = ""
    culprits: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "unit": self.unit,
            "runs": list(self.runs),
            "median": self.median,
            "budget": self.budget,
            "status": self.status,
            "reason": self.reason,
            "culprits": list(self.culprits),
        }

    def describe(self) -> str:
        """One line: the verdict, every run's value, and what caused it."""
        if self.status == "fail" and self.median is not None and self.budget is not None:
            head = (
                f"{self.metric} median {format_value(self.metric, self.median)} is over the"
                f" budget of {format_value(self.metric, self.budget)}"
            )
        else:
            head = f"{self.metric} {self.status}: {self.reason}"
        distinct = {c for c in self.culprits if c}
        if len(distinct) > 1:
            # Runs disagree (another element won LCP in one run): show each run's culprit.
            runs = ", ".join(
                format_value(self.metric, v) + (f" ({c})" if c else "")
                for v, c in zip(self.runs, self.culprits, strict=True)
            )
            return f"{head}; runs: {runs}"
        runs = ", ".join(format_value(self.metric, v) for v in self.runs)
        culprit = f"; {distinct.pop()}" if distinct else ""
        return f"{head}; runs: {runs}{culprit}"


def evaluate_metric(
    metric: MetricName,
    runs: Sequence[RunVitals],
    budget: Budget,
    *,
    browser: str,
    interacted: bool,
) -> MetricResult:
    values = tuple(run.values.get(metric) for run in runs)
    limit: float | None = getattr(budget, BUDGET_FIELDS[metric])
    measured = [v for v in values if v is not None]
    median = statistics.median(measured) if measured else None

    def result(status: Status, reason: str = "", *, judged: bool = True) -> MetricResult:
        return MetricResult(
            metric=metric,
            unit=UNITS[metric],
            runs=values,
            median=median if judged else None,
            budget=limit,
            status=status,
            reason=reason,
            culprits=tuple(run.culprits.get(metric, "") for run in runs),
        )

    if not all(run.supported.get(metric) for run in runs):
        return result(
            "skipped",
            f"{browser} does not support the {ENTRY_TYPES[metric]} entry type"
            " (PerformanceObserver.supportedEntryTypes)",
            judged=False,
        )
    if metric == "INP" and not interacted:
        return result("not measured", "no interaction", judged=False)
    missing = [run.index for run, v in zip(runs, values, strict=True) if v is None]
    if missing and metric in _EXPECTED:
        return result(
            "fail",
            f"not observed in run {', '.join(map(str, missing))} of {len(runs)}"
            " (the page never painted it, or the load did not finish)",
        )
    if median is None:
        if metric == "INP":
            # A check that cannot fail is no check: an interaction the page never saw as
            # user input (Playwright's fill() sets a value with no key or pointer event)
            # leaves no event timing entry, not even the first input's.
            return result(
                "fail",
                "the interaction produced no event timing entry, not even a first input:"
                " it never reached the page as user input (fill() and evaluate() send no"
                " events; use click(), press() or keyboard.type())",
            )
        return result("not measured", "the browser gave no usable value")
    if limit is None:
        return result("no budget", "no budget set")
    return result("pass" if median <= limit else "fail")


@dataclass(frozen=True)
class VitalsReport:
    """A page's vitals under one profile: every run, each metric's verdict, API latency."""

    page: str
    profile: str
    browser: str
    viewport: str
    url: str
    throttling: ThrottlingState
    runs: tuple[RunVitals, ...]
    metrics: tuple[MetricResult, ...]
    api: tuple[EndpointLatency, ...]
    api_budget_ms: float
    api_source: str
    notes: tuple[str, ...] = ()
    reference_runs: tuple[RunVitals, ...] = ()

    def metric(self, name: MetricName) -> MetricResult:
        for result in self.metrics:
            if result.metric == name:
                return result
        raise KeyError(name)

    @property
    def failures(self) -> tuple[MetricResult, ...]:
        return tuple(m for m in self.metrics if m.status == "fail")

    @property
    def skipped(self) -> tuple[MetricResult, ...]:
        return tuple(m for m in self.metrics if m.status == "skipped")

    @property
    def api_failures(self) -> tuple[EndpointLatency, ...]:
        return tuple(e for e in self.api if e.status == "fail")

    def title(self) -> str:
        return (
            f"{self.page} (profile {self.profile}, {self.browser}, viewport {self.viewport},"
            f" {len(self.runs)} run{'s' if len(self.runs) != 1 else ''})"
        )

    def budget_message(self) -> str:
        """The failure message: page, profile, and per metric every run, budget, culprit."""
        lines = [f"Web Vitals over budget on {self.title()}:"]
        lines += [f"  {m.describe()}" for m in self.failures]
        lines += [f"  note: {note}" for note in self.notes]
        t = self.throttling
        if t.device_benchmark_index is not None and t.cpu_slowdowns:
            lines.append(
                f"  {describe(t.device_benchmark_index, t.host_benchmark_indexes, t.cpu_slowdowns)}"
            )
        return "\n".join(lines)

    def skip_message(self) -> str:
        measured = [m.metric for m in self.metrics if m.status == "pass"]
        lines = [f"Web Vitals not all measurable on {self.title()}:"]
        lines += [f"  {m.metric} skipped: {m.reason}" for m in self.skipped]
        if measured:
            lines.append(f"  within budget: {', '.join(measured)}")
        return "\n".join(lines)

    def api_message(self) -> str:
        lines = [
            f"API calls over the p95 budget of {self.api_budget_ms:.0f} ms on {self.title()}"
            f" ({TIMING}, {self.api_source}):"
        ]
        for endpoint in self.api_failures:
            servers = [*endpoint.server_ms, *[None] * endpoint.count][: endpoint.count]
            durations = ", ".join(
                f"{d:.0f}{server_note(s)}"
                for d, s in zip(endpoint.durations_ms, servers, strict=True)
            )
            lines.append(
                f"  {endpoint.endpoint}: p95 {endpoint.p95_ms:.0f} ms over {endpoint.count}"
                f" call{'s' if endpoint.count != 1 else ''}; durations: {durations} ms"
            )
        return "\n".join(lines)

    def chart_data(self) -> dict[str, Any]:
        """What a chart of each metric against its budget needs (see docs/performance.md)."""
        return {
            "page": self.page,
            "profile": self.profile,
            "browser": self.browser,
            "viewport": self.viewport,
            "url": self.url,
            "runs": len(self.runs),
            "throttling": self.throttling.to_dict(),
            "metrics": [m.to_dict() for m in self.metrics],
            "api": {
                "budget_p95_ms": self.api_budget_ms,
                "timing": TIMING,
                "source": self.api_source,
                "endpoints": [e.to_dict() for e in self.api],
            },
            "notes": list(self.notes),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, including each run's raw collector snapshots."""
        return {
            **self.chart_data(),
            "run_details": [run.to_dict() for run in self.runs],
            "reference_runs": [run.to_dict() for run in self.reference_runs],
        }


def build_report(
    *,
    page: str,
    profile: str,
    browser: str,
    viewport: str,
    url: str,
    throttling: ThrottlingState,
    runs: Sequence[RunVitals],
    budget: Budget,
    api_budget_ms: float,
    interacted: bool,
    reference_runs: Sequence[RunVitals] = (),
    notes: Sequence[str] = (),
) -> VitalsReport:
    """Judge the runs. With reference (unthrottled) runs, TTFB and API latency come from them."""
    notes = list(notes)
    judged = list(runs)
    if reference_runs:
        judged = [
            RunVitals(
                index=run.index,
                url=run.url,
                values={**run.values, "TTFB": ref.values.get("TTFB")},
                culprits=run.culprits,
                supported=run.supported,
                settled=run.settled,
                interactions=run.interactions,
                api_calls=run.api_calls,
                snapshot=run.snapshot,
            )
            for run, ref in zip(runs, reference_runs, strict=True)
        ]
        notes.append(
            "TTFB and API latency come from unthrottled loads: CDP's emulated latency delays"
            " the response body, not responseStart, so throttled TTFB would be misleading"
        )
    unsettled = [run.index for run in runs if not run.settled]
    if unsettled:
        notes.append(
            f"run {', '.join(map(str, unsettled))} did not settle within the bound:"
            " values read as they were then"
        )
    api_runs = reference_runs or runs
    calls = [call for run in api_runs for call in run.api_calls]
    return VitalsReport(
        page=page,
        profile=profile,
        browser=browser,
        viewport=viewport,
        url=url,
        throttling=throttling,
        runs=tuple(judged),
        metrics=tuple(
            evaluate_metric(m, judged, budget, browser=browser, interacted=interacted)
            for m in METRICS
        ),
        api=latency_by_endpoint(calls, api_budget_ms),
        api_budget_ms=api_budget_ms,
        api_source="unthrottled loads" if reference_runs else "measured runs",
        notes=tuple(notes),
        reference_runs=tuple(reference_runs),
    )
