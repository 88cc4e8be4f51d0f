"""The collector against Google's web-vitals library on the same fixture pages.

Each page loads web-vitals' own IIFE build (vendor/) as a second script; the suite's
collector runs as an init script. Both see the same performance entries, so CLS must be
equal and LCP and INP within 10 %, with the same culprit.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from playwright.sync_api import Page

from sitewise.vitals.collector import install_collector
from sitewise.vitals.report import RunVitals
from sitewise.vitals.runner import Interaction, measure_run

pytestmark = pytest.mark.viewports("desktop")

SETTLE_MS = 1_000


@pytest.fixture
def collected_page(page: Page) -> Page:
    """pytest-playwright's page with the collector installed on its context."""
    install_collector(page.context)
    return page


def measure(page: Page, url: str, interact: Interaction | None = None) -> RunVitals:
    return measure_run(page, url, settle_ms=SETTLE_MS, settle_timeout_ms=15_000, interact=interact)


def web_vitals(page: Page, *names: str) -> dict[str, Any]:
    """What web-vitals reported, once it has reported each of `names` (INP comes at idle)."""
    page.wait_for_function(
        "names => names.every((n) => window.__webVitals && n in window.__webVitals)",
        arg=list(names),
    )
    return cast(dict[str, Any], page.evaluate("window.__webVitals"))


def within(value: float | None, reference: float, tolerance: float = 0.10) -> bool:
    return value is not None and abs(value - reference) <= tolerance * reference


def test_cls_of_a_late_shift_equals_web_vitals(collected_page: Page, vitals_server: str) -> None:
    run = measure(collected_page, f"{vitals_server}/pages/late-shift.html?after=300")
    reference = web_vitals(collected_page, "CLS")
    assert reference["CLS"]["value"] > 0.01, "the fixture page should shift"
    assert run.values["CLS"] == reference["CLS"]["value"]
    culprit = run.culprits["CLS"]
    assert "#details" in culprit
    assert "p.intro" in culprit
    assert reference["CLS"]["target"] in culprit


def test_shift_right_after_input_is_not_counted(collected_page: Page, vitals_server: str) -> None:
    run = measure(
        collected_page,
        f"{vitals_server}/pages/late-shift.html?after=never",
        interact=lambda page: page.click("#show"),
    )
    reference = web_vitals(collected_page, "CLS")
    assert collected_page.locator("#late-banner").is_visible()
    assert run.values["CLS"] == 0 == reference["CLS"]["value"]


def test_lcp_is_the_late_image_as_web_vitals_says(collected_page: Page, vitals_server: str) -> None:
    run = measure(collected_page, f"{vitals_server}/pages/late-image.html?after=500")
    reference = web_vitals(collected_page, "LCP", "FCP", "TTFB")
    lcp = run.values["LCP"]
    seen = f"collector {run.snapshot['loaded']}, web-vitals {reference}, settled {run.settled}"
    assert lcp is not None, seen
    assert lcp >= 500, f"read before the image was added: {seen}"
    assert within(lcp, reference["LCP"]["value"]), seen
    assert reference["LCP"]["target"] == "#hero", seen
    assert run.culprits["LCP"].startswith("element #hero, resource "), seen
    assert "/generated/hero.png" in run.culprits["LCP"]
    assert within(run.values["FCP"], reference["FCP"]["value"]), seen
    assert within(run.values["TTFB"], reference["TTFB"]["value"]), seen


def test_selector_of_an_element_with_classes_is_web_vitals_own(
    collected_page: Page, vitals_server: str
) -> None:
    # Classes given out of alphabetical order: web-vitals (v5 on) sorts them in its
    # selectors, so the culprit names them as its attribution does, sorted.
    url = f"{vitals_server}/pages/late-image.html?after=200&classes=wide+hero+banner"
    run = measure(collected_page, url)
    reference = web_vitals(collected_page, "LCP")
    assert collected_page.locator("#slot img").get_attribute("class") == "wide hero banner"
    assert reference["LCP"]["target"] == "#slot>img.banner.hero.wide", reference
    culprit = run.culprits["LCP"]
    assert culprit.startswith(f"element {reference['LCP']['target']}, resource "), culprit


def test_inp_of_a_slow_click_handler_as_web_vitals_says(
    collected_page: Page, vitals_server: str
) -> None:
    run = measure(
        collected_page,
        f"{vitals_server}/pages/slow-click.html?busy=300",
        interact=lambda page: page.click("#save"),
    )
    reference = web_vitals(collected_page, "INP")
    inp = run.values["INP"]
    assert inp is not None
    assert inp >= 300
    assert within(inp, reference["INP"]["value"])
    assert reference["INP"]["target"] == "#save"
    assert run.culprits["INP"].startswith("click on #save")


def test_inp_skips_the_worst_interaction_past_50(collected_page: Page, vitals_server: str) -> None:
    def interact(page: Page) -> None:
        page.click("#save")
        for _ in range(50):
            page.click("#next")

    run = measure(
        collected_page, f"{vitals_server}/pages/slow-click.html?busy=400&quick=60", interact
    )
    reference = web_vitals(collected_page, "INP")
    inp = run.values["INP"]
    longest = run.snapshot["final"]["inp"]["candidates"]
    assert run.interactions >= 50
    assert longest[0] >= 400, "the Save click is the worst interaction"
    assert inp == longest[1], "with 50+ interactions the single worst one is skipped"
    assert within(inp, reference["INP"]["value"])
    assert run.culprits["INP"].startswith("click on #next")


def test_p98_rule_picks_one_worse_per_50_interactions(
    collected_page: Page, vitals_server: str
) -> None:
    collected_page.goto(f"{vitals_server}/pages/slow-click.html")
    longest = [{"latency": v} for v in (900, 500, 300, 120)]
    picks = collected_page.evaluate(
        "longest => [0, 49, 50, 99, 100, 1000]"
        ".map((count) => window.__e2eVitals.estimateP98(longest, count))",
        longest,
    )
    assert [p["latency"] for p in picks] == [900, 900, 500, 500, 300, 120]
