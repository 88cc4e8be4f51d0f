"""The review page's viewer in Chromium: comparison modes, zoom, filters, groups, undo, keys."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from sitewise.accessibility.runner import run_axe
from sitewise.visual import manifest
from sitewise.visual.manifest import RunInfo, SnapshotEntry
from sitewise.visual.review import make_server
from tests.visual.test_review_page import WCAG_22_AA, ReviewRun, solid

pytestmark = pytest.mark.viewports("desktop")
SCREENSHOT = Path("/tmp/review-reports/review-page.png")


def changed(
    test: str, name: str, browser: str, folder: Path, baselines: Path, **extra: str
) -> SnapshotEntry:
    stem = f"{name}-{browser}"
    return SnapshotEntry(
        f"e2e/test_{test}.py::test_{test}[{browser}-desktop]",
        name,
        "changed",
        str(baselines / f"{name}-{browser}-linux-desktop.png"),
        app=extra.get("app", "web"),
        spec=f"test_{test}",
        browser=browser,
        platform="linux",
        viewport="desktop",
        expected=str(folder / f"{stem}-expected.png"),
        actual=str(folder / f"{stem}-actual.png"),
        diff=str(folder / f"{extra.get('diff', stem)}-diff.png"),
        diff_pixels=100,
        total_pixels=2400,
        ratio=100 / 2400,
        allowed=0,
    )


@pytest.fixture
def viewer_run(tmp_path: Path) -> ReviewRun:
    """Four changes: the menu on chromium and firefox (one identical change), a header, and
    an admin page's table."""
    reports, baselines = tmp_path / "reports", tmp_path / "baselines" / "web" / "test_home"
    folder = reports / "artifacts" / "shots"
    folder.mkdir(parents=True)
    baselines.mkdir(parents=True)
    entries = [
        changed("home", "menu", "chromium", folder, baselines, diff="menu"),
        changed("home", "menu", "firefox", folder, baselines, diff="menu"),
        changed("home", "header", "chromium", folder, baselines),
        changed("users", "table", "chromium", folder, baselines, app="admin"),
    ]
    for number, item in enumerate(entries):
        assert item.expected
        assert item.actual
        assert item.diff
        Path(item.expected).write_bytes(solid((200, 200, 200), 600, 400))
        Path(item.actual).write_bytes(solid((10 * number, 40, 200), 600, 400))
        Path(item.diff).write_bytes(solid((255, 0, number), 600, 400))
        Path(item.baseline).write_bytes(solid((200, 200, 200), 600, 400))
    run = RunInfo(root=str(tmp_path), baseline_dir=str(tmp_path / "baselines"), finished="now")
    manifest.save(reports, manifest.Manifest(run, entries))
    return ReviewRun(reports, tmp_path / "baselines")


@pytest.fixture
def viewer(page: Page, viewer_run: ReviewRun) -> Iterator[Page]:
    server = make_server(viewer_run.reports, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url)
    expect(page.locator("body[data-ready]")).to_be_attached()
    yield page
    assert errors == []
    server.shutdown()
    server.server_close()
    thread.join()


def article(page: Page, name: str) -> Locator:
    return page.get_by_role("article", name=name)


def baselines(run: ReviewRun, name: str) -> list[bytes]:
    return [
        Path(e.baseline).read_bytes()
        for e in manifest.load(run.reports).snapshots
        if e.name == name
    ]


def actuals(run: ReviewRun, name: str) -> list[bytes]:
    found = [e.actual for e in manifest.load(run.reports).snapshots if e.name == name]
    return [Path(a).read_bytes() for a in found if a]


def test_identical_changes_are_one_decision(viewer: Page, viewer_run: ReviewRun) -> None:
    expect(viewer.get_by_role("article")).to_have_count(3)
    menu = article(viewer, "menu")
    expect(menu).to_contain_text("The same change in 1 more, decided together: menu (firefox")

    menu.get_by_role("button", name="Approve menu").click()

    expect(menu.locator(".decision")).to_have_text("Approved")
    assert baselines(viewer_run, "menu") == actuals(viewer_run, "menu")
    assert [e.review for e in manifest.load(viewer_run.reports).snapshots if e.name == "menu"] == [
        "approved",
        "approved",
    ]


def test_onion_skin_blink_and_difference_only(viewer: Page) -> None:
    header = article(viewer, "header")
    over = header.locator(".stack img.over")

    header.get_by_role("radio", name="Onion skin").check()
    onion = header.get_by_role("slider", name="Opacity of the actual, in percent")
    expect(onion).to_be_visible()
    expect(
        header.get_by_role("img", name="expected screenshot of header", exact=True)
    ).to_be_hidden()
    onion.fill("20")
    expect(over).to_have_css("opacity", "0.2")

    header.get_by_role("radio", name="Blink").check()
    expect(over).to_have_attribute("data-shown", "false")
    expect(over).to_have_attribute("data-shown", "true")
    header.get_by_role("button", name="Pause blinking").click()
    expect(header.get_by_role("button", name="Resume blinking")).to_have_attribute(
        "aria-pressed", "true"
    )

    header.get_by_role("radio", name="Difference only").check()
    expect(header.get_by_role("img", name="overlay: difference of header")).to_be_visible()
    expect(header.locator(".stack img.under")).to_be_hidden()
    expect(over).to_have_class(re.compile(r"\bdimmed\b"))


