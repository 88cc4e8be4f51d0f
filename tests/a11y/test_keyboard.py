"""keyboard_checks on fixture pages: each check passes on keyboard.html and fails where broken."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from fixtures.a11y import KeyboardChecks
from harness.artifacts import attachments
from harness.keyboard import FocusError

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


def open_dialog(page: Page, name: str) -> Callable[[], None]:
    return lambda: page.get_by_role("button", name=name).click()


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
