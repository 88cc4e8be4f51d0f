"""Web Vitals: an in-page collector, throttling profiles, budgets, API latency, reports.

`measure_page` measures a page over several fresh contexts and returns a `VitalsReport`
judged against the budget; sitewise/vitals/plugin.py wraps it for specs.
"""

from sitewise.vitals.api import ApiCall, EndpointLatency, endpoint_of, p95
from sitewise.vitals.collector import (
    COLLECTOR_PATH,
    collector_script,
    install_collector,
    read_snapshot,
    wait_until_settled,
)
from sitewise.vitals.report import METRICS, MetricName, MetricResult, RunVitals, VitalsReport
from sitewise.vitals.runner import Interaction, MeasureSpec, Target, measure_page, measure_run
from sitewise.vitals.throttling import ThrottlingState, apply_throttling, unsupported_reason

__all__ = [
    "COLLECTOR_PATH",
    "METRICS",
    "ApiCall",
    "EndpointLatency",
    "Interaction",
    "MeasureSpec",
    "MetricName",
    "MetricResult",
    "RunVitals",
    "Target",
    "ThrottlingState",
    "VitalsReport",
    "apply_throttling",
    "collector_script",
    "endpoint_of",
    "install_collector",
    "measure_page",
    "measure_run",
    "p95",
    "read_snapshot",
    "unsupported_reason",
    "wait_until_settled",
]
