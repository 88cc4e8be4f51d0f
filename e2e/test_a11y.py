"""Accessibility: axe (WCAG 2.2 AA) on every page and state, and what axe cannot check.

axe runs on every page of both apps, in both viewports and both themes, and in each
interactive state (menu open, dialog open, validation errors, toast, error and empty
states). The keyboard specs cover tab order, every interactive element reachable by Tab,
visible focus, the skip link, dialogs that trap and return focus, menus that close on
Escape, and key controls operated with the keyboard alone.
"""

from __future__ import annotations

from typing import Literal

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import admin, web
from e2e.pages.base import AppPage
from e2e.pages.catalog import SIGNED_IN_PAGES
from e2e.pages.login import LoginPage
from e2e.pages.regions.dialog import Dialog
from e2e.pages.regions.shell import Shell
from fixtures.api import ApiClient
from fixtures.auth import PageFor, new_password
from fixtures.data import ApiAs, MakeDefinition, MakeUser, RemoveUserLater, unique_word
from fixtures.mocks import MockApiFactory
from fixtures.targets import AppName
from sitewise.accessibility.plugin import AssertAccessible, KeyboardChecks

pytestmark = pytest.mark.a11y

Theme = Literal["light", "dark"]
THEMES: list[Theme] = ["light", "dark"]
PAGES = [pytest.param(p.app, p.page_class, id=p.id) for p in SIGNED_IN_PAGES]


def show(page: Page, theme: Theme) -> None:
    """Show the app in a theme: the worker accounts follow the system preference."""
    page.emulate_media(color_scheme=theme)


def open_and_settle(view: AppPage) -> AppPage:
    view.open()
    expect(view.heading).to_be_visible()
    expect(view.shell.loading).to_have_count(0)
    return view


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_every_page_meets_wcag(
    app: AppName,
    page_class: type[AppPage],
    theme: Theme,
    signed_in_page: Page,
    assert_accessible: AssertAccessible,
) -> None:
    show(signed_in_page, theme)
    view = open_and_settle(page_class(signed_in_page))
    expect(view.shell.theme).to_have_attribute("data-theme", theme)
    assert_accessible(signed_in_page)


@pytest.mark.parametrize("theme", THEMES)
def test_sign_in_with_errors_meets_wcag(
    app: AppName, theme: Theme, guest_page: Page, assert_accessible: AssertAccessible
) -> None:
    show(guest_page, theme)
    login = LoginPage(guest_page, app).open()
    assert_accessible(guest_page, context_name="sign-in")

    login.submit.click()
    expect(login.email).to_have_attribute("aria-invalid", "true")
    assert_accessible(guest_page, context_name="field errors")

    # An email of its own: five refusals of one email lock it, and then the alert says so.
    login.sign_in(f"{unique_word('nobody')}@example.test", "wrong-password-1")
    expect(login.alert).to_be_visible()
    assert_accessible(guest_page, context_name="sign-in refused")


@pytest.mark.parametrize("theme", THEMES)
def test_the_404_page_meets_wcag(
    app: AppName, theme: Theme, signed_in_page: Page, assert_accessible: AssertAccessible
) -> None:
    show(signed_in_page, theme)
    signed_in_page.goto("/no/such/page")
    expect(Shell(signed_in_page).heading).to_have_text("Page not found")
    assert_accessible(signed_in_page)


@pytest.mark.parametrize("theme", THEMES)
def test_open_menus_meet_wcag(
    app: AppName,
    theme: Theme,
    signed_in_page: Page,
    is_mobile: bool,
    assert_accessible: AssertAccessible,
) -> None:
    show(signed_in_page, theme)
    signed_in_page.goto("/")
    shell = Shell(signed_in_page)
    expect(shell.heading).to_be_visible()
    shell.open_account_menu()
    expect(shell.sign_out_item).to_be_visible()
    assert_accessible(signed_in_page, context_name="account menu")
    signed_in_page.keyboard.press("Escape")
    if is_mobile:
        shell.menu_button.click()
        expect(shell.menu_button).to_have_attribute("aria-expanded", "true")
        assert_accessible(signed_in_page, context_name="navigation menu")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("app", ["admin"])
