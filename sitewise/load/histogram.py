"""Response-time histograms and the per-second timeline, without Locust.

A histogram is Locust's own record of an endpoint's response times: rounded times
(`rounded`, Locust's `bucket_response_time`) and how many requests took each, the
`StatsEntry.response_times` a Locust master adds up from its workers. Summing histograms
and computing the percentiles of the sum (`locust_percentile`, `locust_median`: Locust's
own arithmetic) gives what one process measuring every request would have given, which is
how several measurements are merged (sitewise.load.merge). `Timeline` holds per second
and endpoint the requests, failures and histogram; the load processes fill it
(sitewise.load.timeline), the pytest process merges and charts it. Imports no Locust, so
the pytest process may import it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# second -> endpoint -> [requests, failures, {rounded ms: count}]
Seconds = dict[int, dict[str, list[Any]]]
# [second, endpoint, requests, failures, [[rounded ms, count], ...]]
Row = list[Any]


def rounded(ms: float) -> int:
    """Locust's rounding of a response time: 2 significant digits from 100 ms up."""
    if ms < 100:
        return round(ms)
    if ms < 1000:
        return int(round(ms, -1))
    if ms < 10000:
        return int(round(ms, -2))
    return int(round(ms, -3))


def add_histograms(histograms: Iterable[Iterable[Sequence[float]]]) -> dict[int, int]:
    """The sum of several [[rounded ms, count], ...] histograms, as {ms: count}."""
    total: dict[int, int] = {}
    for histogram in histograms:
        for value, count in histogram:
            key = int(value)
            total[key] = total.get(key, 0) + int(count)
    return total


def as_pairs(histogram: Mapping[int, int]) -> list[list[int]]:
    """{ms: count} as [[ms, count], ...] in order of time (JSON has no int keys)."""
    return [[int(value), int(count)] for value, count in sorted(histogram.items())]


def locust_percentile(histogram: Mapping[int, int], share: float) -> int:
    """Locust's `calculate_response_time_percentile`: the response time `share` of the
    requests finished within, counting down from the slowest."""
    requests = sum(histogram.values())
    wanted = int(requests * share)
    seen = 0
    for value in sorted(histogram, reverse=True):
        seen += histogram[value]
        if requests - seen <= wanted:
            return int(value)
    return 0


def locust_median(histogram: Mapping[int, int], low: float, high: float) -> float:
    """Locust's `StatsEntry.median_response_time`: the 50th percentile, kept within the
    exact fastest and slowest times (the rounding could put it outside them)."""
    if not histogram:
        return 0
    median: float = locust_percentile(histogram, 0.5)
    if median > high:
        return high
    if median < low:
        return low
    return median


class Timeline:
    """The seconds of one process's requests (or, on a master, of every worker's)."""

    def __init__(self) -> None:
        self.seconds: Seconds = defaultdict(dict)
        self.users: dict[int, int] = {}

    def add(self, endpoint: str, ms: float, failed: bool, at: float | None = None) -> None:
        second = int(at if at is not None else time.time())
        slot = self.seconds[second].setdefault(endpoint, [0, 0, {}])
        slot[0] += 1
        slot[1] += int(failed)
        key = rounded(ms)
        slot[2][key] = slot[2].get(key, 0) + 1

    def rows(self, resolution_s: int = 1) -> list[Row]:
        """The seconds counted so far as plain lists, in slots of `resolution_s` seconds
        (each named by its first second, a multiple of it)."""
        if resolution_s > 1:
            coarse = Timeline()
            for second, by_endpoint in self.seconds.items():
                slot_s = second // resolution_s * resolution_s
                coarse.merge(
                    [[slot_s, e, r, f, list(h.items())] for e, (r, f, h) in by_endpoint.items()]
                )
            return coarse.rows()
        return [
            [second, endpoint, slot[0], slot[1], as_pairs(slot[2])]
            for second, by_endpoint in sorted(self.seconds.items())
            for endpoint, slot in sorted(by_endpoint.items())
        ]

    def drain(self) -> list[Row]:
        """The seconds counted so far (for the worker's report), and forget them."""
        out = self.rows()
        self.seconds = defaultdict(dict)
        return out

    def merge(self, rows: Iterable[Sequence[Any]]) -> None:
        for second, endpoint, requests, failures, histogram in rows:
            slot = self.seconds[int(second)].setdefault(str(endpoint), [0, 0, {}])
            slot[0] += int(requests)
            slot[1] += int(failures)
            for value, count in histogram:
                slot[2][int(value)] = slot[2].get(int(value), 0) + int(count)

    def series(self, start: float, bucket_s: int) -> dict[str, list[dict[str, float]]]:
        """Per endpoint, per slice of `bucket_s` seconds from `start`: requests per
        second, failures and the percentiles."""
        slices: dict[str, dict[int, list[Any]]] = defaultdict(dict)
        for second, by_endpoint in self.seconds.items():
            index = max(0, int((second - start) // bucket_s))
            for endpoint, (requests, failures, histogram) in by_endpoint.items():
                slot = slices[endpoint].setdefault(index, [0, 0, {}])
                slot[0] += requests
                slot[1] += failures
                for value, count in histogram.items():
                    slot[2][value] = slot[2].get(value, 0) + count
        out: dict[str, list[dict[str, float]]] = {}
        for endpoint, by_index in sorted(slices.items()):
            points = []
            for index, (requests, failures, histogram) in sorted(by_index.items()):
                points.append(
                    {
                        "t": index * bucket_s,
                        "rps": round(requests / bucket_s, 2),
                        "requests": requests,
                        "failures": failures,
                        "p50_ms": float(locust_percentile(histogram, 0.5)),
                        "p95_ms": float(locust_percentile(histogram, 0.95)),
                        "p99_ms": float(locust_percentile(histogram, 0.99)),
                    }
                )
            out[endpoint] = points
        return out


def bucket_of(elapsed_s: float, resolution_s: int = 1) -> int:
    """The seconds in a chart's time slice: about 60 slices over the run, and no finer
    than the timeline's own slots."""
    return max(1, round(elapsed_s / 60), resolution_s)


def resolution_of(elapsed_s: float) -> int:
    """The slots load.json keeps the timeline in: seconds up to 10 minutes, then coarser,
    so that a long run keeps at most about 600 slots per endpoint."""
    return max(1, -(-int(elapsed_s) // 600))
