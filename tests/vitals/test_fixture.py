"""The measure_vitals fixture on fixture pages: runs, profiles, unsupported metrics, API latency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from sitewise.artifacts import attachments
from sitewise.config.model import SuiteConfig
from sitewise.vitals.plugin import CheckVitals, MeasureVitals
from sitewise.vitals.runner import ContextFactory, MeasureSpec, measure_page

pytestmark = pytest.mark.viewports("desktop")

# Stubs PerformanceObserver.supportedEntryTypes as a browser without these types would
# report it; measure_vitals runs it in the same init script, before the collector.
WITHOUT_LAYOUT_SHIFT_AND_EVENTS = """
(() => {
  const hidden = ['layout-shift', 'event', 'first-input'];
  const real = PerformanceObserver.supportedEntryTypes;
  Object.defineProperty(PerformanceObserver, 'supportedEntryTypes', {
    configurable: true,
    get: () => real.filter((type) => !hidden.includes(type)),
  });
})();
"""


def click_add(page: Page) -> None:
    page.click("#add")
    page.locator("#items li").nth(3).wait_for()


def test_runs_median_and_attachment(
    measure_vitals: MeasureVitals,
    vitals_server: str,
    request: pytest.FixtureRequest,
    reports_dir: Path,
) -> None:
    report = measure_vitals(
        f"{vitals_server}/pages/late-image.html?after=300",
        page_name="web:/late-image",
        profile="desktop",
        runs=2,
    )
    lcp = report.metric("LCP")
    assert len(lcp.runs) == 2
    assert all(v is not None and v >= 300 for v in lcp.runs)
    assert lcp.median == sum(v for v in lcp.runs if v is not None) / 2
    assert lcp.budget == 2500
    assert lcp.status == "pass"
    assert report.metric("INP").status == "not measured"
    assert not report.throttling.applied
    [attached] = [a for a in attachments(request.node.user_properties) if a.kind == "vitals"]
    assert attached.data["page"] == "web:/late-image"
    assert attached.data["metrics"][0]["metric"] == "LCP"
    assert attached.path is not None
    written = json.loads(Path(attached.path).read_text(encoding="utf-8"))
    assert Path(attached.path).is_relative_to(reports_dir)
    assert len(written["run_details"]) == 2
    assert written["run_details"][0]["snapshot"]["loaded"]["lcp"]["element"] == "#hero"


def test_unsupported_metrics_are_skipped_never_passed(
    measure_vitals: MeasureVitals,
    assert_within_budget: CheckVitals,
    vitals_server: str,
) -> None:
    report = measure_vitals(
        f"{vitals_server}/pages/slow-click.html?busy=50",
        page_name="web:/slow-click",
        profile="desktop",
        runs=1,
        interact=lambda page: page.click("#save"),
        init_script=WITHOUT_LAYOUT_SHIFT_AND_EVENTS,
    )
    assert {m.metric for m in report.skipped} == {"CLS", "INP"}
    assert report.metric("CLS").runs == (None,)
    assert report.metric("LCP").status == "pass"
    with pytest.raises(pytest.skip.Exception, match="CLS skipped: chromium does not support"):
        assert_within_budget(report)


def test_api_calls_grouped_per_endpoint_against_the_budget(
    measure_vitals: MeasureVitals,
    assert_api_latency: CheckVitals,
    vitals_server: str,
) -> None:
    report = measure_vitals(
        f"{vitals_server}/pages/api.html",
        page_name="web:/api",
        profile="desktop",
        runs=2,
        interact=click_add,
    )
    counts = {e.endpoint: e.count for e in report.api}
    assert counts == {"GET /api/items/{id}": 4, "GET /api/items": 2, "POST /api/items": 2}
    assert report.api_source == "measured runs"
    for endpoint in report.api:
        assert endpoint.budget_ms == 200
        assert endpoint.status == ("pass" if endpoint.p95_ms < 200 else "fail")
    # A loopback server answers in a few ms, but a loaded CI machine may not: judge, not hope.
    if not report.api_failures:
        assert_api_latency(report)


def test_api_latency_over_budget_names_the_endpoint(
    new_context: ContextFactory,
    suite_config: SuiteConfig,
    assert_api_latency: CheckVitals,
    vitals_server: str,
) -> None:
    config = suite_config.performance.model_copy(update={"api_p95_ms": 0.01, "runs": 1})
    spec = MeasureSpec(
        target=f"{vitals_server}/pages/api.html",
        page_name="web:/api",
        profile="desktop",
        budget=config.budget_for("web:/api", "desktop"),
        runs=1,
        browser="chromium",
        viewport="desktop",
    )
    report = measure_page(new_context, spec, config)
    with pytest.raises(AssertionError) as failure:
        assert_api_latency(report)
    message = str(failure.value)
    assert "p95 budget of 0 ms" in message
    assert "GET /api/items/{id}: p95" in message
    assert "over 2 calls" in message


def test_mobile_profile_throttles_and_keeps_ttfb_and_api_unthrottled(
    measure_vitals: MeasureVitals, vitals_server: str
) -> None:
    report = measure_vitals(
        f"{vitals_server}/pages/api.html",
        page_name="web:/api",
        profile="mobile",
        runs=1,
        interact=click_add,
    )
    assert report.throttling.applied
    assert report.throttling.latency_ms == 562.5
    [run] = report.runs
    [reference] = report.reference_runs
    whole_waits = [e["responseEnd"] - e["startTime"] for e in run.snapshot["final"]["api"]]
    assert whole_waits
    assert min(whole_waits) >= 562.5, "CDP latency applies to each call"
    assert report.api_source == "unthrottled loads"
    reported = sorted(d for e in report.api for d in e.durations_ms)
    assert reported == sorted(c.duration_ms for c in reference.api_calls)
    assert run.values["TTFB"] == reference.values["TTFB"]
    fcp, reference_fcp = run.values["FCP"], reference.values["FCP"]
    assert fcp is not None
    assert reference_fcp is not None
    assert fcp > reference_fcp + 562.5, "the document itself waits for the emulated latency"
    assert any("CDP" in note for note in report.notes)


def test_unknown_profile_is_refused(measure_vitals: MeasureVitals, vitals_server: str) -> None:
    with pytest.raises(ValueError, match="profile 'tablet' is not in"):
        measure_vitals(f"{vitals_server}/pages/api.html", page_name="web:/api", profile="tablet")


def test_context_args_may_not_repeat_the_viewport(
    measure_vitals: MeasureVitals, vitals_server: str
) -> None:
    with pytest.raises(ValueError, match="context_args viewport already come from"):
        measure_vitals(
            f"{vitals_server}/pages/api.html",
            page_name="web:/api",
            context_args={"viewport": {"width": 320, "height": 480}},
        )
