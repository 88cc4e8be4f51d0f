"""Navigation: links, history, deep links, the 404 page and the mobile menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import admin, web
from e2e.pages.regions.shell import Shell
from fixtures.data import MakeDefinition
from fixtures.targets import AppName

pytestmark = pytest.mark.navigation

NAV_LINKS: dict[str, dict[str, str]] = {"web": web.NAV_LINKS, "admin": admin.NAV_LINKS}
HEADINGS: dict[str, dict[str, str]] = {
    "web": {"/": "Dashboard", "/settings": "Settings", "/profile": "Profile"},
    "admin": {
        "/": "Overview",
        "/users": "Users",
        "/settings": "Setting definitions",
        "/audit": "Audit log",
    },
}
PRODUCT = {"web": "Settings", "admin": "Settings Admin"}


def test_every_navigation_link_lands_on_its_page(
    app: AppName, app_url: str, signed_in_page: Page
) -> None:
    page = signed_in_page
    page.goto("/")
    shell = Shell(page)
    for name, path in NAV_LINKS[app].items():
        shell.go_to(name)
        expect(page).to_have_url(f"{app_url}{path}")
        expect(shell.heading).to_have_text(HEADINGS[app][path])
        expect(page).to_have_title(f"{HEADINGS[app][path]} · {PRODUCT[app]}")


def test_the_current_page_is_marked_in_the_navigation(app: AppName, signed_in_page: Page) -> None:
    page = signed_in_page
    page.goto("/settings")
    shell = Shell(page)
    shell.open_menu()
    expect(shell.nav_link("Settings")).to_have_attribute("aria-current", "page")


def test_back_and_forward_move_through_history(
    app: AppName, app_url: str, signed_in_page: Page
) -> None:
    page = signed_in_page
    first, second = list(NAV_LINKS[app].items())[1:3]
    page.goto("/")
    shell = Shell(page)
    shell.go_to(first[0])
    expect(shell.heading).to_have_text(HEADINGS[app][first[1]])
    shell.go_to(second[0])
    expect(shell.heading).to_have_text(HEADINGS[app][second[1]])

    page.go_back()
    expect(page).to_have_url(f"{app_url}{first[1]}")
    expect(shell.heading).to_have_text(HEADINGS[app][first[1]])

    page.go_forward()
    expect(page).to_have_url(f"{app_url}{second[1]}")
    expect(shell.heading).to_have_text(HEADINGS[app][second[1]])


def test_every_page_opens_from_a_deep_link(app: AppName, signed_in_page: Page) -> None:
    shell = Shell(signed_in_page)
    for path, heading in HEADINGS[app].items():
        signed_in_page.goto(path)
        expect(shell.heading).to_have_text(heading)


@pytest.mark.parametrize("app", ["web"])
def test_a_filtered_list_and_a_history_open_from_deep_links(
    app: AppName, user_page: Page, make_definition: MakeDefinition
) -> None:
    definition = make_definition("text")
    settings = web.SettingsPage(user_page)
    settings.open(f"q={definition.label}")
    expect(settings.search).to_have_value(definition.label)
    expect(settings.item_headings).to_have_text([definition.label])

    history = web.HistoryPage(user_page, definition.key).open()
    expect(history.heading).to_have_text(f"History: {definition.label}")


def test_an_unknown_address_shows_the_404_page(
    app: AppName, app_url: str, signed_in_page: Page
) -> None:
    response = signed_in_page.goto("/no/such/page")
    assert response is not None
    assert response.status == 404
    not_found = web.NotFoundPage(signed_in_page)
    expect(not_found.heading).to_have_text("Page not found")

    not_found.home_link.click()
    expect(signed_in_page).to_have_url(f"{app_url}/")


@pytest.mark.viewports("mobile")
def test_the_mobile_menu_opens_closes_on_escape_and_navigates(
    app: AppName, app_url: str, signed_in_page: Page
) -> None:
    page = signed_in_page
    page.goto("/")
    shell = Shell(page)
    first_link = next(iter(NAV_LINKS[app]))
    expect(shell.menu_button).to_have_attribute("aria-expanded", "false")
    expect(shell.nav_link(first_link)).to_be_hidden()

    shell.menu_button.click()
    expect(shell.menu_button).to_have_attribute("aria-expanded", "true")
    expect(shell.nav_link(first_link)).to_be_visible()

    page.keyboard.press("Escape")
    expect(shell.menu_button).to_have_attribute("aria-expanded", "false")
    expect(shell.nav_link(first_link)).to_be_hidden()
    expect(shell.menu_button).to_be_focused()

    name, path = list(NAV_LINKS[app].items())[1]
    shell.menu_button.click()
    shell.nav_link(name).click()
    expect(page).to_have_url(f"{app_url}{path}")
    expect(shell.menu_button).to_have_attribute("aria-expanded", "false")


@pytest.mark.viewports("desktop")
def test_the_desktop_navigation_is_always_shown(app: AppName, signed_in_page: Page) -> None:
    signed_in_page.goto("/")
    shell = Shell(signed_in_page)
    expect(shell.menu_button).to_be_hidden()
    for name in NAV_LINKS[app]:
        expect(shell.nav_link(name)).to_be_visible()
