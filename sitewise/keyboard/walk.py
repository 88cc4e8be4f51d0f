"""The Tab walk: the page's Tab sequence, pressed stop by stop, and Tab to one control.

A walk never truncates silently: when its cap is spent, or Tab is trapped in part of
the page, it fails with FocusError and the stops it walked.
"""

from __future__ import annotations

from collections.abc import Sequence

from playwright.sync_api import JSHandle, Locator, Page

from sitewise.keyboard.browsers import browser_name_of, tab_key
from sitewise.keyboard.focus import focused_element, reset_focus
from sitewise.keyboard.model import MAX_STOPS, FocusError, FocusStop, Walked
from sitewise.keyboard.report import numbered, sequences_message
from sitewise.keyboard.scripts import IS_FOCUSED, script

# Tab presses a date or time input may take for its parts before the walk moves on.
MULTI_FIELD_PRESSES = 8


def walk(
    page: Page,
    max_stops: int,
    *,
    browser_name: str,
    styles: bool = False,
    cap_ms: float = 2_000,
    container: JSHandle | None = None,
    check: str = "tab_sequence",
) -> list[Walked]:
    """Tab from the top until focus wraps round, stays put or leaves the document.

    Never a silent truncation: when `max_stops` presses did not end the sequence, or focus
    comes back to a stop other than the first (Tab is trapped in part of the page), this
    raises FocusError. `check` names the caller's check in that message. `browser_name`
    says which key is Tab (see sitewise.keyboard.browsers).
    """
    key = tab_key(browser_name)
    reset_focus(page)
    stops: list[Walked] = []
    seen: dict[str, int] = {}
    inner = 0
    while len(stops) < max_stops:
        page.keyboard.press(key)
        found = focused_element(page, styles=False, container=container)
        if found is None:
            return stops  # focus left the document: the sequence is complete
        stop_key = found[0].key
        if stops and stop_key == stops[-1][0].key:
            if stops[-1][2].get("fields") and inner < MULTI_FIELD_PRESSES:
                inner += 1  # Tab went to the next part of a date or time input
                continue
            raise _stuck(stops, check)
        inner = 0
        if stops and stop_key == stops[0][0].key:
            return stops  # wrapped round to the first stop
        if stop_key in seen:
            raise _trapped(stops, seen[stop_key], check)
        if styles:
            found = focused_element(page, styles=True, cap_ms=cap_ms, container=container)
            if found is None:
                return stops
        seen[stop_key] = len(stops)
        stops.append(found)
    # The cap was spent: more presses tell a sequence of exactly max_stops stops (it wraps
    # or leaves now) from a longer one.
    last = stops[-1] if stops else None
    for _ in range(MULTI_FIELD_PRESSES + 1 if last and last[2].get("fields") else 1):
        page.keyboard.press(key)
        found = focused_element(page, container=container)
        if found is None or found[0].key == stops[0][0].key:
            return stops
        if found[0].key != stops[-1][0].key:
            break
    raise _capped(stops, max_stops, check)


def _stuck(stops: Sequence[Walked], check: str) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    looped = [*described, f"still stop {len(stops)}: {described[-1]}"]
    expected = [*described, "the next stop, the first stop again, or out of the page"]
    return FocusError(
        sequences_message(
            f"Tab is trapped: it does not move focus away from stop {len(stops)}, so nothing"
            " after it can be reached (a keyboard trap, WCAG 2.1.2).",
            expected,
            looped,
            actual_title="Actual (Tab presses)",
            mark=len(stops),
        ),
        check=check,
        expected=expected,
        actual=looped,
    )


