"""API latency: every `/api/` call a page makes while it is measured, grouped by endpoint.

Timing comes from the page's own Resource Timing: a call's duration is `responseStart -
requestStart`, from the request leaving the browser to the first byte of the answer (the
API's own time and the network's), without the browser's queueing in front of it or the
renderer's delay in stamping `responseEnd` while its main thread is busy. Cross-origin
without Timing-Allow-Origin those marks are 0, and the whole wait (`responseEnd -
startTime`) is taken instead. Resource Timing has no HTTP method, so the method comes
from the browser's request events, paired with the timing entries by URL in start order.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

TIMING = "responseStart - requestStart"

_ID_SEGMENT = re.compile(
    r"""^(
        \d+                                                        # 42
      | [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}  # uuid
      | [0-9a-fA-F]{16,}                                           # hashes, object ids
      | (?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}                     # opaque tokens
    )$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class ApiCall:
    """One API call seen during a measured load."""

    method: str
    url: str
    endpoint: str
    start_ms: float
    duration_ms: float
    status: int
    server_ms: float | None = None
    """The server's own time from its Server-Timing header, where it sends one."""


@dataclass(frozen=True)
class EndpointLatency:
    """The calls to one endpoint over all of a measurement's loads, against the budget."""

    endpoint: str
    count: int
    durations_ms: tuple[float, ...]
    p95_ms: float
    budget_ms: float
    status: Literal["pass", "fail"]
    server_ms: tuple[float | None, ...] = ()
    """Each call's server time (Server-Timing), in the order of durations_ms."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "count": self.count,
            "durations_ms": [round(d, 1) for d in self.durations_ms],
            "server_ms": [None if s is None else round(s, 1) for s in self.server_ms],
            "p95_ms": round(self.p95_ms, 1),
            "budget_ms": self.budget_ms,
            "status": self.status,
        }


def _route_match(template: Sequence[str], segments: Sequence[str]) -> int | None:
    """How many literal segments of the template match, or None when it does not fit."""
    if len(template) != len(segments):
        return None
    literal = 0
    for want, got in zip(template, segments, strict=True):
        if want.startswith("{") and want.endswith("}"):
            continue
        if want != got:
            return None
        literal += 1
    return literal


def endpoint_of(method: str, url: str, routes: Iterable[str] = ()) -> str:
    """`METHOD /path` with the query dropped and ids collapsed.

    A configured route template (`/api/settings/{key}`) names its placeholders; the one
    with most literal segments wins, so `/api/settings/categories` beats
    `/api/settings/{key}` when both are given. Otherwise numeric ids, UUIDs, long hex
    strings and opaque tokens become `{id}`.
    """
    path = urlsplit(url).path or "/"
    segments = path.strip("/").split("/")
    best: tuple[int, str] | None = None
    for route in routes:
        template = route.strip("/").split("/")
        score = _route_match(template, segments)
        if score is not None and (best is None or score > best[0]):
            best = (score, "/" + "/".join(template))
    if best is not None:
        return f"{method.upper()} {best[1]}"
    collapsed = ["{id}" if _ID_SEGMENT.match(s) else s for s in segments]
    return f"{method.upper()} /" + "/".join(collapsed)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by the nearest-rank method: a value that was really observed."""
    if not values:
        raise ValueError("p95 of no values")
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def pair_calls(
    timings: Sequence[Mapping[str, Any]],
    requests: Sequence[tuple[str, str]],
    routes: Iterable[str] = (),
) -> list[ApiCall]:
    """Join the collector's resource timings with (method, url) request events.

    Both lists are in start order per URL, so the n-th timing of a URL belongs to the
    n-th request of that URL. A timing with no request event (a service worker's fetch,
    say) is counted as a GET, the only method a page can issue without one.
    """
    methods: dict[str, list[str]] = defaultdict(list)
    for method, url in requests:
        methods[url].append(method)
    routes = tuple(routes)
    calls = []
    for timing in sorted(timings, key=lambda t: float(t["startTime"])):
        url = str(timing["url"])
        pending = methods.get(url)
        method = pending.pop(0) if pending else "GET"
        calls.append(
            ApiCall(
                method=method,
                url=url,
                endpoint=endpoint_of(method, url, routes),
                start_ms=float(timing["startTime"]),
                duration_ms=float(timing["duration"]),
                status=int(timing.get("status") or 0),
                server_ms=server_ms_from(timing.get("serverMs")),
            )
        )
    return calls


def server_ms_from(value: object) -> float | None:
    """A Server-Timing duration as the collector gives it: None where there was none."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return float(value)


def server_note(server_ms: float | None) -> str:
    """` (server 3 ms)`: how much of a call the server itself took, where it says."""
    return "" if server_ms is None else f" (server {server_ms:.0f} ms)"


def latency_by_endpoint(calls: Iterable[ApiCall], budget_ms: float) -> tuple[EndpointLatency, ...]:
    """Each endpoint's p95 against the budget; an endpoint passes when p95 < budget."""
    durations: dict[str, list[float]] = defaultdict(list)
    servers: dict[str, list[float | None]] = defaultdict(list)
    for call in calls:
        durations[call.endpoint].append(call.duration_ms)
        servers[call.endpoint].append(call.server_ms)
    results = []
    for endpoint in sorted(durations):
        values = durations[endpoint]
        value = p95(values)
        results.append(
            EndpointLatency(
                endpoint=endpoint,
                count=len(values),
                durations_ms=tuple(values),
                p95_ms=value,
                budget_ms=budget_ms,
                status="pass" if value < budget_ms else "fail",
                server_ms=tuple(servers[endpoint]),
            )
        )
    return tuple(results)


