"""Auth: signing in and out, sessions, lockout and who may use which app.

The only specs that sign in through the UI; everyone else starts signed in.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import login as texts
from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.auth import Account, PageFor, Role
from fixtures.data import MakeUser, unique_word
from fixtures.targets import AppName

pytestmark = pytest.mark.auth

HOME_HEADINGS = {"web": "Dashboard", "admin": "Overview"}


def role_for(app: AppName) -> Role:
    return "admin" if app == "admin" else "user"


def test_sign_in_lands_on_the_home_page(
    app: AppName, app_url: str, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    login = LoginPage(guest_page, app).open()
    expect(login.heading).to_have_text(texts.HEADINGS[app])

    login.sign_in(account.email, account.password)

    expect(guest_page).to_have_url(f"{app_url}/")
    expect(Shell(guest_page).heading).to_have_text(HOME_HEADINGS[app])


def test_wrong_password_and_unknown_email_give_the_same_message(
    app: AppName, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    login = LoginPage(guest_page, app).open()

    login.sign_in(account.email, "not-the-password-1")
    expect(login.alert).to_have_text(texts.INVALID_CREDENTIALS)

    # A random word, not the account's id: the database reuses a deleted account's id,
    # and failures count per email, known or not, so a reused unknown email gets locked.
    login.sign_in(f"{unique_word('nobody')}@example.test", account.password)
    expect(login.alert).to_have_text(texts.INVALID_CREDENTIALS)
    expect(guest_page).to_have_url(re.compile(r"/login"))


def test_fields_are_validated_before_sending(app: AppName, guest_page: Page) -> None:
    login = LoginPage(guest_page, app).open()

    login.submit.click()
    expect(login.email).to_have_attribute("aria-invalid", "true")
    expect(login.email).to_have_accessible_description(texts.ENTER_EMAIL)
    expect(login.password).to_have_accessible_description(texts.ENTER_PASSWORD)

    login.email.fill("not-an-email")
    login.submit.click()
    expect(login.email).to_have_accessible_description(texts.INVALID_EMAIL)
    expect(login.alert).to_have_count(0)


def test_five_failed_tries_lock_the_account(
    app: AppName, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    login = LoginPage(guest_page, app).open()

    for attempt in range(1, 5):
        login.sign_in(account.email, f"wrong-password-{attempt}")
        expect(login.alert).to_have_text(texts.INVALID_CREDENTIALS)
    login.sign_in(account.email, "wrong-password-5")
    expect(login.alert).to_contain_text(texts.LOCKED)
    expect(login.alert).to_contain_text(re.compile(r"Try again in \d+ minutes?"))

    # Even the right password is refused while the lock lasts.
    login.sign_in(account.email, account.password)
    expect(login.alert).to_contain_text(texts.LOCKED)
    expect(guest_page).to_have_url(re.compile(r"/login"))


def test_sign_out_ends_the_session(
    app: AppName, app_url: str, make_user: MakeUser, page_for: PageFor
) -> None:
    page = page_for(make_user(role_for(app)), app)
    page.goto("/")
    shell = Shell(page)
    expect(shell.heading).to_have_text(HOME_HEADINGS[app])

    shell.sign_out()

    login = LoginPage(page, app)
    expect(page).to_have_url(re.compile(r"/login"))
    expect(login.notice).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$|/login\?next=/$"))


def test_the_session_survives_a_reload(app: AppName, signed_in_page: Page) -> None:
    signed_in_page.goto("/settings")
    shell = Shell(signed_in_page)
    expect(shell.heading).to_be_visible()

    signed_in_page.reload()

    expect(signed_in_page).to_have_url(re.compile(r"/settings$"))
    expect(shell.account_menu_button).to_be_visible()


def test_a_protected_route_asks_to_sign_in_and_returns(
    app: AppName, app_url: str, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    guest_page.goto("/settings?page=1")

    login = LoginPage(guest_page, app)
    expect(guest_page).to_have_url(re.compile(r"/login\?next="))
    expect(login.heading).to_have_text(texts.HEADINGS[app])
    login.sign_in(account.email, account.password)

    expect(guest_page).to_have_url(f"{app_url}/settings?page=1")


@pytest.mark.parametrize("app", ["admin"])
def test_the_admin_app_refuses_a_non_admin(
    app: AppName, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user("user")
    login = LoginPage(guest_page, app).open()

    login.sign_in(account.email, account.password)

    expect(login.alert).to_have_text(texts.ADMINS_ONLY)
    expect(guest_page).to_have_url(re.compile(r"/login"))


def test_a_deactivated_account_is_refused(
    app: AppName, guest_page: Page, make_user: MakeUser
) -> None:
    account: Account = make_user(role_for(app), active=False)
    login = LoginPage(guest_page, app).open()

    login.sign_in(account.email, account.password)

    expect(login.alert).to_have_text(texts.ACCOUNT_DISABLED)
    expect(guest_page).to_have_url(re.compile(r"/login"))
