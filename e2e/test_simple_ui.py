"""Simple UI: each page renders its landmarks, heading and controls, without errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.pages import admin, web
from e2e.pages.base import AppPage
from e2e.pages.catalog import SIGNED_IN_PAGES
from e2e.pages.regions.dialog import Dialog
from e2e.pages.regions.shell import Shell
from fixtures.auth import PageFor
from fixtures.data import MakeUser
from fixtures.targets import AppName
from sitewise.health import WatchPage

pytestmark = pytest.mark.simple_ui

PRODUCT = {"web": "Settings", "admin": "Settings Admin"}


def key_controls(page: AppPage) -> list[Locator]:
    """The controls a user needs on each page: if one is missing, the page is broken."""
    if isinstance(page, web.DashboardPage):
        return [page.welcome, page.browse_settings, page.recent_changes]
    if isinstance(page, web.SettingsPage):
        return [page.search, page.category, page.sort, page.items.first]
    if isinstance(page, web.HistoryPage):
        return [page.back_link, page.table.or_(page.empty).first]
    if isinstance(page, web.ProfilePage):
        return [page.display_name, page.theme, page.language, page.save, page.new_password]
    if isinstance(page, admin.OverviewPage):
        return [page.stat(name) for name in admin.STAT_CARDS]
    if isinstance(page, admin.UsersPage):
        return [page.search, page.sort, page.new_user_button, page.rows.first]
    if isinstance(page, admin.DefinitionsPage):
        return [page.search, page.category, page.new_definition_button, page.rows.first]
    if isinstance(page, admin.AuditPage):
        return [page.actor, page.action, page.since, page.until]
    raise AssertionError(f"no key controls listed for {type(page).__name__}")


PAGES = [pytest.param(p.app, p.page_class, id=p.id) for p in SIGNED_IN_PAGES]


@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_every_page_renders_landmarks_heading_and_controls(
    app: AppName, page_class: type[AppPage], signed_in_page: Page, watch_page: WatchPage
) -> None:
    problems = watch_page(signed_in_page)
    view = page_class(signed_in_page).open()
    shell = view.shell

    expect(view.heading).to_have_text(view.title)
    expect(signed_in_page).to_have_title(f"{view.title} · {PRODUCT[app]}")
    expect(shell.banner).to_be_visible()
    expect(shell.main).to_be_visible()
    expect(shell.footer).to_be_attached()
    expect(shell.skip_link).to_be_attached()
    expect(shell.navigation.or_(shell.menu_button).first).to_be_visible()
    expect(shell.main.get_by_role("heading", level=1)).to_have_count(1)
    for control in key_controls(view):
        expect(control).to_be_visible()
    expect(shell.loading).to_have_count(0)
    assert problems.problems == []


@pytest.mark.parametrize("app", ["web", "admin"])
def test_the_sign_in_page_renders_without_errors(
    app: AppName, guest_page: Page, watch_page: WatchPage
) -> None:
    problems = watch_page(guest_page)
    problems.allow("/api/auth/me", 401)
    guest_page.goto("/login")
    expect(guest_page.get_by_role("main")).to_be_visible()
    expect(guest_page.get_by_label("Email", exact=True)).to_be_visible()
    expect(guest_page.get_by_role("button", name="Sign in")).to_be_enabled()
    assert problems.problems == []


def test_the_theme_switch_changes_and_keeps_the_theme(
    app: AppName, make_user: MakeUser, page_for: PageFor
) -> None:
    page = page_for(make_user("admin" if app == "admin" else "user"), app)
    page.goto("/")
    shell = Shell(page)
    start = shell.theme.get_attribute("data-theme")
    pressed = "true" if start == "dark" else "false"
    expect(shell.theme_toggle).to_have_attribute("aria-pressed", pressed)

    shell.toggle_theme()

    other = "light" if start == "dark" else "dark"
    expect(shell.theme).to_have_attribute("data-theme", other)
    expect(shell.theme_toggle).to_have_attribute(
        "aria-pressed", "true" if other == "dark" else "false"
    )
    page.reload()
    expect(shell.theme).to_have_attribute("data-theme", other)


@pytest.mark.parametrize("app", ["web"])
def test_a_toast_confirms_and_can_be_dismissed(
    app: AppName, make_user: MakeUser, page_for: PageFor
) -> None:
    page = page_for(make_user("user"), app)
    profile = web.ProfilePage(page).open()
    profile.display_name.fill("Toast Tester")

    profile.save.click()

    toast = profile.shell.toast("Profile saved.")
    expect(toast).to_be_visible()
    toast.get_by_role("button", name="Dismiss").click()
    expect(toast).to_have_count(0)


@pytest.mark.parametrize("app", ["admin"])
def test_a_dialog_opens_takes_focus_and_closes(app: AppName, admin_page: Page) -> None:
    users = admin.UsersPage(admin_page).open()
    dialog = users.new_user_dialog

    users.new_user_button.click()
    expect(dialog.root).to_be_visible()
    expect(dialog.field("Email")).to_be_focused()
    admin_page.keyboard.press("Escape")
    expect(dialog.root).to_be_hidden()
    expect(users.new_user_button).to_be_focused()

    users.new_user_button.click()
    expect(dialog.root).to_be_visible()
    dialog.cancel()
    expect(dialog.root).to_be_hidden()
    expect(users.new_user_button).to_be_focused()


@pytest.mark.parametrize("app", ["admin"])
def test_a_confirmation_dialog_can_be_cancelled(
    app: AppName, admin_page: Page, make_user: MakeUser
) -> None:
    account = make_user("user")
    users = admin.UsersPage(admin_page).open(f"q={account.email}")
    row = users.row(account.email)

    row.deactivate_button.click()
    confirm = Dialog(admin_page, f"Deactivate {account.display_name}?")
    expect(confirm.root).to_be_visible()
    confirm.cancel()

    expect(confirm.root).to_be_hidden()
    expect(row.deactivate_button).to_be_focused()
    expect(row.root).to_contain_text(re.compile("Active", re.IGNORECASE))
