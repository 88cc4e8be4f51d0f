"""Visible focus: every tab stop's outline, box-shadow or border changes when focused."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page

from sitewise.keyboard.browsers import browser_name_of
from sitewise.keyboard.model import MAX_STOPS, FocusError, FocusStop
from sitewise.keyboard.report import numbered
from sitewise.keyboard.scripts import UNFOCUSED_STYLES, script
from sitewise.keyboard.walk import walk

_RGBA = re.compile(r"rgba?\(([^)]*)\)")


def _transparent(color: str) -> bool:
    match = _RGBA.search(color)
    if not match:
        return color.strip() == "transparent"
    parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
    return len(parts) == 4 and float(parts[3].rstrip("%")) == 0


def _px(value: str) -> float:
    try:
        return float(value.removesuffix("px"))
    except ValueError:
        return 0.0


def _outline(style: dict[str, str]) -> tuple[str, ...]:
    return tuple(
        style[p] for p in ("outline-style", "outline-width", "outline-color", "outline-offset")
    )


def _outline_shown(style: dict[str, str]) -> bool:
    return (
        style["outline-style"] not in ("none", "hidden")
        and _px(style["outline-width"]) > 0
        and not _transparent(style["outline-color"])
    )


def _border(style: dict[str, str]) -> tuple[str, ...]:
    return tuple(v for k, v in sorted(style.items()) if k.startswith("border-"))


def focus_indicators(
    focused: dict[str, dict[str, str]], unfocused: dict[str, dict[str, str]]
) -> list[str]:
    """What shows focus: a shown outline that differs, or a box-shadow or border that differs.

    Each of the element, ::before and ::after is compared with itself unfocused.
    """
    found = []
    for part, style in focused.items():
        before = unfocused.get(part, style)
        prefix = "" if part == "element" else f"{part} "
        if _outline_shown(style) and _outline(style) != _outline(before):
            found.append(f"{prefix}outline")
        if style["box-shadow"] != before["box-shadow"]:
            found.append(f"{prefix}box-shadow")
        if _border(style) != _border(before):
            found.append(f"{prefix}border")
    return found


def _style_summary(style: dict[str, str]) -> str:
    border = style["border-top-width"], style["border-top-style"], style["border-top-color"]
    return (
        f"outline {' '.join(_outline(style)[:3])}; box-shadow {style['box-shadow']};"
        f" border-top {' '.join(border)}"
    )


def assert_focus_visible(
    page: Page,
    *,
    max_stops: int = MAX_STOPS,
    timeout_ms: float = 2_000,
    browser_name: str | None = None,
) -> list[FocusStop]:
    """Every tab stop shows where focus is: its outline, box-shadow or border changes.

    Each stop's computed outline, box-shadow and border (and those of its ::before and
    ::after) are read while focused, then again after focus leaves it, once transitions
    are done (up to `timeout_ms`). A stop fails when nothing differs, or when the only
    difference is an outline that is not shown (`outline: none`, zero width, transparent).
    `browser_name` (default: the page's) chooses the Tab key.
    """
    walked = walk(
        page,
        max_stops,
        browser_name=browser_name or browser_name_of(page),
        styles=True,
        cap_ms=timeout_ms,
        check="assert_focus_visible",
    )
    unfocused: dict[str, Any] = {}
    for frame in {id(f): f for _, f, _ in walked}.values():
        unfocused.update(frame.evaluate(script(UNFOCUSED_STYLES), timeout_ms))
    failures = []
    sequence = []
    for stop, _, info in walked:
        focused: dict[str, dict[str, str]] = info["styles"]
        before = unfocused.get(stop.key, focused)
        shown = focus_indicators(focused, before)
        sequence.append(f"{stop.describe()}: {', '.join(shown) if shown else 'NO FOCUS INDICATOR'}")
        if not shown:
            failures.append(
                f"{stop.describe()}\n"
                f"      focused:   {_style_summary(focused['element'])}\n"
                f"      unfocused: {_style_summary(before['element'])}"
            )
    if failures:
        raise FocusError(
            f"{len(failures)} of {len(walked)} tab stop(s) show no visible focus (no outline,"
            " box-shadow or border change when focused):\n  - "
            + "\n  - ".join(failures)
            + "\nEvery tab stop:\n"
            + "\n".join(numbered(sequence)),
            check="focus visible",
            expected=[f"{s.describe()}: a focus indicator" for s, _, _ in walked],
            actual=sequence,
        )
    return [stop for stop, _, _ in walked]
