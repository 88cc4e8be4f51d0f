"""The performance plugin seen from a pytest run: failures that explain themselves, and one
vitals.json merged from every xdist worker."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from sitewise.vitals.report import format_value

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
[[viewports]]
name = "desktop"
width = 1280
height = 720

[performance]
runs = 2
settle_ms = 500

[[performance.pages]]
page = "web:/late-image"
lcp_ms = 200

[[performance.pages]]
page = "web:/late-shift"
profile = "desktop"
cls = 0.001
"""

TESTS = """
import pytest

BASE = {base!r}


def test_hero(assert_vitals):
    assert_vitals(BASE + "/pages/late-image.html?after=400", page_name="web:/late-image")


def test_banner(measure_vitals, assert_within_budget):
    report = measure_vitals(
        BASE + "/pages/late-shift.html?after=200", page_name="web:/late-shift", profile="desktop"
    )
    assert_within_budget(report)


def test_slow_save(assert_vitals):
    assert_vitals(
        BASE + "/pages/slow-click.html?busy=300",
        page_name="web:/slow-click",
        interact=lambda page: page.click("#save"),
    )


def test_quick_button(assert_vitals):
    assert_vitals(
        BASE + "/pages/slow-click.html?quick=5",
        page_name="web:/slow-click",
        interact=lambda page: page.click("#next"),
    )
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A tiny project that loads the config, browser and performance plugins."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ("E2E_WEB_URL", "E2E_ADMIN_URL", "E2E_CONFIG", "CI"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest("pytest_plugins = []\n")
    (pytester.path / "playwright.config.toml").write_text(CONFIG, encoding="utf-8")
    return pytester


def test_over_budget_pages_fail_with_their_culprits_and_vitals_json_merges_workers(
    suite: pytest.Pytester, vitals_server: str
) -> None:
    suite.makepyfile(test_pages=textwrap.dedent(TESTS.format(base=vitals_server)))
    result = suite.runpytest_subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(failed=3, passed=1)
    output = result.stdout.str()

    document = json.loads((suite.path / "reports" / "vitals.json").read_text(encoding="utf-8"))
    measured = {m["nodeid"].split("::")[1]: m for m in document["measurements"]}
    assert set(measured) == {
        "test_hero[chromium-desktop]",
        "test_banner[chromium-desktop]",
        "test_slow_save[chromium-desktop]",
        "test_quick_button[chromium-desktop]",
    }
    outcomes = [measured[n]["outcome"] for n in sorted(measured)]
    assert outcomes == ["failed", "failed", "passed", "failed"]

    hero = {m["metric"]: m for m in measured["test_hero[chromium-desktop]"]["metrics"]}["LCP"]
    runs = ", ".join(format_value("LCP", v) for v in hero["runs"])
    assert len(hero["runs"]) == 2
    assert (hero["budget"], hero["status"]) == (200, "fail")
    assert re.search(
        r"Web Vitals over budget on web:/late-image \(profile desktop, chromium, viewport"
        r" desktop, 2 runs\):\n.*LCP median \d+ ms is over the budget of 200 ms; runs: "
        + re.escape(runs)
        + r"; element #hero, resource http://127\.0\.0\.1:\d+/generated/hero\.png",
        output,
    ), output

    banner = {m["metric"]: m for m in measured["test_banner[chromium-desktop]"]["metrics"]}["CLS"]
    assert banner["status"] == "fail"
    assert "CLS median" in output
    assert "is over the budget of 0.001; runs: " in output
    assert re.search(
        r"runs: 0\.\d+, 0\.\d+; shifting nodes html>body>main>h1, html>body>main>p\.intro,"
        r" #details",
        output,
    ), output

    save = {m["metric"]: m for m in measured["test_slow_save[chromium-desktop]"]["metrics"]}
    assert (save["INP"]["budget"], save["INP"]["status"]) == (200, "fail")
    assert all(" on #save, latency " in c for c in save["INP"]["culprits"]), save["INP"]
    # The Save click names the slow interaction's target, run by run or once.
    assert re.search(
        r"INP median \d+ ms is over the budget of 200 ms; runs: .*click on #save, latency \d+ ms"
        r" \(input delay \d+ ms, handlers \d+ ms\)",
        output,
    ), output

    quick = {m["metric"]: m for m in measured["test_quick_button[chromium-desktop]"]["metrics"]}
    assert quick["INP"]["status"] == "pass"
    assert " on #next" in quick["INP"]["culprits"][0]


API_TESTS = """
import pytest

BASE = {base!r}


@pytest.mark.performance
def test_api_page(measure_vitals):
    measure_vitals(BASE + "/pages/api.html", page_name="web:/api", profile="desktop")


def test_not_a_performance_spec(measure_vitals):
    # Measured and recorded, but its calls are not judged with the performance specs'.
    measure_vitals(BASE + "/pages/api.html?other", page_name="web:/other", profile="desktop")
"""


@pytest.mark.parametrize(("budget", "fails"), [(0.01, True), (60_000, False)])
def test_api_latency_is_judged_over_the_whole_run(
    suite: pytest.Pytester, vitals_server: str, budget: float, fails: bool
) -> None:
    config = suite.path / "playwright.config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[performance]\n", f"[performance]\napi_p95_ms = {budget}\n"
        ),
        encoding="utf-8",
    )
    suite.makepyfile(test_api=textwrap.dedent(API_TESTS.format(base=vitals_server)))
    result = suite.runpytest_subprocess("-n", "2", "-p", "xdist")
    # The tests themselves pass; the run-wide verdict is a test case of its own.
    result.assert_outcomes(passed=2 if fails else 3, failed=1 if fails else 0)
    assert result.ret == (1 if fails else 0)
    junit = (suite.path / "reports" / "junit.xml").read_text(encoding="utf-8")
    results = json.loads((suite.path / "reports" / "results.json").read_text(encoding="utf-8"))
    [verdict] = [t for t in results["tests"] if t["nodeid"] == "run::api-latency"]
    assert verdict["outcome"] == ("failed" if fails else "passed")
    assert 'classname="run" name="api-latency"' in junit
    output = result.stdout.str()
    assert "API latency" in output
    assert re.search(r"GET /api/items: median \d+ ms over 2 calls \(p95 \d+ ms;", output), output
    document = json.loads((suite.path / "reports" / "vitals.json").read_text(encoding="utf-8"))
    endpoints = {e["endpoint"]: e for e in document["api_latency"]["endpoints"]}
    assert endpoints["GET /api/items"]["count"] == 2
    assert {s["page"] for e in endpoints.values() for s in e["slowest"]} == {"web:/api"}
    assert len(document["measurements"]) == 2
    if fails:
        assert (
            "FAILED: API latency over the budget of 0 ms ([performance] api_p95_ms):"
            " every API call, GET /api/items, GET /api/items/{id}" in output
        )
        assert {e["status"] for e in endpoints.values()} == {"fail"}
        assert "FAILED run::api-latency - API latency over the budget of 0.01 ms" in output
        assert '<failure message="API latency over the budget' in junit
        # --lf judges it again: the performance spec runs with the failed verdict.
        again = suite.runpytest_subprocess("--lf", "-p", "xdist", "-p", "cacheprovider")
        again.assert_outcomes(passed=1, failed=1, deselected=1)
        rerun = json.loads((suite.path / "reports" / "results.json").read_text(encoding="utf-8"))
        assert sorted(t["nodeid"].split("::")[-1] for t in rerun["tests"]) == [
            "api-latency",
            "test_api_page[chromium-desktop]",
        ]
    else:
        assert "FAILED:" not in output
