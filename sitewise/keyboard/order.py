"""Tab order against the layout: rows top to bottom, each row left to right, or names."""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import Locator, Page

from sitewise.keyboard.model import MAX_STOPS, ROW_TOLERANCE, FocusError, FocusStop
from sitewise.keyboard.report import sequences_message
from sitewise.keyboard.walk import stops_within


def _same_row(anchor: FocusStop, stop: FocusStop, tolerance: float) -> bool:
    if abs(stop.y - anchor.y) <= tolerance:
        return True
    # Centres, not overlap: a tall focusable container (a scrolling table region) overlaps
    # every row inside it, and would pull them all into its own row.
    half_smaller = min(anchor.height, stop.height) / 2
    return abs(stop.center_y - anchor.center_y) <= max(tolerance, half_smaller)


def reading_order(
    stops: Sequence[FocusStop], row_tolerance: float = ROW_TOLERANCE
) -> list[FocusStop]:
    """Stops in reading order: rows top to bottom, each row left to right.

    A stop joins a row when its top is within `row_tolerance` px of the row's first stop
    or its vertical centre is within half the smaller height of that stop's centre.
    """
    rows: list[list[FocusStop]] = []
    for stop in sorted(stops, key=lambda s: (s.y, s.x)):
        if rows and _same_row(rows[-1][0], stop, row_tolerance):
            rows[-1].append(stop)
        else:
            rows.append([stop])
    return [stop for row in rows for stop in sorted(row, key=lambda s: s.x)]


def assert_tab_order_follows_layout(
    page: Page,
    expected: Sequence[str] | None = None,
    *,
    row_tolerance: float = ROW_TOLERANCE,
    within: Locator | None = None,
    max_stops: int = MAX_STOPS,
    browser_name: str | None = None,
) -> list[FocusStop]:
    """Tab order is the reading order of the layout, or the `expected` accessible names.

    Reading order is rows top to bottom, then left to right (see `reading_order`); a
    layout with columns (a sidebar beside the content) reads column by column instead, so
    check each column with `within`, or give the names. Returns the stops. `browser_name`
    (default: the page's) chooses the Tab key.
    """
    stops = stops_within(
        page,
        max_stops,
        within,
        browser_name=browser_name,
        check="assert_tab_order_follows_layout",
    )
    if expected is not None:
        names = [s.name for s in stops]
        if names != list(expected):
            wrong = next(
                (i for i, (a, b) in enumerate(zip(names, expected, strict=False)) if a != b),
                min(len(names), len(expected)),
            )
            raise FocusError(
                sequences_message(
                    "Tab order is not the expected one (accessible names).",
                    [f'"{n}"' for n in expected],
                    [s.describe() for s in stops],
                    expected_title="Expected (names)",
                    actual_title="Actual (Tab order)",
                    mark=wrong,
                ),
                check="tab order",
                expected=list(expected),
                actual=[s.describe() for s in stops],
            )
        return stops
    layout = reading_order(stops, row_tolerance)
    if [s.key for s in layout] != [s.key for s in stops]:
        want = [s.describe() for s in layout]
        got = [s.describe() for s in stops]
        raise FocusError(
            sequences_message(
                f"Tab order does not follow the layout (rows top to bottom, then left to right;"
                f" row tolerance {row_tolerance:g} px).",
                want,
                got,
                expected_title="Expected (reading order)",
                actual_title="Actual (Tab order)",
            ),
            check="tab order",
            expected=want,
            actual=got,
        )
    return stops
