"""The keyboard, where axe cannot look: the skip link, every control reached by Tab,
and a visible focus on every tab stop."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from sitewise.accessibility.plugin import KeyboardChecks
from sitewise.auth.plugin import PageAs


def test_the_skip_link_moves_focus_to_the_content(
    page_as: PageAs, keyboard_checks: KeyboardChecks
) -> None:
    page = page_as("admin", "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    keyboard_checks.assert_skip_link_first(page)


def test_every_control_of_the_admin_index_is_reachable_by_tab(
    page_as: PageAs, keyboard_checks: KeyboardChecks
) -> None:
    page = page_as("admin", "/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    keyboard_checks.assert_all_reachable(page)


def test_every_control_of_the_login_page_is_reachable_by_tab(
    guest_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    guest_page.goto("/admin/login/")
    expect(guest_page.get_by_role("button", name="Log in")).to_be_visible()
    keyboard_checks.assert_all_reachable(guest_page)


def test_every_tab_stop_of_the_login_page_shows_focus(
    guest_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    guest_page.goto("/admin/login/")
    expect(guest_page.get_by_role("button", name="Log in")).to_be_visible()
    keyboard_checks.assert_focus_visible(guest_page)
