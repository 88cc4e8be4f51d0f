"""keyboard_checks on fixture pages: each check passes on keyboard.html and fails where broken."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from sitewise.accessibility.plugin import KeyboardChecks
from sitewise.artifacts import attachments
from sitewise.keyboard import scripts
from sitewise.keyboard.checks import FocusError, reset_focus

pytestmark = pytest.mark.viewports("desktop")

OpenPage = Callable[[str], Page]
GOOD_STOPS = [
    ("link", "Skip to main content"),
    ("link", "Home"),
    ("link", "Settings"),
    ("link", "Profile"),
    ("button", "Menu"),
    ("textbox", "Name"),
    ("button", "New user"),
    ("button", "Delete user"),
    ("link", "Help"),
]


def open_dialog(page: Page, name: str) -> Locator:
    """The dialog's trigger: the check opens it by keyboard (focus, then Enter)."""
    return page.get_by_role("button", name=name)


def test_tab_sequence_describes_each_stop(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    stops = keyboard_checks.tab_sequence(open_page("keyboard.html"))
    assert [(s.role, s.name) for s in stops] == GOOD_STOPS
    skip, home = stops[0], stops[1]
    assert (skip.tag, skip.href, skip.shown) == ("a", "#main", True)
    assert 0 <= skip.x < home.x + home.width
    assert skip.y < home.y
    assert skip.width > 0
    assert skip.height > 0
    assert skip.describe().startswith('link "Skip to main content" <a> at (')


def test_tab_order_follows_layout_on_a_well_ordered_page(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard.html")
    stops = keyboard_checks.assert_tab_order_follows_layout(page)
    assert len(stops) == len(GOOD_STOPS)
    header = keyboard_checks.assert_tab_order_follows_layout(
        page, ["Home", "Settings", "Profile", "Menu"], within=page.locator("header")
    )
    assert [s.role for s in header] == ["link", "link", "link", "button"]


def test_tab_order_against_the_layout_fails_with_both_sequences(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_tab_order_follows_layout(open_page("tab-order.html"))
    lines = str(failure.value).splitlines()
    assert lines[:2] == [
        "Tab order does not follow the layout (rows top to bottom, then left to right;"
        " row tolerance 8 px).",
        "Wrong from step 4.",
    ]
    expected = [line.split(" <")[0] for line in lines[3:9]]
    actual = [line.split(" <")[0] for line in lines[10:16]]
    assert expected == [
        '     1. button "One"',
        '     2. button "Two"',
        '     3. button "Three"',
        '  >  4. button "Six"',
        '     5. button "Five"',
        '     6. button "Four"',
    ]
    assert actual[3:] == ['  >  4. button "Four"', '     5. button "Five"', '     6. button "Six"']


def test_tab_order_by_names_passes_and_fails_on_the_names(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("tab-order.html")
    source_order = ["One", "Two", "Three", "Four", "Five", "Six"]
    keyboard_checks.assert_tab_order_follows_layout(page, source_order)
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_tab_order_follows_layout(page, ["One", "Two", "Three", "Six"])
    assert failure.value.expected == ["One", "Two", "Three", "Six"]
    assert [a.split(" <")[0] for a in failure.value.actual] == [
        f'button "{name}"' for name in source_order
    ]
    assert "Wrong from step 4." in str(failure.value)


def test_focus_visible_passes_with_a_focus_ring_that_fades_in(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    stops = keyboard_checks.assert_focus_visible(open_page("keyboard.html"))
    assert [(s.role, s.name) for s in stops] == GOOD_STOPS


def test_focus_visible_fails_where_the_outline_is_removed(
    open_page: OpenPage, keyboard_checks: KeyboardChecks, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_focus_visible(open_page("keyboard-broken.html"))
    message = str(failure.value)
    assert message.startswith("2 of 8 tab stop(s) show no visible focus")
    missing = [a.split(" <")[0] for a in failure.value.actual if a.endswith("NO FOCUS INDICATOR")]
    assert missing == ['button "Menu"', 'button "New user"']
    assert "      focused:   outline none " in message
    found = [a for a in attachments(request.node.user_properties) if a.kind == "keyboard"]
    assert [a.data["check"] for a in found] == ["focus visible"]
    assert found[0].data["actual"] == failure.value.actual


def test_skip_link_passes_when_it_moves_focus_to_main(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard.html")
    keyboard_checks.assert_skip_link_first(page)
    assert page.evaluate("document.activeElement.id") == "main"


def test_skip_link_to_a_target_that_cannot_take_focus_fails(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_skip_link_first(open_page("keyboard-broken.html"))
    assert str(failure.value).startswith(
        "Activating the skip link (#main) did not move focus into the main content"
    )
    assert failure.value.actual[0].startswith('link "Skip to main content" <a>')
    assert failure.value.actual[1] == "the document (nothing focused)"


def test_page_without_a_skip_link_fails(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_skip_link_first(open_page("tab-order.html"))
    assert str(failure.value).startswith(
        'The first Tab stop is not a skip link (a link to #id): button "One" <button>'
    )


@pytest.mark.parametrize(
    ("trigger", "dialog"), [("New user", "New user"), ("Delete user", "Delete user?")]
)
def test_dialog_that_traps_focus_passes(
    open_page: OpenPage, keyboard_checks: KeyboardChecks, trigger: str, dialog: str
) -> None:
    page = open_page("keyboard.html")
    keyboard_checks.assert_dialog_traps_focus(
        page, open_dialog(page, trigger), page.get_by_role("dialog", name=dialog)
    )
    assert page.evaluate("document.activeElement.textContent") == trigger


def test_dialog_opened_by_a_callable_returns_focus_to_what_had_it(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard.html")
    trigger = page.get_by_role("button", name="New user")

    def open_it() -> None:
        trigger.focus()
        page.keyboard.press("Enter")

    keyboard_checks.assert_dialog_traps_focus(page, open_it, page.locator("#dialog"))
    assert page.evaluate("document.activeElement.id") == "open-dialog"


def test_dialog_whose_trigger_cannot_take_focus_fails(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("unreachable.html")
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_dialog_traps_focus(
            page, page.locator("#save-draft"), page.get_by_role("dialog")
        )
    assert "cannot take focus, so a keyboard user cannot open the dialog" in str(failure.value)


def test_dialog_that_lets_tab_escape_fails_with_the_focus_sequence(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard-broken.html")
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_dialog_traps_focus(
            page, open_dialog(page, "New user"), page.get_by_role("dialog", name="New user")
        )
    assert str(failure.value).startswith("Tab moved focus out of the open dialog (press 3 of 5).")
    assert [a.split(" <")[0] for a in failure.value.actual] == [
        'button "Save"',
        'button "Cancel"',
        'OUTSIDE the dialog: link "Help"',
    ]


def test_menu_that_closes_on_escape_passes(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard.html")
    button = page.get_by_role("button", name="Menu")
    keyboard_checks.assert_menu_closes_on_escape(page, button, page.locator("#menu"))


def test_menu_that_ignores_escape_fails(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard-broken.html")
    button = page.get_by_role("button", name="Menu")
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_menu_closes_on_escape(page, button, page.locator("#menu"))
    assert failure.value.actual == [
        "Enter: menu shown, aria-expanded=true",
        "Escape: menu shown, aria-expanded=true",
    ]


# --- every interactive element reachable ---------------------------------------------------


def test_every_control_of_a_keyboard_friendly_page_is_reachable(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    stops = keyboard_checks.assert_all_reachable(open_page("keyboard.html"))
    assert [(s.role, s.name) for s in stops] == GOOD_STOPS


def test_controls_without_a_tab_stop_fail_naming_each(
    open_page: OpenPage, keyboard_checks: KeyboardChecks, request: pytest.FixtureRequest
) -> None:
    page = open_page("unreachable.html")
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_all_reachable(page)
    message = str(failure.value)
    lines = message.splitlines()
    assert lines[0] == (
        "2 interactive element(s) cannot be reached with Tab (of 18 visible, enabled"
        " interactive element(s)):"
    )
    named = [line.split(" <")[0] for line in lines if line.startswith("  - ")]
    assert named == ['  - button "Save draft"', '  - link "read the guide"']
    assert 'button "Save draft" <div> at (' in message
    assert 'role="button" on a <div> without tabindex: not focusable' in message
    assert 'role="link" on a <span> without tabindex: not focusable' in message
    assert '      <div id="save-draft" class="fake-button" role="button"' in message
    assert '      <span id="guide" class="fake-link" role="link"' in message
    # The other elements without a tab stop of their own are rightly not named.
    for rightly in ("Locked", "Archive", "Behind", "Decorative", "Hidden", "Inside", "Large"):
        assert f'"{rightly}' not in message.split("Tab sequence")[0]
    sequence = message.split("Tab sequence (")[1].splitlines()
    assert [line.split(" <")[0] for line in sequence[1:4]] == [
        '     1. button "Publish"',
        '     2. button "Preview"',
        '     3. button "More options"',
    ]
    assert len(failure.value.actual) == int(sequence[0].split(" ")[0])
    found = [a for a in attachments(request.node.user_properties) if a.kind == "keyboard"]
    assert [a.data["check"] for a in found] == ["all reachable"]


def test_reachability_within_a_region_checks_only_that_region(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("unreachable.html")
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_all_reachable(page, within=page.locator(".actions"))
    message = str(failure.value)
    assert message.startswith(
        "1 interactive element(s) cannot be reached with Tab (of 3 visible, enabled"
        " interactive element(s) inside the given region):\n"
        '  - button "Save draft" <div>'
    )
    keyboard_checks.assert_all_reachable(page, within=page.get_by_role("toolbar"))


def test_widgets_with_no_member_in_the_tab_order_fail_once_each(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_all_reachable(open_page("unreachable-widgets.html"))
    message = str(failure.value)
    entries = message.split("\nGive each a tab stop")[0].split("\n  - ")[1:]
    assert len(entries) == 3, message
    tablist, radios, checkbox = entries
    assert tablist.startswith('tablist "Sections" <div> at (')
    assert (
        'a composite widget none of whose 3 member(s) (tab "One", tab "Two", tab "Three") is a'
        ' tab stop (one member needs tabindex="0")'
    ) in tablist
    assert radios.startswith('radio "Slow" <input>')
    assert 'none of the 2 radio button(s) named "speed" is a tab stop' in radios
    assert checkbox.startswith('checkbox "I agree" <div>')
    assert checkbox.endswith("in frame about:srcdoc")
    assert "Never shown" not in message


# --- the tab walk's cap --------------------------------------------------------------------


def test_the_walk_goes_past_the_old_cap_of_50_stops(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("many-stops.html")
    stops = keyboard_checks.tab_sequence(page)
    assert [s.name for s in stops] == [f"Button {n}" for n in range(1, 61)]
    assert len(keyboard_checks.tab_sequence(page, max_stops=60)) == 60


@pytest.mark.parametrize("check", ["tab_sequence", "assert_focus_visible", "assert_all_reachable"])
def test_hitting_the_cap_fails_naming_it_and_how_to_raise_it(
    open_page: OpenPage, keyboard_checks: KeyboardChecks, check: str
) -> None:
    page = open_page("many-stops.html")
    with pytest.raises(FocusError) as failure:
        getattr(keyboard_checks, check)(page, max_stops=50)
    message = str(failure.value)
    assert message.startswith(
        "The Tab walk hit its cap of max_stops=50: after 50 stops focus had neither come back"
        " to the first stop nor left the page, so the rest of the Tab sequence was NOT"
        f" checked. If the page has that many stops, raise the cap: {check}(page,"
        " max_stops=100)."
    )
    assert message.splitlines()[-1].split(" <")[0] == '    50. button "Button 50"'
    assert len(failure.value.actual) == 50


def test_a_tab_trap_fails_instead_of_walking_to_the_cap(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.tab_sequence(open_page("tab-trap.html"))
    message = str(failure.value)
    assert message.startswith(
        "Tab is trapped: after stop 3 focus went back to stop 2, and Tab never returns to the"
        " first stop or leaves the page"
    )
    assert [a.split(" <")[0] for a in failure.value.actual] == [
        'button "Before"',
        'button "Inside one"',
        'button "Inside two"',
        'back to stop 2: button "Inside one"',
    ]


def test_a_tab_that_does_not_move_focus_fails_as_a_trap(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    with pytest.raises(FocusError) as failure:
        keyboard_checks.assert_focus_visible(open_page("tab-trap.html?stuck"))
    assert str(failure.value).startswith(
        "Tab is trapped: it does not move focus away from stop 3, so nothing after it can be"
        " reached"
    )
    assert failure.value.actual[-1].startswith('still stop 3: button "Inside two"')


def test_the_parts_of_date_and_time_inputs_do_not_end_the_walk(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("date-fields.html")
    names = ["Before", "From", "At", "When", "After"]
    assert [s.name for s in keyboard_checks.tab_sequence(page)] == names
    assert [s.name for s in keyboard_checks.assert_all_reachable(page)] == names
    reset_focus(page)
    assert keyboard_checks.tab_to(page, page.get_by_role("button", name="After")) > len(names)


def test_tab_to_reaches_a_control_or_shows_the_stops_passed(
    open_page: OpenPage, keyboard_checks: KeyboardChecks
) -> None:
    page = open_page("keyboard.html")
    assert keyboard_checks.tab_to(page, page.get_by_label("Name")) == 6
    home = page.get_by_role("link", name="Home")
    assert keyboard_checks.tab_to(page, home, backwards=True) == 4
    keyboard_checks.tab_to(page, page.get_by_label("Name"))
    with pytest.raises(FocusError) as failure:
        keyboard_checks.tab_to(page, page.locator("#menu a"))
    message = str(failure.value)
    assert message.startswith("Tab never reached ")
    assert "selector='#menu a'>: focus left the page first.\nStops passed:\n" in message
    assert [a.split(" <")[0] for a in failure.value.actual] == [
        'button "New user"',
        'button "Delete user"',
        'link "Help"',
    ]


# --- the in-page scripts -------------------------------------------------------------------


def test_every_script_file_ships_with_the_package_and_is_run_by_a_check(page: Page) -> None:
    folder = resources.files("sitewise.keyboard").joinpath("js")
    files = {entry.name for entry in folder.iterdir() if entry.name.endswith(".js")}
    assert files == {f"{name}.js" for name in (scripts.LIB, *scripts.SCRIPTS)}
    checks = "".join(
        module.read_text(encoding="utf-8")
        for module in Path(scripts.__file__).parent.glob("*.py")
        if module.name != "scripts.py"
    )
    lib = folder.joinpath("lib.js").read_text(encoding="utf-8").strip()
    including = 0
    for name in scripts.SCRIPTS:
        text = scripts.script(name)
        assert scripts.INCLUDE_LIB not in [line.strip() for line in text.splitlines()], name
        including += lib in text
        # Compiled by the browser (lib.js included), not run.
        assert page.evaluate(f"typeof ({text}\n)") == "function", name
        assert re.search(rf"\b{name.upper()}\b", checks), f"no check runs js/{name}.js"
    assert including > 0, "no script includes js/lib.js"
