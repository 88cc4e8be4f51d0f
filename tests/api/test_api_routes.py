"""Every mutating route of both origins, taken from the app itself (its OpenAPI document,
so that a new route is covered the day it is added): the CSRF token and the Origin
check, the body limit, and bodies of the wrong shape or types."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.config import AppConfig, AppName
from apps.server import create_origin_app
from tests.api.conftest import ADMIN, USER, MakeClient, error_of, sign_in

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
LIMIT = 64 * 1024
ORIGINS: tuple[AppName, ...] = ("web", "admin")
KEY = "general.session_timeout"  # a number setting: a JSON object is never a valid value
# The contract's mutating routes (the app must have at least these) and whether they take
# a body.
CONTRACT = {
    ("POST", "/api/auth/login"): True,
    ("POST", "/api/auth/logout"): False,
    ("PATCH", "/api/profile"): True,
    ("POST", "/api/profile/password"): True,
    ("PUT", "/api/settings/{key}"): True,
    ("POST", "/api/settings/{key}/reset"): False,
    ("POST", "/api/admin/users"): True,
    ("PATCH", "/api/admin/users/{user_id}"): True,
    ("DELETE", "/api/admin/users/{user_id}"): False,
    ("POST", "/api/admin/definitions"): True,
    ("PUT", "/api/admin/definitions/{key}"): True,
    ("DELETE", "/api/admin/definitions/{key}"): False,
}


def _app_routes(app: AppName) -> dict[tuple[str, str], dict[str, Any] | None]:
    """(method, path) of every mutating API route of an origin, from its OpenAPI document
    (which FastAPI builds from the routes) -> the schema of its JSON body (properties and
    required), or None for a route without a body."""
    spec = create_origin_app(AppConfig.for_app(app, Path("unused.sqlite3"))).openapi()
    routes: dict[tuple[str, str], dict[str, Any] | None] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method.upper() not in MUTATING:
                continue
            body = operation.get("requestBody")
            schema = None
            if body is not None:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
            routes[(method.upper(), path)] = schema
    return routes


ROUTES = {app: _app_routes(app) for app in ORIGINS}
EVERY_ROUTE = [(app, m, p) for app in ORIGINS for (m, p) in ROUTES[app]]
WITH_BODY = [(app, m, p) for app in ORIGINS for (m, p), s in ROUTES[app].items() if s]


def test_the_routes_are_found_and_are_the_same_on_both_origins() -> None:
    for app in ORIGINS:
        found = {route: schema is not None for route, schema in ROUTES[app].items()}
        assert found.items() >= CONTRACT.items(), app
    assert ROUTES["web"] == ROUTES["admin"]


def _concrete(path: str, db: sqlite3.Connection) -> str:
    """The route's path with real values: the seeded user (not the admin) and a setting."""
    user_id = db.execute("SELECT id FROM users WHERE email = ?", (USER["email"],)).fetchone()[0]
    values = {"key": KEY, "user_id": str(user_id)}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"give the test a value for {path}"
    return path


