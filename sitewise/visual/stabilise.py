"""Screenshots that depend on the code under test only: settled, without motion or caret.

Playwright's `animations="disabled"` finishes finite CSS animations and cancels infinite
ones; the CSS below also removes transitions and smooth scrolling, and hides the caret.
Motion that is not CSS (a requestAnimationFrame loop, a timer drawing text) cannot be
switched off from outside, so a screenshot is only accepted when two consecutive ones
are identical, as Playwright's `toHaveScreenshot` does, within a time limit.

Every wait is bounded by that limit and is polled by Playwright from outside the page,
so it works on a page whose clock the test has installed and paused
(`page.clock.install` then `pause_at`): such a page's own timers and
requestAnimationFrame run only when the test moves its clock.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from sitewise.scripts import script

STABILISE_CSS = """\
*, *::before, *::after {
  transition: none !important;
  transition-duration: 0s !important;
  transition-delay: 0s !important;
  caret-color: transparent !important;
  scroll-behavior: auto !important;
}
"""

# document.fonts.ready resolves when this is "loaded": no font face is loading any more
# (a failed one counts as done, its fallback is final).
_FONTS_LOADED = "() => document.fonts.status === 'loaded'"
_FONTS_LOADING = script("sitewise.visual", "fonts_loading")
_FRAMES_PASSED = script("sitewise.visual", "frames_passed")
# A wait that starts with (almost) no time left still gets this long: a page that has
# settled is not failed for having been slow to start.
_MIN_WAIT_MS = 1000
_tokens = itertools.count(1)


class NotSettledError(AssertionError):
    """The page did not settle (fonts, frames or screenshots) before the time ran out.

    `last` is the last screenshot taken, or None when none could be taken.
    """

    def __init__(self, message: str, last: bytes | None) -> None:
        super().__init__(message)
        self.last = last


def _head(name: str, what: str, waited_ms: int, timeout_ms: int) -> str:
    """`assert_snapshot('name'): <what> in 1234 ms ([visual] stabilise_timeout_ms = 5000)`"""
    return (
        f"assert_snapshot({name!r}): {what} in {waited_ms} ms"
        f" ([visual] stabilise_timeout_ms = {timeout_ms})"
    )


def wait_for_fonts(page: Page, *, name: str, timeout_ms: int) -> None:
    """Wait until the page's web fonts have loaded (or failed: then fallbacks are final).

    NotSettledError, naming the font faces still loading, after `timeout_ms`.
    """
    started = time.monotonic()
    try:
        page.wait_for_function(_FONTS_LOADED, polling="raf", timeout=max(timeout_ms, 1))
    except PlaywrightTimeoutError:
        loading: list[str] = page.evaluate(_FONTS_LOADING)
        waited = round((time.monotonic() - started) * 1000)
        head = _head(name, "web fonts did not finish loading", waited, timeout_ms)
        raise NotSettledError(
            f"{head}; still loading: {', '.join(loading) or 'a font face'}. A font file that"
            " is slow or never answered (a blocked or unmocked request?) holds every"
            " screenshot: serve it, or let it fail so its fallback is used.",
            None,
        ) from None


def next_frames(page: Page, *, timeout_ms: int = 5000) -> None:
    """Wait until two animation frames have been painted; PlaywrightTimeoutError after timeout."""
    page.wait_for_function(
        _FRAMES_PASSED, arg=next(_tokens), polling="raf", timeout=max(timeout_ms, 1)
    )


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

    def left_ms() -> int:
        return max(round((deadline - clock()) * 1000), _MIN_WAIT_MS)

    def elapsed_ms() -> int:
        return round((clock() - started) * 1000)

    wait_for_fonts(page, name=name, timeout_ms=timeout_ms)
    previous = shoot()
    captures = 1
    while True:
        try:
            next_frames(page, timeout_ms=left_ms())
        except PlaywrightTimeoutError:
            head = _head(name, "the page painted no new frame", elapsed_ms(), timeout_ms)
            raise NotSettledError(
                f"{head} after {captures} screenshot(s): the browser is not rendering it"
                " (a hung script, a blocked main thread?).",
                previous,
            ) from None
        current = shoot()
        captures += 1
        if current == previous:
            return current
        if clock() >= deadline:
            what = f"the page never settled: {captures} screenshots"
            raise NotSettledError(
                f"{_head(name, what, elapsed_ms(), timeout_ms)} and no two consecutive ones"
                " were identical. Something keeps changing"
                " that is not a CSS animation (a requestAnimationFrame loop, a timer, a"
                " clock, a video): stop it in the test, mask it with mask=[locator], or"
                " raise stabilise_timeout_ms.",
                current,
            )
        previous = current
