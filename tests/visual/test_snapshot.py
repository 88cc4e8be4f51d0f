"""assert_snapshot compares: identical passes, a change fails with its numbers, allowances."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

SWATCH = """
def test_swatch(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html{query}")
    assert_snapshot(fixture_page.locator("#swatch"), "swatch"{options})
"""


def swatch(query: str = "", options: str = "") -> str:
    return SWATCH.format(query=query, options=options)


def baseline_path(suite: VisualSuite) -> Path:
    return suite.baselines / "common" / "test_shots" / "swatch-chromium-linux-desktop.png"


def test_identical_screenshot_passes_and_records_passed(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(swatch())
    visual_suite.run().assert_outcomes(passed=1)
    baseline = baseline_path(visual_suite)
    written = baseline.read_bytes()

    result = visual_suite.run()

    result.assert_outcomes(passed=1)
    assert baseline.read_bytes() == written
    [entry] = visual_suite.manifest()["snapshots"]
    assert entry["status"] == "passed"
    assert entry["diff_pixels"] == 0
    assert entry["actual_size"] == [200, 100]
    # Stored relative to the repository (the manifest travels from CI).
    assert entry["baseline"] == baseline.relative_to(visual_suite.pytester.path).as_posix()


def test_change_fails_with_pixel_count_ratio_allowance_and_paths(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(swatch())
    visual_suite.run().assert_outcomes(passed=1)
    before = baseline_path(visual_suite).read_bytes()
    visual_suite.write_test(swatch("?patch=10,5"))

    result = visual_suite.run()

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    # 10 x 5 blue pixels on red, out of 200 x 100.
    assert "50 pixel(s) differ (ratio 0.002500 of 20000)" in output
    assert "0 pixel(s) allowed (no max_diff_pixels or max_diff_pixel_ratio)" in output
    artifacts = visual_suite.reports / "artifacts"
    for kind in ("expected", "actual", "diff"):
        [path] = artifacts.rglob(f"swatch-{kind}.png")
        assert f"{kind}: {path}" in output
    assert baseline_path(visual_suite).read_bytes() == before
    [entry] = visual_suite.manifest()["snapshots"]
    assert (entry["status"], entry["diff_pixels"], entry["allowed"]) == ("changed", 50, 0)


ALLOWANCES = """
import pytest

CASES = [
    ("pixels-50", dict(max_diff_pixels=50)),
    ("pixels-49", dict(max_diff_pixels=49)),
    ("ratio-0.0025", dict(max_diff_pixel_ratio=0.0025)),
    ("ratio-0.002", dict(max_diff_pixel_ratio=0.002)),
    ("ratio-smaller", dict(max_diff_pixels=1000, max_diff_pixel_ratio=0.002)),
    ("pixels-smaller", dict(max_diff_pixels=45, max_diff_pixel_ratio=0.5)),
    ("pixels-smaller-enough", dict(max_diff_pixels=50, max_diff_pixel_ratio=0.5)),
]


@pytest.mark.parametrize(("name", "options"), CASES, ids=[c[0] for c in CASES])
def test_allowance(fixture_page, assert_snapshot, name, options):
    fixture_page.goto("http://visual.test/swatch.html{query}")
    assert_snapshot(fixture_page.locator("#swatch"), name, **options)
"""


def test_allowance_rules_pixels_ratio_and_the_smaller_wins(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(ALLOWANCES.format(query=""))
    visual_suite.run().assert_outcomes(passed=7)
    visual_suite.write_test(ALLOWANCES.format(query="?patch=10,5"))

    result = visual_suite.run("-rA")

    # 50 pixels differ in each case.
    expected = {
        "pixels-50": ("passed", 50),
        "pixels-49": ("changed", 49),
        "ratio-0.0025": ("passed", 50),
        "ratio-0.002": ("changed", 40),
        # Both given: the smaller allowance wins, whichever of the two it is.
        "ratio-smaller": ("changed", 40),
        "pixels-smaller": ("changed", 45),
        "pixels-smaller-enough": ("passed", 50),
    }
    result.assert_outcomes(passed=3, failed=4)
    entries = {e["name"]: e for e in visual_suite.manifest()["snapshots"]}
    assert {n: (e["status"], e["allowed"]) for n, e in entries.items()} == expected
    assert {e["diff_pixels"] for e in entries.values()} == {50}
    result.stdout.fnmatch_lines(
        [
            "*50 pixel(s) differ*; 40 pixel(s) allowed (max_diff_pixels=1000,"
            " max_diff_pixel_ratio=0.002)*"
        ]
    )


def test_mask_hides_a_changing_region(visual_suite: VisualSuite) -> None:
    test = """
    def test_panel(fixture_page, assert_snapshot):
        fixture_page.goto("http://visual.test/text-field.html?t={text}")
        assert_snapshot(fixture_page.locator("#panel"), "panel"{mask})
    """
    masked = ', mask=[fixture_page.locator("#clock")]'
    visual_suite.write_test(test.format(text="10:30", mask=masked))
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.write_test(test.format(text="11:45", mask=masked))
    visual_suite.run().assert_outcomes(passed=1)
    baseline = visual_suite.baselines / "common/test_shots/panel-chromium-linux-desktop.png"
    from sitewise.visual.baselines import read_baseline

    pixels = read_baseline(baseline)
    # The clock's box (left 20, top 20) is painted with [visual] mask_color, #FF00FF.
    assert tuple(pixels[30, 40]) == (255, 0, 255, 255)

    visual_suite.write_test(test.format(text="11:45", mask=""))
    visual_suite.run().assert_outcomes(failed=1)


def test_size_mismatch_names_both_sizes(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(swatch())
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.write_test(swatch("?size=180,90"))

    result = visual_suite.run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*the screenshot is 180x90 but the baseline is 200x100 (width x height)*"]
    )
    [entry] = visual_suite.manifest()["snapshots"]
    assert entry["status"] == "size-mismatch"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"GIF89a not a png at all", "not a PNG image (it starts with b'GIF89a n'"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR truncated", "a corrupt PNG image ("),
        (b"", "the file is empty, not a PNG image."),
    ],
)
def test_corrupt_baseline_fails_with_its_path_and_problem(
    visual_suite: VisualSuite, content: bytes, problem: str
) -> None:
    baseline = baseline_path(visual_suite)
    baseline.parent.mkdir(parents=True)
    baseline.write_bytes(content)
    visual_suite.write_test(swatch())

    result = visual_suite.run()

    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert f"{baseline}: {problem}" in output
    assert "PIL" not in output
    assert baseline.read_bytes() == content


def test_failure_is_attached_to_the_report(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(swatch())
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.write_test(swatch("?patch=4,5"))

    result = visual_suite.run("--junitxml=junit.xml")

    result.assert_outcomes(failed=1)
    junit = (visual_suite.pytester.path / "junit.xml").read_text()
    [raw] = re.findall(r'<property name="e2e.attachment" value="([^"]*)"', junit)
    import html

    attachment = json.loads(html.unescape(raw))
    assert (attachment["kind"], attachment["title"]) == ("visual", "swatch")
    data = attachment["data"]
    assert (data["status"], data["diff_pixels"], data["allowed"]) == ("changed", 20, 0)
    assert data["ratio"] == pytest.approx(20 / 20000)
    for kind in ("expected", "actual", "diff"):
        assert Path(data[kind]).is_file()
