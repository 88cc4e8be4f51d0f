"""Screenshots that depend on the code under test only: settled, without motion or caret.

Playwright's `animations="disabled"` finishes finite CSS animations and cancels infinite
ones; the CSS below also removes transitions and smooth scrolling, and hides the caret.
Motion that is not CSS (a requestAnimationFrame loop, a timer drawing text) cannot be
switched off from outside, so a screenshot is only accepted when two consecutive ones
are identical, as Playwright's `toHaveScreenshot` does, within a time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import Page

STABILISE_CSS = """\
*, *::before, *::after {
  transition: none !important;
  transition-duration: 0s !important;
  transition-delay: 0s !important;
  caret-color: transparent !important;
  scroll-behavior: auto !important;
}
"""

# Resolves after two frames have been painted: time for one capture's effects to show.
_NEXT_FRAMES = """() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))"""
_FONTS_READY = "() => document.fonts.ready.then(() => document.fonts.status)"


class NotSettledError(AssertionError):
    """Consecutive screenshots kept differing until the stabilisation time ran out."""

    def __init__(self, message: str, last: bytes) -> None:
        super().__init__(message)
        self.last = last


def wait_for_fonts(page: Page) -> None:
    """Wait until the page's web fonts have loaded (or failed: then fallbacks are final)."""
    page.evaluate(_FONTS_READY)


def next_frames(page: Page) -> None:
    page.evaluate(_NEXT_FRAMES)


def capture_stable(
    shoot: Callable[[], bytes],
    page: Page,
    *,
    name: str,
    timeout_ms: int,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """Capture until two consecutive screenshots are identical; NotSettledError after timeout_ms."""
    started = clock()
    deadline = started + timeout_ms / 1000
    wait_for_fonts(page)
    previous = shoot()
    captures = 1
    while True:
        next_frames(page)
        current = shoot()
        captures += 1
        if current == previous:
            return current
        if clock() >= deadline:
            elapsed = round((clock() - started) * 1000)
            raise NotSettledError(
                f"assert_snapshot({name!r}): the page never settled: {captures} screenshots"
                f" in {elapsed} ms ([visual] stabilise_timeout_ms = {timeout_ms}) and no two"
                " consecutive ones were identical. Something keeps changing that is not a CSS"
                " animation (a requestAnimationFrame loop, a timer, a clock, a video): stop"
                " it in the test, mask it with mask=[locator], or raise stabilise_timeout_ms.",
                current,
            )
        previous = current
