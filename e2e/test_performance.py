"""Performance: Web Vitals of every page against its budget, and API latency.

Each page loads several times per run ([performance] runs) under the profile of the
viewport: desktop (no throttling) and mobile (Lighthouse's mobile throttling through
CDP, Chromium only). The median of each metric is checked against the page's budget in
playwright.config.toml. Every API call these pages make is recorded, and at the end of
the run each endpoint's p95 over all of them is checked against the latency budget.
Interactions (open a dialog, search, save, open the menu) give INP.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, StorageState, expect

from e2e.pages import admin, web
from e2e.pages.base import AppPage
from e2e.pages.catalog import SIGNED_IN_PAGES
from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.api import ApiClient
from fixtures.auth import Role
from fixtures.data import MakeDefinition, MakeUser
from fixtures.targets import AppName, Targets
from sitewise.vitals.plugin import AssertVitals

pytestmark = pytest.mark.performance

PAGES = [pytest.param(p.app, p.page_class, id=p.id) for p in SIGNED_IN_PAGES]


def signed_in(app: AppName, targets: Targets, states: dict[Role, StorageState]) -> dict[str, Any]:
    role: Role = "admin" if app == "admin" else "user"
    return {"base_url": targets.url(app), "storage_state": states[role]}


def ready(view: AppPage) -> None:
    """The page shows its content: the heading, and no loading indicator."""
    expect(view.heading).to_be_visible()
    expect(view.shell.loading).to_have_count(0)


@pytest.mark.parametrize(("app", "page_class"), PAGES)
def test_every_page_loads_within_budget(
    app: AppName,
    page_class: type[AppPage],
    targets: Targets,
    storage_states: dict[Role, StorageState],
    assert_vitals: AssertVitals,
) -> None:
    def open_page(page: Page) -> None:
        ready(page_class(page).open())

    assert_vitals(
        open_page,
        page_name=f"{app}:{page_class.path}",
        context_args=signed_in(app, targets, storage_states),
    )


def test_the_sign_in_page_loads_within_budget(
    app: AppName, app_url: str, assert_vitals: AssertVitals
) -> None:
    def open_page(page: Page) -> None:
        expect(LoginPage(page, app).open().submit).to_be_visible()

    assert_vitals(open_page, page_name=f"{app}:/login", context_args={"base_url": app_url})


@pytest.mark.parametrize("app", ["web"])
def test_searching_settings_responds_quickly(
    app: AppName,
    targets: Targets,
    storage_states: dict[Role, StorageState],
    assert_vitals: AssertVitals,
) -> None:
    def search(page: Page) -> None:
        settings = web.SettingsPage(page)
        settings.type_search("theme")
        expect(page).to_have_url(re.compile(r"q=theme"))

    assert_vitals(
        lambda page: ready(web.SettingsPage(page).open()),
        page_name="web:/settings",
        interact=search,
        context_args=signed_in(app, targets, storage_states),
    )


@pytest.mark.parametrize("app", ["web"])
def test_saving_a_setting_responds_quickly(
    app: AppName,
    playwright: Playwright,
    targets: Targets,
    make_user: MakeUser,
    make_definition: MakeDefinition,
    assert_vitals: AssertVitals,
) -> None:
    definition = make_definition("boolean", default=False)
    person = make_user("user")
    client = ApiClient.signed_in(playwright, targets.web, person.email, person.password)
    state = client.storage_state()
    client.close()

    def toggle(page: Page) -> None:
        settings = web.SettingsPage(page)
        settings.setting(definition.key, definition.label).switch.click()
        expect(settings.shell.toast(f"Saved {definition.label}.")).to_be_visible()

    assert_vitals(
        lambda page: ready(web.SettingsPage(page).open(f"q={definition.label}")),
        page_name="web:/settings",
        interact=toggle,
        context_args={"base_url": targets.web, "storage_state": state},
    )


@pytest.mark.parametrize("app", ["admin"])
def test_opening_a_dialog_responds_quickly(
    app: AppName,
    targets: Targets,
    storage_states: dict[Role, StorageState],
    assert_vitals: AssertVitals,
) -> None:
    def open_dialog(page: Page) -> None:
        users = admin.UsersPage(page)
        users.new_user_button.click()
        expect(users.new_user_dialog.root).to_be_visible()

    assert_vitals(
        lambda page: ready(admin.UsersPage(page).open()),
        page_name="admin:/users",
        interact=open_dialog,
        context_args=signed_in(app, targets, storage_states),
    )


@pytest.mark.viewports("mobile")
def test_opening_the_mobile_menu_responds_quickly(
    app: AppName,
    targets: Targets,
    storage_states: dict[Role, StorageState],
    assert_vitals: AssertVitals,
) -> None:
    def open_menu(page: Page) -> None:
        shell = Shell(page)
        shell.menu_button.click()
        expect(shell.menu_button).to_have_attribute("aria-expanded", "true")

    def open_home(page: Page) -> None:
        page.goto("/")
        expect(Shell(page).heading).to_be_visible()

    assert_vitals(
        open_home,
        page_name=f"{app}:/",
        interact=open_menu,
        context_args=signed_in(app, targets, storage_states),
    )
