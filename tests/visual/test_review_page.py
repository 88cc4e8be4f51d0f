"""The designers' review page, in Chromium: listing, approve, reject, approve all, overlay."""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect

from sitewise.accessibility.runner import run_axe
from sitewise.visual import manifest
from sitewise.visual.manifest import RunInfo, SnapshotEntry, Status
from sitewise.visual.review import Review, ReviewError, ReviewServer, make_server
from sitewise.visual.snapshot import encode_png

pytestmark = pytest.mark.viewports("desktop")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def solid(rgb: tuple[int, int, int], width: int = 60, height: int = 40) -> bytes:
    image = np.zeros((height, width, 4), dtype=np.uint8)
    image[:, :, :3] = rgb
    image[:, :, 3] = 255
    return encode_png(image)


def entry(test: str, name: str, status: Status, baseline: Path, **extra: Any) -> SnapshotEntry:
    return SnapshotEntry(
        f"e2e/test_home.py::{test}[chromium-desktop]",
        name,
        status,
        str(baseline),
        app="web",
        spec="test_home",
        browser="chromium",
        platform="linux",
        viewport="desktop",
        **extra,
    )


@dataclass
class ReviewRun:
    """A reports folder as a run leaves it: one changed, one new and one passed snapshot."""

    reports: Path
    baselines: Path

    def entry(self, name: str) -> SnapshotEntry:
        return next(e for e in manifest.load(self.reports).snapshots if e.name == name)

    def baseline(self, name: str) -> bytes:
        return Path(self.entry(name).baseline).read_bytes()

    def actual(self, name: str) -> bytes:
        actual = self.entry(name).actual
        assert actual is not None
        return Path(actual).read_bytes()


@pytest.fixture
def review_run(tmp_path: Path) -> ReviewRun:
    reports, baselines = tmp_path / "reports", tmp_path / "baselines" / "web" / "test_home"
    artifacts = reports / "artifacts" / "test_home"
    artifacts.mkdir(parents=True)
    baselines.mkdir(parents=True)
    files = {
        "hero-expected": solid((200, 30, 30)),
        "hero-actual": solid((30, 30, 200)),
        "hero-diff": solid((255, 0, 0)),
        "footer-actual": solid((30, 160, 30)),
    }
    for stem, data in files.items():
        (artifacts / f"{stem}.png").write_bytes(data)
    suffix = "chromium-linux-desktop.png"
    (baselines / f"hero-{suffix}").write_bytes(files["hero-expected"])
    (baselines / f"footer-{suffix}").write_bytes(files["footer-actual"])
    (baselines / f"card-{suffix}").write_bytes(solid((90, 90, 90)))
    snapshots = [
        entry(
            "test_home",
            "hero",
            "changed",
            baselines / f"hero-{suffix}",
            expected=str(artifacts / "hero-expected.png"),
            actual=str(artifacts / "hero-actual.png"),
            diff=str(artifacts / "hero-diff.png"),
            diff_pixels=2400,
            total_pixels=2400,
            ratio=1.0,
            allowed=0,
            expected_size=(60, 40),
            actual_size=(60, 40),
        ),
        entry(
            "test_home",
            "footer",
            "new",
            baselines / f"footer-{suffix}",
            actual=str(artifacts / "footer-actual.png"),
            actual_size=(60, 40),
            written=True,
        ),
        entry("test_card", "card", "passed", baselines / f"card-{suffix}", diff_pixels=0),
    ]
    run = RunInfo(root=str(tmp_path), baseline_dir=str(tmp_path / "baselines"), finished="now")
    manifest.save(reports, manifest.Manifest(run, snapshots))
    return ReviewRun(reports, tmp_path / "baselines")


