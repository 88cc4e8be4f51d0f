"""Security: cookies, CSRF, access control, XSS, open redirects, lockout and headers.

API-level checks run without a browser; what a user could see or run is checked in
the browser, on both apps.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Dialog, Page, Playwright, expect

from e2e.pages import admin, web
from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.auth import Account, PageFor, Role
from fixtures.data import ApiAs, MakeDefinition, MakeUser
from fixtures.mocks import PAYLOADS
from harness.api import ApiClient
from harness.targets import AppName, Targets

pytestmark = pytest.mark.security

XSS_PAYLOADS: list[str] = json.loads((PAYLOADS / "xss.json").read_text(encoding="utf-8"))

# Every admin endpoint of the API contract (docs/reference-system.md), with a body for
# the mutating ones: a user must get 403 and a stranger 401, whatever the body.
ADMIN_ENDPOINTS = [
    ("GET", "/api/admin/overview"),
    ("GET", "/api/admin/users"),
    ("POST", "/api/admin/users"),
    ("PATCH", "/api/admin/users/1"),
    ("DELETE", "/api/admin/users/1"),
    ("GET", "/api/admin/definitions"),
    ("POST", "/api/admin/definitions"),
    ("PUT", "/api/admin/definitions/general.language"),
    ("DELETE", "/api/admin/definitions/general.language"),
    ("GET", "/api/admin/audit"),
]
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
CSP_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")


def role_for(app: AppName) -> Role:
    return "admin" if app == "admin" else "user"


# --- cookies and CSRF --------------------------------------------------------------------


@pytest.mark.parametrize("app", ["web", "admin"])
def test_the_session_cookie_is_httponly_and_samesite(
    app: AppName, playwright: Playwright, targets: Targets, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    client = ApiClient.signed_in(playwright, targets.url(app), account.email, account.password)
    cookies = {c["name"]: c for c in client.storage_state()["cookies"]}
    client.close()

    cookie = cookies[f"{app}_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] in ("Lax", "Strict")
    assert cookie["secure"] is targets.url(app).startswith("https://")


@pytest.mark.parametrize("app", ["web", "admin"])
def test_a_mutating_request_without_the_csrf_token_is_refused(
    app: AppName, make_user: MakeUser, api_as: ApiAs
) -> None:
    account = make_user(role_for(app))
    client = api_as(account, app)

    response = client.raw(
        "PATCH", "/api/profile", {"display_name": "Forged"}, headers={"X-CSRF-Token": "wrong"}
    )

    assert response.status == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert client.get("/api/auth/me")["user"]["display_name"] == account.display_name


@pytest.mark.parametrize("app", ["admin"])
def test_a_cross_origin_form_post_is_refused(
    app: AppName,
    admin_page: Page,
    targets: Targets,
    seeded_admin_api: ApiClient,
    faker_seed: int,
) -> None:
    # A page on another site that posts a form to the admin API while the admin is
    # signed in: the browser may or may not send the cookie; the API must refuse either way.
    email = f"forged.{faker_seed % 10**9}@example.test"
    evil = "http://attacker.test/"
    form = (
        f'<form method="post" action="{targets.admin}/api/admin/users">'
        f'<input name="email" value="{email}"><input name="password" value="x1234567890">'
        '<input name="display_name" value="Forged"><input name="role" value="admin">'
        "</form><script>document.forms[0].submit()</script>"
    )
    admin_page.route(evil, lambda route: route.fulfill(content_type="text/html", body=form))
    admin_page.goto("/")
    with admin_page.expect_response(re.compile(r"/api/admin/users$")) as posted:
        admin_page.goto(evil)

    assert posted.value.status in (401, 403, 415)
    assert seeded_admin_api.get("/api/admin/users", q=email)["total"] == 0


# --- access control ----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ADMIN_ENDPOINTS)
def test_admin_endpoints_refuse_users_and_strangers(
    method: str,
    path: str,
    targets: Targets,
    playwright: Playwright,
    worker_accounts: dict[str, Account],
) -> None:
    user = worker_accounts["user"]
    for origin in (targets.web, targets.admin):
        stranger = ApiClient.anonymous(playwright, origin)
        body: dict[str, str] | None = {} if method in ("POST", "PUT", "PATCH") else None
        refused = stranger.raw(method, path, body)
        status, error = refused.status, refused.json()["error"]["code"]
        stranger.close()
        assert (status, error) == (401, "not_authenticated"), f"{method} {origin}{path}"
    client = ApiClient.signed_in(playwright, targets.web, user.email, user.password)
    forbidden = client.raw(method, path, {} if method in ("POST", "PUT", "PATCH") else None)
    status, answer = forbidden.status, forbidden.json()
    client.close()
    assert status == 403, f"{method} {path} as a user"
    assert answer["error"]["code"] in ("forbidden", "admin_required")


@pytest.mark.parametrize("app", ["admin"])
def test_the_admin_app_shows_a_user_nothing(
    app: AppName, page_for: PageFor, make_user: MakeUser, targets: Targets
) -> None:
    account = make_user("user")
    page = page_for(account, "web")
    admin_responses: list[int] = []
    page.on(
        "response",
        lambda r: admin_responses.append(r.status) if "/api/admin/" in r.url else None,
    )

    page.goto(f"{targets.admin}/users")

    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_text("admin@example.com")).to_have_count(0)
    assert all(status in (401, 403) for status in admin_responses)


# --- XSS ---------------------------------------------------------------------------------


@pytest.fixture
def xss_watch() -> list[str]:
    """Dialogs opened by any page of the test (an alert() that ran)."""
    return []


def watch_for_script(page: Page, opened: list[str]) -> None:
    def on_dialog(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)


def assert_inert(page: Page, opened: list[str]) -> None:
    assert page.evaluate("window.__xss") is None, "an injected script ran"
    assert opened == [], f"an injected script opened a dialog: {opened}"
    assert page.locator("main img[src='x'], main svg[onload], main iframe[srcdoc]").count() == 0


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_script_in_a_setting_value_renders_as_text(
    payload: str,
    make_user: MakeUser,
    page_for: PageFor,
    make_definition: MakeDefinition,
    api_as: ApiAs,
    xss_watch: list[str],
) -> None:
    definition = make_definition("text", constraints={"max_length": 200})
    person = make_user("user")
    api_as(person).call("PUT", f"/api/settings/{definition.key}", {"value": payload})
    page = page_for(person, "web")
    watch_for_script(page, xss_watch)

    settings = web.SettingsPage(page).open(f"q={quote(definition.label)}")
    expect(settings.setting(definition.key, definition.label).control).to_have_value(payload)
    history = web.HistoryPage(page, definition.key).open()
    expect(history.rows.first).to_contain_text(payload)
    assert_inert(page, xss_watch)


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=range(len(XSS_PAYLOADS)))
def test_script_in_names_and_labels_renders_as_text_in_both_apps(
    payload: str,
    make_user: MakeUser,
    page_for: PageFor,
    make_definition: MakeDefinition,
    admin_page: Page,
    xss_watch: list[str],
    faker_seed: int,
) -> None:
    word = f"xs{faker_seed % 10**8:08d}"
    definition = make_definition(
        "text", label=f"{word} {payload}"[:120], description=f"{payload} {word}"
    )
    person = make_user("user", display_name=payload[:80])

    # The web app: the user's own name, and the admin-made label and description.
    page = page_for(person, "web")
    watch_for_script(page, xss_watch)
    dashboard = web.DashboardPage(page).open()
    expect(dashboard.welcome).to_contain_text(payload[:80])
    settings = web.SettingsPage(page).open(f"q={word}")
    expect(settings.item_headings).to_have_text([definition.label])
    expect(settings.items.first).to_contain_text(definition.description)
    assert_inert(page, xss_watch)

    # The admin app: the name in the users table, the label in the definitions table.
    watch_for_script(admin_page, xss_watch)
    users = admin.UsersPage(admin_page).open(f"q={quote(person.email)}")
    expect(users.row(person.email).root).to_contain_text(payload[:80])
    definitions = admin.DefinitionsPage(admin_page).open(f"q={word}")
    expect(definitions.row(definition.key).root).to_contain_text(definition.label)
    assert_inert(admin_page, xss_watch)


# --- redirects, lockout, headers ---------------------------------------------------------

FOREIGN_NEXT = [
    "http://attacker.test/",
    "//attacker.test/",
    "/\\attacker.test/",
    "https:attacker.test",
]


@pytest.mark.parametrize(
    "target", FOREIGN_NEXT, ids=["absolute", "scheme-relative", "backslash", "no-slashes"]
)
def test_next_never_leaves_the_app(
    target: str, app: AppName, app_url: str, guest_page: Page, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    login = LoginPage(guest_page, app).open_with_next(quote(target, safe=""))

    login.sign_in(account.email, account.password)

    expect(Shell(guest_page).heading).to_be_visible()
    assert guest_page.url.startswith(f"{app_url}/"), guest_page.url


@pytest.mark.parametrize("app", ["web", "admin"])
def test_five_failed_sign_ins_lock_the_account_with_a_retry_time(
    app: AppName, playwright: Playwright, targets: Targets, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    client = ApiClient.anonymous(playwright, targets.url(app))
    statuses = [
        client.raw(
            "POST", "/api/auth/login", {"email": account.email, "password": f"no-{n}"}
        ).status
        for n in range(4)
    ]
    locked = client.raw("POST", "/api/auth/login", {"email": account.email, "password": "no-5"})
    right = client.raw(
        "POST", "/api/auth/login", {"email": account.email, "password": account.password}
    )
    client.close()

    assert statuses == [401, 401, 401, 401]
    assert locked.status == 429
    assert int(locked.headers["retry-after"]) > 0
    assert right.status == 429


def assert_security_headers(headers: dict[str, str], where: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}"
    csp = headers.get("content-security-policy", "")
    for directive in CSP_DIRECTIVES:
        assert directive in csp, f"{where}: CSP {csp!r} lacks {directive!r}"
    assert "unsafe-inline" not in csp.split("script-src", 1)[-1].split(";", 1)[0], where


PAGE_PATHS = {
    "web": ["/", "/login", "/settings", "/profile", "/settings/x/history", "/no-such-page"],
    "admin": ["/", "/login", "/users", "/settings", "/audit", "/no-such-page"],
}
API_PATHS = [
    ("GET", "/api/health"),
    ("GET", "/api/auth/me"),
    ("GET", "/api/settings"),
    ("GET", "/api/settings/categories"),
    ("GET", "/api/settings/no.such.key"),
    ("GET", "/api/admin/users"),
    ("POST", "/api/auth/login"),
]


@pytest.mark.parametrize("app", ["web", "admin"])
def test_every_page_asset_and_api_response_has_security_headers(
    app: AppName, targets: Targets, playwright: Playwright, worker_accounts: dict[str, Account]
) -> None:
    account = worker_accounts["admin" if app == "admin" else "user"]
    client = ApiClient.signed_in(playwright, targets.url(app), account.email, account.password)
    for path in PAGE_PATHS[app]:
        response = client.raw("GET", path)
        assert_security_headers(response.headers, f"{app} page {path} ({response.status})")
        assert response.headers.get("content-type", "").startswith("text/html")
    for asset in ("/assets/app.js", "/shared/styles.css"):
        assert_security_headers(client.raw("GET", asset).headers, f"{app} asset {asset}")
    for method, path in API_PATHS:
        response = client.raw(method, path, {} if method == "POST" else None)
        where = f"{app} API {method} {path} ({response.status})"
        assert_security_headers(response.headers, where)
        assert response.headers.get("cache-control") == "no-store", where
    client.close()
