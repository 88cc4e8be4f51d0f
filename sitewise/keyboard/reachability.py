"""Reachability: every visible, enabled interactive element can be reached with Tab."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, JSHandle, Locator, Page

from sitewise.keyboard.browsers import browser_name_of
from sitewise.keyboard.model import MAX_STOPS, FocusError, FocusStop, stop_from
from sitewise.keyboard.report import numbered
from sitewise.keyboard.scripts import FRAME_AVAILABLE, INTERACTIVE, SCROLL_OFFSET, script
from sitewise.keyboard.walk import walk


def _frames_to_check(
    frame: Frame, origin: tuple[float, float] | None, container: JSHandle | None
) -> list[tuple[Frame, tuple[float, float] | None]]:
    """`frame` and every child frame a user can reach, each with its viewport's page origin.

    The main frame's origin is None: its boxes are already in page coordinates.
    """
    found: list[tuple[Frame, tuple[float, float] | None]] = [(frame, origin)]
    for child in frame.child_frames:
        try:
            element = child.frame_element()
            box = frame.evaluate(script(FRAME_AVAILABLE), [element, container])
        except PlaywrightError:
            continue  # detached meanwhile
        if box is None:
            continue
        if origin is None:
            scroll = frame.evaluate(script(SCROLL_OFFSET))
            base = (float(scroll[0]), float(scroll[1]))
        else:
            base = origin
        inner = (
            base[0] + float(box["vx"]) + float(box["clientLeft"]),
            base[1] + float(box["vy"]) + float(box["clientTop"]),
        )
        found += _frames_to_check(child, inner, None)
    return found


def _placed(frame: Frame, info: dict[str, Any], origin: tuple[float, float] | None) -> FocusStop:
    """A FocusStop for an element of `frame`, whose viewport starts at `origin` in the page."""
    if origin is None:
        return stop_from(frame, info, 0, 0)
    scroll_x = float(info["x"]) - float(info["vx"])
    scroll_y = float(info["y"]) - float(info["vy"])
    return stop_from(frame, info, origin[0] - scroll_x, origin[1] - scroll_y)


def _why_unreachable(item: dict[str, Any]) -> str:
    tabindex = item.get("tabindex")
    if tabindex is not None and tabindex.strip().lstrip("-").isdigit() and int(tabindex) < 0:
        return f'tabindex="{tabindex}" takes it out of the Tab order'
    if not item["native"] and tabindex is None:
        return f'role="{item["role"]}" on a <{item["tag"]}> without tabindex: not focusable'
    return "not in the Tab sequence"


def assert_all_reachable(
    page: Page,
    *,
    within: Locator | None = None,
    max_stops: int = MAX_STOPS,
    browser_name: str | None = None,
) -> list[FocusStop]:
    """Every visible, enabled interactive element can be reached with Tab.

    Walks the Tab sequence, then compares it with the page's interactive elements: native
    ones (a[href], button, input but hidden ones, select, textarea, a details' summary,
    contenteditable) and any element with an interactive ARIA role (button, link,
    checkbox, switch, tab, menuitem, radio, slider, spinbutton, combobox, textbox,
    searchbox, option, treeitem, gridcell), in the page and its frames. Not expected to
    be tab stops: inert content and what an open modal dialog makes inert, aria-hidden
    content, what is not rendered (hidden, display: none, visibility: hidden, a closed
    <details>, an empty box) and disabled controls (`:disabled`, aria-disabled="true").
    A composite widget (radio group, tablist, menu, menubar, listbox, toolbar, grid,
    treegrid, tree), and native radios sharing a name, is reached when it or any one of
    its members is a tab stop: arrow keys move among the rest (roving tabindex or
    aria-activedescendant), which this check does not press. An element also counts as
    reached when a tab stop is inside it (a combobox wrapping its input).

    With `within` (an element of the main frame), only the elements inside it are
    checked. Returns the Tab sequence (of the whole page). Fails with FocusError listing
    each unreachable element (role, name, box, HTML) and showing the Tab sequence.
    `browser_name` (default: the page's) chooses the Tab key.
    """
    check = "assert_all_reachable"
    container = within.element_handle() if within is not None else None
    walked = walk(page, max_stops, browser_name=browser_name or browser_name_of(page), check=check)
    elements: list[FocusStop] = []
    missing: list[str] = []
    for frame, origin in _frames_to_check(page.main_frame, None, container):
        frame_keys = [stop.key for stop, f, _ in walked if f == frame]
        found = frame.evaluate(
            script(INTERACTIVE),
            {"keys": frame_keys, "container": container if origin is None else None},
        )
        groups: dict[str, dict[str, Any]] = found["groups"]
        where = "" if origin is None else f"\n      in frame {frame.url}"
        reported: set[str] = set()
        for item in found["items"]:
            stop = _placed(frame, item, origin)
            elements.append(stop)
            group = item["group"]
            if group is None:
                if not item["reached"]:
                    missing.append(
                        f"{stop.describe()}: {_why_unreachable(item)}\n      {stop.html}{where}"
                    )
                continue
            if groups[group]["reached"] or group in reported:
                continue
            reported.add(group)
            members = [i for i in found["items"] if i["group"] == group]
            names = ", ".join(
                f'{m["role"]} "{m["name"]}"' if m["name"] else m["role"] for m in members[:4]
            ) + (f" and {len(members) - 4} more" if len(members) > 4 else "")
            widget = groups[group]["widget"]
            if widget is not None:
                head = _placed(frame, widget, origin)
                missing.append(
                    f"{head.describe()}: a composite widget none of whose {len(members)}"
                    f' member(s) ({names}) is a tab stop (one member needs tabindex="0")'
                    f"\n      {head.html}{where}"
                )
            else:
                missing.append(
                    f"{stop.describe()}: none of the {len(members)} radio button(s) named"
                    f' "{groups[group]["label"]}" is a tab stop\n      {stop.html}{where}'
                )
    sequence = [stop.describe() for stop, _, _ in walked]
    if missing:
        raise FocusError(
            f"{len(missing)} interactive element(s) cannot be reached with Tab (of"
            f" {len(elements)} visible, enabled interactive element(s)"
            + (" inside the given region" if within is not None else "")
            + "):\n  - "
            + "\n  - ".join(missing)
            + "\nGive each a tab stop: a native control (<button>, <a href>, <input>), or"
            ' tabindex="0" with Enter and Space handlers; in a composite widget (radio group,'
            ' tablist, menu, listbox, toolbar, grid), one member with tabindex="0" and arrow'
            " keys for the rest.\n"
            f"Tab sequence ({len(sequence)} stop(s)):\n" + "\n".join(numbered(sequence)),
            check="all reachable",
            expected=[stop.describe() for stop in elements],
            actual=sequence,
        )
    return [stop for stop, _, _ in walked]
