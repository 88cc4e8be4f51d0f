"""The skip link: the first Tab stop, shown when focused, moving focus to the content."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from sitewise.keyboard.browsers import browser_name_of, tab_key
from sitewise.keyboard.focus import focus_now, focused_element, reset_focus, wait_true
from sitewise.keyboard.model import FocusError
from sitewise.keyboard.report import sequences_message
from sitewise.keyboard.scripts import FOCUS_IN, script


def assert_skip_link_first(
    page: Page,
    main: Locator | None = None,
    *,
    timeout_ms: float = 5_000,
    browser_name: str | None = None,
) -> None:
    """The first Tab stop is a shown skip link, and activating it moves focus into `main`.

    A skip link is a link to a fragment of the page (`href="#main"`). `main` defaults to
    the main landmark; focus must end on it or inside it (its target needs
    `tabindex="-1"` when it is not focusable itself). `browser_name` (default: the
    page's) chooses the Tab key.
    """
    region = main or page.locator("main, [role=main]").first
    reset_focus(page)
    page.keyboard.press(tab_key(browser_name or browser_name_of(page)))
    found = focused_element(page)
    expected = ['link to "#…" (skip link), shown when focused', "focus inside the main content"]
    first = found[0] if found else None
    actual = [first.describe() if first else "nothing (no tab stop)"]
    problem = ""
    if first is None:
        problem = "Tab focused nothing: the page has no tab stop."
    elif (
        first.role != "link" or not (first.href or "").startswith("#") or len(first.href or "") < 2
    ):
        problem = f"The first Tab stop is not a skip link (a link to #id): {first.describe()}."
    elif not first.shown:
        problem = f"The skip link is not shown when focused: {first.describe()}."
    if problem:
        raise FocusError(
            sequences_message(problem, expected, actual, mark=0),
            check="skip link",
            expected=expected,
            actual=actual,
        )
    page.keyboard.press("Enter")
    handle = region.element_handle(timeout=timeout_ms)
    if not wait_true(page, script(FOCUS_IN), handle, timeout_ms):
        actual.append(focus_now(page))
        raise FocusError(
            sequences_message(
                f"Activating the skip link ({first.href if first else ''}) did not move focus"
                ' into the main content (a target that is not focusable needs tabindex="-1").',
                expected,
                actual,
                mark=1,
            ),
            check="skip link",
            expected=expected,
            actual=actual,
        )
