"""Stabilisation is bounded: web fonts, and a page whose clock the test has paused."""

from __future__ import annotations

import pytest

from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

# Well past the stabilisation timeouts below: a run that takes this long has hung.
HUNG_S = 90


def run_bounded(suite: VisualSuite, *args: str) -> pytest.RunResult:
    try:
        return suite.run(*args, timeout=HUNG_S)
    except suite.pytester.TimeoutExpired:
        pytest.fail(f"the run did not end within {HUNG_S} s: stabilisation is not bounded")


def test_a_web_font_that_never_loads_fails_naming_it_within_the_timeout(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.configure(timeout_ms=1500)
    visual_suite.write_test(
        """
        def test_font(fixture_page, assert_snapshot):
            fixture_page.route("**/never.woff2", lambda route: None)  # never answered
            fixture_page.goto("http://visual.test/never-font.html", wait_until="commit")
            fixture_page.locator("#text").wait_for()
            assert_snapshot(fixture_page.locator("#text"), "font")
        """
    )

    result = run_bounded(visual_suite)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*assert_snapshot('font'): web fonts did not finish loading in * ms"
            " ([[]visual[]] stabilise_timeout_ms = 1500); still loading: Never*"
        ]
    )
    [entry] = visual_suite.manifest()["snapshots"]
    assert entry["status"] == "unstable"
    assert entry["actual"] is None
    assert not visual_suite.baselines.exists()


def test_a_page_with_a_paused_clock_settles_and_its_timers_wait(
    visual_suite: VisualSuite,
) -> None:
    # The toast page removes its toast 300 ms after loading, by a timer; with the page's
    # clock paused, the timer (and requestAnimationFrame) only run when the test says so.
    visual_suite.write_test(
        """
        import datetime as dt

        from playwright.sync_api import expect

        AT = dt.datetime(2026, 1, 15, 10, 30, tzinfo=dt.UTC)


        def test_toast(fixture_page, assert_snapshot):
            fixture_page.clock.install(time=AT - dt.timedelta(minutes=1))
            fixture_page.clock.pause_at(AT)
            fixture_page.goto("http://visual.test/timed-toast.html")
            toast = fixture_page.get_by_role("status")
            fixture_page.wait_for_timeout(600)  # real time, twice the toast's
            assert_snapshot(toast, "toast")
            assert_snapshot(toast, "toast-again")
            expect(toast).to_be_visible()
            fixture_page.clock.run_for(300)
            expect(toast).to_be_hidden()
        """
    )

    result = run_bounded(visual_suite)

    result.assert_outcomes(passed=1)
    statuses = [(e["name"], e["status"]) for e in visual_suite.manifest()["snapshots"]]
    assert statuses == [("toast", "new"), ("toast-again", "new")]
