"""UI integration: the front end with the real back end, and with API mocks.

Each spec makes its own account and data through the API, acts through the UI, and
reads the result back through the API and after a reload.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.pages import admin, web
from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.api import ApiClient, ApiError
from fixtures.auth import Account, PageFor, new_password
from fixtures.data import ApiAs, MakeDefinition, MakeUser, RemoveUserLater, unique_word
from fixtures.mocks import MockApiFactory
from fixtures.targets import AppName

pytestmark = pytest.mark.integration


@pytest.fixture
def person(make_user: MakeUser) -> Account:
    """A user account of this test's own, so changes to its values touch nobody else."""
    return make_user("user")


@pytest.fixture
def person_page(person: Account, page_for: PageFor) -> Page:
    return page_for(person, "web")


# --- web app: settings against the real API ---------------------------------------------


@pytest.mark.web
def test_a_changed_setting_is_saved_and_survives_a_reload(
    person: Account, person_page: Page, make_definition: MakeDefinition, api_as: ApiAs
) -> None:
    definition = make_definition("text", default="first value")
    settings = web.SettingsPage(person_page)
    settings.open(f"q={definition.label}")
    item = settings.setting(definition.key, definition.label)
    expect(item.control).to_have_value("first value")
    expect(item.default_badge).to_be_visible()

    item.set_text("second value")

    expect(settings.shell.toast(f"Saved {definition.label}.")).to_be_visible()
    stored = api_as(person).get(f"/api/settings/{definition.key}")
    assert (stored["value"], stored["is_default"]) == ("second value", False)
    person_page.reload()
    expect(item.control).to_have_value("second value")
    expect(item.default_badge).to_be_hidden()


@pytest.mark.web
def test_a_switch_and_a_choice_save_as_soon_as_they_change(
    person: Account, person_page: Page, make_definition: MakeDefinition, api_as: ApiAs
) -> None:
    switch = make_definition("boolean", default=False)
    choice = make_definition("choice", default="standard")
    settings = web.SettingsPage(person_page)

    settings.open(f"q={switch.label}")
    settings.setting(switch.key, switch.label).switch.click()
    expect(settings.shell.toast(f"Saved {switch.label}.")).to_be_visible()

    settings.open(f"q={choice.label}")
    settings.setting(choice.key, choice.label).control.select_option("compact")
    expect(settings.shell.toast(f"Saved {choice.label}.")).to_be_visible()

    api = api_as(person)
    assert api.get(f"/api/settings/{switch.key}")["value"] is True
    assert api.get(f"/api/settings/{choice.key}")["value"] == "compact"


@pytest.mark.web
def test_an_invalid_value_is_refused_inline(
    person: Account, person_page: Page, make_definition: MakeDefinition, api_as: ApiAs
) -> None:
    definition = make_definition("number", default=30, constraints={"min": 1, "max": 120})
    settings = web.SettingsPage(person_page)
    settings.open(f"q={definition.label}")
    item = settings.setting(definition.key, definition.label)

    item.set_text("500")

    expect(item.control).to_have_attribute("aria-invalid", "true")
    expect(item.control).to_have_accessible_description(re.compile(r"120"))
    assert api_as(person).get(f"/api/settings/{definition.key}")["value"] == 30


@pytest.mark.web
def test_reset_returns_to_the_default_and_the_history_shows_both(
    person: Account, person_page: Page, make_definition: MakeDefinition, api_as: ApiAs
) -> None:
    definition = make_definition("text", default="original")
    api = api_as(person)
    api.call("PUT", f"/api/settings/{definition.key}", {"value": "changed"})
    settings = web.SettingsPage(person_page)
    settings.open(f"q={definition.label}")
    item = settings.setting(definition.key, definition.label)
    expect(item.control).to_have_value("changed")

    item.reset()

    expect(settings.shell.toast(f"Reset {definition.label} to default.")).to_be_visible()
    expect(item.control).to_have_value("original")
    expect(item.reset_button).to_be_disabled()
    assert api.get(f"/api/settings/{definition.key}")["is_default"] is True

    item.history_link.click()
    history = web.HistoryPage(person_page, definition.key)
    expect(history.heading).to_have_text(f"History: {definition.label}")
    expect(history.rows).to_have_count(2)
    expect(history.rows.nth(0)).to_contain_text("Reset")
    expect(history.rows.nth(1)).to_contain_text("changed")


