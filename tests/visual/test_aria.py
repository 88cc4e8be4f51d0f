"""`assert_aria_snapshot`: baselines of the accessibility tree, their modes, review, prune."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sitewise.accessibility.runner import run_axe
from sitewise.visual import manifest
from sitewise.visual.manifest import Manifest, RunInfo, SnapshotEntry
from sitewise.visual.review import Review, make_server
from tests.visual.conftest import VisualSuite
from tests.visual.test_review_page import WCAG_22_AA

pytest_plugins = ["pytester"]

FORM = """
import os

def test_form(page, assert_aria_snapshot):
    label = os.environ.get("ARIA_LABEL", "Save")
    page.set_content(f"<main><h1>Profile</h1><button>{label}</button></main>")
    assert_aria_snapshot(page.locator("main"), "form")
"""
BASELINE = Path("common") / "test_shots" / "form-chromium-linux-desktop.aria.yml"


def test_a_missing_baseline_is_written_and_passes_locally(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(FORM)

    result = visual_suite.run()

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*NewBaselineWarning*a new baseline was written*"])
    text = (visual_suite.baselines / BASELINE).read_text()
    assert '- heading "Profile" [level=1]' in text
    assert '- button "Save"' in text
    [entry] = visual_suite.manifest()["snapshots"]
    assert (entry["kind"], entry["status"], entry["written"]) == ("aria", "new", True)
    assert entry["baseline"] == f"baselines/{BASELINE.as_posix()}"


def test_a_missing_baseline_fails_in_ci(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(FORM)

    result = visual_suite.run(ci=True)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*baseline(s) were missing and have been written*"])
    assert (visual_suite.baselines / BASELINE).is_file()


def test_a_change_fails_with_a_text_diff_and_changed_mode_rewrites(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(FORM)
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.monkeypatch.setenv("ARIA_LABEL", "Keep")

    result = visual_suite.run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the accessibility tree differs from the baseline*",
            '*-  - button "Save"*',
            '*+  - button "Keep"*',
        ]
    )
    assert '- button "Save"' in (visual_suite.baselines / BASELINE).read_text()
    [entry] = visual_suite.manifest()["snapshots"]
    assert entry["status"] == "changed"
    assert (visual_suite.reports / entry["diff"]).read_text().count("\n") >= 4

    visual_suite.run("--update-baselines", "changed").assert_outcomes(passed=1)
    assert '- button "Keep"' in (visual_suite.baselines / BASELINE).read_text()
    visual_suite.run().assert_outcomes(passed=1)


def aria_run(tmp_path: Path) -> tuple[Path, Path]:
    reports, baselines = tmp_path / "reports", tmp_path / "baselines"
    folder = reports / "artifacts" / "form"
    folder.mkdir(parents=True)
    (folder / "form-actual.aria.yml").write_text('- button "Keep"\n')
    (folder / "form-aria.diff").write_text('-- button "Save"\n+- button "Keep"\n')
    baseline = baselines / BASELINE
    baseline.parent.mkdir(parents=True)
    baseline.write_text('- button "Save"\n')
    unused = baseline.with_name("gone-chromium-linux-desktop.aria.yml")
    unused.write_text("- text: old\n")
    entry = SnapshotEntry(
        "test_shots.py::test_form[chromium-desktop]",
        "form",
        "changed",
        str(baseline),
        browser="chromium",
        platform="linux",
        viewport="desktop",
        actual=str(folder / "form-actual.aria.yml"),
        diff=str(folder / "form-aria.diff"),
        kind="aria",
    )
    run = RunInfo(
        root=str(tmp_path),
        baseline_dir=str(baselines),
        browsers=["chromium"],
        platforms=["linux"],
        viewports=["desktop"],
    )
    manifest.save(reports, Manifest(run, [entry]))
    return reports, baseline


def test_review_approves_and_rejects_an_aria_change(tmp_path: Path) -> None:
    reports, baseline = aria_run(tmp_path)
    review = Review(reports)
    [entry] = review.entries()
    assert review.listing()["snapshots"][0]["images"]["diff"] == f"/text/{entry.id}/diff.txt"
    assert review.image(entry.id, "diff", text=True) == b'-- button "Save"\n+- button "Keep"\n'
    assert review.image(entry.id, "diff") is None

    review.decide([entry.id], "approved")
    assert baseline.read_text() == '- button "Keep"\n'
    review.decide([entry.id], "rejected")
    assert baseline.read_text() == '- button "Save"\n'


def test_prune_lists_unused_aria_baselines(tmp_path: Path) -> None:
    reports, baseline = aria_run(tmp_path)

    code, lines = manifest.prune(reports)

    assert code == 0
    assert lines[1:] == [
        f"  {baseline.with_name('gone-chromium-linux-desktop.aria.yml')}",
        "1 unused baseline(s); run again with --delete to delete them.",
    ]


@pytest.mark.parametrize("name", ["bad name", "../up"])
def test_a_bad_name_is_refused(tmp_path: Path, name: str) -> None:
    from sitewise.visual.aria import compare_aria
    from sitewise.visual.baselines import BaselineKey, UpdateMode
    from sitewise.visual.snapshot import SnapshotTarget

    key = BaselineKey("common", "spec", "x", "chromium", "linux", "desktop")
    where = SnapshotTarget("t::x", key, tmp_path, tmp_path / "out", UpdateMode.MISSING, False)
    with pytest.raises(ValueError, match="snapshot name"):
        compare_aria("- text: x", name, where)


@pytest.mark.viewports("desktop")
def test_the_review_page_shows_an_aria_text_diff_and_approves_it(
    page: Page, tmp_path: Path
) -> None:
    reports, baseline = aria_run(tmp_path)
    server = make_server(reports, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(server.url)
        form = page.get_by_role("article", name="form")
        tree = form.get_by_role("region", name="Accessibility tree of form: the difference")
        expect(tree.locator(".removed")).to_have_text('-- button "Save"\n')
        expect(tree.locator(".added")).to_have_text('+- button "Keep"\n')
        expect(form.get_by_role("radio")).to_have_count(0)

        form.get_by_role("button", name="Approve form").click()

        expect(form.locator(".decision")).to_have_text("Approved")
        assert baseline.read_text() == '- button "Keep"\n'
        results = run_axe(page, tags=WCAG_22_AA).results
        assert results["violations"] == [], results["violations"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
