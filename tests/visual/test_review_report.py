"""The HTML report's failed snapshot: a slider and onion skin, as on the review page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sitewise.report.html import write_html
from sitewise.report.model import Artifact, Attempt, Results, TestResult
from tests.visual.test_review_page import solid

pytestmark = pytest.mark.viewports("desktop")


def report_with_a_changed_snapshot(folder: Path) -> Path:
    shots = folder / "artifacts" / "test_home"
    shots.mkdir(parents=True)
    (shots / "hero-expected.png").write_bytes(solid((200, 30, 30)))
    (shots / "hero-actual.png").write_bytes(solid((30, 30, 200)))
    (shots / "hero-diff.png").write_bytes(solid((255, 0, 0)))
    data = {
        "status": "changed",
        "expected": "artifacts/test_home/hero-expected.png",
        "actual": "artifacts/test_home/hero-actual.png",
        "diff": "artifacts/test_home/hero-diff.png",
        "diff_pixels": 2400,
    }
    attempt = Attempt(
        outcome="failed",
        message="hero differs",
        artifacts=[Artifact(kind="visual", title="hero", data=data)],
    )
    test = TestResult(nodeid="e2e/test_home.py::test_home", outcome="failed", attempts=[attempt])
    return write_html(Results(tests=[test]), folder)


def test_a_failed_snapshot_has_a_slider_and_onion_skin(page: Page, tmp_path: Path) -> None:
    page.goto(report_with_a_changed_snapshot(tmp_path).as_uri())
    box = page.locator(".compare")
    # Failed tests open with the report, or open on a click of their summary.
    summary = page.locator("#t0 summary")
    if not box.is_visible():
        summary.click()
    expect(box).to_be_visible()
    over = box.get_by_role("img", name="actual over expected: hero")
    expect(over).to_have_attribute("style", re.compile(r"clip-path: inset\(0px 50% 0px 0px\)"))
    expect(box.get_by_role("img", name="expected: hero", exact=True)).to_be_visible()

    box.get_by_role("slider", name="Actual shown from the left, in percent").fill("80")
    expect(over).to_have_attribute("style", re.compile(r"clip-path: inset\(0px 20% 0px 0px\)"))

    box.get_by_role("combobox", name="View").select_option("onion")
    onion = box.get_by_role("slider", name="Opacity of the actual, in percent")
    onion.fill("30")
    expect(over).to_have_css("opacity", "0.3")
    expect(over).not_to_have_attribute("style", re.compile("clip-path"))