def _snapshot(db: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a request could change."""
    tables = ("users", "sessions", "definitions", "user_values", "history", "audit")
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}


@pytest.fixture
def signed_in(make_client: MakeClient) -> dict[AppName, TestClient]:
    """A session on each origin: the user on the web app, the admin on the admin app."""
    web, admin = make_client("web"), make_client("admin")
    sign_in(web, USER["email"], USER["password"])
    sign_in(admin, ADMIN["email"], ADMIN["password"])
    return {"web": web, "admin": admin}


@pytest.fixture
def admin_on(make_client: MakeClient) -> dict[AppName, TestClient]:
    """The admin signed in on each origin (every route lets them past its access check)."""
    clients = {app: make_client(app) for app in ORIGINS}
    for client in clients.values():
        sign_in(client, ADMIN["email"], ADMIN["password"])
    return clients


def _send(client: TestClient, method: str, path: str, has_body: bool, **kwargs: Any) -> Any:
    if has_body:
        kwargs.setdefault("json", {})
    return client.request(method, path, **kwargs)


# --- CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("app", "method", "path"), EVERY_ROUTE)
def test_every_mutating_route_needs_the_sessions_csrf_token(
    signed_in: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = signed_in[app]
    other = signed_in["admin" if app == "web" else "web"].headers["X-CSRF-Token"]
    token = client.headers.pop("X-CSRF-Token")
    url = _concrete(path, db)
    has_body = ROUTES[app][(method, path)] is not None
    before = _snapshot(db)
    for sent in (None, "", token[:-2] + ("xx" if not token.endswith("xx") else "yy"), other):
        headers = {} if sent is None else {"X-CSRF-Token": sent}
        response = _send(client, method, url, has_body, headers=headers)
        assert response.status_code == 403, (sent, response.text)
        assert error_of(response)["code"] == "csrf_failed"
    assert _snapshot(db) == before  # refused before anything was done
    # The same request with the right token gets past the check (a user on an admin
    # route is then forbidden, which is another 403).
    response = _send(client, method, url, has_body, headers={"X-CSRF-Token": token})
    assert response.status_code < 500, response.text
    if response.status_code == 403:
        assert error_of(response)["code"] == "forbidden"


@pytest.mark.parametrize(("app", "method", "path"), EVERY_ROUTE)
def test_every_mutating_route_refuses_a_foreign_origin(
    signed_in: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = signed_in[app]
    has_body = ROUTES[app][(method, path)] is not None
    before = _snapshot(db)
    for origin in ("http://evil.example", "http://testserver:8001", "null"):
        response = _send(client, method, _concrete(path, db), has_body, headers={"Origin": origin})
        assert response.status_code == 403, origin
        assert error_of(response)["code"] == "csrf_failed"
    assert _snapshot(db) == before


# --- bodies -------------------------------------------------------------------------------


def _padded(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    body = b'{"padding": ""}'
    return body[:-2] + b"x" * (size - len(body)) + b'"}'


@pytest.mark.parametrize(("app", "method", "path"), WITH_BODY)
def test_every_body_over_64_kib_is_413(
    signed_in: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client, url = signed_in[app], _concrete(path, db)
    before = _snapshot(db)
    over = _padded(LIMIT + 1)
    assert len(over) == LIMIT + 1

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(over), 4096):
            yield over[start : start + 4096]

    for content in (over, chunks()):
        response = client.request(method, url, content=content)
        assert response.status_code == 413
        assert error_of(response)["code"] == "payload_too_large"
    assert _snapshot(db) == before
    at_the_limit = client.request(method, url, content=_padded(LIMIT))
    assert at_the_limit.status_code != 413


def _wrong(schema: dict[str, Any]) -> Any:
    """A JSON value of the wrong type for a property's schema (an object for "any")."""
    types = {s.get("type") for s in schema.get("anyOf", [schema])} - {"null"}
    if types == {"string"}:
        return 12345
    if types == {"boolean"}:
        return "yes"
    if types == {"object"}:
        return ["not", "an", "object"]
    assert types == {None}, schema  # a new kind of property: give it a wrong value here
    return {"an": "object"}  # no setting value nor default is ever an object


@pytest.mark.parametrize(("app", "method", "path"), WITH_BODY)
def test_wrong_types_in_every_body_are_422_naming_each_field(
    admin_on: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = admin_on[app]
    schema = ROUTES[app][(method, path)]
    assert schema is not None
    properties: dict[str, Any] = schema["properties"]
    body = {name: _wrong(prop) for name, prop in properties.items()}
    # Properties of no JSON type (a setting's value, a default) are checked by the route,
    # against the setting's type, once the typed ones are right.
    typed = {name for name, prop in properties.items() if prop.get("anyOf") or prop.get("type")}
    before = _snapshot(db)
    response = client.request(method, _concrete(path, db), json=body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == (typed or set(properties))
    assert all(isinstance(why, str) and why for why in error["fields"].values())
    assert _snapshot(db) == before


@pytest.mark.parametrize(("app", "method", "path"), WITH_BODY)
def test_every_body_that_is_not_an_object_is_422_on_body(
    admin_on: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = admin_on[app]
    for content in (b"[]", b'["a"]', b'"text"', b"42", b"true", b"null"):
        response = client.request(method, _concrete(path, db), content=content)
        assert response.status_code == 422, (content, response.text)
        assert error_of(response)["fields"] == {"body": "Must be a JSON object."}


@pytest.mark.parametrize(("app", "method", "path"), WITH_BODY)
def test_every_required_field_missing_is_named(
    admin_on: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = admin_on[app]
    schema = ROUTES[app][(method, path)]
    assert schema is not None
    required = set(schema.get("required", []))
    response = client.request(method, _concrete(path, db), json={})
    if not required:  # every field optional: an empty body changes nothing and is fine
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    fields = error_of(response)["fields"]
    assert set(fields) == required
    assert set(fields.values()) == {"This field is required."}


@pytest.mark.parametrize(("app", "method", "path"), WITH_BODY)
def test_malformed_json_in_every_body_is_400(
    admin_on: dict[AppName, TestClient],
    db: sqlite3.Connection,
    app: AppName,
    method: str,
    path: str,
) -> None:
    client = admin_on[app]
    for content in (b'{"value": ', b"{'single': 'quotes'}", b"{}}"):
        response = client.request(method, _concrete(path, db), content=content)
        assert response.status_code == 400, content
        assert error_of(response)["code"] == "bad_request"
