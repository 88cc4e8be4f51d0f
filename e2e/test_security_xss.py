"""Security: script typed into any field of either app renders as text, never runs.

Each payload of fixtures/payloads/xss.json (one spec per payload, on the first viewport)
is typed where a user or an admin can type it, then read back wherever the app shows it:
as text, with no injected markup, no script run, no dialog, no page error and no
Content-Security-Policy refusal, each of which fails the spec with what was seen.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Dialog,
    Page,
    expect,
)

from e2e.pages import admin, web
from e2e.pages.regions.shell import Shell
from fixtures.api import ApiClient
from fixtures.auth import PageFor, new_password
from fixtures.data import (
    ApiAs,
    MakeDefinition,
    MakeUser,
    RemoveDefinitionLater,
    RemoveUserLater,
    unique_word,
)
from fixtures.mocks import PAYLOADS

pytestmark = pytest.mark.security

XSS_PAYLOADS: list[str] = json.loads((PAYLOADS / "xss.json").read_text(encoding="utf-8"))


class ScriptWatch:
    """Signs that injected script ran, or that text was rendered as markup: dialogs opened,
    errors thrown, and the browser's Content-Security-Policy refusals (logged when markup
    with inline script reaches the page, even though the CSP keeps it from running)."""

    def __init__(self) -> None:
        self.signs: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("dialog", self._on_dialog)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.signs.append(f"page error: {error}"))
        return page

    def _on_dialog(self, dialog: Dialog) -> None:
        self.signs.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.signs.append(f"CSP: {message.text}")

    def assert_inert(self, page: Page) -> None:
        """Nothing of a payload ran or became markup on the page shown now."""
        expect(Shell(page).injected_markup).to_have_count(0)
        assert page.evaluate("window.__xss") is None, "an injected script ran"
        assert self.signs == [], f"injected markup or script: {self.signs}"


@pytest.fixture
def script_watch() -> ScriptWatch:
    """Watches the pages a spec hands it for script that payloads made run."""
    return ScriptWatch()


def audit_details(api: ApiClient, actor: str, action: str, target: str) -> str:
    """The details the API recorded for the newest `action` on `target` by `actor`."""
    items = api.get("/api/admin/audit", actor=actor, action=action)["items"]
    found = [event["details"] for event in items if event["target"] == target]
    assert found, f"no {action} of {target} by {actor} in the audit log"
    return str(found[0])


PAYLOAD_IDS = [str(index) for index in range(len(XSS_PAYLOADS))]
# Whether text is rendered as text does not depend on the screen's width: the payload
# specs run on the first viewport only (each payload, field and place is still covered).
ONE_VIEWPORT = pytest.mark.viewports("desktop")


@pytest.mark.web
@ONE_VIEWPORT
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=PAYLOAD_IDS)
def test_script_typed_as_a_display_name_renders_as_text(
    payload: str,
    make_user: MakeUser,
    page_for: PageFor,
    api_as: ApiAs,
    script_watch: ScriptWatch,
) -> None:
    person = make_user("user")
    page = script_watch.watch(page_for(person, "web"))
    profile = web.ProfilePage(page).open()

    profile.save_display_name(payload)

    expect(profile.shell.toast("Profile saved.")).to_be_visible()
    assert api_as(person).get("/api/auth/me")["user"]["display_name"] == payload
    expect(profile.display_name).to_have_value(payload)
    script_watch.assert_inert(page)

    dashboard = web.DashboardPage(page).open()
    expect(dashboard.welcome).to_have_text(web.welcome(payload))
    dashboard.shell.open_account_menu()
    expect(dashboard.shell.account_name).to_have_text(payload)
    script_watch.assert_inert(page)


@pytest.mark.web
@ONE_VIEWPORT
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=PAYLOAD_IDS)
def test_script_typed_as_a_setting_value_renders_as_text(
    payload: str,
    make_user: MakeUser,
    make_definition: MakeDefinition,
    page_for: PageFor,
    api_as: ApiAs,
    script_watch: ScriptWatch,
) -> None:
    definition = make_definition("text", default="hello", constraints={"max_length": 200})
    person = make_user("user")
    page = script_watch.watch(page_for(person, "web"))
    settings = web.SettingsPage(page).open(f"q={quote(definition.label)}")
    item = settings.setting(definition.key, definition.label)

    item.set_text(payload)

    expect(settings.shell.toast(f"Saved {definition.label}.")).to_be_visible()
    assert api_as(person).get(f"/api/settings/{definition.key}")["value"] == payload
    expect(item.control).to_have_value(payload)
    script_watch.assert_inert(page)

    dashboard = web.DashboardPage(page).open()
    expect(dashboard.recent_change(definition.label)).to_contain_text(payload)
    script_watch.assert_inert(page)

    history = web.HistoryPage(page, definition.key).open()
    expect(history.column("To")).to_have_text([payload])
    expect(history.column("From")).to_have_text(["hello"])
    script_watch.assert_inert(page)


@pytest.mark.admin
@ONE_VIEWPORT
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=PAYLOAD_IDS)
def test_script_typed_as_a_new_users_name_renders_as_text(
    payload: str,
    admin_page: Page,
    make_user: MakeUser,
    api_as: ApiAs,
    remove_user_later: RemoveUserLater,
    seeded_admin_api: ApiClient,
    script_watch: ScriptWatch,
) -> None:
    email = f"{unique_word('xss')}@example.test"
    remove_user_later(email)
    page = script_watch.watch(admin_page)
    users = admin.UsersPage(page).open()

    users.create_user(email, payload, new_password())

    expect(users.shell.toast("User created.")).to_be_visible()
    users.search.fill(email)
    row = users.row(email)
    expect(row.name).to_have_text(payload)
    row.deactivate_button.click()
    confirm = users.confirm_dialog(f"Deactivate {payload}?")
    expect(confirm.root).to_be_visible()
    confirm.cancel()
    script_watch.assert_inert(page)

    # The audit log keeps a deleted user's name in the details of the deletion. An admin
    # of the spec's own deletes it: the log filtered by that admin holds this deletion
    # only, however many users others delete meanwhile.
    deleter = make_user("admin")
    deleter_api = api_as(deleter, "admin")
    made = seeded_admin_api.get("/api/admin/users", q=email)["items"]
    deleter_api.call("DELETE", f"/api/admin/users/{made[0]['id']}")
    details = audit_details(deleter_api, deleter.email, "user.delete", email)
    assert payload in details
    audit = admin.AuditPage(page).open(f"actor={quote(deleter.email)}&action=user.delete")
    expect(audit.details(audit.events(email, "user.delete"))).to_have_text(details)
    script_watch.assert_inert(page)


@pytest.mark.admin
@ONE_VIEWPORT
@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=PAYLOAD_IDS)
def test_script_typed_into_the_definition_dialog_renders_as_text(
    payload: str,
    make_user: MakeUser,
    page_for: PageFor,
    api_as: ApiAs,
    remove_definition_later: RemoveDefinitionLater,
    script_watch: ScriptWatch,
) -> None:
    word = unique_word("xd")
    key, label, description = f"e2e.{word}", f"{word} {payload}", f"{payload} {word}"
    remove_definition_later(key)
    # An admin of the spec's own: the audit log filtered by it holds this spec's actions.
    acting = make_user("admin")
    page = script_watch.watch(page_for(acting, "admin"))
    definitions = admin.DefinitionsPage(page).open()

    definitions.create_definition(key, label, description, payload)

    expect(definitions.shell.toast("Definition saved.")).to_be_visible()
    definitions.search.fill(word)
    row = definitions.row(key)
    expect(row.label).to_have_text(label)
    expect(row.default).to_have_text(payload)
    script_watch.assert_inert(page)

    # A user sees the label, the description and the default value as they were typed.
    person_page = script_watch.watch(page_for(make_user("user"), "web"))
    settings = web.SettingsPage(person_page).open(f"q={word}")
    expect(settings.item_headings).to_have_text([label])
    expect(settings.items.first).to_contain_text(description)
    expect(settings.setting(key, label).control).to_have_value(payload)
    script_watch.assert_inert(person_page)

    # Deleting it names it in the confirmation, then in the audit log.
    definitions.delete_definition(key, label)
    expect(definitions.shell.toast("Definition deleted.")).to_be_visible()
    acting_api = api_as(acting, "admin")
    created = audit_details(acting_api, acting.email, "definition.create", key)
    deleted = audit_details(acting_api, acting.email, "definition.delete", key)
    assert payload in deleted
    audit = admin.AuditPage(page).open(f"actor={quote(acting.email)}")
    expect(audit.details(audit.events(key, "definition.create"))).to_have_text(created)
    expect(audit.details(audit.events(key, "definition.delete"))).to_have_text(deleted)
    script_watch.assert_inert(page)
