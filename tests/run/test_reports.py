"""The reports a run writes: results.json, the HTML report, JUnit XML, artifacts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.run.helpers import PLUGINS, Run, by_name, make_project, results_of, run_pytest

ENGINES = """
    import pytest
    from PIL import Image
    from sitewise.artifacts import artifact_dir, attach

    @pytest.fixture
    def images(request, reports_dir):
        folder = artifact_dir(reports_dir, request.node.nodeid)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, colour in (("expected", "white"), ("actual", "red"), ("diff", "magenta")):
            paths[name] = str(folder / f"{name}.png")
            Image.new("RGB", (40, 30), colour).save(paths[name])
        return paths

    @pytest.mark.web
    def test_header_matches_its_baseline(request, images):
        \"\"\"The header looks as the designers accepted.\"\"\"
        attach(request.node, "visual", "header", data={
            **images, "status": "failed", "diff_pixels": 1200, "total_pixels": 1200,
            "ratio": 1.0, "allowed": 0})
        assert False, "header differs from its baseline in 1200 pixels"

    def test_settings_page_is_accessible(request):
        # A real verdict's data (the accessibility plugin reads it at the end of the run).
        from tests.run.runwide_data import a11y_check, violation

        attach(request.node, "a11y", "settings page", data=a11y_check(
            "http://127.0.0.1/settings",
            [violation("color-contrast", "serious", ".muted", "#footer a")],
        ))
        assert False, "2 accessibility violations"

    @pytest.mark.slow
    def test_dashboard_is_fast(request):
        attach(request.node, "vitals", "Web Vitals: web:/", data={
            "page": "web:/", "profile": "desktop", "metrics": [
                {"metric": "lcp_ms", "unit": "ms", "runs": [900, 1000, 1100],
                 "median": 1000, "budget": 2500, "status": "pass"},
                {"metric": "cls", "unit": "", "runs": [0.0, 0.2, 0.3],
                 "median": 0.2, "budget": 0.1, "status": "fail"}]})

    @pytest.mark.skip(reason="no admin app in this run")
    def test_admin_only():
        pass

    @pytest.mark.viewports("desktop")
    def test_save_shows_a_toast(page):
        page.set_content("<main><h1>Settings</h1><button>Save</button></main>")
        page.click("text=Save")
        assert page.locator("[role=status]").count() == 1, "no toast after saving"
"""

# The image's width once it has loaded or failed (0), without a fixed wait.
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth), {once: true});
    img.addEventListener("error", () => resolve(0), {once: true});
})"""


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """One run of a tiny suite: a failing browser test (screenshot and trace kept) and
    tests with the engines' attachments (visual, a11y, vitals)."""
    project = make_project(tmp_path_factory.mktemp("engines"), PLUGINS, test_engines=ENGINES)
    stale = project / "reports" / "artifacts" / "stale"
    stale.mkdir(parents=True)
    run = run_pytest(
        project,
        "--tracing=retain-on-failure",
        "--screenshot=only-on-failure",
    )
    assert run.outcomes() == {"passed": 1, "failed": 3, "skipped": 1}, run.stdout
    return project, run


def test_every_output_of_the_run_goes_under_reports(engines: tuple[Path, Run]) -> None:
    project, _ = engines
    reports = project / "reports"
    for name in ("junit.xml", "results.json", "report.html"):
        assert (reports / name).is_file(), name
    # pytest-playwright's --output defaults to reports/artifacts, emptied at the start.
    assert not (project / "test-results").exists()
    assert not (reports / "artifacts" / "stale").exists()
    kept = {p.name for p in (reports / "artifacts").rglob("*") if p.is_file()}
    assert {"test-failed-1.png", "trace.zip"} <= kept


def test_results_hold_each_test_with_status_browser_viewport_and_markers(
    engines: tuple[Path, Run],
) -> None:
    project, _ = engines
    results = results_of(project)
    tests = by_name(results)
    assert {name: t["outcome"] for name, t in tests.items()} == {
        "test_header_matches_its_baseline": "failed",
        "test_settings_page_is_accessible": "failed",
        "test_dashboard_is_fast": "passed",
        "test_admin_only": "skipped",
        "test_save_shows_a_toast[chromium-desktop]": "failed",
    }
    browser_test = tests["test_save_shows_a_toast[chromium-desktop]"]
    assert browser_test["browser"] == "chromium"
    assert browser_test["viewport"] == "desktop"
    assert browser_test["viewport_size"] == "1280×720"
    assert "desktop" in browser_test["markers"]
    assert browser_test["duration"] > 0
    assert "no toast after saving" in browser_test["attempts"][0]["message"]
    visual = tests["test_header_matches_its_baseline"]
    assert visual["markers"] == ["web"]
    assert visual["description"] == "The header looks as the designers accepted."
    assert tests["test_admin_only"]["attempts"][0]["message"] == "no admin app in this run"
    assert results["runs"][0]["counts"]["failed"] == 3
    assert results["runs"][0]["exit_status"] == 1