def test_open_dialogs_and_their_errors_meet_wcag(
    app: AppName,
    theme: Theme,
    admin_page: Page,
    make_user: MakeUser,
    assert_accessible: AssertAccessible,
) -> None:
    account = make_user("user")
    show(admin_page, theme)
    users = admin.UsersPage(admin_page)
    open_and_settle(users)
    users.new_user_button.click()
    dialog = users.new_user_dialog
    expect(dialog.root).to_be_visible()
    assert_accessible(admin_page, context_name="new user dialog")

    dialog.button("Create user").click()
    expect(dialog.root.locator("[aria-invalid='true']").first).to_be_visible()
    assert_accessible(admin_page, context_name="new user dialog errors")
    dialog.cancel()

    users.search.fill(account.email)
    users.row(account.email).deactivate_button.click()
    confirm = Dialog(admin_page, f"Deactivate {account.display_name}?")
    expect(confirm.root).to_be_visible()
    assert_accessible(admin_page, context_name="confirmation dialog")

    definitions = admin.DefinitionsPage(admin_page)
    open_and_settle(definitions)
    definitions.new_definition_button.click()
    expect(definitions.dialog().root).to_be_visible()
    assert_accessible(admin_page, context_name="definition dialog")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("app", ["web"])
def test_a_toast_and_inline_errors_meet_wcag(
    app: AppName,
    theme: Theme,
    make_user: MakeUser,
    page_for: PageFor,
    assert_accessible: AssertAccessible,
) -> None:
    page = page_for(make_user("user"), app)
    show(page, theme)
    profile = web.ProfilePage(page)
    open_and_settle(profile)
    profile.save.click()
    expect(profile.shell.toast("Profile saved.")).to_be_visible()
    assert_accessible(page, context_name="toast")

    profile.change_password("wrong-current-1", "new-password-123", "does-not-match-1")
    expect(page.locator("[aria-invalid='true']").first).to_be_visible()
    assert_accessible(page, context_name="password errors")


LISTS = {"web": ("/settings", "/api/settings"), "admin": ("/users", "/api/admin/users")}
EMPTY = {"web": "settings_empty", "admin": "users_empty"}


@pytest.mark.parametrize("theme", THEMES)
def test_error_and_empty_states_meet_wcag(
    app: AppName,
    theme: Theme,
    signed_in_page: Page,
    mock_api: MockApiFactory,
    assert_accessible: AssertAccessible,
) -> None:
    path, endpoint = LISTS[app]
    mocks = mock_api(signed_in_page)
    # The most recent rule wins: the first answer fails, the retry gets the empty list.
    mocks.fulfil(endpoint, EMPTY[app])
    mocks.fail(endpoint, 500, times=1)
    show(signed_in_page, theme)
    signed_in_page.goto(path)
    shell = Shell(signed_in_page)
    expect(shell.error_state).to_be_visible()
    assert_accessible(signed_in_page, context_name="error state")

    shell.retry_button.click()
    expect(shell.error_state).to_be_hidden()
    expect(shell.loading).to_have_count(0)
    assert_accessible(signed_in_page, context_name="empty state")


# --- keyboard: what axe cannot check -------------------------------------------------------


@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_the_skip_link_comes_first_and_focus_is_always_visible(
    app: AppName,
    page_class: type[AppPage],
    signed_in_page: Page,
    keyboard_checks: KeyboardChecks,
) -> None:
    view = open_and_settle(page_class(signed_in_page))
    keyboard_checks.assert_skip_link_first(signed_in_page, view.shell.main)
    keyboard_checks.assert_focus_visible(signed_in_page)


@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_every_interactive_element_is_reachable_by_keyboard(
    app: AppName,
    page_class: type[AppPage],
    signed_in_page: Page,
    keyboard_checks: KeyboardChecks,
) -> None:
    open_and_settle(page_class(signed_in_page))
    keyboard_checks.assert_all_reachable(signed_in_page)


@pytest.mark.parametrize(
    ("app", "page_class"),
    [
        pytest.param("web", web.SettingsPage, id="web-settings"),
        pytest.param("admin", admin.UsersPage, id="admin-users"),
        pytest.param("admin", admin.AuditPage, id="admin-audit"),
    ],
)
def test_tab_order_follows_the_visual_order(
    app: AppName,
    page_class: type[AppPage],
    signed_in_page: Page,
    keyboard_checks: KeyboardChecks,
) -> None:
    view = open_and_settle(page_class(signed_in_page))
    keyboard_checks.assert_tab_order_follows_layout(signed_in_page, within=view.shell.main)


