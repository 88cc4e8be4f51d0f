"""Time limits: a test's (pytest-timeout, defaulted from [timeouts] test_s) and the run's
(--max-duration, [timeouts] run_s)."""

from __future__ import annotations

import pytest

from tests.run.helpers import by_name, results_of

# Tests that wait for an event a timer sets after 1.5 s: longer than a 1 s limit.
SLOW = """
    import threading
    import pytest

    def _wait_for_the_event():
        done = threading.Event()
        threading.Timer(1.5, done.set).start()
        assert done.wait(30)

    @pytest.mark.timeout(30)
    def test_slow_with_its_own_limit():
        _wait_for_the_event()

    def test_slow():
        _wait_for_the_event()

    def test_quick():
        pass
"""


def _config(suite: pytest.Pytester, body: str) -> None:
    (suite.path / "playwright.config.toml").write_text(body)


def test_config_sets_the_default_and_the_marker_wins(suite: pytest.Pytester) -> None:
    _config(suite, "[timeouts]\ntest_s = 1\n")
    suite.makepyfile(SLOW)
    result = suite.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*e2e time limits: 1 s per test ([[]timeouts[]] test_s;*",
            "*FAILED*::test_slow*",
        ]
    )
    slow = by_name(results_of(suite))["test_slow"]
    assert slow["attempts"][0]["message"] == "Failed: Timeout (>1.0s) from pytest-timeout."


def test_the_timeout_option_wins_over_the_config(suite: pytest.Pytester) -> None:
    _config(suite, "[timeouts]\ntest_s = 1\n")
    suite.makepyfile(SLOW)
    result = suite.runpytest_subprocess("--timeout", "30")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*e2e time limits: per test from pytest-timeout's --timeout*"])


def test_a_timed_out_test_names_its_step_and_keeps_its_trace(suite: pytest.Pytester) -> None:
    _config(suite, "[timeouts]\ntest_s = 2\n")
    suite.makepyfile(
        """
        import pytest
        from sitewise import step

        @pytest.mark.viewports("desktop")
        def test_welcome(page):
            with step("open the page"):
                page.set_content("<h1>Hi</h1>")
            with step("wait for the welcome"):
                page.wait_for_selector("text=Welcome", timeout=60_000)
        """
    )
    result = suite.runpytest_subprocess("--tracing", "retain-on-failure")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*Timeout (>2.0s) from pytest-timeout*", "*Failed in step: wait for the welcome*"]
    )
    (test,) = results_of(suite)["tests"]
    attempt = test["attempts"][0]
    assert "Timeout (>2.0s)" in attempt["message"]
    assert [(s["title"], s["failed"]) for s in attempt["steps"]] == [
        ("open the page", False),
        ("wait for the welcome", True),
    ]
    traces = [a["path"] for a in attempt["artifacts"] if a["kind"] == "trace"]
    assert len(traces) == 1
    assert (suite.path / "reports" / traces[0]).is_file()


HANGING = """
    import threading
    import pytest

    # Each hangs until its own limit fails it.
    pytestmark = pytest.mark.timeout(1.5)

    def test_first():
        threading.Event().wait(60)

    def test_second():
        threading.Event().wait(60)

    def test_third():
        threading.Event().wait(60)

    def test_fourth():
        threading.Event().wait(60)
"""


def test_the_run_stops_cleanly_at_its_time_limit(suite: pytest.Pytester) -> None:
    suite.makepyfile(HANGING)
    result = suite.runpytest_subprocess("--max-duration", "1", "-p", "no:randomly")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*e2e time limits: no limit per test*; 1 s for the run*",
            "*Interrupted: time limit of the run (1 s, --max-duration) passed*",
        ]
    )
    result.stdout.fnmatch_lines(["*run stopped*", "*(3 test(s) not started)*"])
    results = results_of(suite)
    assert list(by_name(results)) == ["test_first"]
    (run,) = results["runs"]
    assert run["exit_status"] == 2
    assert run["failures"] == [
        {
            "kind": "time-limit",
            "message": "time limit of the run (1 s, --max-duration) passed: no further test"
            " was started (3 test(s) not started)",
        }
    ]
    html = (suite.path / "reports" / "report.html").read_text()
    assert "3 test(s) not started" in html


def test_the_run_limit_comes_from_the_config_and_stops_xdist_workers(
    suite: pytest.Pytester,
) -> None:
    _config(suite, "[timeouts]\nrun_s = 1\n")
    suite.makepyfile(HANGING)
    result = suite.runpytest_subprocess("-n", "2")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    (run,) = results_of(suite)["runs"]
    ran = len(results_of(suite)["tests"])
    assert ran < 4  # each worker stopped after the test it was running
    (failure,) = run["failures"]
    assert failure["kind"] == "time-limit"
    assert failure["message"].startswith("time limit of the run (1 s, [timeouts] run_s) passed")


def test_a_max_duration_that_is_not_positive_is_refused(suite: pytest.Pytester) -> None:
    suite.makepyfile("def test_one():\n    pass\n")
    result = suite.runpytest_subprocess("--max-duration", "0")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--max-duration 0: give the run's limit in seconds*"])


LOAD_TESTS = """
    import pytest

    @pytest.mark.load
    def test_load(request):
        marker = request.node.get_closest_marker("timeout")
        print("limit", marker.args[0] if marker else "pytest-timeout's own")

    @pytest.mark.load
    @pytest.mark.timeout(7)
    def test_load_with_its_own_limit(request):
        marker = request.node.get_closest_marker("timeout")
        print("limit", marker.args[0] if marker else "pytest-timeout's own")

    def test_spec(request):
        marker = request.node.get_closest_marker("timeout")
        print("limit", marker.args[0] if marker else "pytest-timeout's own")
"""


def test_a_load_test_is_limited_by_the_loads_duration_not_the_per_test_default(
    suite: pytest.Pytester,
) -> None:
    """A load test lasts [load] duration_s: the suite's 180 s per test would stop a
    300 s load midway (as `./run load` did)."""
    _config(suite, "[timeouts]\ntest_s = 5\n[load]\nduration_s = 300\n")
    suite.makepyfile(LOAD_TESTS)
    result = suite.runpytest_subprocess("-p", "no:randomly", "-m", "load or not load", "-s")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*limit 420*", "*limit 7*", "*limit 5*"])

    longer = suite.runpytest_subprocess("-m", "load", "-s", "--load-duration", "600")
    longer.stdout.fnmatch_lines(["*limit 720*"])
    given = suite.runpytest_subprocess("-m", "load", "-s", "--timeout", "30")
    given.assert_outcomes(passed=2)
    given.stdout.fnmatch_lines(["*limit pytest-timeout's own*", "*limit 7*"])
