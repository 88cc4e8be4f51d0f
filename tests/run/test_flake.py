"""Flake hunting: trace modes by attempt, --repeat-each, --retry-failed-at-end."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sitewise.tracing import TRACE_MODES, tracing_for
from tests.run.helpers import by_name, results_of

# test_flaky fails the first time only; every test notes when it ran.
FLAKY = """
    from pathlib import Path

    RAN = Path(__file__).with_name("ran-once")
    LOG = Path(__file__).with_name("order.log")

    def _note(name):
        with LOG.open("a") as log:
            log.write(name + "\\n")

    def test_flaky():
        _note("test_flaky")
        first = not RAN.exists()
        RAN.touch()
        assert not first, "fails the first time only"

    def test_steady():
        _note("test_steady")

    def test_broken():
        _note("test_broken")
        assert False, "always"
"""


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("on-first-retry", ["off", "on", "off"]),
        ("on-all-retries", ["off", "on", "on"]),
        ("retain-on-first-failure", ["retain-on-failure", "off", "off"]),
        ("retain-on-failure-and-retries", ["retain-on-failure", "on", "on"]),
    ],
)
def test_each_trace_mode_decides_tracing_by_attempt(mode: str, expected: list[str]) -> None:
    assert mode in TRACE_MODES
    assert [tracing_for(mode, attempt) for attempt in (1, 2, 3)] == expected


def _traces(attempt: dict[str, object]) -> list[str]:
    artifacts = attempt["artifacts"]
    assert isinstance(artifacts, list)
    return [a["path"] for a in artifacts if a["kind"] == "trace"]


HEADING = """
    from pathlib import Path
    import pytest

    RAN = Path(__file__).with_name("ran")

    @pytest.mark.viewports("desktop")
    def test_heading(page):
        runs = int(RAN.read_text()) if RAN.exists() else 0
        RAN.write_text(str(runs + 1))
        page.set_content("<h1>%s</h1>" % ("Settings" if runs >= {passes_from} else "Loading"))
        assert page.text_content("h1") == "Settings"
"""


def test_on_first_retry_traces_only_the_first_retry(suite: pytest.Pytester) -> None:
    suite.makepyfile(HEADING.replace("{passes_from}", "2"))
    result = suite.runpytest_subprocess("--trace-mode", "on-first-retry", "--reruns", "2")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*e2e traces: --trace-mode on-first-retry*"])
    (test,) = results_of(suite)["tests"]
    assert test["outcome"] == "flaky"
    assert [len(_traces(a)) for a in test["attempts"]] == [0, 1, 0]
    (trace,) = _traces(test["attempts"][1])
    assert "-retry1/" in trace
    assert (suite.path / "reports" / trace).is_file()


def test_retain_on_failure_and_retries_keeps_the_failure_and_every_retry(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(HEADING.replace("{passes_from}", "1"))
    result = suite.runpytest_subprocess(
        "--trace-mode", "retain-on-failure-and-retries", "--reruns", "1"
    )
    assert result.ret == 0
    (test,) = results_of(suite)["tests"]
    assert [len(_traces(a)) for a in test["attempts"]] == [1, 1]


def test_trace_mode_and_tracing_together_are_refused(suite: pytest.Pytester) -> None:
    suite.makepyfile("def test_one():\n    pass\n")
    result = suite.runpytest_subprocess("--trace-mode", "on-first-retry", "--tracing", "on")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--trace-mode on-first-retry and --tracing on: give one*"])


def test_repeat_each_runs_every_test_n_times(suite: pytest.Pytester) -> None:
    suite.makepyfile("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    result = suite.runpytest_subprocess("--repeat-each", "3", "-v")
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*e2e repeat: each test 3 times*", "*test_one[[]1-3[]] PASSED*"])
    refused = suite.runpytest_subprocess("--repeat-each", "3", "--count", "2")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*--repeat-each 3 and --count 2: give one or the other.*"])


def test_failed_tests_are_retried_once_at_the_end_and_reported_flaky(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(FLAKY)
    result = suite.runpytest_subprocess("--retry-failed-at-end", "-p", "no:randomly")
    assert result.ret == 1  # test_broken failed again
    outcomes = result.parseoutcomes()
    assert outcomes["flaky"] == 1
    assert outcomes["failed"] == 1
    assert outcomes["rerun"] == 2
    # The retries ran after every test, in order.
    order = (suite.path / "order.log").read_text().split()
    assert order == ["test_flaky", "test_steady", "test_broken", "test_flaky", "test_broken"]
    tests = by_name(results_of(suite))
    assert tests["test_flaky"]["outcome"] == "flaky"
    assert [a["outcome"] for a in tests["test_flaky"]["attempts"]] == ["failed", "passed"]
    assert tests["test_broken"]["outcome"] == "failed"
    assert [a["outcome"] for a in tests["test_broken"]["attempts"]] == ["failed", "failed"]
    root = ET.parse(suite.path / "reports" / "junit.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert len([c for c in root.iter("testcase")]) == 3
    assert cases["test_flaky"].find("flakyFailure") is not None
    assert cases["test_flaky"].find("failure") is None
    assert cases["test_broken"].find("failure") is not None


def test_retry_at_end_passing_makes_the_run_pass_also_under_xdist(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(FLAKY.replace('assert False, "always"', "pass"))
    result = suite.runpytest_subprocess("--retry-failed-at-end", "-n", "2")
    assert result.ret == 0
    assert result.parseoutcomes()["flaky"] == 1
    flaky = by_name(results_of(suite))["test_flaky"]
    assert flaky["outcome"] == "flaky"
    (suite.path / "ran-once").unlink()
    with_flag = suite.runpytest_subprocess("--retry-failed-at-end", "--fail-on-flaky")
    assert with_flag.ret == 7
