"""Where focus is: the focused element through frames and shadow roots, and waits on it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, JSHandle, Page

from sitewise.keyboard.model import FocusStop, stop_from
from sitewise.keyboard.scripts import DESCRIBE, IS_ACTIVE, RESET_FOCUS, script


def focused_element(
    page: Page, *, styles: bool = False, cap_ms: float = 2_000, container: JSHandle | None = None
) -> tuple[FocusStop, Frame, dict[str, Any]] | None:
    """The element that has focus, in whichever frame, or None when the document has it.

    With `styles`, its computed focus styles are read once transitions finished, and it
    is remembered in its frame for js/unfocused_styles.js. With `container` (an element
    of the main frame), the returned info says whether focus is `inside` it.
    """
    frame = page.main_frame
    dx = dy = 0.0
    arg = {"styles": False, "capMs": cap_ms}
    info: dict[str, Any] | None = frame.evaluate(script(DESCRIBE), {**arg, "container": container})
    if info is None:
        return None
    inside = info.get("inside")
    while info["isFrame"]:
        child = next(
            (c for c in frame.child_frames if frame.evaluate(script(IS_ACTIVE), c.frame_element())),
            None,
        )
        if child is None:
            break
        child_info: dict[str, Any] | None = child.evaluate(script(DESCRIBE), arg)
        if child_info is None:
            # The frame element itself is the stop (its document has nothing focused).
            break
        # Child boxes are in the child's viewport; move them into page coordinates.
        dx += (
            float(info["x"])
            + float(info["clientLeft"])
            - float(child_info["x"])
            + float(child_info["vx"])
        )
        dy += (
            float(info["y"])
            + float(info["clientTop"])
            - float(child_info["y"])
            + float(child_info["vy"])
        )
        frame, info = child, child_info
    if styles:
        info = frame.evaluate(script(DESCRIBE), {"styles": True, "capMs": cap_ms}) or info
    info["inside"] = inside
    return stop_from(frame, info, dx, dy), frame, info


def reset_focus(page: Page) -> None:
    """Put focus back on the document, so the next Tab goes to the first tab stop."""
    page.main_frame.evaluate(script(RESET_FOCUS))


def wait_true(page: Page, script_text: str, arg: Any, timeout_ms: float) -> bool:
    """Whether `script_text` (a plain function of `arg`) came true within `timeout_ms`."""
    try:
        page.wait_for_function(script_text, arg=arg, timeout=timeout_ms)
    except PlaywrightError:
        return False
    return True


def focus_now(page: Page) -> str:
    """Where focus is, described for a failure message."""
    found = focused_element(page)
    return found[0].describe() if found else "the document (nothing focused)"
