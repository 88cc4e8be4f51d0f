"""Budgets, medians, verdicts, messages and API grouping, without a browser."""

from __future__ import annotations

from typing import Any

import pytest

from sitewise.config.model import Budget, PageBudget, PerformanceConfig, ThrottlingProfile
from sitewise.vitals.api import (
    EVERY_CALL,
    ApiCall,
    PooledCall,
    endpoint_of,
    latency_by_endpoint,
    p95,
    pair_calls,
    pooled_measurements,
    run_latency,
)
from sitewise.vitals.plugin import check_api_latency, check_within_budget
from sitewise.vitals.report import (
    METRICS,
    MetricName,
    VitalsReport,
    build_report,
    run_from_snapshots,
)
from sitewise.vitals.throttling import state_for, unsupported_reason

GOOD = Budget(lcp_ms=2500, cls=0.1, inp_ms=200, fcp_ms=1800, ttfb_ms=800)


def snapshot(
    *,
    lcp: float | None = 1000,
    cls: float = 0.0,
    inp: float | None = None,
    unsupported: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A collector snapshot as collector.js returns it, with only what the report reads."""
    return {
        "url": "http://app.test/settings",
        "supported": {m: m not in unsupported for m in METRICS},
        "lcp": None
        if lcp is None
        else {"value": lcp, "element": "#hero", "url": "http://app.test/hero.png", "size": 600000},
        "fcp": 400.0,
        "ttfb": 90.0,
        "cls": {
            "value": cls,
            "entries": [
                {
                    "startTime": 812.4,
                    "value": cls,
                    "sources": [{"node": "main>p.intro"}, {"node": "#details"}],
                }
            ]
            if cls
            else [],
        },
        "inp": None
        if inp is None
        else {
            "value": inp,
            "entries": [],
            "events": [
                {
                    "name": "pointerdown",
                    "target": "#save",
                    "startTime": 1.0,
                    "duration": inp,
                    "inputDelay": 2.0,
                    "processing": 0.5,
                    "presentationDelay": inp - 2.5,
                },
                {
                    "name": "click",
                    "target": "#save",
                    "startTime": 1.0,
                    "duration": inp,
                    "inputDelay": 3.0,
                    "processing": inp - 20,
                    "presentationDelay": 17.0,
                },
            ],
        },
        "interactionCount": 0 if inp is None else 1,
        "api": [],
    }


def report_of(
    snapshots: list[dict[str, Any]], budget: Budget = GOOD, interacted: bool = False
) -> VitalsReport:
    runs = [
        run_from_snapshots(i, s, s, settled=True, api_calls=pair_calls(s["api"], []))
        for i, s in enumerate(snapshots, 1)
    ]
    return build_report(
        page="web:/settings",
        profile="mobile",
        browser="chromium",
        viewport="mobile",
        url="http://app.test/settings",
        throttling=state_for("chromium", "mobile", ThrottlingProfile(latency_ms=562.5)),
        runs=runs,
        budget=budget,
        api_budget_ms=200,
        interacted=interacted,
    )


def test_default_budget_is_web_vitals_good_thresholds() -> None:
    assert PerformanceConfig().budget_for("web:/", "desktop") == GOOD


def test_page_budget_overrides_profile_specific_last() -> None:
    config = PerformanceConfig(
        pages=(
            PageBudget(page="web:/settings", profile="mobile", lcp_ms=4000),
            PageBudget(page="web:/settings", lcp_ms=3000, cls=0),
            PageBudget(page="admin:/users", inp_ms=100),
        )
    )
    assert config.budget_for("web:/settings", "mobile").lcp_ms == 4000
    assert config.budget_for("web:/settings", "desktop").lcp_ms == 3000
    assert config.budget_for("web:/settings", "desktop").cls == 0
    assert config.budget_for("web:/", "desktop") == GOOD


def test_page_budget_with_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="profile 'tablet' is not one of desktop, mobile"):
        PerformanceConfig(pages=(PageBudget(page="web:/", profile="tablet", lcp_ms=1),))


def test_lighthouse_mobile_profile_by_default() -> None:
    mobile = PerformanceConfig().profiles["mobile"]
    assert (mobile.latency_ms, mobile.download_kbps, mobile.upload_kbps, mobile.cpu_slowdown) == (
        562.5,
        1474.56,
        675,
        4,
    )


def test_median_of_runs_is_judged_and_every_run_is_named() -> None:
    report = report_of([snapshot(lcp=2400), snapshot(lcp=3100), snapshot(lcp=2900)])
    lcp = report.metric("LCP")
    assert lcp.median == 2900
    assert lcp.status == "fail"
    message = report.budget_message()
    assert "web:/settings" in message
    assert "profile mobile" in message
    assert "LCP median 2900 ms is over the budget of 2500 ms" in message
    assert "runs: 2400 ms, 3100 ms, 2900 ms" in message
    assert "element #hero, resource http://app.test/hero.png" in message
    assert report.metric("FCP").status == "pass"


def test_one_slow_run_does_not_fail_the_median() -> None:
    report = report_of([snapshot(lcp=1000), snapshot(lcp=9000), snapshot(lcp=1100)])
    assert report.metric("LCP").status == "pass"
    assert not report.failures


def test_cls_failure_names_the_shifting_nodes() -> None:
    report = report_of([snapshot(cls=0.25)] * 3)
    assert report.metric("CLS").status == "fail"
    assert "shifting nodes main>p.intro, #details" in report.budget_message()


def test_inp_failure_names_the_slow_handler_and_target() -> None:
    report = report_of([snapshot(inp=320)] * 3, interacted=True)
    assert report.metric("INP").status == "fail"
    assert "click on #save, latency 320 ms" in report.budget_message()


def test_inp_without_interaction_is_not_measured_not_failed() -> None:
    report = report_of([snapshot()] * 2)
    inp = report.metric("INP")
    assert (inp.status, inp.reason) == ("not measured", "no interaction")


def test_an_interaction_that_left_no_event_entry_fails_and_says_why() -> None:
    report = report_of([snapshot()] * 2, interacted=True)
    inp = report.metric("INP")
    assert inp.status == "fail"
    assert "never reached the page as user input" in inp.reason
    assert "INP" in report.budget_message()


def test_unsupported_metric_is_skipped_never_passed() -> None:
    report = report_of([snapshot(cls=0.5, unsupported=("CLS", "LCP", "INP"))] * 2)
    assert {m.metric for m in report.skipped} == {"CLS", "LCP", "INP"}
    assert not report.failures
    assert "CLS skipped: chromium does not support the layout-shift entry type" in (
        report.skip_message()
    )


def test_missing_lcp_fails_and_says_in_which_run() -> None:
    report = report_of([snapshot(), snapshot(lcp=None)])
    assert report.metric("LCP").status == "fail"
    assert "not observed in run 2 of 2" in report.metric("LCP").reason


def test_metric_without_budget_is_reported_not_judged() -> None:
    report = report_of([snapshot(lcp=99999)], budget=Budget(cls=0.1))
    assert report.metric("LCP").status == "no budget"


def test_chart_data_has_metric_runs_median_budget_profile_page() -> None:
    data = report_of([snapshot(lcp=1200), snapshot(lcp=1400)]).chart_data()
    assert (data["page"], data["profile"]) == ("web:/settings", "mobile")
    lcp = next(m for m in data["metrics"] if m["metric"] == "LCP")
    assert (lcp["runs"], lcp["median"], lcp["budget"], lcp["unit"]) == (
        [1200, 1400],
        1300,
        2500,
        "ms",
    )
    assert {m["metric"] for m in data["metrics"]} == set(METRICS)


@pytest.mark.parametrize(
    ("method", "url", "expected"),
    [
        ("get", "http://a/api/items/42?fields=name", "GET /api/items/{id}"),
        (
            "GET",
            "http://a/api/users/3f2a9c1e-8d4b-4c6a-9e2f-1a2b3c4d5e6f/roles",
            "GET /api/users/{id}/roles",
        ),
        ("PUT", "http://a/api/blobs/0123456789abcdef0123", "PUT /api/blobs/{id}"),
        ("GET", "http://a/api/settings/categories", "GET /api/settings/categories"),
        ("GET", "http://a/api/health", "GET /api/health"),
    ],
)
def test_endpoint_collapses_ids_and_drops_query(method: str, url: str, expected: str) -> None:
    assert endpoint_of(method, url) == expected


def test_configured_routes_name_keys_and_literal_segments_win() -> None:
    routes = ("/api/settings/{key}", "/api/settings/categories", "/api/settings/{key}/history")
    assert (
        endpoint_of("GET", "http://a/api/settings/theme.mode", routes) == "GET /api/settings/{key}"
    )
    assert endpoint_of("GET", "http://a/api/settings/categories", routes) == (
        "GET /api/settings/categories"
    )
    assert endpoint_of("GET", "http://a/api/settings/x/history?page=2", routes) == (
        "GET /api/settings/{key}/history"
    )


def test_p95_is_nearest_rank() -> None:
    assert p95([5.0]) == 5.0
    assert p95([float(v) for v in range(1, 21)]) == 19.0
    assert p95([float(v) for v in range(1, 101)]) == 95.0
    with pytest.raises(ValueError, match="no values"):
        p95([])


def test_methods_pair_with_timings_by_url_in_order() -> None:
    timings = [
        {"url": "http://a/api/items", "startTime": 30.0, "duration": 12.0, "status": 201},
        {"url": "http://a/api/items", "startTime": 10.0, "duration": 5.0, "status": 200},
    ]
    calls = pair_calls(timings, [("GET", "http://a/api/items"), ("POST", "http://a/api/items")])
    assert [(c.endpoint, c.duration_ms) for c in calls] == [
        ("GET /api/items", 5.0),
        ("POST /api/items", 12.0),
    ]


def test_the_servers_own_time_goes_with_each_call_to_the_run_verdict() -> None:
    timings = [
        {"url": "http://a/api/me", "startTime": 1.0, "duration": 410.0, "serverMs": 2.5},
        {"url": "http://a/api/me", "startTime": 2.0, "duration": 6.0, "serverMs": -1},
    ]
    calls = pair_calls(timings, [])
    assert [c.server_ms for c in calls] == [2.5, None]
    (endpoint,) = latency_by_endpoint(calls, budget_ms=200)
    assert endpoint.to_dict()["server_ms"] == [2.5, None]
    data = {"page": "web:/", "api": {"endpoints": [endpoint.to_dict()]}}
    verdict = {e.endpoint: e for e in run_latency(pooled_measurements([data]), 200)}
    assert (
        verdict["GET /api/me"]
        .describe()
        .endswith("slowest: 410 ms (server 2 ms) on web:/, 6 ms on web:/")
    )
    assert verdict["GET /api/me"].to_dict()["slowest"][0]["server_ms"] == 2.5


def test_endpoint_over_budget_at_p95_fails() -> None:
    calls = [ApiCall("GET", "u", "GET /api/items/{id}", 0, d, 200) for d in [10.0] * 19 + [500.0]]
    calls += [ApiCall("POST", "u", "POST /api/items", 0, 250.0, 201)]
    verdicts = {e.endpoint: e for e in latency_by_endpoint(calls, budget_ms=200)}
    assert verdicts["GET /api/items/{id}"].status == "pass"
    assert verdicts["GET /api/items/{id}"].p95_ms == 10.0
    assert verdicts["POST /api/items"].status == "fail"


@pytest.mark.parametrize("browser", ["firefox", "webkit"])
def test_throttled_profile_is_chromium_only(browser: str) -> None:
    mobile = PerformanceConfig().profiles["mobile"]
    assert "only Chromium has" in unsupported_reason(browser, "mobile", mobile)
    assert unsupported_reason("chromium", "mobile", mobile) == ""
    assert unsupported_reason(browser, "desktop", ThrottlingProfile()) == ""
    assert not state_for(browser, "mobile", mobile).applied


def test_every_metric_has_a_budget_field() -> None:
    names: tuple[MetricName, ...] = METRICS
    assert all(
        getattr(GOOD, f) is not None for f in ("lcp_ms", "cls", "inp_ms", "fcp_ms", "ttfb_ms")
    )
    assert len(names) == 5


def test_budget_check_fails_then_skips_then_passes() -> None:
    with pytest.raises(AssertionError, match="LCP median 3000 ms is over the budget"):
        check_within_budget(report_of([snapshot(lcp=3000, unsupported=("CLS",))]))
    with pytest.raises(pytest.skip.Exception, match="CLS skipped") as skipped:
        check_within_budget(report_of([snapshot(unsupported=("CLS",))]))
    assert "within budget: LCP, FCP, TTFB" in str(skipped.value)
    check_within_budget(report_of([snapshot(cls=0.05)]))


def test_api_check_passes_without_calls_and_fails_over_budget() -> None:
    check_api_latency(report_of([snapshot()]))
    slow = snapshot()
    slow["api"] = [{"url": "http://app.test/api/items/7", "startTime": 5.0, "duration": 450.0}]
    with pytest.raises(AssertionError, match=r"GET /api/items/\{id\}: p95 450 ms over 1 call;"):
        check_api_latency(report_of([slow]))


def test_run_latency_pools_every_spec_and_names_the_slowest_calls() -> None:
    measurements = [
        {
            "nodeid": f"t.py::test_{n}",
            "page": f"web:/p{n}",
            "api": {"endpoints": [{"endpoint": "GET /api/auth/me", "durations_ms": [d, 5.0]}]},
        }
        for n, d in enumerate([8.0] * 9 + [240.0])
    ]
    measurements.append(
        {
            "nodeid": "t.py::x",
            "page": "admin:/users",
            "api": {
                "endpoints": [{"endpoint": "GET /api/admin/users", "durations_ms": [310.0, 290.0]}]
            },
        }
    )
    judged = run_latency(pooled_measurements(measurements), 200)
    assert judged[0].endpoint == EVERY_CALL
    verdicts = {e.endpoint: e for e in judged}
    me = verdicts["GET /api/auth/me"]
    # One slow call in twenty is the 5 % that p95 leaves out; per spec it would fail.
    assert (me.count, me.statistic, me.p95_ms, me.status) == (20, "p95", 8.0, "pass")
    assert [(c.duration_ms, c.page) for c in me.slowest] == [
        (240.0, "web:/p9"),
        (8.0, "web:/p0"),
        (8.0, "web:/p1"),
    ]
    users = verdicts["GET /api/admin/users"]
    # Two calls: too few for a p95, judged by their median, slow in both.
    assert (users.count, users.statistic, users.value_ms, users.status) == (
        2,
        "median",
        300.0,
        "fail",
    )
    assert users.describe() == (
        "GET /api/admin/users: median 300 ms over 2 calls (p95 310 ms; under 20 calls, too"
        " few for a p95 of its own) is not under the budget of 200 ms;"
        " slowest: 310 ms on admin:/users, 290 ms on admin:/users"
    )
    every = verdicts[EVERY_CALL]
    assert (every.count, every.statistic, every.p95_ms, every.status) == (22, "p95", 290.0, "fail")
    assert run_latency(pooled_measurements([{"page": "web:/", "api": {}}]), 200) == ()


def test_one_slow_call_of_a_few_does_not_fail_an_endpoint_but_a_slow_endpoint_does() -> None:
    def calls(endpoint: str, durations: list[float]) -> list[PooledCall]:
        return [PooledCall(endpoint, d, "web:/", "t.py::t") for d in durations]

    busy_machine = calls("GET /api/a", [4.0, 5.0, 389.0, 6.0, 5.0, 4.0])
    slow_endpoint = calls("GET /api/b", [260.0, 250.0, 270.0, 9.0, 255.0, 265.0])
    many = calls("GET /api/c", [5.0] * 40)
    verdicts = {e.endpoint: e for e in run_latency([*busy_machine, *slow_endpoint, *many], 200)}
    assert verdicts["GET /api/a"].status == "pass"
    assert verdicts["GET /api/b"].status == "fail"
    assert verdicts["GET /api/c"].statistic == "p95"
    # 52 calls, 6 over the budget: more than the 5 % a p95 leaves out.
    assert verdicts[EVERY_CALL].status == "fail"
