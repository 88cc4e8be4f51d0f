"""Steps: `with step(...)` groups a test's actions in its trace and in the reports, nested,
timed, and the failing one named."""

from __future__ import annotations

import json
import re
import zipfile
from typing import Any

import pytest

from tests.run.helpers import by_name, results_of

STEPS = """
    import pytest
    from sitewise import step

    @pytest.mark.viewports("desktop")
    def test_sign_in(page):
        with step("open the form"):
            page.set_content("<h1>Sign in</h1><button>Go</button>")
            with step("read the heading"):
                assert page.text_content("h1") == "Sign in"
        with step("submit"):
            with step("press the button"):
                page.click("button")
            with step("see the welcome"):
                assert page.text_content("h1") == "Welcome", "no welcome"

    def test_without_browser():
        with step("only step"):
            pass
        with pytest.raises(ZeroDivisionError):
            with step("caught"):
                1 / 0
"""


def _titles(steps: list[dict[str, Any]]) -> list[Any]:
    return [[s["title"], _titles(s["steps"])] if s["steps"] else s["title"] for s in steps]


def test_steps_are_in_the_results_the_report_and_the_failure(suite: pytest.Pytester) -> None:
    suite.makepyfile(STEPS)
    result = suite.runpytest_subprocess("--tracing", "retain-on-failure", "-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    # The failure names the innermost step it happened in.
    result.stdout.fnmatch_lines(["*no welcome*", "*Failed in step: submit > see the welcome*"])

    tests = by_name(results_of(suite))
    attempt = tests["test_sign_in[chromium-desktop]"]["attempts"][0]
    steps = attempt["steps"]
    assert _titles(steps) == [
        ["open the form", ["read the heading"]],
        ["submit", ["press the button", "see the welcome"]],
    ]
    assert [s["failed"] for s in steps] == [False, True]
    submit = steps[1]
    assert [s["failed"] for s in submit["steps"]] == [False, True]
    assert submit["steps"][1]["error"] == "no welcome"
    for outer in steps:
        assert outer["duration"] >= sum(s["duration"] for s in outer["steps"]) > 0
    # A step whose error the test caught is failed, but the test is not.
    free = tests["test_without_browser"]["attempts"][0]
    assert _titles(free["steps"]) == ["only step", "caught"]
    assert [s["failed"] for s in free["steps"]] == [False, True]
    assert tests["test_without_browser"]["outcome"] == "passed"

    html = (suite.path / "reports" / "report.html").read_text()
    assert '<section class="steps"><h4>Steps</h4>' in html
    failing = re.search(r'<li class="step failing"[^>]*><span class="step-title">([^<]*)<', html)
    assert failing is not None
    assert failing[1] == "see the welcome"
    assert "failed here" in html
    assert "in step submit &gt; see the welcome" in html

    # The trace groups the actions under the steps, nested as they ran.
    (trace,) = (suite.path / "reports" / "artifacts").rglob("trace.zip")
    with zipfile.ZipFile(trace) as archive:
        events = [
            json.loads(line)
            for name in archive.namelist()
            if name.endswith(".trace")
            for line in archive.read(name).decode().splitlines()
        ]
    groups = {
        e["callId"]: e
        for e in events
        if e.get("type") == "before" and e.get("method") == "tracingGroup"
    }
    by_title = {e["title"]: e for e in groups.values()}
    assert set(by_title) == {
        "open the form",
        "read the heading",
        "submit",
        "press the button",
        "see the welcome",
    }
    assert by_title["press the button"]["parentId"] == by_title["submit"]["callId"]
    assert "parentId" not in by_title["submit"]
    # The group points at the test's line, not at the engine's.
    assert by_title["submit"]["stack"][0]["file"].endswith(
        "test_steps_are_in_the_results_the_report_and_the_failure.py"
    )


def test_steps_are_recorded_without_tracing(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        """
        import pytest
        from sitewise import step

        @pytest.mark.viewports("desktop")
        def test_page(page):
            with step("no trace"):
                page.set_content("<p>x</p>")
        """
    )
    result = suite.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    (test,) = results_of(suite)["tests"]
    assert [s["title"] for s in test["attempts"][0]["steps"]] == ["no trace"]
