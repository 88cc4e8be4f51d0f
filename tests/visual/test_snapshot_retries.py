"""Retries (pytest-rerunfailures, on in CI): every attempt of a test starts clean.

A retry runs the same item again in the same process. Its snapshots replace the earlier
attempt's in the manifest, it compares with the baselines as the first attempt found
them (so a baseline a failed attempt wrote is still new, or still changed, on the
retry), and its files go to a `-retryN` folder of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

# The first attempt sees no marker file, makes it and is told so by `first`.
FIRST_ATTEMPT = """
from pathlib import Path

MARKER = Path(__file__).with_name("attempted")


def first_attempt():
    first = not MARKER.exists()
    MARKER.touch()
    return first
"""

MISMATCH_THEN_MATCH = (
    FIRST_ATTEMPT
    + """

def test_swatch(fixture_page, assert_snapshot):
    query = "?patch=10,5" if first_attempt() else ""
    fixture_page.goto("http://visual.test/swatch.html" + query)
    assert_snapshot(fixture_page.locator("#swatch"), "swatch")
"""
)

SHOT_THEN_FAIL_ONCE = (
    FIRST_ATTEMPT
    + """

def test_swatch(fixture_page, assert_snapshot):
    first = first_attempt()
    fixture_page.goto("http://visual.test/swatch.html{query}")
    assert_snapshot(fixture_page.locator("#swatch"), "swatch")
    assert_snapshot(fixture_page, "page")
    assert not first, "the first attempt fails after its snapshots"
"""
)

SWATCH = """
def test_swatch(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html{query}")
    assert_snapshot(fixture_page.locator("#swatch"), "swatch")
    assert_snapshot(fixture_page, "page")
"""


def outcomes(result: Any) -> dict[str, int]:
    parsed: dict[str, int] = result.parseoutcomes()
    # The engine's report plugin calls a pass on a retry "flaky": here it counts as passed.
    if "flaky" in parsed:
        parsed["passed"] = parsed.get("passed", 0) + parsed.pop("flaky")
    return {k: v for k, v in parsed.items() if k in ("passed", "failed", "rerun", "error")}


def entries(suite: VisualSuite) -> list[tuple[str, str, bool]]:
    return [(e["name"], e["status"], e["written"]) for e in suite.manifest()["snapshots"]]


def baseline(suite: VisualSuite, name: str) -> Path:
    return suite.baselines / "common" / "test_shots" / f"{name}-chromium-linux-desktop.png"


def test_a_mismatch_then_a_passing_retry_records_the_retry_only(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(SWATCH.format(query=""))
    visual_suite.run().assert_outcomes(passed=1)
    before = baseline(visual_suite, "swatch").read_bytes()
    visual_suite.write_test(MISMATCH_THEN_MATCH)

    result = visual_suite.run("--reruns", "1", "-rA")

    assert outcomes(result) == {"passed": 1, "rerun": 1}, result.stdout.str()
    assert "already took a snapshot" not in result.stdout.str()
    [entry] = visual_suite.manifest()["snapshots"]
    assert (entry["name"], entry["status"], entry["diff_pixels"]) == ("swatch", "passed", 0)
    assert baseline(visual_suite, "swatch").read_bytes() == before
    # The failed attempt's files stay in the test's folder; the retry has its own.
    [actual] = (visual_suite.reports / "artifacts").rglob("swatch-actual.png")
    assert not actual.parent.name.endswith("-retry1")


def test_a_retry_after_another_failure_takes_its_snapshots_again(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(SWATCH.format(query=""))
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.write_test(SHOT_THEN_FAIL_ONCE.format(query=""))

    result = visual_suite.run("--reruns", "1")

    assert outcomes(result) == {"passed": 1, "rerun": 1}, result.stdout.str()
    assert entries(visual_suite) == [("page", "passed", False), ("swatch", "passed", False)]


def test_a_baseline_a_failed_attempt_wrote_is_still_new_on_the_retry(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(SHOT_THEN_FAIL_ONCE.format(query=""))

    # Without the report plugin, whose "flaky" status keeps the pass out of -rA's PASSES.
    result = visual_suite.run("--reruns", "1", "-rA", "-p", "no:sitewise.report.plugin")

    assert outcomes(result) == {"passed": 1, "rerun": 1}, result.stdout.str()
    assert entries(visual_suite) == [("page", "new", True), ("swatch", "new", True)]
    # The passing attempt's report carries its own notes, once each.
    passes = result.stdout.str().split(" PASSES ", 1)[1].split("short test summary", 1)[0]
    assert passes.count("a new baseline was written") == 2
    [entry] = [e for e in visual_suite.manifest()["snapshots"] if e["name"] == "swatch"]
    assert Path(entry["actual"]).parent.name.endswith("-retry1")


def test_in_ci_a_missing_baseline_fails_every_attempt(visual_suite: VisualSuite) -> None:
    # The first attempt writes the missing baselines; the retry must not pass against them.
    visual_suite.write_test(SWATCH.format(query=""))

    result = visual_suite.run("--reruns", "1", ci=True)

    assert outcomes(result) == {"failed": 1, "rerun": 1}, result.stdout.str()
    output = result.stdout.str()
    assert "already took a snapshot" not in output
    assert "2 baseline(s) were missing and have been written" in output
    assert "4 baseline(s)" not in output
    assert entries(visual_suite) == [("page", "new", True), ("swatch", "new", True)]


def test_mode_changed_retry_compares_with_the_baseline_the_run_started_with(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(SWATCH.format(query=""))
    visual_suite.run().assert_outcomes(passed=1)
    visual_suite.write_test(SHOT_THEN_FAIL_ONCE.format(query="?stamp=blue"))

    result = visual_suite.run("--reruns", "1", "--update-baselines", "changed")

    assert outcomes(result) == {"passed": 1, "rerun": 1}, result.stdout.str()
    # Still "changed" on the retry, though the first attempt had rewritten the baselines.
    assert entries(visual_suite) == [("page", "changed", True), ("swatch", "changed", True)]
    visual_suite.run().assert_outcomes(passed=1)
