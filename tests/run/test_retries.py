"""Retries in CI, flaky tests, --fail-on-flaky, and the first failure's trace kept."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.run.helpers import by_name, results_of

FLAKY = """
    from pathlib import Path

    RAN = Path(__file__).with_name("ran-once")

    def test_flaky():
        first = not RAN.exists()
        RAN.touch()
        assert not first, "fails the first time only"

    def test_steady():
        assert True
"""


def test_ci_retries_a_failure_and_reports_the_test_flaky(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess()
    assert result.ret == 0
    outcomes = result.parseoutcomes()
    assert outcomes["flaky"] == 1
    assert outcomes["rerun"] == 1
    result.assert_outcomes(passed=1)  # the flaky one is not counted as a plain pass
    result.stdout.fnmatch_lines(["*e2e retries: 2 (CI=true)*"])
    result.stdout.fnmatch_lines(
        ["*FLAKY test_*.py::test_flaky (passed on attempt 2) - first failure: *fails the first*"]
    )
    flaky = by_name(results_of(suite))["test_flaky"]
    assert flaky["outcome"] == "flaky"
    assert [a["outcome"] for a in flaky["attempts"]] == ["failed", "passed"]
    assert "fails the first time only" in flaky["attempts"][0]["message"]
    # JUnit: one test case per test, the failed attempt recorded inside it.
    root = ET.parse(suite.path / "reports" / "junit.xml").getroot()
    cases = [c for c in root.iter("testcase") if c.get("name") == "test_flaky"]
    assert len(cases) == 1
    assert cases[0].find("failure") is None
    flaky_failure = cases[0].find("flakyFailure")
    assert flaky_failure is not None
    assert "fails the first time only" in (flaky_failure.get("message") or "")
    assert root.find("testsuite").get("tests") == "2"  # type: ignore[union-attr]


def test_fail_on_flaky_fails_the_run_with_exit_code_7(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess("--fail-on-flaky")
    # pytest-rerunfailures' help: "Fail the test run with exit code 7 if a flaky test ..."
    assert result.ret == 7
    result.stdout.fnmatch_lines(
        ["*--fail-on-flaky: the flaky tests above fail this run (exit code 7).*"]
    )
    (run,) = results_of(suite)["runs"]
    assert run["exit_status"] == 7
    message = "--fail-on-flaky: 1 flaky test(s) (exit code 7)"
    assert run["failures"] == [{"kind": "flaky", "message": message}]
    html = (suite.path / "reports" / "report.html").read_text()
    assert 'data-status="failed"' in html
    assert f"though no test failed:</strong></p><ul><li>{message}</li></ul>" in html


def test_fail_on_flaky_keeps_exit_code_1_when_a_test_failed(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(FLAKY + "\n    def test_broken():\n        assert False, 'always'\n")
    result = suite.runpytest_subprocess("--fail-on-flaky")
    assert result.ret == 1
    assert results_of(suite)["runs"][0]["exit_status"] == 1


def test_fail_on_flaky_under_xdist_is_decided_by_the_controller(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess("-n", "2", "--fail-on-flaky")
    assert result.ret == 7
    assert result.parseoutcomes()["flaky"] == 1
    flaky = by_name(results_of(suite))["test_flaky"]
    assert flaky["outcome"] == "flaky"
    assert flaky["worker"] in ("gw0", "gw1")


def test_a_local_run_does_not_retry(suite: pytest.Pytester) -> None:
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1)
    assert "rerun" not in result.parseoutcomes()
    result.stdout.fnmatch_lines(["*e2e retries: 0 (local run; --reruns N to retry)*"])


def test_reruns_given_in_ci_win_over_the_default(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess("--reruns", "0")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*e2e retries: 0 (--reruns)*"])


def test_the_first_failures_trace_is_kept_and_reported(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    suite.makepyfile(
        """
        from pathlib import Path
        import pytest

        RAN = Path(__file__).with_name("ran-once")

        @pytest.mark.viewports("desktop")
        def test_heading(page):
            first = not RAN.exists()
            RAN.touch()
            page.set_content("<h1>%s</h1>" % ("Loading" if first else "Settings"))
            assert page.text_content("h1") == "Settings"
        """
    )
    result = suite.runpytest_subprocess("--tracing", "retain-on-failure")
    assert result.ret == 0
    assert result.parseoutcomes()["flaky"] == 1
    test = results_of(suite)["tests"][0]
    assert test["outcome"] == "flaky"
    first, second = test["attempts"]
    traces = [a["path"] for a in first["artifacts"] if a["kind"] == "trace"]
    assert len(traces) == 1
    assert traces[0].startswith("artifacts/")
    assert (suite.path / "reports" / traces[0]).is_file()
    assert not [a for a in second["artifacts"] if a["kind"] == "trace"]
    html = (suite.path / "reports" / "report.html").read_text()
    assert f"python -m playwright show-trace {traces[0]}" in html
    result.stdout.fnmatch_lines(["*trace: python -m playwright show-trace *trace.zip"])