@pytest.mark.parametrize("app", ["web"])
def test_profile_tab_order_goes_through_one_form_then_the_next(
    app: AppName, signed_in_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    # Two forms side by side on wide screens: each is read top to bottom, left form first.
    view = open_and_settle(web.ProfilePage(signed_in_page))
    keyboard_checks.assert_tab_order_follows_layout(
        signed_in_page,
        [
            "Display name",
            "Theme",
            "Language",
            "Save profile",
            "Current password",
            "New password",
            "Confirm new password",
            "Change password",
        ],
        within=view.shell.main,
    )


def test_sign_in_is_operable_by_keyboard_alone(
    app: AppName, app_url: str, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user("admin" if app == "admin" else "user")
    login = LoginPage(guest_page, app).open()
    login.email.focus()
    guest_page.keyboard.type(account.email)
    guest_page.keyboard.press("Tab")
    expect(login.password).to_be_focused()
    guest_page.keyboard.type(account.password)
    guest_page.keyboard.press("Enter")
    expect(guest_page).to_have_url(f"{app_url}/")


@pytest.mark.parametrize("app", ["admin"])
def test_dialogs_trap_focus_and_give_it_back(
    app: AppName, admin_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    # Given their trigger, the checks open the dialogs by keyboard (focus, then Enter), so
    # focus has a trigger to return to on every engine (a click focuses no button in WebKit).
    users = admin.UsersPage(admin_page)
    open_and_settle(users)
    keyboard_checks.assert_dialog_traps_focus(
        admin_page, users.new_user_button, users.new_user_dialog.root
    )
    definitions = admin.DefinitionsPage(admin_page)
    open_and_settle(definitions)
    keyboard_checks.assert_dialog_traps_focus(
        admin_page, definitions.new_definition_button, definitions.dialog().root
    )


def test_menus_close_on_escape(
    app: AppName, signed_in_page: Page, is_mobile: bool, keyboard_checks: KeyboardChecks
) -> None:
    signed_in_page.goto("/")
    shell = Shell(signed_in_page)
    expect(shell.heading).to_be_visible()
    keyboard_checks.assert_menu_closes_on_escape(
        signed_in_page, shell.account_menu_button, signed_in_page.get_by_role("menu")
    )
    if is_mobile:
        keyboard_checks.assert_menu_closes_on_escape(
            signed_in_page, shell.menu_button, shell.navigation
        )


# --- operable by keyboard alone: key controls driven with keys, no mouse ----------------------

NAV_LINKS = {"web": web.NAV_LINKS, "admin": admin.NAV_LINKS}
ACCOUNT_ITEMS = {"web": ["Profile", "Sign out"], "admin": ["Sign out"]}


@pytest.mark.parametrize("app", ["web"])
def test_a_setting_is_saved_with_the_keyboard_alone(
    app: AppName,
    make_user: MakeUser,
    make_definition: MakeDefinition,
    page_for: PageFor,
    api_as: ApiAs,
    keyboard_checks: KeyboardChecks,
) -> None:
    person = make_user("user")
    definition = make_definition("number", default=30, constraints={"min": 1, "max": 120})
    page = page_for(person, app)
    settings = web.SettingsPage(page).open(f"q={definition.label}")
    item = settings.setting(definition.key, definition.label)
    expect(item.control).to_have_value("30")

    keyboard_checks.tab_to(page, item.control)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("45")
    page.keyboard.press("Tab")
    expect(item.save_button).to_be_focused()
    page.keyboard.press("Enter")

    expect(settings.shell.toast(f"Saved {definition.label}.")).to_be_visible()
    expect(item.default_badge).to_be_hidden()
    assert api_as(person).get(f"/api/settings/{definition.key}")["value"] == 45


def test_the_account_menu_works_with_the_keyboard_alone(
    app: AppName,
    app_url: str,
    make_user: MakeUser,
    page_for: PageFor,
    keyboard_checks: KeyboardChecks,
) -> None:
    # An account of its own: the spec ends by signing out with the keyboard.
    page = page_for(make_user("admin" if app == "admin" else "user"), app)
    page.goto("/")
    shell = Shell(page)
    expect(shell.heading).to_be_visible()
    button = shell.account_menu_button
    menu = page.get_by_role("menu")
    items = menu.get_by_role("menuitem")
    names = ACCOUNT_ITEMS[app]
    last = len(names) - 1
    keyboard_checks.tab_to(page, button)

    # Enter and Space open it on its first item; Escape closes it, back on the button.
    for key in ("Enter", "Space"):
        page.keyboard.press(key)
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(items).to_have_text(names)
        expect(items.first).to_be_focused()
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(button).to_be_focused()

    # The items are not tab stops: arrow keys move among them, wrapping round; Home, End.
    page.keyboard.press("Enter")
    expect(items.first).to_be_focused()
    for index in [*range(1, len(names)), 0]:
        page.keyboard.press("ArrowDown")
        expect(items.nth(index)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(items.nth(last)).to_be_focused()
    page.keyboard.press("Home")
    expect(items.first).to_be_focused()
    page.keyboard.press("End")
    expect(items.nth(last)).to_be_focused()

    # Tab leaves the menu, which closes behind it.
    page.keyboard.press("Tab")
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(shell.main.locator(":focus")).to_have_count(1)  # the next stop, in the page
    page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()

    if app == "web":
        page.keyboard.press("Enter")
        expect(menu.get_by_role("menuitem", name="Profile")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{app_url}/profile")
        # The profile page has rendered (its module may load first) and taken the focus.
        expect(shell.heading).to_have_text("Profile")
        expect(menu).to_be_hidden()
        keyboard_checks.tab_to(page, button, backwards=True)

    page.keyboard.press("Enter")
    page.keyboard.press("End")
    expect(shell.sign_out_item).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app_url}/login")
    expect(page.get_by_role("status").filter(has_text="You have been signed out.")).to_be_visible()


@pytest.mark.parametrize("app", ["web"])
def test_arrow_keys_on_the_account_button_open_the_menu_on_its_first_or_last_item(
    app: AppName, signed_in_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    page = signed_in_page
    page.goto("/")
    shell = Shell(page)
    expect(shell.heading).to_be_visible()
    items = page.get_by_role("menu").get_by_role("menuitem")
    keyboard_checks.tab_to(page, shell.account_menu_button)
    page.keyboard.press("ArrowDown")
    expect(items.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(shell.account_menu_button).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(items.last).to_be_focused()


@pytest.mark.parametrize("app", ["admin"])
def test_a_user_is_created_with_the_keyboard_alone(
    app: AppName,
    admin_page: Page,
    remove_user_later: RemoveUserLater,
    seeded_admin_api: ApiClient,
    keyboard_checks: KeyboardChecks,
) -> None:
    # A random word, not one from the test's id: two runs at once against one deployment
    # would otherwise create the same account, and the second would be refused.
    email = f"{unique_word('keyboard')}@example.test"
    remove_user_later(email)
    users = admin.UsersPage(admin_page)
    open_and_settle(users)
    keyboard = admin_page.keyboard

    keyboard_checks.tab_to(admin_page, users.new_user_button)
    keyboard.press("Enter")
    dialog = users.new_user_dialog
    expect(dialog.root).to_be_visible()
    expect(dialog.field("Email")).to_be_focused()
    keyboard.type(email)
    keyboard.press("Tab")
    expect(dialog.field("Display name")).to_be_focused()
    keyboard.type("Keyboard Person")
    keyboard.press("Tab")
    expect(dialog.field("Password")).to_be_focused()
    keyboard.type(new_password())
    keyboard.press("Enter")  # submits the dialog's form from its field

    expect(users.shell.toast("User created.")).to_be_visible()
    expect(dialog.root).to_be_hidden()
    expect(users.new_user_button).to_be_focused()
    found = seeded_admin_api.get("/api/admin/users", q=email)["items"]
    assert [(u["email"], u["display_name"], u["role"]) for u in found] == [
        (email, "Keyboard Person", "user")
    ]


@pytest.mark.viewports("mobile")
def test_the_mobile_menu_works_with_the_keyboard_alone(
    app: AppName, app_url: str, signed_in_page: Page, keyboard_checks: KeyboardChecks
) -> None:
    page = signed_in_page
    page.goto("/")
    shell = Shell(page)
    expect(shell.heading).to_be_visible()
    (first, _), (name, path) = list(NAV_LINKS[app].items())[:2]
    keyboard_checks.tab_to(page, shell.menu_button)

    page.keyboard.press("Enter")
    expect(shell.menu_button).to_have_attribute("aria-expanded", "true")
    expect(shell.nav_link(first)).to_be_visible()
    page.keyboard.press("Enter")
    expect(shell.menu_button).to_have_attribute("aria-expanded", "false")
    expect(shell.nav_link(first)).to_be_hidden()

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(shell.nav_link(first)).to_be_focused()
    page.keyboard.press("Tab")
    expect(shell.nav_link(name)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app_url}{path}")
    expect(shell.menu_button).to_have_attribute("aria-expanded", "false")
    expect(shell.heading).to_be_focused()