@pytest.mark.web
def test_search_filter_and_sort_work_on_real_data(
    user_page: Page, make_definition: MakeDefinition
) -> None:
    word = unique_word("zq")
    made = [
        make_definition("text", category="Privacy", label=f"Alpha {word}"),
        make_definition("boolean", category="Privacy", label=f"Bravo {word}"),
        make_definition("number", category="General", label=f"Charlie {word}"),
    ]
    labels = sorted(d.label for d in made)
    settings = web.SettingsPage(user_page).open()

    settings.search_for(word)
    expect(settings.item_headings).to_have_text(labels)
    expect(user_page).to_have_url(re.compile(rf"q={word}"))

    settings.filter_category("Privacy")
    expect(settings.item_headings).to_have_text(labels[:2])

    settings.sort_by("-label")
    expect(settings.item_headings).to_have_text(list(reversed(labels[:2])))

    settings.search_for(f"{word}nothing")
    expect(settings.empty).to_be_visible()


@pytest.mark.web
def test_pagination_walks_through_real_results(
    user_page: Page, make_definition: MakeDefinition
) -> None:
    word = unique_word("pg")
    for index in range(23):
        make_definition("text", label=f"Paged {index:02d} {word}")
    settings = web.SettingsPage(user_page).open(f"q={word}")
    expect(settings.items).to_have_count(20)
    expect(settings.summary).to_have_text("Showing 1–20 of 23")
    expect(settings.pagination.status).to_have_text("Page 1 of 2")
    expect(settings.pagination.previous).to_be_disabled()

    settings.pagination.next.click()

    expect(settings.items).to_have_count(3)
    expect(settings.summary).to_have_text("Showing 21–23 of 23")
    expect(settings.pagination.status).to_have_text("Page 2 of 2")
    expect(settings.pagination.next).to_be_disabled()
    expect(user_page).to_have_url(re.compile(r"page=2"))


# --- admin app against the real API ----------------------------------------------------


@pytest.mark.admin
def test_a_user_the_admin_creates_can_sign_in_to_the_web_app(
    admin_page: Page,
    web_guest_page: Page,
    remove_user_later: RemoveUserLater,
) -> None:
    email = f"{unique_word('created')}@example.test"
    password = new_password()
    remove_user_later(email)
    users = admin.UsersPage(admin_page).open()

    users.create_user(email, "Created Person", password)

    expect(users.shell.toast("User created.")).to_be_visible()
    expect(users.new_user_dialog.root).to_be_hidden()
    users.search.fill(email)
    expect(users.row(email).root).to_contain_text("Created Person")

    login = LoginPage(web_guest_page, "web").open()
    login.sign_in(email, password)
    expect(Shell(web_guest_page).heading).to_have_text("Dashboard")


