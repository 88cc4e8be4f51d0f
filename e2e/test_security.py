"""Security: cookies, CSRF, access control, open redirects, lockout and headers (script
injection is in test_security_xss.py).

API-level checks run without a browser; what a user could see or run is checked in
the browser, on both apps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import (
    APIResponse,
    Page,
    Playwright,
    Response,
    expect,
)

from e2e.pages.login import LoginPage
from e2e.pages.regions.shell import Shell
from fixtures.api import ApiClient
from fixtures.auth import Account, PageFor, Role, new_password
from fixtures.data import (
    ApiAs,
    Definition,
    MakeDefinition,
    MakeUser,
    RemoveUserLater,
    unique_word,
)
from fixtures.targets import AppName, Targets

pytestmark = pytest.mark.security


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
CSP_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
ATTACKER = "http://attacker.test"


def role_for(app: AppName) -> Role:
    return "admin" if app == "admin" else "user"


def error_code(response: APIResponse) -> str:
    """The API error's code, or what came instead of an API error."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"(not an API error: {response.text()[:80]!r})"


# --- cookies and CSRF --------------------------------------------------------------------


def cookie_problems(
    cookies: Sequence[Mapping[str, Any]], session_cookie: str, https: bool
) -> list[str]:
    """Each cookie a sign-in set whose flags break the contract, with every wrong flag.

    The session cookie must be there, HttpOnly, SameSite Lax or Strict, on Path / and
    Secure on https (and only there: a plain-http browser would drop it). The contract's
    sign-in sets no other cookie: any other is held to the same flags, not to the path.
    """
    problems: list[str] = []
    names = [str(cookie.get("name")) for cookie in cookies]
    if session_cookie not in names:
        problems.append(f"{session_cookie}: not set (cookies set: {', '.join(names) or 'none'})")
    for cookie in cookies:
        wrong: list[str] = []
        if cookie.get("httpOnly") is not True:
            wrong.append(f"HttpOnly is {cookie.get('httpOnly')!r} (expected True)")
        if cookie.get("sameSite") not in ("Lax", "Strict"):
            wrong.append(f"SameSite is {cookie.get('sameSite')!r} (expected 'Lax' or 'Strict')")
        if cookie.get("secure") is not https:
            scheme = "https" if https else "plain http"
            wrong.append(f"Secure is {cookie.get('secure')!r} (expected {https} on {scheme})")
        if cookie.get("name") == session_cookie and cookie.get("path") != "/":
            wrong.append(f"Path is {cookie.get('path')!r} (expected '/')")
        if wrong:
            problems.append(f"{cookie.get('name')}: {'; '.join(wrong)}")
    return problems


@pytest.mark.parametrize("app", ["web", "admin"])
def test_the_session_cookie_is_httponly_and_samesite(
    app: AppName, playwright: Playwright, targets: Targets, make_user: MakeUser
) -> None:
    account = make_user(role_for(app))
    client = ApiClient.signed_in(playwright, targets.url(app), account.email, account.password)
    cookies = client.storage_state().get("cookies", [])
    client.close()

    problems = cookie_problems(cookies, f"{app}_session", targets.url(app).startswith("https://"))

    assert not problems, f"{app}: the sign-in's cookies break the contract:\n  " + "\n  ".join(
        problems
    )


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


@pytest.mark.parametrize("app", ["web", "admin"])
def test_a_request_from_another_origin_is_refused_even_with_the_token(
    app: AppName, make_user: MakeUser, api_as: ApiAs
) -> None:
    # What a browser that sends the cookie cross-site would do: session, token and all,
    # but the Origin of the attacker's page.
    account = make_user(role_for(app))
    client = api_as(account, app)

    response = client.raw(
        "PATCH", "/api/profile", {"display_name": "Forged"}, headers={"Origin": ATTACKER}
    )

    assert (response.status, error_code(response)) == (403, "csrf_failed")
    assert client.get("/api/auth/me")["user"]["display_name"] == account.display_name


def post_from_another_site(page: Page, action: str, fields: dict[str, str]) -> Response:
    """Open, in `page`, a page of another site that posts a form to `action` as soon as it
    loads (what a forged link does), and return the app's answer to that post."""
    inputs = "".join(
        f'<input name="{escape(name)}" value="{escape(value)}">' for name, value in fields.items()
    )
    html = (
        f'<form method="post" action="{escape(action)}">{inputs}</form>'
        "<script>document.forms[0].submit()</script>"
    )
    page.route(f"{ATTACKER}/", lambda route: route.fulfill(content_type="text/html", body=html))
    with page.expect_response(lambda r: r.url == action and r.request.method == "POST") as posted:
        page.goto(f"{ATTACKER}/")
    return posted.value


