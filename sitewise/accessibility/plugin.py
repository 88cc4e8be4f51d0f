"""Accessibility: `assert_accessible`, `keyboard_checks`, and the run's a11y.json.

`assert_accessible(page, ...)` runs the vendored axe-core (sitewise.accessibility.runner)
with the configured standard over the page and all its frames and raises an
AssertionError whose message is the readable report; nodes axe could not decide on are
listed as needing review and fail only when [a11y] fail_on_needs_review asks. Each check
writes its full axe result under the test's artifact folder and attaches a summary (kind
"a11y") to the test's report. The controller reads those attachments from every test
report (so from every xdist worker), writes `<reports_dir>/a11y.json` and prints a
summary, with the known issues of playwright.config.toml that matched nothing (stale)
when the whole suite ran (sitewise.accessibility.reporter). Each check names its page
"target:/route", by which a11y.json counts pages.

`keyboard_checks` covers what axe cannot: tab order, every interactive element reachable
by Tab, visible focus, skip link, dialog focus traps and menus closing on Escape
(sitewise.keyboard.checks).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import pytest
from playwright.sync_api import Locator, Page

from sitewise.accessibility.names import Selectors
from sitewise.accessibility.reporter import (
    A11Y_KIND,
    AXE_KEYWORD,
    KNOWN_ISSUES,
    A11yReporter,
    KnownIssuesVerdict,
    uses_axe,
)
from sitewise.accessibility.runner import A11yUsageError, browser_label, run_axe
from sitewise.accessibility.verdict import A11yCheck, evaluate
from sitewise.artifacts import artifact_dir, attach
from sitewise.config.model import A11yConfig, SuiteConfig
from sitewise.keyboard import checks as keyboard
from sitewise.report.journal import journal_of
from sitewise.report.verdicts import register_feeds
from sitewise.soft_checks import record_soft_failure
from sitewise.targets.resolve import targets_of

A11Y_FIXTURES = {"assert_accessible", "keyboard_checks"}
REPORTER_NAME = "e2e-a11y-reporter"
VERDICT_NAME = "e2e-a11y-known-issues-verdict"


class AssertAccessible(Protocol):
    """Checks a page against the configured WCAG standard; raises AssertionError if it fails."""

    def __call__(
        self,
        page: Page,
        *,
        include: Selectors | None = None,
        exclude: Selectors | None = None,
        tags: Sequence[str] | None = None,
        context_name: str | None = None,
        soft: bool = False,
    ) -> A11yCheck: ...


class AccessibilityError(AssertionError):
    """An accessibility check failed; `check` holds the full verdict."""

    def __init__(self, message: str, check: A11yCheck) -> None:
        super().__init__(message)
        self.check = check


CALLS_KEY = pytest.StashKey[int]()


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if A11Y_FIXTURES & names:
            item.add_marker("a11y")
        if "assert_accessible" in names:
            # Report keywords reach the controller: it tells which tests owe a check.
            item.keywords[AXE_KEYWORD] = True


@pytest.fixture(scope="session")
def a11y_config(suite_config: SuiteConfig) -> A11yConfig:
    """The [a11y] section: standard (axe tags), known issues, nodes shown. Free.

    Override it in a conftest or test module to check a part of the suite against other
    tags or known issues.
    """
    return suite_config.a11y


def page_name(config: pytest.Config, url: str) -> str:
    """A page as the run's a11y.json counts it: "target:/route", the same under every
    worker (each starts the targets on ports of its own); the URL when on no target."""
    target, route = targets_of(config).route_of(url)
    return f"{target}:{route}" if target else url


def _file_name(index: int, context_name: str | None) -> str:
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", context_name or "").strip("-")[:60]
    return f"a11y-{index}{'-' + label if label else ''}.json"


@pytest.fixture
def assert_accessible(
    request: pytest.FixtureRequest, a11y_config: A11yConfig, reports_dir: Path
) -> AssertAccessible:
    """A callable running axe-core over a page and all its frames (AssertAccessible).

    `include` / `exclude` take a CSS selector or a list of them, where a nested list is
    a frame path (`[["#embed", "form"]]`); `tags` overrides the configured standard;
    `context_name` labels the check when a test makes several (e.g. "settings, dialog
    open"); `soft=True` records a failure and lets the test go on, failing it at its
    end with every soft failure (sitewise.soft_checks). Known issues of [a11y] are accepted node
    by node; an expired one fails.
    Nodes that need review are listed in the attachment and a11y.json; they fail only
    with [a11y] fail_on_needs_review. Costs about half a second per call on an idle
    machine: axe-core (~650 kB) is injected into each frame once per page, then its
    rules run.
    """
    item = request.node
    assert isinstance(item, pytest.Item)

    def check(
        page: Page,
        *,
        include: Selectors | None = None,
        exclude: Selectors | None = None,
        tags: Sequence[str] | None = None,
        context_name: str | None = None,
        soft: bool = False,
    ) -> A11yCheck:
        __tracebackhide__ = True
        index = item.stash.get(CALLS_KEY, 0) + 1
        item.stash[CALLS_KEY] = index
        try:
            run = run_axe(
                page,
                tags=tuple(tags or a11y_config.tags),
                include=include,
                exclude=exclude,
                frame_wait_ms=a11y_config.frame_wait_ms,
                settle_ms=a11y_config.settle_ms,
            )
        except A11yUsageError as error:
            raise AssertionError(f"assert_accessible: {error}") from None
        path = artifact_dir(reports_dir, item.nodeid) / _file_name(index, context_name)
        result = evaluate(
            run,
            url=page.url,
            browser=browser_label(page),
            known_issues=a11y_config.known_issues,
            today=dt.date.today(),
            context_name=context_name,
            result_file=str(path),
            fail_on_needs_review=a11y_config.fail_on_needs_review,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"check": result.to_data(), "axe": run.results}, indent=2),
            encoding="utf-8",
        )
        title = f"Accessibility: {context_name or result.url}"
        data = {**result.to_data(), "page": page_name(item.config, result.url)}
        attach(item, A11Y_KIND, title, path=path, data=data)
        if not result.passed:
            message = result.message(a11y_config.max_nodes_shown)
            if soft:  # sitewise.soft_checks: the test fails at its end, with every soft failure
                record_soft_failure(item, message, kind="a11y", title=context_name or page.url)
                return result
            raise AccessibilityError(message, result)
        return result

    return check


_T = TypeVar("_T")


class KeyboardChecks:
    """The keyboard helpers of sitewise.keyboard.checks, bound to a test: a failure is attached."""

    def __init__(self, item: pytest.Item, timeout_ms: float) -> None:
        self._item = item
        self._timeout_ms = timeout_ms

    def _run(self, name: str, call: Callable[[], _T]) -> _T:
        __tracebackhide__ = True
        try:
            return call()
        except keyboard.FocusError as error:
            attach(self._item, "keyboard", name, data=error.to_data())
            raise

    def tab_sequence(
        self, page: Page, max_stops: int = keyboard.MAX_STOPS, *, within: Locator | None = None
    ) -> list[keyboard.FocusStop]:
        """Tab from the start of the page; one FocusStop per stop (inside `within`, if given).

        Fails, never truncates, when `max_stops` presses do not end the sequence.
        """
        __tracebackhide__ = True
        return self._run(
            "tab sequence", lambda: keyboard.tab_sequence(page, max_stops, within=within)
        )

    def tab_to(
        self,
        page: Page,
        target: Locator,
        *,
        backwards: bool = False,
        max_presses: int = keyboard.MAX_STOPS,
    ) -> int:
        """Press Tab (Shift+Tab if `backwards`) from where focus is until `target` has focus;
        returns the presses."""
        __tracebackhide__ = True
        return self._run(
            "tab to",
            lambda: keyboard.tab_to(page, target, backwards=backwards, max_presses=max_presses),
        )

    def assert_all_reachable(
        self, page: Page, *, within: Locator | None = None, max_stops: int = keyboard.MAX_STOPS
    ) -> list[keyboard.FocusStop]:
        """Every visible, enabled interactive element (inside `within`) is reached by Tab."""
        __tracebackhide__ = True
        return self._run(
            "all reachable",
            lambda: keyboard.assert_all_reachable(page, within=within, max_stops=max_stops),
        )

    def assert_tab_order_follows_layout(
        self,
        page: Page,
        expected: Sequence[str] | None = None,
        *,
        row_tolerance: float = keyboard.ROW_TOLERANCE,
        within: Locator | None = None,
        max_stops: int = keyboard.MAX_STOPS,
    ) -> list[keyboard.FocusStop]:
        """Tab order is reading order (rows, then columns), or the `expected` names."""
        __tracebackhide__ = True
        return self._run(
            "tab order",
            lambda: keyboard.assert_tab_order_follows_layout(
                page, expected, row_tolerance=row_tolerance, within=within, max_stops=max_stops
            ),
        )

    def assert_focus_visible(
        self, page: Page, max_stops: int = keyboard.MAX_STOPS
    ) -> list[keyboard.FocusStop]:
        """Every tab stop shows a focus indicator (outline, box-shadow or border)."""
        __tracebackhide__ = True
        return self._run(
            "focus visible",
            lambda: keyboard.assert_focus_visible(
                page, max_stops=max_stops, timeout_ms=self._timeout_ms
            ),
        )

    def assert_skip_link_first(self, page: Page, main: Locator | None = None) -> None:
        """The first Tab stop is a skip link that moves focus to the main content."""
        __tracebackhide__ = True
        self._run(
            "skip link",
            lambda: keyboard.assert_skip_link_first(page, main, timeout_ms=self._timeout_ms),
        )

    def assert_dialog_traps_focus(
        self,
        page: Page,
        open_dialog_action: Locator | Callable[[], object],
        dialog_locator: Locator,
        *,
        presses: int | None = None,
    ) -> None:
        """Focus enters the dialog, stays in it on Tab / Shift+Tab, and returns on Escape.

        Give the trigger (a Locator) to open the dialog by keyboard: focus, then Enter.
        """
        __tracebackhide__ = True
        self._run(
            "dialog focus trap",
            lambda: keyboard.assert_dialog_traps_focus(
                page,
                open_dialog_action,
                dialog_locator,
                presses=presses,
                timeout_ms=self._timeout_ms,
            ),
        )

    def assert_menu_closes_on_escape(self, page: Page, menu_button: Locator, menu: Locator) -> None:
        """A menu opened from its button with Enter closes on Escape, focus back on the button."""
        __tracebackhide__ = True
        self._run(
            "menu closes on Escape",
            lambda: keyboard.assert_menu_closes_on_escape(
                page, menu_button, menu, timeout_ms=self._timeout_ms
            ),
        )


@pytest.fixture
def keyboard_checks(request: pytest.FixtureRequest, suite_config: SuiteConfig) -> KeyboardChecks:
    """Keyboard checks axe cannot make (KeyboardChecks), bound to this test.

    Each check presses keys in the page it is given, so it changes focus and may open
    and close things; run it on a page a test owns. A tab walk costs a few round trips
    per stop (tens of milliseconds each); waits use the [timeouts] expect_ms.
    """
    item = request.node
    assert isinstance(item, pytest.Item)
    return KeyboardChecks(item, suite_config.timeouts.expect_ms)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "a11y: axe WCAG checks and keyboard checks")
    # Only the controller merges: it sees every worker's reports (or runs the tests itself).
    journal = journal_of(config)
    register_feeds(config, KNOWN_ISSUES, uses_axe)
    if _is_controller(config) and not config.pluginmanager.has_plugin(REPORTER_NAME):
        reporter = A11yReporter(config, journal)
        config.pluginmanager.register(reporter, REPORTER_NAME)
        config.pluginmanager.register(KnownIssuesVerdict(config, reporter), VERDICT_NAME)


def pytest_unconfigure(config: pytest.Config) -> None:
    for name in (REPORTER_NAME, VERDICT_NAME):
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin)