@dataclass(frozen=True)
class PooledCall:
    """One API call of a run, with where it was measured: for the run-wide latency check."""

    endpoint: str
    duration_ms: float
    page: str
    nodeid: str
    server_ms: float | None = None


EVERY_CALL = "every API call"
MIN_P95_CALLS = 20
"""Below this many calls, nearest-rank p95 is the slowest call, a measure of the test
machine's worst moment rather than of the API: such an endpoint is judged by its median,
and its calls still count in the p95 of every call."""


@dataclass(frozen=True)
class RunEndpointLatency:
    """An endpoint over every performance spec of a run: its p95 and its slowest calls.

    `statistic` is what the verdict reads: "p95" with at least MIN_P95_CALLS calls, else
    "median". The pseudo-endpoint EVERY_CALL pools every call of the run.
    """

    endpoint: str
    count: int
    p95_ms: float
    budget_ms: float
    status: Literal["pass", "fail"]
    slowest: tuple[PooledCall, ...]
    median_ms: float | None = None
    statistic: Literal["p95", "median"] = "p95"

    @property
    def value_ms(self) -> float:
        if self.statistic == "median" and self.median_ms is not None:
            return self.median_ms
        return self.p95_ms

    def describe(self) -> str:
        slow = ", ".join(
            f"{c.duration_ms:.0f} ms{server_note(c.server_ms)} on {c.page}" for c in self.slowest
        )
        verdict = "is not under" if self.status == "fail" else "is under"
        calls = f"{self.count} call{'s' if self.count != 1 else ''}"
        if self.statistic == "median":
            measure = (
                f"median {self.value_ms:.0f} ms over {calls} (p95 {self.p95_ms:.0f} ms; under"
                f" {MIN_P95_CALLS} calls, too few for a p95 of its own)"
            )
        else:
            measure = f"p95 {self.p95_ms:.0f} ms over {calls}"
        return (
            f"{self.endpoint}: {measure} {verdict} the budget of {self.budget_ms:.0f} ms;"
            f" slowest: {slow}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "count": self.count,
            "p95_ms": round(self.p95_ms, 1),
            "median_ms": None if self.median_ms is None else round(self.median_ms, 1),
            "statistic": self.statistic,
            "budget_ms": self.budget_ms,
            "status": self.status,
            "slowest": [
                {
                    "duration_ms": round(c.duration_ms, 1),
                    "server_ms": None if c.server_ms is None else round(c.server_ms, 1),
                    "page": c.page,
                    "nodeid": c.nodeid,
                }
                for c in self.slowest
            ],
        }


def pooled_measurements(measurements: Iterable[Mapping[str, Any]]) -> list[PooledCall]:
    """The calls of vitals attachments (chart data with `nodeid` added), one per duration."""
    calls = []
    for data in measurements:
        endpoints = (data.get("api") or {}).get("endpoints") or []
        for entry in endpoints:
            durations = entry.get("durations_ms") or []
            servers = list(entry.get("server_ms") or [])
            servers += [None] * (len(durations) - len(servers))
            for duration, server in zip(durations, servers, strict=False):
                calls.append(
                    PooledCall(
                        endpoint=str(entry["endpoint"]),
                        duration_ms=float(duration),
                        page=str(data.get("page", "")),
                        nodeid=str(data.get("nodeid", "")),
                        server_ms=server_ms_from(server),
                    )
                )
    return calls


def _judge(
    endpoint: str, group: Sequence[PooledCall], budget_ms: float, slowest: int
) -> RunEndpointLatency:
    durations = [c.duration_ms for c in group]
    statistic: Literal["p95", "median"] = "p95" if len(group) >= MIN_P95_CALLS else "median"
    value_p95 = p95(durations)
    value_median = statistics.median(durations)
    value = value_p95 if statistic == "p95" else value_median
    return RunEndpointLatency(
        endpoint=endpoint,
        count=len(group),
        p95_ms=value_p95,
        budget_ms=budget_ms,
        status="pass" if value < budget_ms else "fail",
        slowest=tuple(sorted(group, key=lambda c: -c.duration_ms)[:slowest]),
        median_ms=value_median,
        statistic=statistic,
    )


def run_latency(
    calls: Iterable[PooledCall], budget_ms: float, slowest: int = 3
) -> tuple[RunEndpointLatency, ...]:
    """The run's verdicts: first EVERY_CALL (the p95 of all calls), then each endpoint.

    One spec's three loads give an endpoint three calls, whose nearest-rank "p95" is
    their maximum: one call that waited for a busy CPU would fail it. So an endpoint is
    judged by its p95 over the whole run's calls when it has MIN_P95_CALLS or more, and
    by its median when it has fewer (a slow endpoint is slow in most of its calls, a
    busy machine in a few); every call also counts in the p95 of all calls. A verdict
    passes when its value is under the budget.
    """
    pooled = list(calls)
    if not pooled:
        return ()
    by_endpoint: dict[str, list[PooledCall]] = defaultdict(list)
    for call in pooled:
        by_endpoint[call.endpoint].append(call)
    overall = _judge(EVERY_CALL, pooled, budget_ms, slowest)
    return (overall, *(_judge(e, by_endpoint[e], budget_ms, slowest) for e in sorted(by_endpoint)))