@pytest.mark.web
def test_a_cross_origin_form_post_cannot_reset_a_users_setting(
    make_user: MakeUser,
    make_definition: MakeDefinition,
    page_for: PageFor,
    api_as: ApiAs,
    targets: Targets,
) -> None:
    # A reset needs no body: the forged form has no fields. The browser may or may not send
    # the cookie (SameSite), and labels the post as a form; the API must refuse it whichever
    # of those it checks first, and the value must stay.
    definition = make_definition("text")
    person = make_user("user")
    api = api_as(person)
    api.call("PUT", f"/api/settings/{definition.key}", {"value": "my own value"})
    page = page_for(person, "web")

    answer = post_from_another_site(page, f"{targets.web}/api/settings/{definition.key}/reset", {})

    assert answer.status in (401, 403, 415), answer.status
    stored = api.get(f"/api/settings/{definition.key}")
    assert (stored["value"], stored["is_default"]) == ("my own value", False)
    assert api.get(f"/api/settings/{definition.key}/history")["total"] == 1


@pytest.mark.admin
def test_a_cross_origin_form_post_cannot_create_a_user(
    admin_page: Page,
    targets: Targets,
    seeded_admin_api: ApiClient,
    remove_user_later: RemoveUserLater,
) -> None:
    # The browser may or may not send the admin's cookie; the API must refuse either way.
    email = f"{unique_word('forged')}@example.test"
    remove_user_later(email)  # only there if the post got through
    fields = {"email": email, "password": new_password(), "display_name": "Forged", "role": "admin"}

    answer = post_from_another_site(admin_page, f"{targets.admin}/api/admin/users", fields)

    assert answer.status in (401, 403, 415), answer.status
    assert seeded_admin_api.get("/api/admin/users", q=email)["total"] == 0


# --- access control ----------------------------------------------------------------------

# The contract's admin endpoints (docs/reference-system.md), path parameters as {}. The
# OpenAPI document must list at least these, so that a document which leaves some out
# cannot make the access-control specs pass by testing less.
CONTRACT_ADMIN_ENDPOINTS = frozenset(
    {
        ("GET", "/api/admin/overview"),
        ("GET", "/api/admin/users"),
        ("POST", "/api/admin/users"),
        ("PATCH", "/api/admin/users/{}"),
        ("DELETE", "/api/admin/users/{}"),
        ("GET", "/api/admin/definitions"),
        ("POST", "/api/admin/definitions"),
        ("PUT", "/api/admin/definitions/{}"),
        ("DELETE", "/api/admin/definitions/{}"),
        ("GET", "/api/admin/audit"),
    }
)
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class Endpoint:
    """One operation of the API's OpenAPI document."""

    method: str
    path: str
    path_types: tuple[tuple[str, str], ...]  # (name, JSON schema type) of each path parameter
    has_body: bool

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def shape(self) -> tuple[str, str]:
        return self.method, re.sub(r"\{[^}]+\}", "{}", self.path)

    def url(self, samples: dict[str, str]) -> str:
        """The path with each parameter filled in with the sample of its type."""
        path = self.path
        for name, kind in self.path_types:
            value = samples.get(kind, samples["string"])
            path = path.replace(f"{{{name}}}", quote(value, safe=""))
        return path


def admin_endpoints(client: ApiClient) -> list[Endpoint]:
    """Every operation under /api/admin in the OpenAPI document of the client's origin."""
    document = client.call("GET", "/api/openapi.json")
    found: list[Endpoint] = []
    for path, item in document.get("paths", {}).items():
        if path != "/api/admin" and not path.startswith("/api/admin/"):
            continue
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            path_types = tuple(
                (p["name"], p.get("schema", {}).get("type", "string"))
                for p in parameters
                if p.get("in") == "path"
            )
            found.append(Endpoint(method.upper(), path, path_types, "requestBody" in operation))
    missing = CONTRACT_ADMIN_ENDPOINTS - {endpoint.shape for endpoint in found}
    assert not missing, f"{client.base_url}/api/openapi.json lacks {sorted(missing)}"
    return found


