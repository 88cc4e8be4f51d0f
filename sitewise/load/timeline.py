"""Per-endpoint response times over time, collected where the requests are made.

Locust keeps whole-run statistics per endpoint and a timeline of the totals only; the
report charts each endpoint's percentiles and throughput over time. Each process that
makes requests (a local runner, or every worker) counts them per second and endpoint
in a histogram of rounded response times; a worker sends its seconds to the master with
its regular report (Locust's `report_to_master` / `worker_report` events), so the
master's timeline covers every machine. Imports Locust: for the load processes only.
"""

from __future__ import annotations

import time
import weakref
from collections import defaultdict
from typing import Any

from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, Runner, WorkerRunner

from sitewise.load.results import percentile

# second -> endpoint -> [requests, failures, {rounded ms: count}]
Seconds = dict[int, dict[str, list[Any]]]
REPORT_KEY = "sitewise_timeline"


def rounded(ms: float) -> int:
    """Locust's rounding of a response time: 2 significant digits from 100 ms up."""
    if ms < 100:
        return round(ms)
    if ms < 1000:
        return int(round(ms, -1))
    if ms < 10000:
        return int(round(ms, -2))
    return int(round(ms, -3))


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

    def drain(self) -> list[list[Any]]:
        """The seconds counted so far, as plain lists (for the worker's report), and
        forget them."""
        out = [
            [second, endpoint, slot[0], slot[1], list(slot[2].items())]
            for second, by_endpoint in self.seconds.items()
            for endpoint, slot in by_endpoint.items()
        ]
        self.seconds = defaultdict(dict)
        return out

    def merge(self, rows: list[list[Any]]) -> None:
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
                pairs = list(histogram.items())
                points.append(
                    {
                        "t": index * bucket_s,
                        "rps": round(requests / bucket_s, 2),
                        "requests": requests,
                        "failures": failures,
                        "p50_ms": percentile(pairs, 0.5),
                        "p95_ms": percentile(pairs, 0.95),
                        "p99_ms": percentile(pairs, 0.99),
                    }
                )
            out[endpoint] = points
        return out


_TIMELINES: weakref.WeakKeyDictionary[Environment, Timeline] = weakref.WeakKeyDictionary()


def timeline_of(environment: Environment) -> Timeline:
    return _TIMELINES.setdefault(environment, Timeline())


def endpoint_name(method: str | None, name: str) -> str:
    return f"{method} {name}" if method else name


@events.init.add_listener
def _attach(environment: Environment, runner: Runner | None = None, **_: Any) -> None:
    """Count this process's requests; a worker sends them on, a master gathers them."""
    timeline = timeline_of(environment)
    if isinstance(runner, MasterRunner):

        def gather(client_id: str, data: dict[str, Any], **_: Any) -> None:
            timeline.merge(data.get(REPORT_KEY) or [])

        environment.events.worker_report.add_listener(gather)
        return

    def count(
        request_type: str,
        name: str,
        response_time: float | None,
        exception: BaseException | None = None,
        **_: Any,
    ) -> None:
        timeline.add(endpoint_name(request_type, name), response_time or 0.0, bool(exception))

    environment.events.request.add_listener(count)
    if isinstance(runner, WorkerRunner):

        def send(client_id: str, data: dict[str, Any], **_: Any) -> None:
            data[REPORT_KEY] = timeline.drain()

        environment.events.report_to_master.add_listener(send)