def expect_invalid(field: Locator, message: str) -> None:
    """The field is marked invalid, and its error is the first thing it is described by."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(rf"^{re.escape(message)}"))


@pytest.mark.admin
def test_the_new_user_dialog_shows_field_errors(
    admin_page: Page, make_user: MakeUser, seeded_admin_api: ApiClient
) -> None:
    taken = make_user("user")
    users = admin.UsersPage(admin_page).open()
    users.new_user_button.click()
    dialog = users.new_user_dialog

    # The app's own checks: each field at fault says why; the others stay valid.
    dialog.field("Email").fill("not-an-email")
    dialog.field("Password").fill("short")
    dialog.button("Create user").click()

    expect_invalid(dialog.field("Email"), admin.ENTER_VALID_EMAIL)
    expect_invalid(dialog.field("Display name"), admin.ENTER_DISPLAY_NAME)
    expect_invalid(dialog.field("Password"), admin.PASSWORD_RULES)
    expect(dialog.field("Role")).not_to_have_attribute("aria-invalid", "true")

    # The API's check: an email in use; the fields now right are valid again.
    dialog.field("Email").fill(taken.email)
    dialog.field("Display name").fill("Someone Else")
    dialog.field("Password").fill(new_password())
    dialog.button("Create user").click()

    expect_invalid(dialog.field("Email"), admin.EMAIL_TAKEN)
    for label in ("Display name", "Password", "Role"):
        expect(dialog.field(label)).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.root).to_be_visible()
    found = seeded_admin_api.get("/api/admin/users", q=taken.email)["items"]
    assert [user["display_name"] for user in found] == [taken.display_name]


# Names for the users a sort spec makes: 23 words, more than a page of 20.
SORT_WORDS = (
    "Alfa",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
    "Mike",
    "November",
    "Oscar",
    "Papa",
    "Quebec",
    "Romeo",
    "Sierra",
    "Tango",
    "Uniform",
    "Victor",
    "Whiskey",
)


@pytest.mark.admin
def test_the_users_list_sorts_and_pages_through_real_users(
    admin_page: Page, make_user: MakeUser
) -> None:
    # Made in one order, named in a second and with emails in a third (23 is prime, so each
    # step walks every word), so that each sort shows a different list.
    prefix = unique_word("srt")
    count = len(SORT_WORDS)
    made = [
        make_user(
            display_name=f"{prefix} {SORT_WORDS[index * 5 % count]}",
            email_prefix=f"{prefix}.{SORT_WORDS[index * 7 % count].lower()}",
        )
        for index in range(count)
    ]
    by_email = sorted(account.email for account in made)
    by_name = sorted((account.display_name for account in made), key=str.lower)
    newest = [account.email for account in reversed(made)]
    users = admin.UsersPage(admin_page).open(f"q={prefix}")
    emails, names = users.table.column("Email"), users.table.column("Name")

    expect(emails).to_have_text(by_email[:20])
    expect(users.summary).to_have_text(f"Showing 1–20 of {count}")
    expect(users.pagination.status).to_have_text("Page 1 of 2")
    expect(users.pagination.previous).to_be_disabled()
    users.pagination.next.click()
    expect(emails).to_have_text(by_email[20:])
    expect(users.summary).to_have_text(f"Showing 21–{count} of {count}")
    expect(users.pagination.next).to_be_disabled()
    expect(admin_page).to_have_url(re.compile(r"page=2"))

    users.sort_by("display_name")
    expect(names).to_have_text(by_name[:20])
    expect(users.pagination.status).to_have_text("Page 1 of 2")
    expect(admin_page).to_have_url(re.compile(r"sort=display_name"))
    users.pagination.next.click()
    expect(names).to_have_text(by_name[20:])

    users.sort_by("-created_at")
    expect(emails).to_have_text(newest[:20])
    users.sort_by("-email")
    expect(emails).to_have_text(list(reversed(by_email))[:20])
    users.pagination.next.click()
    expect(emails).to_have_text(list(reversed(by_email))[20:])


@pytest.mark.admin
def test_the_admin_changes_a_role(
    admin_page: Page, make_user: MakeUser, seeded_admin_api: ApiClient
) -> None:
    account = make_user("user")
    users = admin.UsersPage(admin_page).open(f"q={account.email}")

    users.row(account.email).role.select_option(label="Admin")

    expect(users.shell.toast("Role updated.")).to_be_visible()
    stored = seeded_admin_api.get("/api/admin/users", q=account.email)["items"][0]
    assert stored["role"] == "admin"


@pytest.mark.admin
def test_a_deactivated_user_can_no_longer_sign_in(
    admin_page: Page, make_user: MakeUser, api_as: ApiAs
) -> None:
    account = make_user("user")
    users = admin.UsersPage(admin_page).open(f"q={account.email}")

    users.deactivate(account.email, account.display_name)

    expect(users.shell.toast("User deactivated.")).to_be_visible()
    expect(users.row(account.email).activate_button).to_be_visible()
    with pytest.raises(ApiError) as refused:
        api_as(account)
    assert refused.value.status == 403


@pytest.mark.admin
def test_a_default_the_admin_changes_reaches_users(
    admin_page: Page, person: Account, make_definition: MakeDefinition, api_as: ApiAs
) -> None:
    definition = make_definition("text", default="old default")
    definitions = admin.DefinitionsPage(admin_page).open(f"q={definition.label}")

    definitions.change_default(definition.key, "new default")

    expect(definitions.shell.toast("Definition saved.")).to_be_visible()
    expect(definitions.row(definition.key).root).to_contain_text("new default")
    assert api_as(person).get(f"/api/settings/{definition.key}")["value"] == "new default"


@pytest.fixture
def audited_admins(make_user: MakeUser) -> tuple[str, Account, Account]:
    """Two admins of the spec's own whose emails share a word no one else's has, and the
    word: the audit log filtered by it holds their actions only, however many others
    the deployment records meanwhile (other workers, other runs)."""
    word = unique_word("aud")
    acting = make_user("admin", email_prefix=f"{word}.acting")
    other = make_user("admin", email_prefix=f"{word}.other")
    return word, acting, other


@pytest.mark.admin
def test_the_audit_log_actor_and_action_filters_narrow_to_the_admins_own_actions(
    audited_admins: tuple[str, Account, Account],
    page_for: PageFor,
    api_as: ApiAs,
    remove_user_later: RemoveUserLater,
) -> None:
    word, acting, other = audited_admins
    # Someone else's action: the other admin makes the account the acting admin promotes.
    account_email = f"{unique_word('promoted')}@example.test"
    remove_user_later(account_email)
    api_as(other, "admin").call(
        "POST",
        "/api/admin/users",
        {
            "email": account_email,
            "display_name": "Promoted Person",
            "password": new_password(),
            "role": "user",
        },
        expect=201,
    )
    created = f"{unique_word('audited')}@example.test"
    remove_user_later(created)
    page = page_for(acting, "admin")
    users = admin.UsersPage(page).open()
    users.create_user(created, "Audited Person", new_password())
    expect(users.shell.toast("User created.")).to_be_visible()
    users.search.fill(account_email)
    users.row(account_email).role.select_option(label="Admin")
    expect(users.shell.toast("Role updated.")).to_be_visible()

    audit = admin.AuditPage(page).open(f"actor={word}")
    expect(audit.events(account_email, "user.create")).to_have_count(1)
    expect(audit.events(created, "user.create")).to_have_count(1)

    audit.actor.fill(acting.email)
    expect(audit.table.column("Actor").filter(has_not_text=acting.email)).to_have_count(0)
    expect(audit.events(account_email, "user.create")).to_have_count(0)
    expect(audit.events(created, "user.create")).to_have_count(1)
    expect(audit.events(account_email, "user.update")).to_have_count(1)

    audit.action.select_option("user.update")
    expect(audit.table.column("Action").filter(has_not_text="user.update")).to_have_count(0)
    expect(audit.events(created)).to_have_count(0)
    update = audit.events(account_email, "user.update")
    expect(update).to_have_count(1)
    expect(audit.details(update)).to_have_text("role: user → admin")
    expect(page).to_have_url(
        re.compile(rf"actor={re.escape(quote(acting.email))}&action=user\.update")
    )

    audit.actor.fill(f"{acting.email}.nobody")
    expect(audit.empty).to_be_visible()


@pytest.mark.admin
def test_the_audit_log_date_filter_keeps_only_the_days_asked_for(
    make_user: MakeUser, page_for: PageFor, api_as: ApiAs
) -> None:
    # An admin of the spec's own: the log filtered by its email holds this spec's actions.
    acting = make_user("admin")
    account = make_user("user")
    page = page_for(acting, "admin")
    users = admin.UsersPage(page).open(f"q={account.email}")
    users.row(account.email).role.select_option(label="Admin")
    expect(users.shell.toast("Role updated.")).to_be_visible()
    # The day the API recorded (UTC), not the test machine's: a run near midnight holds.
    recorded = api_as(acting, "admin").get(
        "/api/admin/audit", actor=acting.email, action="user.update"
    )
    at = next(event["at"] for event in recorded["items"] if event["target"] == account.email)
    day = date.fromisoformat(at[:10])
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    audit = admin.AuditPage(page).open(f"actor={quote(acting.email)}&action=user.update")
    ours = audit.events(account.email, "user.update")
    expect(ours).to_have_count(1)

    audit.since.fill(day.isoformat())
    audit.until.fill(day.isoformat())
    expect(page).to_have_url(re.compile(rf"since={day}&until={day}"))
    expect(ours).to_have_count(1)

    audit.until.fill(before.isoformat())  # before the start: refused, nothing applied
    expect_invalid(audit.until, admin.END_BEFORE_START)
    expect(page).to_have_url(re.compile(rf"until={day}"))

    audit.since.fill("")  # up to the day before: not ours
    expect(page).to_have_url(re.compile(rf"until={before}"))
    expect(ours).to_have_count(0)

    audit.until.fill("")
    expect(ours).to_have_count(1)
    audit.since.fill(after.isoformat())  # from the day after: nothing of this admin's yet
    expect(audit.empty).to_be_visible()
    expect(page).to_have_url(re.compile(rf"since={after}"))


# --- states only mocks can show ----------------------------------------------------------

LISTS = {"web": ("/settings", "/api/settings"), "admin": ("/users", "/api/admin/users")}
EMPTY = {"web": ("settings_empty", web.NO_MATCH), "admin": ("users_empty", "No users match")}


def test_an_api_failure_shows_the_error_state_and_retry_recovers(
    app: AppName, signed_in_page: Page, mock_api: MockApiFactory
) -> None:
    path, endpoint = LISTS[app]
    mock_api(signed_in_page).fail(endpoint, 500, times=1)
    signed_in_page.goto(path)
    shell = Shell(signed_in_page)
    expect(shell.error_state).to_be_visible()

    shell.retry_button.click()

    expect(shell.error_state).to_be_hidden()
    expect(signed_in_page.locator("main li[data-testid], main tbody tr").first).to_be_visible()


def test_an_empty_list_shows_the_empty_state(
    app: AppName, signed_in_page: Page, mock_api: MockApiFactory
) -> None:
    path, endpoint = LISTS[app]
    payload, message = EMPTY[app]
    mock_api(signed_in_page).fulfil(endpoint, payload)
    signed_in_page.goto(path)
    expect(Shell(signed_in_page).main.get_by_text(message)).to_be_visible()


def test_a_slow_api_shows_a_loading_state(
    app: AppName, signed_in_page: Page, mock_api: MockApiFactory
) -> None:
    path, endpoint = LISTS[app]
    gate = mock_api(signed_in_page).delay(endpoint)
    signed_in_page.goto(path)
    shell = Shell(signed_in_page)
    expect(shell.loading).to_be_visible()

    gate.release()

    expect(shell.loading).to_be_hidden()
    expect(signed_in_page.locator("main li[data-testid], main tbody tr").first).to_be_visible()