def _capped(stops: Sequence[Walked], max_stops: int, check: str) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    shown = 5
    return FocusError(
        f"The Tab walk hit its cap of max_stops={max_stops}: after {max_stops} stops focus had"
        " neither come back to the first stop nor left the page, so the rest of the Tab"
        " sequence was NOT checked. If the page has that many stops, raise the cap:"
        f" {check}(page, max_stops={max_stops * 2}).\n"
        f"The last {min(shown, len(described))} stops walked:\n"
        + "\n".join(numbered(described)[-shown:]),
        check=check,
        expected=[f"the Tab sequence ends within max_stops={max_stops} stops"],
        actual=described,
    )


def _trapped(stops: Sequence[Walked], back_to: int, check: str) -> FocusError:
    described = [stop.describe() for stop, _, _ in stops]
    looped = [*described, f"back to stop {back_to + 1}: {described[back_to]}"]
    return FocusError(
        sequences_message(
            f"Tab is trapped: after stop {len(stops)} focus went back to stop {back_to + 1},"
            " and Tab never returns to the first stop or leaves the page (a keyboard trap,"
            " WCAG 2.1.2).",
            [*described, "the first stop again, or out of the page"],
            looped,
            actual_title="Actual (Tab presses)",
            mark=len(stops),
        ),
        check=check,
        expected=[*described, "the first stop again, or out of the page"],
        actual=looped,
    )


def tab_sequence(
    page: Page,
    max_stops: int = MAX_STOPS,
    *,
    within: Locator | None = None,
    browser_name: str | None = None,
) -> list[FocusStop]:
    """Press Tab from the top of the page; one FocusStop per stop, until focus wraps round.

    Stops when focus leaves the document or comes back to the first stop. Raises
    FocusError when `max_stops` presses did not get there (raise the cap for a page with
    more stops) or Tab is trapped in a loop. Boxes are in page coordinates (scrolling
    taken into account). With `within` (an element of the main frame), only the stops
    inside it are kept. `browser_name` (default: the page's) chooses the Tab key.
    """
    return stops_within(page, max_stops, within, browser_name=browser_name, check="tab_sequence")


def stops_within(
    page: Page, max_stops: int, within: Locator | None, *, browser_name: str | None, check: str
) -> list[FocusStop]:
    """The Tab walk's stops, only those inside `within` when it is given."""
    container = within.element_handle() if within is not None else None
    walked = walk(
        page,
        max_stops,
        browser_name=browser_name or browser_name_of(page),
        container=container,
        check=check,
    )
    return [stop for stop, _, info in walked if container is None or info["inside"]]


def tab_to(
    page: Page,
    target: Locator,
    *,
    backwards: bool = False,
    max_presses: int = MAX_STOPS,
    browser_name: str | None = None,
) -> int:
    """Press Tab (Shift+Tab if `backwards`), from wherever focus is, until `target` has
    focus; returns the presses.

    Fails with FocusError showing the stops passed when focus comes back to where it was
    first, leaves the page, or `max_presses` presses did not get there. `browser_name`
    (default: the page's) chooses the Tab key.
    """
    key = tab_key(browser_name or browser_name_of(page), backwards=backwards)
    handle = target.element_handle()
    passed: list[str] = []
    keys: set[str] = set()
    last: tuple[str, bool] | None = None
    problem = f"{max_presses} presses of {key} did not reach it (max_presses={max_presses})"
    for presses in range(1, max_presses + 1):
        page.keyboard.press(key)
        if page.main_frame.evaluate(script(IS_FOCUSED), handle):
            return presses
        found = focused_element(page)
        if found is None:
            problem = "focus left the page first"
            break
        stop = found[0].key
        if last is not None and stop == last[0] and last[1]:
            continue  # the next part of a date or time input
        if stop in keys:
            problem = "the Tab sequence came round again without it"
            break
        keys.add(stop)
        last = (stop, bool(found[2].get("fields")))
        passed.append(found[0].describe())
    expected = [f"{key} until {target} has focus"]
    raise FocusError(
        f"{key} never reached {target}: {problem}.\nStops passed:\n" + "\n".join(numbered(passed)),
        check="tab to",
        expected=expected,
        actual=passed,
    )
