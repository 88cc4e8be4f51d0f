"""What differs per engine, decided with the engine's name faked: Firefox and WebKit cannot
run here, so each decision is tested as a function of the name, or in a tiny suite whose
fixtures name another engine without launching it.

- keyboard: the key that is Tab (WebKit: Alt+Tab, so links are visited), and Firefox's
  launch preference under which Tab visits every element;
- Web Vitals: CDP throttling is Chromium's only (a throttled profile skips elsewhere),
  and a metric the engine does not report is skipped with the engine's name, while the
  metrics it reports are still judged;
- discovery: the headless shell and a system Chromium serve Chromium only.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest
from playwright.sync_api import Page

from sitewise.browsers.discovery import BrowserNotFoundError, find_browser
from sitewise.config.model import Budget, PerformanceConfig, ThrottlingProfile
from sitewise.keyboard.browsers import browser_name_of, keyboard_launch_options, tab_key
from sitewise.vitals.api import pair_calls
from sitewise.vitals.plugin import check_within_budget
from sitewise.vitals.report import VitalsReport, build_report, run_from_snapshots
from sitewise.vitals.throttling import state_for, unsupported_reason
from tests.vitals.test_budgets import snapshot

pytest_plugins = ["pytester"]

OTHERS = ["firefox", "webkit"]


# --- Keyboard ---


@pytest.mark.parametrize(
    ("engine", "forwards", "backwards"),
    [
        ("chromium", "Tab", "Shift+Tab"),
        ("firefox", "Tab", "Shift+Tab"),
        # Option+Tab: WebKit's Tab alone skips links (Safari's default).
        ("webkit", "Alt+Tab", "Alt+Shift+Tab"),
    ],
)
def test_the_tab_key_of_each_engine(engine: str, forwards: str, backwards: str) -> None:
    assert tab_key(engine) == forwards
    assert tab_key(engine, backwards=True) == backwards


def _page_of(engine: str | None) -> Page:
    browser = None if engine is None else SimpleNamespace(browser_type=SimpleNamespace(name=engine))
    return cast(Page, SimpleNamespace(context=SimpleNamespace(browser=browser)))


def test_the_engine_is_read_from_the_pages_browser() -> None:
    assert browser_name_of(_page_of("webkit")) == "webkit"
    assert tab_key(browser_name_of(_page_of("webkit"))) == "Alt+Tab"
    # A persistent context has no Browser object: Chromium, the engine needing nothing.
    assert browser_name_of(_page_of(None)) == "chromium"


def test_firefox_is_launched_so_that_tab_visits_every_element() -> None:
    assert keyboard_launch_options("firefox") == {
        "firefox_user_prefs": {"accessibility.tabfocus": 7}
    }
    assert keyboard_launch_options("chromium") == {}
    assert keyboard_launch_options("webkit") == {}


LAUNCH_ARGS_SUITE = """
import pytest
from sitewise.browsers.discovery import BrowserChoice


@pytest.fixture(scope="session")
def browser_choice():
    return BrowserChoice({engine!r}, None, "playwright")
"""


@pytest.mark.parametrize("engine", ["firefox", "webkit"])
def test_the_launch_carries_the_tab_preference_in_firefox_only(
    pytester: pytest.Pytester, engine: str
) -> None:
    pytester.makeconftest(LAUNCH_ARGS_SUITE.format(engine=engine))
    pytester.makepyfile(
        test_args="""
        def test_args(browser_type_launch_args, browser_choice):
            prefs = browser_type_launch_args.get("firefox_user_prefs")
            if browser_choice.name == "firefox":
                assert prefs == {"accessibility.tabfocus": 7}
            else:
                assert prefs is None
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1)


# --- Web Vitals ---


@pytest.mark.parametrize("engine", OTHERS)
def test_a_throttled_profile_is_not_applied_and_says_why(engine: str) -> None:
    mobile = PerformanceConfig().profiles["mobile"]
    reason = unsupported_reason(engine, "mobile", mobile)
    assert reason.endswith(f"which only Chromium has; {engine} cannot emulate it")
    state = state_for(engine, "mobile", mobile)
    assert (state.applied, state.reason) == (False, reason)
    assert state_for("chromium", "mobile", mobile).applied


def _report(engine: str, shot: dict[str, Any], budget: Budget) -> VitalsReport:
    run = run_from_snapshots(1, shot, shot, settled=True, api_calls=pair_calls(shot["api"], []))
    return build_report(
        page="web:/",
        profile="desktop",
        browser=engine,
        viewport="desktop",
        url="http://app.test/",
        throttling=state_for(engine, "desktop", ThrottlingProfile()),
        runs=[run],
        budget=budget,
        api_budget_ms=200,
        interacted=False,
    )


# What each engine's PerformanceObserver lists (supportedEntryTypes), as collector.js
# reads it at run time: Firefox reports LCP (since 122) but no layout shifts; WebKit
# builds without largest-contentful-paint report neither.
@pytest.mark.parametrize(
    ("engine", "unreported"), [("firefox", ("CLS",)), ("webkit", ("LCP", "CLS"))]
)
def test_a_metric_the_engine_does_not_report_skips_and_the_rest_are_judged(
    engine: str, unreported: tuple[str, ...]
) -> None:
    good = Budget(lcp_ms=2500, cls=0.1, fcp_ms=1800, ttfb_ms=800)
    report = _report(engine, snapshot(unsupported=unreported), good)
    for metric in unreported:
        result = report.metric(metric)  # type: ignore[arg-type]
        assert result.status == "skipped"
        assert result.reason.startswith(f"{engine} does not support the ")
        assert result.median is None
    with pytest.raises(pytest.skip.Exception) as skipped:
        check_within_budget(report)
    for metric in unreported:
        assert f"{metric} skipped: {engine} does not support" in str(skipped.value)
    assert "within budget: " in str(skipped.value)

    # What the engine does report still fails over budget: a skip never hides a failure.
    tight = Budget(lcp_ms=2500, cls=0.1, fcp_ms=100, ttfb_ms=800)
    with pytest.raises(AssertionError, match="FCP median 400 ms is over the budget"):
        check_within_budget(_report(engine, snapshot(unsupported=unreported), tight))


# --- Discovery: what serves Chromium only ---


@pytest.mark.parametrize("engine", OTHERS)
def test_the_headless_shell_and_a_system_chromium_serve_chromium_only(
    engine: str, tmp_path: Any
) -> None:
    def which(name: str) -> str:
        return f"/usr/bin/{name}"

    with pytest.raises(BrowserNotFoundError, match=f"No {engine} browser is installed"):
        find_browser(engine, playwright_executable=str(tmp_path / engine), which=which)
    chromium = find_browser("chromium", playwright_executable=None, which=which)
    assert chromium.executable == "/usr/bin/chromium-headless-shell"
