"""What the accessibility and performance plugins attach to a test, made without a browser.

`a11y_check` is a real verdict of sitewise.accessibility.axe (`evaluate` over an axe
result written by hand), `vitals_data` the chart data of docs/performance.md "Report
data". Tiny suites import them too (they run with the checkout on PYTHONPATH).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sitewise.accessibility.axe import A11yRun, AxeRun, FrameCoverage, evaluate
from sitewise.config.model import KnownIssue
from sitewise.vitals.api import pooled_measurements, run_latency

TIMING = "responseStart - requestStart"

# The playwright.config.toml of the tiny suites: an API latency gate of 100 ms, and two
# known accessibility issues (expiring in 2099).
RUNWIDE_CONFIG = """
[performance]
api_p95_ms = 100

[[a11y.known_issues]]
rule = "image-alt"
target = "#partner-logo"
reason = "Partner widget; fix requested in PARTNER-142"
expires = 2099-06-30

[[a11y.known_issues]]
rule = "label"
target = "#newsletter"
reason = "Newsletter form is being replaced"
expires = 2099-06-30
"""


def violation(rule: str, impact: str, *targets: str) -> dict[str, Any]:
    """An axe violation of `rule` by one node per target (`#id` selectors)."""
    return {
        "id": rule,
        "impact": impact,
        "tags": ["wcag2a", "wcag111"],
        "help": f"{rule} must be fixed",
        "description": f"Checks {rule}",
        "helpUrl": f"https://dequeuniversity.com/rules/axe/4.12/{rule}",
        "nodes": [
            {
                "target": [target],
                "html": f'<img id="{target.lstrip("#")}" src="logo.png">',
                "impact": impact,
                "failureSummary": "Fix any of the following:\n  Element has no alt attribute",
            }
            for target in targets
        ],
    }


def a11y_check(
    url: str,
    violations: Sequence[dict[str, Any]] = (),
    known_issues: Sequence[KnownIssue] = (),
) -> dict[str, Any]:
    """The `a11y` attachment data of one check (sitewise.accessibility.axe.A11yCheck.to_data)."""
    run = AxeRun(
        results={"violations": list(violations), "testEngine": {"version": "4.12.1"}},
        tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"),
        include=(),
        exclude=(),
        frames=FrameCoverage(checked=(url,)),
    )
    check = evaluate(
        run,
        url=url,
        browser="chromium 156.0",
        known_issues=known_issues,
        today=dt.date.today(),
    )
    return check.to_data()


def endpoint_entry(
    endpoint: str, durations_ms: Sequence[float], budget_ms: float
) -> dict[str, Any]:
    worst = max(durations_ms)
    return {
        "endpoint": endpoint,
        "count": len(durations_ms),
        "durations_ms": list(durations_ms),
        "p95_ms": worst,
        "budget_ms": budget_ms,
        "status": "pass" if worst < budget_ms else "fail",
    }


def vitals_data(
    page: str,
    durations_ms: Sequence[float],
    *,
    profile: str = "desktop",
    lcp_ms: float = 1000.0,
    budget_ms: float = 100.0,
    endpoint: str = "GET /api/settings",
) -> dict[str, Any]:
    """The `vitals` attachment data of one measurement: LCP and CLS, and one endpoint."""
    return {
        "page": page,
        "profile": profile,
        "browser": "chromium",
        "viewport": "desktop",
        "url": f"http://127.0.0.1:8000{page.partition(':')[2]}",
        "runs": 3,
        "metrics": [
            {
                "metric": "LCP",
                "unit": "ms",
                "runs": [lcp_ms - 100, lcp_ms, lcp_ms + 100],
                "median": lcp_ms,
                "budget": 2500.0,
                "status": "pass" if lcp_ms <= 2500 else "fail",
                "reason": "",
                "culprits": ["element #hero", "element #hero", "element #hero"],
            },
            {
                "metric": "CLS",
                "unit": "",
                "runs": [0.0, 0.01, 0.02],
                "median": 0.01,
                "budget": 0.1,
                "status": "pass",
                "reason": "",
                "culprits": ["", "", ""],
            },
        ],
        "api": {
            "budget_p95_ms": budget_ms,
            "timing": TIMING,
            "source": "measured runs",
            "endpoints": [endpoint_entry(endpoint, durations_ms, budget_ms)],
        },
        "notes": [],
    }


def a11y_document(
    checks: Sequence[tuple[str, dict[str, Any]]],
    known_issues: Sequence[KnownIssue] = (),
    *,
    full_run: bool = True,
    partial_reasons: Sequence[str] = (),
) -> dict[str, Any]:
    """An a11y.json as the accessibility plugin writes it, from (nodeid, check data) pairs."""
    run = A11yRun()
    for nodeid, data in checks:
        run.add(nodeid, data, None)
    summary = run.summary(known_issues, full_run=full_run, today=dt.date.today())
    summary["partial_reasons"] = list(partial_reasons)
    return summary


def vitals_document(
    measurements: Sequence[tuple[str, dict[str, Any]]], budget_ms: float = 100.0
) -> dict[str, Any]:
    """A vitals.json as sitewise/vitals/plugin.py writes it, from (nodeid, chart data) pairs,
    every one judged (as a performance spec's)."""
    entries = [{"nodeid": nodeid, "outcome": "passed", **data} for nodeid, data in measurements]
    latency = run_latency(pooled_measurements(entries), budget_ms)
    return {
        "schema": 1,
        "created": "2026-01-15T10:30:00+00:00",
        "settle_ms": 1000,
        "api_p95_ms": budget_ms,
        "api_latency": {
            "budget_p95_ms": budget_ms,
            "timing": TIMING,
            "endpoints": [e.to_dict() for e in latency],
        },
        "measurements": entries,
    }
