"""Soft checks: every failure of a test is recorded, the test goes on and fails at its end
with all of them listed (terminal, JUnit XML, results.json, HTML report)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.run.helpers import by_name, results_of

SOFT_BLOCKS = """
    from pathlib import Path

    from sitewise import soft, step

    def test_two_soft_failures():
        with soft("first"):
            assert 1 == 2, "first soft failure"
        with step("checking the second"):
            with soft():
                assert "a" == "b", "second soft failure"
        Path("reached-the-end").touch()

    def test_soft_then_hard():
        with soft():
            assert False, "a soft one"
        assert False, "the hard one"

    def test_soft_that_passes():
        with soft():
            assert True
"""


def test_soft_blocks_record_every_failure_and_fail_the_test_at_its_end(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(SOFT_BLOCKS)
    result = suite.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=2)
    assert (suite.path / "reached-the-end").exists()  # the test went on after both
    result.stdout.fnmatch_lines(
        [
            "*2 soft check(s) failed:*",
            "*1. [[]expect: first[]] first soft failure*",
            "*2. [[]expect[]] (in step: checking the second) second soft failure*",
        ]
    )
    # A hard failure keeps its own error; the soft one is listed below it.
    result.stdout.fnmatch_lines(
        ["*the hard one*", "*soft failures*", "*1 soft check(s) failed:*", "*a soft one*"]
    )
    tests = by_name(results_of(suite))
    two = tests["test_two_soft_failures"]
    assert two["outcome"] == "failed"
    failures = two["attempts"][0]["soft_failures"]
    # The whole message, pytest's explanation of a plain assert included.
    assert [f["message"].splitlines()[0] for f in failures] == [
        "first soft failure",
        "second soft failure",
    ]
    assert "assert 1 == 2" in failures[0]["message"]
    assert [f["step"] for f in failures] == ["", "checking the second"]
    assert [f["title"] for f in failures] == ["first", ""]
    hard = tests["test_soft_then_hard"]
    assert "the hard one" in hard["attempts"][0]["message"]
    (soft_one,) = hard["attempts"][0]["soft_failures"]
    assert soft_one["message"].startswith("a soft one")
    assert tests["test_soft_that_passes"]["outcome"] == "passed"

    root = ET.parse(suite.path / "reports" / "junit.xml").getroot()
    case = next(c for c in root.iter("testcase") if c.get("name") == "test_two_soft_failures")
    failure = case.find("failure")
    assert failure is not None
    text = (failure.text or "") + (failure.get("message") or "")
    assert "first soft failure" in text
    assert "second soft failure" in text

    html = (suite.path / "reports" / "report.html").read_text()
    assert "Soft failures (2)" in html
    assert "first soft failure" in html
    assert "second soft failure" in html


def test_soft_catches_a_failed_expect_and_the_test_goes_on(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest
        from playwright.sync_api import expect
        from sitewise import soft

        @pytest.mark.viewports("desktop")
        def test_heading(page):
            page.set_content("<h1>Settings</h1><p>Saved</p>")
            with soft("heading"):
                expect(page.locator("h1")).to_have_text("Profile", timeout=300)
            with soft("toast"):
                expect(page.locator("p")).to_have_text("Failed", timeout=300)
            expect(page.locator("p")).to_have_text("Saved")
        """
    )
    result = suite.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*2 soft check(s) failed:*", "*1. [[]expect: heading[]]*Profile*"])
    (test,) = results_of(suite)["tests"]
    failures = test["attempts"][0]["soft_failures"]
    assert [f["title"] for f in failures] == ["heading", "toast"]
    assert "Profile" in failures[0]["message"]
    assert "Failed" in failures[1]["message"]


def test_assert_accessible_soft_records_the_violations_and_goes_on(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(
        """
        from pathlib import Path
        import pytest

        @pytest.mark.viewports("desktop")
        def test_page(page, assert_accessible):
            page.set_content(
                "<html lang='en'><head><title>t</title></head><body><main>"
                "<h1>Hello</h1><img src='data:image/png;base64,AA=='></main></body></html>"
            )
            check = assert_accessible(page, soft=True, context_name="image without alt")
            assert not check.passed
            Path("went-on").touch()
        """
    )
    result = suite.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    assert (suite.path / "went-on").exists()
    result.stdout.fnmatch_lines(["*1 soft check(s) failed:*", "*a11y: image without alt*"])
    (test,) = results_of(suite)["tests"]
    (failure,) = test["attempts"][0]["soft_failures"]
    assert failure["kind"] == "a11y"
    assert "image-alt" in failure["message"]


def test_assert_snapshot_soft_records_the_difference_and_goes_on(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite.makepyfile(
        """
        import os
        from pathlib import Path
        import pytest

        @pytest.mark.viewports("desktop")
        def test_box(page, assert_snapshot):
            colour = os.environ.get("BOX_COLOUR", "red")
            page.set_content(
                f"<div style='width:80px;height:80px;background:{colour}'></div>"
            )
            assert_snapshot(page.locator("div"), "box", soft=True)
            Path("went-on").touch()
        """
    )
    first = suite.runpytest_subprocess("-W", "ignore::UserWarning")
    first.assert_outcomes(passed=1)  # writes the missing baseline (a local run)
    (suite.path / "went-on").unlink()
    monkeypatch.setenv("BOX_COLOUR", "blue")
    second = suite.runpytest_subprocess("-W", "ignore::UserWarning")
    second.assert_outcomes(failed=1)
    assert (suite.path / "went-on").exists()
    second.stdout.fnmatch_lines(["*1 soft check(s) failed:*", "*snapshot: box*"])
    (test,) = results_of(suite)["tests"]
    (failure,) = test["attempts"][0]["soft_failures"]
    assert failure["kind"] == "snapshot"
    assert failure["title"] == "box"
