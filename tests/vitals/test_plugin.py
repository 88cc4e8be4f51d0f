"""The performance plugin seen from a pytest run: failures that explain themselves, and one
vitals.json merged from every xdist worker."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from harness.vitals.report import format_value

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
    pytester.makeconftest(
        'pytest_plugins = ["fixtures.config", "fixtures.browser", "fixtures.performance"]\n'
    )
    (pytester.path / "playwright.config.toml").write_text(CONFIG, encoding="utf-8")
    return pytester


def test_over_budget_pages_fail_with_their_culprits_and_vitals_json_merges_workers(
    suite: pytest.Pytester, vitals_server: str
) -> None:
    suite.makepyfile(test_pages=textwrap.dedent(TESTS.format(base=vitals_server)))
    result = suite.runpytest_subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(failed=2, passed=1)
    output = result.stdout.str()

    document = json.loads((suite.path / "reports" / "vitals.json").read_text(encoding="utf-8"))
    measured = {m["nodeid"].split("::")[1]: m for m in document["measurements"]}
    assert set(measured) == {
        "test_hero[chromium-desktop]",
        "test_banner[chromium-desktop]",
        "test_quick_button[chromium-desktop]",
    }
    assert [measured[n]["outcome"] for n in sorted(measured)] == ["failed", "failed", "passed"]

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

    quick = {m["metric"]: m for m in measured["test_quick_button[chromium-desktop]"]["metrics"]}
    assert quick["INP"]["status"] == "pass"
    assert " on #next" in quick["INP"]["culprits"][0]
