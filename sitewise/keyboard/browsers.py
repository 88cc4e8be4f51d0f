"""The key that moves focus to the next tab stop, which depends on the browser engine.

The checks press Tab as a keyboard user does, but the engines do not agree on what Tab
visits by default, so the engine is an input of every check that presses it
(`browser_name`, by default the engine of the page's browser):

- Chromium, and Firefox on Linux and Windows: every focusable element, links included.
- WebKit keeps Safari's default ("Press Tab to highlight each item on a webpage" off),
  and Playwright has no option to change it: on macOS, Tab skips links (and buttons,
  unless the system's keyboard navigation is on), while Option+Tab visits every link
  and control. So in WebKit the checks press Alt+Tab (Alt is Option). Only WebKit on
  macOS gives the Alt that meaning; its other ports take Alt+Tab as a plain Tab, and
  whether their Tab visits links is the port's own tabs-to-links setting, which no key
  changes. The page's key handlers see the Alt (`event.altKey`).
- Firefox on macOS follows the system's keyboard navigation setting (the preference
  `accessibility.tabfocus`): with it off, Tab visits text fields and lists only, and no
  key changes that. So the engine launches Firefox with
  `firefox_user_prefs={"accessibility.tabfocus": 7}` (every element, Linux's and
  Windows' default) everywhere: `keyboard_launch_options`.

What the checks allow for without asking the engine: after the last stop, focus may
leave the document (for the browser's own UI) or go straight back to the first stop;
the parts of a date or time input may each take a Tab press while the input keeps
focus; in a native modal <dialog>, focus may pass through the browser's UI between
wraps. A click does not focus a button in WebKit, nor in Firefox on macOS, which is why
the dialog check prefers to open a dialog by keyboard.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# The engine this package was first written against, and the one that needs no
# adjustment; assumed when a page's browser cannot say.
DEFAULT_BROWSER = "chromium"


def browser_name_of(page: Page) -> str:
    """The engine of `page`'s browser: "chromium", "firefox" or "webkit"."""
    browser = page.context.browser
    # A persistent context (launch_persistent_context) has no Browser object to ask.
    return browser.browser_type.name if browser is not None else DEFAULT_BROWSER


def tab_key(browser_name: str, *, backwards: bool = False) -> str:
    """The keys that move focus to the next tab stop (the previous one if `backwards`)
    in `browser_name`, as Playwright's `keyboard.press` takes them."""
    modifiers = "Alt+" if browser_name == "webkit" else ""
    return f"{modifiers}{'Shift+' if backwards else ''}Tab"


# Firefox's Tab visits every focusable element where this is 7; macOS's default follows
# the system's keyboard navigation setting, which skips links and buttons.
FIREFOX_TAB_PREFS: dict[str, Any] = {"accessibility.tabfocus": 7}


def keyboard_launch_options(browser_name: str) -> dict[str, dict[str, Any]]:
    """Launch options under which Tab visits every focusable element in `browser_name`
    (merged into the launch by sitewise.browsers.plugin; a suite's own values win)."""
    if browser_name == "firefox":
        return {"firefox_user_prefs": dict(FIREFOX_TAB_PREFS)}
    return {}
