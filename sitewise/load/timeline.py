"""Per-endpoint response times over time, collected where the requests are made.

Locust keeps whole-run statistics per endpoint and a timeline of the totals only; the
report charts each endpoint's percentiles and throughput over time. Each process that
makes requests (a local runner, or every worker) counts them per second and endpoint
in a histogram of rounded response times; a worker sends its seconds to the master with
its regular report (Locust's `report_to_master` / `worker_report` events), so the
master's timeline covers every machine. Imports Locust: for the load processes only
(the Timeline itself, which the pytest process merges, is sitewise.load.histogram's).
"""

from __future__ import annotations

import weakref
from typing import Any

from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, Runner, WorkerRunner

from sitewise.load.histogram import Timeline, rounded

REPORT_KEY = "sitewise_timeline"

__all__ = ["REPORT_KEY", "Timeline", "endpoint_name", "rounded", "timeline_of"]


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