@pytest.fixture
def review_server(review_run: ReviewRun) -> Iterator[ReviewServer]:
    server = make_server(review_run.reports, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def review_page(page: Page, review_server: ReviewServer) -> Page:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(review_server.url)
    expect(page.locator("body[data-ready]")).to_be_attached()
    assert errors == []
    return page


def article(page: Page, name: str) -> Locator:
    return page.get_by_role("article", name=name)


def test_lists_changed_and_new_snapshots_side_by_side(review_page: Page) -> None:
    articles = review_page.get_by_role("article")
    expect(articles).to_have_count(2)
    expect(review_page.get_by_role("heading", level=2)).to_have_text(["hero", "footer"])
    hero = article(review_page, "hero")
    for kind in ("expected", "actual", "diff"):
        image = hero.get_by_role("img", name=f"{kind} screenshot of hero", exact=True)
        expect(image).to_be_visible()
        # decode() settles once the image is loaded and decoded (or fails): reading
        # naturalWidth right after to_be_visible raced the load on a fresh machine.
        assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 60
    expect(hero).to_contain_text("2400 of 2400 pixels (100.000 %), 0 allowed")
    expect(hero).to_contain_text("baselines/web/test_home/hero-chromium-linux-desktop.png")
    footer = article(review_page, "footer")
    expect(footer).to_contain_text("New (no baseline before this run)")
    expect(footer).to_contain_text("No baseline yet.")
    expect(footer.get_by_role("slider")).to_be_hidden()
    expect(review_page.get_by_role("status")).to_have_text("")
    expect(review_page.locator("#run-summary")).to_contain_text("2 of 3 snapshots to review")


def test_approve_writes_the_actual_as_the_baseline(
    review_page: Page, review_run: ReviewRun
) -> None:
    old_footer = review_run.baseline("footer")
    # Keyboard only: focus the button and press Enter.
    review_page.get_by_role("button", name="Approve hero").focus()
    review_page.keyboard.press("Enter")

    expect(article(review_page, "hero").locator(".decision")).to_have_text("Approved")
    expect(review_page.get_by_role("status")).to_have_text(
        "Approved hero: the actual screenshot is now the baseline."
    )
    assert review_run.baseline("hero") == review_run.actual("hero")
    assert review_run.entry("hero").review == "approved"
    assert review_run.baseline("footer") == old_footer
    assert review_run.entry("footer").review is None
    assert not [p for p in review_run.baselines.rglob("*") if p.name.endswith(".tmp")]


def test_reject_leaves_the_baseline_alone(review_page: Page, review_run: ReviewRun) -> None:
    before = review_run.baseline("hero")

    review_page.get_by_role("button", name="Reject hero").click()

    expect(article(review_page, "hero").locator(".decision")).to_have_text("Rejected")
    assert review_run.entry("hero").review == "rejected"
    assert review_run.baseline("hero") == before
    assert review_run.baseline("hero") != review_run.actual("hero")


def test_approve_all(review_page: Page, review_run: ReviewRun) -> None:
    review_page.get_by_role("button", name="Approve all").click()

    expect(review_page.locator(".decision")).to_have_text(["Approved", "Approved"])
    for name in ("hero", "footer"):
        assert review_run.baseline(name) == review_run.actual(name)
        assert review_run.entry(name).review == "approved"
    assert review_run.entry("card").review is None


def test_reject_all_leaves_every_baseline_alone(review_page: Page, review_run: ReviewRun) -> None:
    before = {name: review_run.baseline(name) for name in ("hero", "footer", "card")}

    review_page.get_by_role("button", name="Reject all").click()

    expect(review_page.locator(".decision")).to_have_text(["Rejected", "Rejected"])
    expect(review_page.get_by_role("status")).to_have_text(
        "Rejected hero, footer: the baseline is as it was before the run."
    )
    for name in ("hero", "footer"):
        assert review_run.entry(name).review == "rejected"
    assert review_run.entry("card").review is None
    assert {name: review_run.baseline(name) for name in before} == before


def test_approve_all_records_the_approvals_made_before_one_fails(
    review_page: Page, review_run: ReviewRun
) -> None:
    # The footer's screenshot disappears after the page showed it: its approval fails.
    footer_actual = review_run.entry("footer").actual
    assert footer_actual is not None
    Path(footer_actual).unlink()
    old_footer = review_run.baseline("footer")

    review_page.get_by_role("button", name="Approve all").click()

    status = review_page.get_by_role("status")
    expect(status).to_contain_text("Could not approve: footer: cannot read")
    expect(status).to_contain_text("Approved before it: hero.")
    expect(review_page.locator(".decision")).to_have_text(["Approved", "Not reviewed"])
    # The hero's baseline was written, and the manifest says so.
    assert review_run.baseline("hero") == review_run.actual("hero")
    assert review_run.entry("hero").review == "approved"
    assert review_run.entry("footer").review is None
    assert review_run.baseline("footer") == old_footer


def test_a_failed_approval_saves_the_earlier_ones_before_it_is_reported(
    review_run: ReviewRun,
) -> None:
    footer_actual = review_run.entry("footer").actual
    assert footer_actual is not None
    Path(footer_actual).write_bytes(b"not a png")
    review = Review(review_run.reports)

    with pytest.raises(ReviewError, match=r"footer-actual\.png: not a PNG image") as raised:
        review.decide(None, "approved")

    assert [e.name for e in raised.value.done] == ["hero"]
    assert review_run.entry("hero").review == "approved"
    assert review_run.baseline("hero") == review_run.actual("hero")
    assert review_run.entry("footer").review is None
    # Once its screenshot is usable again, approving all goes through.
    Path(footer_actual).write_bytes(solid((30, 200, 30)))
    assert [e.name for e in review.decide(None, "approved")] == ["hero", "footer"]
    assert review_run.entry("footer").review == "approved"
    assert review_run.baseline("footer") == review_run.actual("footer")


def test_slider_moves_the_overlay_clip(review_page: Page) -> None:
    hero = article(review_page, "hero")
    slider = hero.get_by_role("slider", name="Actual shown from the left, in percent")
    expect(slider).to_be_hidden()
    hero.get_by_role("radio", name="Slider").check()
    over = hero.locator(".stack img.over")
    expect(over).to_have_attribute("style", re.compile(r"clip-path: inset\(0px 50% 0px 0px\);"))

    slider.focus()
    review_page.keyboard.press("End")
    expect(over).to_have_attribute("style", re.compile(r"clip-path: inset\(0px 0% 0px 0px\);"))
    expect(slider).to_have_attribute("aria-valuetext", "100 % actual, 0 % expected")

    slider.fill("25")
    expect(over).to_have_attribute("style", re.compile(r"clip-path: inset\(0px 75% 0px 0px\);"))
    # Expected lies under actual: same place, same size.
    under = hero.locator(".stack img.under")
    assert over.bounding_box() == under.bounding_box()


def test_page_passes_axe_wcag_22_aa(review_page: Page) -> None:
    results = run_axe(review_page, tags=WCAG_22_AA).results
    assert results["violations"] == [], json.dumps(results["violations"], indent=2)


def test_page_is_served_with_a_strict_csp_and_refuses_foreign_requests(
    review_server: ReviewServer, review_run: ReviewRun
) -> None:
    host, port = review_server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    assert "script-src 'self'" in response.getheader("Content-Security-Policy", "")
    # A cross-site form can only send form or plain-text bodies: refused.
    connection.request("POST", "/api/approve", body="ids=x", headers={"Content-Type": "text/plain"})
    assert connection.getresponse().status == 415
    connection.close()
    # A DNS-rebound name reaching 127.0.0.1 is refused too.
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    body = json.dumps({"all": True})
    headers = {"Content-Type": "application/json", "Host": "evil.example"}
    connection.request("POST", "/api/approve", body=body, headers=headers)
    assert connection.getresponse().status == 403
    connection.close()
    assert review_run.entry("hero").review is None
