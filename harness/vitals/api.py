"""API latency: every `/api/` call a page makes while it is measured, grouped by endpoint.

Timing comes from the page's own Resource Timing: a call's duration is `responseEnd -
startTime`, the whole wait as the page sees it (queueing, connection, request and the
complete response), which Resource Timing gives even for cross-origin calls without
Timing-Allow-Origin. Resource Timing has no HTTP method, so the method comes from the
browser's request events, paired with the timing entries by URL in start order.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

TIMING = "responseEnd - startTime"

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


@dataclass(frozen=True)
class EndpointLatency:
    """The calls to one endpoint over all of a measurement's loads, against the budget."""

    endpoint: str
    count: int
    durations_ms: tuple[float, ...]
    p95_ms: float
    budget_ms: float
    status: Literal["pass", "fail"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "count": self.count,
            "durations_ms": [round(d, 1) for d in self.durations_ms],
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
            )
        )
    return calls


def latency_by_endpoint(calls: Iterable[ApiCall], budget_ms: float) -> tuple[EndpointLatency, ...]:
    """Each endpoint's p95 against the budget; an endpoint passes when p95 < budget."""
    durations: dict[str, list[float]] = defaultdict(list)
    for call in calls:
        durations[call.endpoint].append(call.duration_ms)
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
            )
        )
    return tuple(results)