def test_artifact_paths_are_relative_to_the_report_and_exist(engines: tuple[Path, Run]) -> None:
    project, _ = engines
    reports = project / "reports"
    tests = by_name(results_of(project))
    kinds: dict[str, list[dict[str, Any]]] = {}
    for test in tests.values():
        for artifact in test["attempts"][-1]["artifacts"]:
            kinds.setdefault(artifact["kind"], []).append(artifact)
    for kind in ("screenshot", "trace"):
        (artifact,) = kinds[kind]
        assert not Path(artifact["path"]).is_absolute()
        assert (reports / artifact["path"]).is_file(), artifact
    (visual,) = kinds["visual"]
    for image in ("expected", "actual", "diff"):
        assert (reports / visual["data"][image]).is_file()
    assert visual["data"]["diff_pixels"] == 1200


def test_html_report_is_self_contained(engines: tuple[Path, Run]) -> None:
    project, _ = engines
    html = (project / "reports" / "report.html").read_text()
    assert "<style>" in html
    assert "<script>" in html
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert not re.search(r"<script[^>]+src=", html)
    sources = re.findall(r'\bsrc="([^"]+)"', html)
    assert sources
    for source in sources:
        assert not source.startswith(("http:", "https:", "//", "/")), source
        assert (project / "reports" / source).is_file(), source


def test_html_report_shows_every_failure_with_its_evidence(engines: tuple[Path, Run]) -> None:
    project, _ = engines
    html = (project / "reports" / "report.html").read_text()
    trace = next(
        a["path"]
        for t in results_of(project)["tests"]
        for a in t["attempts"][-1]["artifacts"]
        if a["kind"] == "trace"
    )
    assert f"python -m playwright show-trace {trace}" in html
    assert "header differs from its baseline in 1200 pixels" in html
    assert "color-contrast" in html
    assert 'class="vitals-chart"' in html


def test_junit_defaults_to_the_reports_folder(engines: tuple[Path, Run]) -> None:
    project, run = engines
    root = ET.parse(project / "reports" / "junit.xml").getroot()
    cases = list(root.iter("testcase"))
    assert len(cases) == 5
    assert sum(1 for c in cases if c.find("failure") is not None) == 3
    assert "generated xml file: " in run.stdout


@pytest.mark.viewports("desktop")
def test_html_report_opens_from_a_file_and_filters(engines: tuple[Path, Run], page: Page) -> None:
    project, _ = engines
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((project / "reports" / "report.html").as_uri())
    tests = page.locator("#tests > li.test")
    expect(tests).to_have_count(5)
    expect(page.locator("#shown")).to_have_text("5 of 5 tests")

    page.get_by_role("button", name=re.compile(r"^Failed")).click()
    expect(tests.locator("visible=true")).to_have_count(3)
    expect(page.locator("#shown")).to_have_text("3 of 5 tests")
    page.get_by_role("button", name="All", exact=True).click()
    page.get_by_label("Search").fill("slow")
    expect(tests.locator("visible=true")).to_have_count(1)
    expect(tests.locator("visible=true")).to_contain_text("test_dashboard_is_fast")
    assert "q=slow" in page.url

    page.get_by_label("Search").fill("")
    page.get_by_role("button", name="Expand all").click()
    # The test's own chart (the run-wide Performance section draws the same page too).
    chart = tests.get_by_role("figure", name="web:/ (desktop)").locator(".vitals-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.metric")).to_have_count(2)
    expect(chart.locator("g.metric.fail")).to_have_count(1)
    expect(chart.locator("line.budget")).to_have_count(2)
    visual = page.locator(".artifact.visual")
    expect(visual.locator(".shots img")).to_have_count(3)  # expected, actual, diff
    # The failed snapshot's comparison: the slider clips the actual, onion skin fades it.
    over = visual.locator(".compare img.over")
    visual.locator(".compare-range").fill("30")
    expect(over).to_have_css("clip-path", "inset(0px 70% 0px 0px)")
    visual.get_by_label("View").select_option("onion")
    expect(over).to_have_css("opacity", "0.3")
    images = page.locator("img")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()  # they load lazily
        width = image.evaluate(LOADED_WIDTH)
        assert width > 0, image.get_attribute("src")
    assert requested
    assert all(url.startswith("file://") for url in requested), requested


def test_a_recorded_video_is_in_the_report(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.viewports("desktop")
        def test_fails(page):
            page.set_content("<p>no</p>")
            assert page.text_content("p") == "yes"
        """
    )
    result = suite.runpytest_subprocess("--video=retain-on-failure")
    missing = "Video rendering requires ffmpeg binary"
    if missing in result.stdout.str():
        # Playwright records video with its own ffmpeg build (`playwright install ffmpeg`).
        pytest.skip(f"{missing}: Playwright's ffmpeg is not installed on this machine")
    result.assert_outcomes(failed=1)
    (test,) = results_of(suite)["tests"]
    (video,) = [a for a in test["attempts"][-1]["artifacts"] if a["kind"] == "video"]
    assert (suite.path / "reports" / video["path"]).is_file()
    html = (suite.path / "reports" / "report.html").read_text()
    assert f'<video controls preload="metadata" src="{video["path"]}"' in html
