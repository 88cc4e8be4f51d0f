"""The live progress line: done of all, failures, elapsed, time left, per worker."""

from __future__ import annotations

import re
from typing import Literal

import pytest

from sitewise.run.progress import Progress, clock

THREE = """
    def test_one():
        pass

    def test_two():
        assert False

    def test_three():
        pass
"""


def _report(
    nodeid: str,
    when: Literal["setup", "call", "teardown"],
    outcome: Literal["passed", "failed", "skipped"],
    worker: str = "",
) -> pytest.TestReport:
    report = pytest.TestReport(nodeid, (nodeid, 0, nodeid), {}, outcome, None, when)
    if worker:
        report.node = type("Node", (), {"gateway": type("G", (), {"id": worker})()})()  # type: ignore[attr-defined]
    return report


def test_the_line_counts_done_failed_and_estimates_the_time_left() -> None:
    progress = Progress(started=1000.0)
    progress.total = 4
    progress.add(_report("a", "call", "passed", "gw0"))
    assert progress.add(_report("a", "teardown", "passed", "gw0"))
    assert not progress.add(_report("b", "call", "failed", "gw1"))
    assert progress.add(_report("b", "teardown", "passed", "gw1"))
    assert progress.line(1000.0 + 30) == (
        "e2e progress: 2/4 done (50%), 1 failed, 30s elapsed, ~30s left | gw0 1, gw1 1"
    )
    # A retried attempt (pytest-rerunfailures' "rerun") is not a failure of the run.
    rerun = _report("c", "call", "failed")
    rerun.outcome = "rerun"  # type: ignore[assignment]
    progress.add(rerun)
    assert "1 failed" in progress.line(1030.0)
    assert clock(3725) == "1h02m"
    assert clock(64) == "1m04s"


def test_plain_lines_are_printed_as_tests_end(suite: pytest.Pytester) -> None:
    suite.makepyfile(THREE)
    result = suite.runpytest_subprocess(
        "--progress", "plain", "--progress-interval", "0", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=2, failed=1)
    lines = [line for line in result.outlines if line.startswith("e2e progress:")]
    assert [re.sub(r", \d+s elapsed.*", "", line) for line in lines] == [
        "e2e progress: 1/3 done (33%), 0 failed",
        "e2e progress: 2/3 done (66%), 1 failed",
        "e2e progress: 3/3 done (100%), 1 failed",
    ]


def test_under_xdist_the_controller_counts_each_workers_tests(suite: pytest.Pytester) -> None:
    suite.makepyfile(THREE)
    result = suite.runpytest_subprocess(
        "-n", "2", "--progress", "plain", "--progress-interval", "0"
    )
    result.assert_outcomes(passed=2, failed=1)
    last = [line for line in result.outlines if line.startswith("e2e progress:")][-1]
    assert last.startswith("e2e progress: 3/3 done (100%), 1 failed")
    workers = dict(re.findall(r"(gw\d) (\d+)", last.partition(" | ")[2]))
    assert sum(int(n) for n in workers.values()) == 3
    assert set(workers) <= {"gw0", "gw1"}


def test_quiet_runs_and_off_show_no_progress(suite: pytest.Pytester) -> None:
    suite.makepyfile(THREE)
    quiet = suite.runpytest_subprocess("-q", "--progress-interval", "0")
    assert not [line for line in quiet.outlines if "e2e progress:" in line]
    off = suite.runpytest_subprocess("--progress", "off", "--progress-interval", "0")
    assert not [line for line in off.outlines if "e2e progress:" in line]
    # Not a terminal: auto prints the plain line (here after every test).
    auto = suite.runpytest_subprocess("--progress-interval", "0")
    assert [line for line in auto.outlines if line.startswith("e2e progress: 3/3 done")]


def test_the_line_form_redraws_under_pytests_output(suite: pytest.Pytester) -> None:
    suite.makepyfile(THREE)
    result = suite.runpytest_subprocess("--progress", "line", "-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    output = "\n".join(result.outlines)
    # Each redraw: a new line, the text, clear to its end, then back up to pytest's line.
    drawn = re.findall(r"(e2e progress: [^\x1b]*)\x1b\[K\x1b\[1A", output)
    assert [line.partition(",")[0] for line in drawn] == [
        "e2e progress: 1/3 done (33%)",
        "e2e progress: 2/3 done (66%)",
        "e2e progress: 3/3 done (100%)",
    ]
    # Before the summary the line is cleared.
    assert re.search(r"^\r?\x1b\[K\x1b\[1A", output, re.M)