def answers(client: ApiClient, samples: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Status and error code of every admin endpoint of the client's origin."""
    answered: dict[str, tuple[int, str]] = {}
    for endpoint in admin_endpoints(client):
        # Any body will do: the request must be refused before the body is looked at.
        body: dict[str, object] | None = {} if endpoint.has_body else None
        response = client.raw(endpoint.method, endpoint.url(samples), body)
        answered[str(endpoint)] = (response.status, error_code(response))
    return answered


@dataclass(frozen=True)
class Bystanders:
    """A user and a definition of the spec's own, named in the admin endpoints' paths: an
    endpoint that wrongly let a request through could only touch these."""

    user: Account
    definition: Definition

    @property
    def samples(self) -> dict[str, str]:
        return {"integer": str(self.user.id), "string": self.definition.key}

    def assert_untouched(self, api: ApiClient) -> None:
        found = api.get("/api/admin/users", q=self.user.email)["items"]
        assert [(u["email"], u["role"], u["active"]) for u in found] == [
            (self.user.email, "user", True)
        ]
        stored = api.get(f"/api/settings/{self.definition.key}")
        assert (stored["label"], stored["default"]) == (self.definition.label, "hello")


@pytest.fixture
def bystanders(make_user: MakeUser, make_definition: MakeDefinition) -> Bystanders:
    """A user and a text definition (default "hello") for the admin endpoints' paths."""
    return Bystanders(make_user("user"), make_definition("text", default="hello"))


@pytest.mark.parametrize("app", ["web", "admin"])
def test_every_admin_endpoint_refuses_a_request_without_a_session(
    app: AppName,
    playwright: Playwright,
    targets: Targets,
    bystanders: Bystanders,
    seeded_admin_api: ApiClient,
) -> None:
    stranger = ApiClient.anonymous(playwright, targets.url(app))
    try:
        answered = answers(stranger, bystanders.samples)
    finally:
        stranger.close()

    wrong = {name: got for name, got in answered.items() if got != (401, "not_authenticated")}
    assert not wrong, f"{app}: admin endpoints that did not answer 401 without a session: {wrong}"
    bystanders.assert_untouched(seeded_admin_api)


def test_every_admin_endpoint_refuses_a_signed_in_user(
    make_user: MakeUser, api_as: ApiAs, bystanders: Bystanders, seeded_admin_api: ApiClient
) -> None:
    # A user's session is on the web origin: the admin origin does not let users sign in.
    user = api_as(make_user("user"), "web")

    answered = answers(user, bystanders.samples)

    wrong = {
        name: got
        for name, got in answered.items()
        if got[0] != 403 or got[1] not in ("forbidden", "admin_required")
    }
    assert not wrong, f"admin endpoints that did not answer 403 to a user: {wrong}"
    bystanders.assert_untouched(seeded_admin_api)


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


def header_problems(headers: Mapping[str, str], *, api: bool = False) -> list[str]:
    """Every security header of the contract that `headers` (lower-case names, as
    Playwright gives them) lack or get wrong; for an API answer, `Cache-Control` too."""
    problems: list[str] = []
    for name, value in SECURITY_HEADERS.items():
        got = headers.get(name)
        if got != value:
            problems.append(
                f"{name} missing (expected {value!r})"
                if got is None
                else f"{name} is {got!r} (expected {value!r})"
            )
    csp = headers.get("content-security-policy")
    if csp is None:
        problems.append(f"content-security-policy missing (expected {'; '.join(CSP_DIRECTIVES)})")
    else:
        problems += [
            f"content-security-policy {csp!r} lacks {directive!r}"
            for directive in CSP_DIRECTIVES
            if directive not in csp
        ]
        if "unsafe-inline" in csp.split("script-src", 1)[-1].split(";", 1)[0]:
            problems.append(f"content-security-policy {csp!r} allows inline script")
    if api and headers.get("cache-control") != "no-store":
        problems.append(f"cache-control is {headers.get('cache-control')!r} (expected 'no-store')")
    return problems


def headers_report(problems: dict[str, list[str]]) -> str:
    """One message naming every response and each header it lacks or gets wrong."""
    lines = [f"{where}: {problem}" for where, found in problems.items() for problem in found]
    return f"{len(problems)} responses break the security headers contract:\n  " + "\n  ".join(
        lines
    )


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
    problems: dict[str, list[str]] = {}
    try:
        for path in PAGE_PATHS[app]:
            response = client.raw("GET", path)
            found = header_problems(response.headers)
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("text/html"):
                found.append(f"content-type is {content_type!r} (expected text/html)")
            problems[f"{app} page {path} ({response.status})"] = found
        for asset in ("/assets/app.js", "/shared/styles.css"):
            response = client.raw("GET", asset)
            problems[f"{app} asset {asset} ({response.status})"] = header_problems(response.headers)
        for method, path in API_PATHS:
            response = client.raw(method, path, {} if method == "POST" else None)
            problems[f"{app} API {method} {path} ({response.status})"] = header_problems(
                response.headers, api=True
            )
    finally:
        client.close()

    wrong = {where: found for where, found in problems.items() if found}
    assert not wrong, headers_report(wrong)