def test_zoom_scales_every_image_and_panning_keeps_them_in_step(viewer: Page) -> None:
    header = article(viewer, "header")
    expected = header.get_by_role("region", name="expected screenshot of header, scrollable")
    actual = header.get_by_role("region", name="actual screenshot of header, scrollable")
    image = header.get_by_role("img", name="actual screenshot of header", exact=True)
    expect(image).to_have_js_property("width", 600)

    header.get_by_role("button", name="zoom in").click()
    expect(header.locator(".zoom-level")).to_have_text("200 %")
    expect(image).to_have_js_property("width", 1200)
    expect(
        header.get_by_role("img", name="expected screenshot of header", exact=True)
    ).to_have_js_property("width", 1200)

    expected.evaluate("pane => { pane.scrollLeft = 300; pane.scrollTop = 120; }")
    viewer.wait_for_function(
        "pane => pane.scrollLeft === 300 && pane.scrollTop === 120", arg=actual.element_handle()
    )
    # Keys: 0 back to 100 %, in the article that has the focus.
    actual.focus()
    viewer.keyboard.press("0")
    expect(image).to_have_js_property("width", 600)


def test_filters_and_search_and_approving_what_is_shown(
    viewer: Page, viewer_run: ReviewRun
) -> None:
    viewer.get_by_label("App").select_option("admin")
    expect(viewer.get_by_role("article")).to_have_count(1)
    expect(viewer.locator("#shown-count")).to_have_text("Showing 1 of 4 snapshots")
    viewer.get_by_label("App").select_option("")
    viewer.get_by_label("Browser").select_option("firefox")
    expect(viewer.get_by_role("heading", level=2)).to_have_text(["menu"])
    expect(viewer.locator("#shown-count")).to_have_text("Showing 1 of 4 snapshots")
    viewer.get_by_label("Browser").select_option("")
    viewer.get_by_label("Test").select_option("e2e/test_users.py::test_users")
    expect(viewer.get_by_role("heading", level=2)).to_have_text(["table"])
    viewer.get_by_label("Test").select_option("")
    viewer.get_by_role("searchbox", name="Search").fill("HEADER")
    expect(viewer.get_by_role("heading", level=2)).to_have_text(["header"])

    viewer.get_by_role("button", name="Reject shown").click()

    expect(viewer.get_by_role("status")).to_have_text(
        "Rejected header: the baseline is as it was before the run."
    )
    reviews = {e.name: e.review for e in manifest.load(viewer_run.reports).snapshots}
    assert reviews == {"header": "rejected", "menu": None, "table": None}


def test_undo_and_rejecting_an_approval_restore_the_old_baseline(
    viewer: Page, viewer_run: ReviewRun
) -> None:
    before = baselines(viewer_run, "header")
    header = article(viewer, "header")
    header.get_by_role("button", name="Approve header").click()
    expect(header.locator(".decision")).to_have_text("Approved")
    assert baselines(viewer_run, "header") == actuals(viewer_run, "header")

    viewer.get_by_role("button", name="Undo last decision").click()

    expect(header.locator(".decision")).to_have_text("Not reviewed")
    expect(viewer.get_by_role("status")).to_have_text(
        "Undid the last decision (header: Not reviewed)."
    )
    assert baselines(viewer_run, "header") == before
    expect(viewer.get_by_role("button", name="Undo last decision")).to_be_disabled()

    header.get_by_role("button", name="Approve header").click()
    expect(header.locator(".decision")).to_have_text("Approved")
    header.get_by_role("button", name="Reject header").click()
    expect(header.locator(".decision")).to_have_text("Rejected")
    assert baselines(viewer_run, "header") == before


def test_keyboard_shortcuts(viewer: Page, viewer_run: ReviewRun) -> None:
    viewer.locator("main").focus()
    viewer.keyboard.press("j")
    expect(article(viewer, "menu")).to_be_focused()
    viewer.keyboard.press("j")
    expect(article(viewer, "header")).to_be_focused()
    viewer.keyboard.press("2")
    expect(article(viewer, "header").get_by_role("radio", name="Slider")).to_be_checked()
    viewer.keyboard.press("a")
    expect(article(viewer, "header").locator(".decision")).to_have_text("Approved")
    viewer.keyboard.press("u")
    expect(article(viewer, "header").locator(".decision")).to_have_text("Not reviewed")
    viewer.keyboard.press("/")
    expect(viewer.get_by_role("searchbox", name="Search")).to_be_focused()
    # Typing in the search box is not a shortcut.
    viewer.keyboard.type("a")
    expect(viewer.get_by_role("searchbox", name="Search")).to_have_value("a")
    assert all(e.review is None for e in manifest.load(viewer_run.reports).snapshots)


@pytest.mark.parametrize("mode", ["Side by side", "Slider", "Onion skin", "Difference only"])
def test_every_view_passes_axe_wcag_22_aa(viewer: Page, mode: str) -> None:
    for name in ("menu", "header", "table"):
        article(viewer, name).get_by_role("radio", name=mode).check()
    if mode == "Slider":
        viewer.get_by_label("Browser").select_option("chromium")
        viewer.evaluate("window.scrollTo(0, 0)")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        viewer.screenshot(path=SCREENSHOT, full_page=False)
    results = run_axe(viewer, tags=WCAG_22_AA).results
    assert results["violations"] == [], json.dumps(results["violations"], indent=2)
