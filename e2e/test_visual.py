"""Visual regression: every page and key state of both apps, in both themes.

Pages render from mocked API payloads (fixtures/payloads/visual/, captured from the
seeded reference system by scripts/capture_payloads.py) with a frozen clock, so a
screenshot depends on the front-end code only: these specs pass unchanged against any
deployment of the same front end. Any API call left unmocked fails loudly. A state that
a timer ends (a toast) is shown with the page's clock paused, so it stays until the
spec moves the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pytest
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from e2e.pages import admin, web
from e2e.pages.base import AppPage
from e2e.pages.catalog import SIGNED_IN_PAGES
from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.mocks import MockApi, MockApiFactory, load_payload
from fixtures.targets import AppName, Targets
from sitewise.config.model import SuiteConfig
from sitewise.visual.snapshot import AssertSnapshot

pytestmark = pytest.mark.visual

Theme = Literal["light", "dark"]
# The history page has its own spec below, from a payload with changes in it.
PAGES = [
    pytest.param(p.app, p.page_class, id=p.id)
    for p in SIGNED_IN_PAGES
    if not issubclass(p.page_class, web.HistoryPage)
]
SETTINGS: dict[str, Any] = load_payload("visual/settings_all")
# How long the apps show a toast (TOAST_MS in apps/shared/core.js).
TOAST_MS = 5000


def settings_answer(query: dict[str, str]) -> dict[str, Any]:
    """/api/settings over the captured items: the sort and paging the pages ask for."""
    items = list(SETTINGS["items"])
    if query.get("sort") == "-updated":
        items.sort(key=lambda item: item["updated_at"] or "", reverse=True)
    page, size = int(query.get("page", 1)), int(query.get("page_size", 20))
    return {
        "items": items[(page - 1) * size : page * size],
        "total": len(items),
        "page": page,
        "page_size": size,
    }


def mock_everything(mocks: MockApi, app: AppName, *, signed_in: bool = True) -> None:
    """Answer every GET the app makes from captured payloads; anything else fails."""
    mocks.fail(
        "/api/*",
        501,
        {"error": {"code": "unmocked", "message": "Not mocked in the visual specs.", "fields": {}}},
        method=None,
    )
    if signed_in:
        mocks.fulfil("/api/auth/me", f"visual/me_{'admin' if app == 'admin' else 'user'}")
    else:
        unauthenticated = {"error": {"code": "not_authenticated", "message": "", "fields": {}}}
        mocks.fail("/api/auth/me", 401, unauthenticated)
    mocks.fulfil("/api/settings", settings_answer)
    mocks.fulfil("/api/settings/categories", "visual/settings_categories")
    mocks.fulfil("/api/settings/*/history", "visual/setting_history")
    setting = load_payload("visual/setting")
    mocks.fulfil(f"/api/settings/{setting['key']}", setting)
    mocks.fulfil("/api/admin/overview", "visual/admin_overview")
    mocks.fulfil("/api/admin/users", "visual/admin_users")
    mocks.fulfil("/api/admin/definitions", "visual/admin_definitions")
    mocks.fulfil("/api/admin/audit", "visual/admin_audit")


@pytest.fixture(params=["light", "dark"])
def theme(request: pytest.FixtureRequest) -> Theme:
    """The colour scheme the page is shown in (the accounts follow the system's)."""
    value: Theme = request.param
    return value


@pytest.fixture
def mocked(
    new_context: CreateContextCallback,
    mock_api: MockApiFactory,
    targets: Targets,
    suite_config: SuiteConfig,
    theme: Theme,
) -> Any:
    """Open a page of `app` whose API is all mocked, with the clock frozen.

    `paused_timers=True` pauses the page's whole clock, timers and animation frames too:
    they run only when the spec moves it (`page.clock.run_for`).
    """

    def open_page(
        app: AppName, *, signed_in: bool = True, paused_timers: bool = False
    ) -> tuple[Page, MockApi]:
        context = new_context(base_url=targets.url(app), color_scheme=theme)
        page = context.new_page()
        frozen = suite_config.visual.frozen_time
        if paused_timers:
            # An installed clock runs until paused, and pausing at a moment it has passed
            # fails: install a minute early, pause at the frozen time (no page yet, so the
            # skipped minute fires nothing).
            page.clock.install(time=frozen - dt.timedelta(minutes=1))
            page.clock.pause_at(frozen)
        else:
            page.clock.set_fixed_time(frozen)
        mocks = mock_api(page)
        mock_everything(mocks, app, signed_in=signed_in)
        return page, mocks

    return open_page


def ready(view: AppPage) -> AppPage:
    expect(view.heading).to_be_visible()
    expect(view.shell.loading).to_have_count(0)
    return view


@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_every_page_looks_as_accepted(
    app: AppName,
    page_class: type[AppPage],
    theme: Theme,
    mocked: Any,
    assert_snapshot: AssertSnapshot,
) -> None:
    page, _ = mocked(app)
    view = ready(page_class(page).open())
    expect(view.shell.theme).to_have_attribute("data-theme", theme)
    assert_snapshot(page, f"{page_class.__name__.lower()}-{theme}", full_page=True)


@pytest.mark.parametrize("app", ["web"])
def test_a_settings_history_looks_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, _ = mocked(app)
    key = load_payload("visual/setting")["key"]
    history = web.HistoryPage(page, key).open()
    ready(history)
    expect(history.rows.first).to_be_visible()
    assert_snapshot(page, f"history-{theme}", full_page=True)


def test_the_sign_in_page_and_its_errors_look_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, mocks = mocked(app, signed_in=False)
    login = LoginPage(page, app).open()
    expect(login.submit).to_be_visible()
    assert_snapshot(page, f"sign-in-{theme}")

    login.submit.click()
    expect(login.email).to_have_attribute("aria-invalid", "true")
    assert_snapshot(page, f"sign-in-field-errors-{theme}")

    mocks.fail(
        "/api/auth/login",
        401,
        {
            "error": {
                "code": "invalid_credentials",
                "message": "Invalid email or password.",
                "fields": {},
            }
        },
        method="POST",
    )
    login.sign_in("someone@example.com", "not-the-password")
    expect(login.alert).to_be_visible()
    assert_snapshot(page, f"sign-in-refused-{theme}")


def test_the_404_page_looks_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, _ = mocked(app)
    page.goto("/no/such/page")
    expect(Shell(page).heading).to_have_text("Page not found")
    assert_snapshot(page, f"not-found-{theme}")


LISTS = {"web": (web.SettingsPage, "/api/settings"), "admin": (admin.UsersPage, "/api/admin/users")}
EMPTY = {"web": "settings_empty", "admin": "users_empty"}


def test_the_error_and_empty_states_look_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, mocks = mocked(app)
    page_class, endpoint = LISTS[app]
    mocks.fulfil(endpoint, EMPTY[app])
    mocks.fail(endpoint, 500, times=1)
    view = page_class(page).open()
    expect(view.shell.error_state).to_be_visible()
    assert_snapshot(page, f"error-state-{theme}")

    view.shell.retry_button.click()
    ready(view)
    expect(view.shell.error_state).to_be_hidden()
    assert_snapshot(page, f"empty-state-{theme}")


@pytest.mark.parametrize("app", ["admin"])
def test_an_open_dialog_and_its_errors_look_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, mocks = mocked(app)
    users = admin.UsersPage(page)
    ready(users.open())
    users.new_user_button.click()
    dialog = users.new_user_dialog
    expect(dialog.field("Email")).to_be_focused()
    assert_snapshot(page, f"new-user-dialog-{theme}")

    mocks.fail(
        "/api/admin/users",
        422,
        {
            "error": {
                "code": "validation_error",
                "message": "Some fields need attention.",
                "fields": {
                    "email": "Enter a valid email address.",
                    "password": "Use at least 10 characters, with a letter and a digit.",
                },
            }
        },
        method="POST",
    )
    dialog.field("Email").fill("not-an-address")
    dialog.field("Display name").fill("New Person")
    dialog.field("Password").fill("short")
    dialog.button("Create user").click()
    expect(dialog.root.locator("[aria-invalid='true']").first).to_be_visible()
    assert_snapshot(dialog.root, f"new-user-dialog-errors-{theme}")


@pytest.mark.parametrize("app", ["web"])
def test_a_toast_looks_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    # The toast goes 5 s after it shows, by a timer: paused, it waits for the snapshot,
    # however long the page takes to settle.
    page, mocks = mocked(app, paused_timers=True)
    mocks.fulfil("/api/profile", load_payload("visual/me_user")["user"], method="PATCH")
    profile = web.ProfilePage(page)
    ready(profile.open())
    profile.save.click()
    toast = profile.shell.toast("Profile saved.")
    expect(toast).to_be_visible()
    assert_snapshot(toast, f"toast-{theme}")

    expect(toast).to_be_visible()
    page.clock.run_for(TOAST_MS)
    expect(toast).to_be_hidden()


@pytest.mark.viewports("mobile")
def test_the_open_mobile_menu_looks_as_accepted(
    app: AppName, theme: Theme, mocked: Any, assert_snapshot: AssertSnapshot
) -> None:
    page, _ = mocked(app)
    page.goto("/")
    shell = Shell(page)
    expect(shell.heading).to_be_visible()
    shell.menu_button.click()
    expect(shell.menu_button).to_have_attribute("aria-expanded", "true")
    assert_snapshot(page, f"mobile-menu-{theme}")
