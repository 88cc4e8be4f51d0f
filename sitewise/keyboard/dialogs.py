"""Dialogs and menus: a modal dialog traps focus and gives it back; a menu closes on Escape."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import JSHandle, Locator, Page, expect

from sitewise.keyboard.browsers import browser_name_of, tab_key
from sitewise.keyboard.focus import focus_now, focused_element, wait_true
from sitewise.keyboard.model import FocusError, stop_from
from sitewise.keyboard.report import sequences_message
from sitewise.keyboard.scripts import (
    DESCRIBE,
    DESCRIBE_ELEMENT,
    DIALOG_INFO,
    FOCUS_IN,
    IS_FOCUSED,
    START_FOCUS_LOG,
    STOP_FOCUS_LOG,
    TRIGGER,
    script,
)


def assert_dialog_traps_focus(
    page: Page,
    open_dialog_action: Locator | Callable[[], object],
    dialog_locator: Locator,
    *,
    presses: int | None = None,
    timeout_ms: float = 5_000,
    browser_name: str | None = None,
) -> None:
    """A modal dialog keeps focus while open and gives it back when closed with Escape.

    `open_dialog_action` is the dialog's trigger (a Locator: it is focused and Enter
    pressed on it, as a keyboard user opens it), or a callable that opens the dialog.
    Focus must move into `dialog_locator`; Tab and Shift+Tab, `presses` times each
    (default: the dialog's tab stops plus two, so focus wraps), keep it inside; Escape
    closes it and focus returns to the trigger: the Locator's element, or with a callable
    the last element focused before the dialog. Prefer the Locator: a click focuses its
    button in Chromium but not in WebKit (nor in Firefox on macOS), where the return of
    focus would then be compared with whatever had focus before. For a native modal
    `<dialog>`, a stop on the browser's own UI (nothing focused in the document) between
    wraps is allowed. The dialog must be in the page's main frame. `browser_name`
    (default: the page's) chooses the Tab key.
    """
    check = "dialog focus trap"
    name = browser_name or browser_name_of(page)
    page.main_frame.evaluate(script(START_FOCUS_LOG))
    try:
        opener: JSHandle | None = None
        if isinstance(open_dialog_action, Locator):
            opener = _open_by_keyboard(page, open_dialog_action, timeout_ms, check=check)
        else:
            open_dialog_action()
        try:
            expect(dialog_locator).to_be_visible(timeout=timeout_ms)
        except AssertionError:
            raise FocusError(
                f"The dialog {dialog_locator} did not appear after the open action.",
                check=check,
                expected=["dialog shown"],
                actual=["dialog not shown"],
            ) from None
        dialog = dialog_locator.element_handle(timeout=timeout_ms)
        if not wait_true(page, script(FOCUS_IN), dialog, timeout_ms):
            now = focus_now(page)
            raise FocusError(
                sequences_message(
                    "Focus did not move into the dialog when it opened.",
                    ["inside the dialog"],
                    [now],
                    mark=0,
                ),
                check=check,
                expected=["inside the dialog"],
                actual=[now],
            )
        trigger = opener or page.main_frame.evaluate_handle(script(TRIGGER), dialog)
        info = page.main_frame.evaluate(script(DIALOG_INFO), dialog)
        count = presses or int(info["tabbable"]) + 2
        for backwards in (False, True):
            key = tab_key(name, backwards=backwards)
            _stay_inside(page, dialog, key, count, native_modal=bool(info["nativeModal"]))
        page.keyboard.press("Escape")
        try:
            expect(dialog_locator).to_be_hidden(timeout=timeout_ms)
        except AssertionError:
            raise FocusError(
                "Escape did not close the dialog.",
                check=check,
                expected=["dialog closed"],
                actual=["dialog still shown"],
            ) from None
        _focus_returned(page, trigger, timeout_ms, check=check, what="the dialog's trigger")
    finally:
        page.main_frame.evaluate(script(STOP_FOCUS_LOG))


def _open_by_keyboard(page: Page, trigger: Locator, timeout_ms: float, *, check: str) -> JSHandle:
    """Focus the trigger and press Enter on it; its element, for the return of focus."""
    handle = trigger.element_handle(timeout=timeout_ms)
    trigger.focus(timeout=timeout_ms)
    if not page.main_frame.evaluate(script(IS_FOCUSED), handle):
        now = focus_now(page)
        raise FocusError(
            sequences_message(
                f"The dialog's trigger {trigger} cannot take focus, so a keyboard user cannot"
                " open the dialog.",
                ["the trigger focused"],
                [now],
                mark=0,
            ),
            check=check,
            expected=["the trigger focused"],
            actual=[now],
        )
    page.keyboard.press("Enter")
    return handle


def _stay_inside(page: Page, dialog: JSHandle, key: str, count: int, *, native_modal: bool) -> None:
    sequence: list[str] = []
    for _ in range(count):
        page.keyboard.press(key)
        info = page.main_frame.evaluate(script(DESCRIBE), {"container": dialog, "capMs": 0})
        if info is None and native_modal:
            sequence.append("browser UI (between wraps of a native modal dialog)")
            continue
        if info is not None and info["inside"]:
            sequence.append(stop_from(page.main_frame, info, 0, 0).describe())
            continue
        outside = "the document (nothing focused)" if info is None else None
        if info is not None:
            found = focused_element(page)
            outside = found[0].describe() if found else "the document"
        sequence.append(f"OUTSIDE the dialog: {outside}")
        expected = [f"{key} {i + 1}: inside the dialog" for i in range(len(sequence))]
        raise FocusError(
            sequences_message(
                f"{key} moved focus out of the open dialog (press {len(sequence)} of {count}).",
                expected,
                sequence,
                actual_title=f"Actual ({key} presses)",
                mark=len(sequence) - 1,
            ),
            check="dialog focus trap",
            expected=expected,
            actual=sequence,
        )


def _focus_returned(
    page: Page, trigger: JSHandle, timeout_ms: float, *, check: str, what: str
) -> None:
    if trigger.json_value() is None:
        raise FocusError(
            f"No element had focus before the dialog opened, so {what} is unknown: open it"
            " with a click or a key press on its trigger.",
            check=check,
            expected=[what],
            actual=[focus_now(page)],
        )
    if not wait_true(page, script(IS_FOCUSED), trigger, timeout_ms):
        element = trigger.as_element()
        name = element.evaluate(script(DESCRIBE_ELEMENT)) if element else None
        want = stop_from(page.main_frame, name, 0, 0).describe() if name else what
        now = focus_now(page)
        raise FocusError(
            sequences_message(f"Focus did not return to {what} on close.", [want], [now], mark=0),
            check=check,
            expected=[want],
            actual=[now],
        )


def assert_menu_closes_on_escape(
    page: Page, menu_button: Locator, menu: Locator, *, timeout_ms: float = 5_000
) -> None:
    """A menu opened with Enter on its button closes on Escape, and focus is on the button.

    The button's `aria-expanded` must say "true" while the menu is shown and "false"
    once it is closed. No Tab is pressed, so this check is the same in every engine.
    """
    check = "menu closes on Escape"
    expected = [
        "Enter: menu shown, aria-expanded=true",
        "Escape: menu hidden, aria-expanded=false, focus on the menu button",
    ]
    actual: list[str] = []

    def fail(problem: str) -> FocusError:
        return FocusError(
            sequences_message(problem, expected, actual),
            check=check,
            expected=expected,
            actual=actual,
        )

    menu_button.focus(timeout=timeout_ms)
    page.keyboard.press("Enter")
    try:
        expect(menu).to_be_visible(timeout=timeout_ms)
        expect(menu_button).to_have_attribute("aria-expanded", "true", timeout=timeout_ms)
    except AssertionError:
        shown = menu.is_visible()
        actual.append(
            f"Enter: menu {'shown' if shown else 'hidden'},"
            f" aria-expanded={menu_button.get_attribute('aria-expanded')}"
        )
        raise fail("Enter on the menu button did not open the menu as expected.") from None
    actual.append("Enter: menu shown, aria-expanded=true")
    page.keyboard.press("Escape")
    try:
        expect(menu).to_be_hidden(timeout=timeout_ms)
        expect(menu_button).to_have_attribute("aria-expanded", "false", timeout=timeout_ms)
    except AssertionError:
        actual.append(
            f"Escape: menu {'shown' if menu.is_visible() else 'hidden'},"
            f" aria-expanded={menu_button.get_attribute('aria-expanded')}"
        )
        raise fail("Escape did not close the menu.") from None
    button = menu_button.element_handle(timeout=timeout_ms)
    if not wait_true(page, script(IS_FOCUSED), button, timeout_ms):
        actual.append(f"Escape: menu hidden, aria-expanded=false, focus on {focus_now(page)}")
        raise fail("Focus did not return to the menu button after Escape.")
