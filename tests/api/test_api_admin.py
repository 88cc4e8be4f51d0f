"""Admin endpoints: access, overview, users, definitions and the audit log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, USER, MakeClient, error_of, sign_in

NewUser = Callable[..., dict[str, Any]]
ADMIN_ROUTES = [
    ("GET", "/api/admin/overview"),
    ("GET", "/api/admin/users"),
    ("POST", "/api/admin/users"),
    ("PATCH", "/api/admin/users/1"),
    ("DELETE", "/api/admin/users/1"),
    ("GET", "/api/admin/definitions"),
    ("POST", "/api/admin/definitions"),
    ("PUT", "/api/admin/definitions/general.start_page"),
    ("DELETE", "/api/admin/definitions/general.start_page"),
    ("GET", "/api/admin/audit"),
]
DEFINITION = {
    "key": "general.test_flag",
    "label": "Test flag",
    "description": "Only for tests.",
    "category": "General",
    "type": "boolean",
    "default": False,
    "constraints": {},
}


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_are_401_signed_out(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_are_403_for_users(user_client: TestClient, method: str, path: str) -> None:
    response = user_client.request(method, path, json={})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_admins_may_use_the_admin_api_on_the_web_origin(client: TestClient) -> None:
    sign_in(client, ADMIN["email"], ADMIN["password"])
    assert client.get("/api/admin/overview").status_code == 200


def test_overview_counts(admin_client: TestClient) -> None:
    assert admin_client.get("/api/admin/overview").json() == {
        "users": 2,
        "active_users": 2,
        "admins": 1,
        "definitions": 40,
        "categories": 5,
        "audit_events": 1,  # the admin's own sign-in
    }


# --- users --------------------------------------------------------------------------------


def test_list_users(admin_client: TestClient) -> None:
    body = admin_client.get("/api/admin/users").json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 20)
    assert [u["email"] for u in body["items"]] == [ADMIN["email"], USER["email"]]
    assert set(body["items"][0]) == {
        "id",
        "email",
        "display_name",
        "role",
        "theme",
        "language",
        "active",
        "created_at",
    }


def test_create_user(admin_client: TestClient, make_client: MakeClient) -> None:
    response = admin_client.post(
        "/api/admin/users",
        json={
            "email": " New.Person@Example.com",
            "display_name": "New Person",
            "password": "new-person-pw-1",
            "role": "user",
        },
    )
    assert response.status_code == 201
    user = response.json()
    assert (user["email"], user["role"], user["active"]) == ("new.person@example.com", "user", True)
    assert (user["theme"], user["language"]) == ("system", "en")
    sign_in(make_client("web"), "new.person@example.com", "new-person-pw-1")


def test_create_user_with_a_taken_email_is_409(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/admin/users",
        json={
            "email": "USER@example.com",
            "display_name": "Copy",
            "password": "copy-password-1",
            "role": "user",
        },
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert list(error["fields"]) == ["email"]


def test_create_user_validation_names_every_field(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/admin/users",
        json={"email": "not-an-email", "display_name": " ", "password": "short", "role": "user"},
    )
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"email", "display_name", "password"}
    response = admin_client.post(
        "/api/admin/users",
        json={"email": "a@b.co", "display_name": "A", "password": "password-123", "role": "root"},
    )
    assert list(error_of(response)["fields"]) == ["role"]


def test_search_users_by_email_or_name(admin_client: TestClient, new_user: NewUser) -> None:
    new_user(email="zed@example.org", display_name="Zed Zimmer")
    new_user(email="amy@example.org", display_name="Amy Pond")
    by_name = admin_client.get("/api/admin/users", params={"q": "zimm"}).json()
    assert [u["email"] for u in by_name["items"]] == ["zed@example.org"]
    by_email = admin_client.get("/api/admin/users", params={"q": "EXAMPLE.ORG"}).json()
    assert by_email["total"] == 2
    short = admin_client.get("/api/admin/users", params={"q": "my"}).json()
    assert [u["email"] for u in short["items"]] == ["amy@example.org"]
    literal = admin_client.get("/api/admin/users", params={"q": "%"}).json()
    assert literal["total"] == 0


def test_filter_users_by_role_and_status(admin_client: TestClient, new_user: NewUser) -> None:
    person = new_user()
    new_user(role="admin")
    admin_client.patch(f"/api/admin/users/{person['id']}", json={"active": False})
    admins = admin_client.get("/api/admin/users", params={"role": "admin"}).json()
    assert admins["total"] == 2
    inactive = admin_client.get("/api/admin/users", params={"active": "false"}).json()
    assert [u["id"] for u in inactive["items"]] == [person["id"]]
    both = admin_client.get("/api/admin/users", params={"active": "true", "role": "user"}).json()
    assert [u["email"] for u in both["items"]] == [USER["email"]]


@pytest.mark.parametrize("sort", ["email", "-email", "display_name", "-created_at"])
def test_sort_users(admin_client: TestClient, new_user: NewUser, sort: str) -> None:
    for name in ("bob", "Carla", "al"):
        new_user(email=f"{name.lower()}@example.net", display_name=name)
    items = admin_client.get("/api/admin/users", params={"sort": sort}).json()["items"]
    if sort == "email":
        expected = sorted(items, key=lambda u: u["email"])
    elif sort == "-email":
        expected = sorted(items, key=lambda u: u["email"], reverse=True)
    elif sort == "display_name":
        expected = sorted(items, key=lambda u: u["display_name"].lower())
    else:
        expected = sorted(items, key=lambda u: (u["created_at"], u["id"]), reverse=True)
    assert items == expected


def test_paginate_users(admin_client: TestClient, new_user: NewUser) -> None:
    for _ in range(3):
        new_user()
    page = admin_client.get("/api/admin/users", params={"page": 2, "page_size": 2}).json()
    assert (page["total"], len(page["items"])) == (5, 2)


def test_bad_user_list_parameters_are_422(admin_client: TestClient) -> None:
    response = admin_client.get(
        "/api/admin/users", params={"role": "root", "active": "maybe", "sort": "name"}
    )
    assert set(error_of(response)["fields"]) == {"role", "active", "sort"}


def test_update_user(admin_client: TestClient, new_user: NewUser) -> None:
    person = new_user()
    response = admin_client.patch(
        f"/api/admin/users/{person['id']}", json={"role": "admin", "display_name": "Promoted"}
    )
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["display_name"]) == ("admin", "Promoted")


def test_update_unknown_user_is_404(admin_client: TestClient) -> None:
    assert admin_client.patch("/api/admin/users/999", json={"role": "user"}).status_code == 404
    assert admin_client.patch("/api/admin/users/abc", json={"role": "user"}).status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"page": "0"}, {"page"}),
        ({"page": "-3"}, {"page"}),
        ({"page": "two"}, {"page"}),
        ({"page": "1.5"}, {"page"}),
        ({"page_size": "0"}, {"page_size"}),
        ({"page_size": "101"}, {"page_size"}),
        ({"page_size": "all"}, {"page_size"}),
        ({"sort": "name"}, {"sort"}),
        ({"sort": "Email"}, {"sort"}),
        ({"role": "Admin"}, {"role"}),
        ({"active": "maybe"}, {"active"}),
        (
            {"page": "0", "page_size": "500", "sort": "x", "role": "root", "active": "?"},
            {"page", "page_size", "sort", "role", "active"},
        ),
    ],
)
def test_each_bad_user_list_parameter_is_named(
    admin_client: TestClient, params: dict[str, str], fields: set[str]
) -> None:
    response = admin_client.get("/api/admin/users", params=params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(isinstance(why, str) and why for why in error["fields"].values())


def test_blank_user_list_parameters_mean_not_given(admin_client: TestClient) -> None:
    blank = {"q": "", "role": "", "active": "", "sort": "", "page": "", "page_size": " "}
    body = admin_client.get("/api/admin/users", params=blank).json()
    assert (body["total"], body["page"], body["page_size"]) == (2, 1, 20)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "root"}, {"role"}),
        ({"role": "Admin"}, {"role"}),
        ({"role": 1}, {"role"}),
        ({"active": "false"}, {"active"}),
        ({"active": 0}, {"active"}),
        ({"display_name": ""}, {"display_name"}),
        ({"display_name": "   "}, {"display_name"}),
        ({"display_name": "x" * 101}, {"display_name"}),
        ({"display_name": 5}, {"display_name"}),
        ({"display_name": ["Bob"]}, {"display_name"}),
        ({"role": "boss", "active": "yes", "display_name": 7}, {"role", "active", "display_name"}),
    ],
)
def test_update_user_with_invalid_fields_is_422_and_changes_nothing(
    admin_client: TestClient, new_user: NewUser, body: dict[str, Any], fields: set[str]
) -> None:
    person = new_user()
    response = admin_client.patch(f"/api/admin/users/{person['id']}", json=body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    listed = admin_client.get("/api/admin/users", params={"q": person["email"]}).json()
    assert listed["items"] == [{k: v for k, v in person.items() if k != "password"}]
    actions = [e["action"] for e in admin_client.get("/api/admin/audit").json()["items"]]
    assert "user.update" not in actions


@pytest.mark.parametrize("body", [{}, {"role": "admin"}, {"active": False}, {"display_name": "X"}])
def test_update_a_user_that_is_not_there_is_404(
    admin_client: TestClient, new_user: NewUser, body: dict[str, Any]
) -> None:
    gone = new_user()
    assert admin_client.delete(f"/api/admin/users/{gone['id']}").status_code == 204
    for user_id in (gone["id"], 0, 10**12):
        response = admin_client.patch(f"/api/admin/users/{user_id}", json=body)
        assert response.status_code == 404, (user_id, response.text)
        assert error_of(response)["code"] == "not_found"
    assert admin_client.get("/api/admin/users").json()["total"] == 2


@pytest.mark.parametrize(
    ("body", "field"), [({"role": "user"}, "role"), ({"active": False}, "active")]
)
def test_admins_cannot_demote_or_deactivate_themselves(
    admin_client: TestClient,
    body: dict[str, Any],
    field: str,
) -> None:
    me = admin_client.get("/api/auth/me").json()["user"]
    response = admin_client.patch(f"/api/admin/users/{me['id']}", json=body)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert list(error["fields"]) == [field]


def test_delete_user_removes_values_and_history(
    admin_client: TestClient,
    make_client: MakeClient,
    new_user: NewUser,
    db: sqlite3.Connection,
) -> None:
    person = new_user()
    their = make_client("web")
    sign_in(their, person["email"], person["password"])
    their.put("/api/settings/general.session_timeout", json={"value": 99})
    assert admin_client.delete(f"/api/admin/users/{person['id']}").status_code == 204
    for table in ("user_values", "history", "sessions"):
        count = db.execute(
            f"SELECT count(*) FROM {table} WHERE user_id = ?", (person["id"],)
        ).fetchone()[0]
        assert count == 0, table
    assert admin_client.delete(f"/api/admin/users/{person['id']}").status_code == 404
    assert their.get("/api/auth/me").status_code == 401


def test_admins_cannot_delete_themselves(admin_client: TestClient) -> None:
    me = admin_client.get("/api/auth/me").json()["user"]
    assert admin_client.delete(f"/api/admin/users/{me['id']}").status_code == 409


# --- definitions --------------------------------------------------------------------------


def test_list_definitions(admin_client: TestClient) -> None:
    body = admin_client.get(
        "/api/admin/definitions", params={"category": "Appearance", "sort": "key"}
    ).json()
    assert body["total"] == 8
    keys = [d["key"] for d in body["items"]]
    assert keys == sorted(keys)
    assert set(body["items"][0]) == {
        "key",
        "label",
        "description",
        "category",
        "type",
        "default",
        "constraints",
        "updated_at",
    }


def test_create_definition_appears_for_users(
    admin_client: TestClient, user_client: TestClient
) -> None:
    response = admin_client.post("/api/admin/definitions", json=DEFINITION)
    assert response.status_code == 201
    assert response.json()["key"] == DEFINITION["key"]
    item = user_client.get(f"/api/settings/{DEFINITION['key']}").json()
    assert (item["value"], item["is_default"]) == (False, True)
    found = user_client.get("/api/settings", params={"q": "test fla"}).json()
    assert [i["key"] for i in found["items"]] == [DEFINITION["key"]]


def test_create_definition_with_a_taken_key_is_409(admin_client: TestClient) -> None:
    response = admin_client.post(
        "/api/admin/definitions", json={**DEFINITION, "key": "general.start_page"}
    )
    assert response.status_code == 409
    assert list(error_of(response)["fields"]) == ["key"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"key": "Bad Key"}, {"key"}),
        ({"key": "x"}, {"key"}),
        ({"key": "1abc"}, {"key"}),
        ({"key": "a" * 65}, {"key"}),
        ({"label": ""}, {"label"}),
        ({"category": "Misc"}, {"category"}),
        ({"type": "date"}, {"type"}),
        ({"default": "no"}, {"default"}),
        ({"constraints": {"max": 3}}, {"constraints"}),
        ({"type": "choice", "default": "c", "constraints": {"options": ["a", "b"]}}, {"default"}),
        (
            {"type": "choice", "default": "a", "constraints": {"options": []}},
            {"constraints.options"},
        ),
        (
            {"type": "choice", "default": "a", "constraints": {"options": ["a", "a"]}},
            {"constraints.options"},
        ),
        (
            {"type": "number", "default": 5, "constraints": {"min": 10, "max": 1}},
            {"constraints.max"},
        ),
        ({"type": "number", "default": 50, "constraints": {"min": 0, "max": 10}}, {"default"}),
        ({"type": "number", "default": 5, "constraints": {"min": "0"}}, {"constraints.min"}),
        ({"type": "text", "default": "toolong", "constraints": {"max_length": 3}}, {"default"}),
        (
            {"type": "text", "default": "", "constraints": {"max_length": 0}},
            {"constraints.max_length"},
        ),
        ({"label": 5, "default": 1}, {"label"}),
    ],
)
def test_create_definition_validation(
    admin_client: TestClient, changes: dict[str, Any], fields: set[str]
) -> None:
    response = admin_client.post("/api/admin/definitions", json={**DEFINITION, **changes})
    assert response.status_code == 422, response.text
    assert set(error_of(response)["fields"]) == fields


@pytest.mark.parametrize(
    ("kind", "default", "constraints"),
    [
        ("choice", "b", {"options": ["a", "b"]}),
        ("number", 2.5, {"min": 0}),
        ("number", -3, {}),
        ("text", "hi", {"max_length": 10}),
        ("text", "", {}),
    ],
)
def test_create_definition_of_each_type(
    admin_client: TestClient, kind: str, default: Any, constraints: dict[str, Any]
) -> None:
    body = {**DEFINITION, "type": kind, "default": default, "constraints": constraints}
    response = admin_client.post("/api/admin/definitions", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["constraints"] == constraints


def test_update_definition(admin_client: TestClient) -> None:
    admin_client.post("/api/admin/definitions", json=DEFINITION)
    body = {**DEFINITION, "label": "Renamed flag", "default": True}
    response = admin_client.put(f"/api/admin/definitions/{DEFINITION['key']}", json=body)
    assert response.status_code == 200
    assert (response.json()["label"], response.json()["default"]) == ("Renamed flag", True)
    found = admin_client.get("/api/admin/definitions", params={"q": "renamed"}).json()
    assert [d["key"] for d in found["items"]] == [DEFINITION["key"]]
    assert (
        admin_client.get("/api/admin/definitions", params={"q": "test flag"}).json()["total"] == 0
    )


def test_update_unknown_definition_is_404(admin_client: TestClient) -> None:
    response = admin_client.put("/api/admin/definitions/no.such", json=DEFINITION)
    assert response.status_code == 404


TIMEOUT = "general.session_timeout"  # number, default 30, 5..480


def _listed_definition(admin_client: TestClient, key: str) -> dict[str, Any]:
    items = admin_client.get("/api/admin/definitions", params={"page_size": 100}).json()["items"]
    found: dict[str, Any] = next(d for d in items if d["key"] == key)
    return found


@pytest.fixture
def timeout_definition(admin_client: TestClient) -> dict[str, Any]:
    """The seeded definition the update tests change, as the admin list gives it."""
    found = _listed_definition(admin_client, TIMEOUT)
    assert (found["type"], found["default"], found["constraints"]) == (
        "number",
        30,
        {"min": 5, "max": 480},
    )
    return found


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"label": ""}, {"label"}),
        ({"label": "   "}, {"label"}),
        ({"label": "x" * 101}, {"label"}),
        ({"label": 5}, {"label"}),
        ({"description": "x" * 501}, {"description"}),
        ({"description": None}, {"description"}),
        ({"category": "Misc"}, {"category"}),
        ({"category": "general"}, {"category"}),
        ({"type": "date"}, {"type"}),
        ({"type": None}, {"type"}),
        # the default against the type and constraints
        ({"default": "thirty"}, {"default"}),
        ({"default": True}, {"default"}),
        ({"default": None}, {"default"}),
        ({"default": 481}, {"default"}),
        ({"default": 4.5}, {"default"}),
        # constraints that do not fit the type, or themselves
        ({"constraints": {"options": ["a"]}}, {"constraints"}),
        ({"constraints": {"max_length": 5}}, {"constraints"}),
        ({"constraints": [5, 480]}, {"constraints"}),
        ({"constraints": {"min": "5"}}, {"constraints.min"}),
        ({"constraints": {"max": True}}, {"constraints.max"}),
        ({"constraints": {"min": 10, "max": 5}, "default": 7}, {"constraints.max"}),
        # a new type: the old default and constraints must fit it too
        ({"type": "boolean"}, {"constraints"}),
        ({"type": "boolean", "constraints": {}}, {"default"}),
        ({"type": "choice"}, {"constraints"}),
        ({"type": "choice", "constraints": {}}, {"constraints.options"}),
        ({"type": "choice", "constraints": {"options": ["15", "30"]}}, {"default"}),
        (
            {"type": "choice", "default": "a", "constraints": {"options": "a"}},
            {"constraints.options"},
        ),
        (
            {"type": "choice", "default": "a", "constraints": {"options": ["a", ""]}},
            {"constraints.options"},
        ),
        (
            {"type": "choice", "default": "a", "constraints": {"options": ["a", 1]}},
            {"constraints.options"},
        ),
        (
            {"type": "choice", "default": "a", "constraints": {"options": ["a", "b" * 101]}},
            {"constraints.options"},
        ),
        ({"type": "text", "constraints": {}}, {"default"}),
        ({"type": "text", "default": "abcd", "constraints": {"max_length": 3}}, {"default"}),
        ({"type": "text", "default": "x" * 10_001, "constraints": {}}, {"default"}),
        (
            {"type": "text", "default": "", "constraints": {"max_length": 10_001}},
            {"constraints.max_length"},
        ),
        (
            {"type": "text", "default": "", "constraints": {"max_length": "5"}},
            {"constraints.max_length"},
        ),
        (
            {"type": "text", "default": "", "constraints": {"max_length": 2.5}},
            {"constraints.max_length"},
        ),
        # every field at fault at once is named
        ({"label": "", "category": "Misc", "default": "x"}, {"label", "category", "default"}),
        (
            {"label": "", "description": "x" * 501, "constraints": {"min": "a", "max": "b"}},
            {"label", "description", "constraints.min", "constraints.max"},
        ),
    ],
)
def test_update_definition_validation_names_each_field_and_changes_nothing(
    admin_client: TestClient,
    user_client: TestClient,
    timeout_definition: dict[str, Any],
    changes: dict[str, Any],
    fields: set[str],
) -> None:
    assert user_client.put(f"/api/settings/{TIMEOUT}", json={"value": 99}).status_code == 200
    body = {**timeout_definition, **changes}
    response = admin_client.put(f"/api/admin/definitions/{TIMEOUT}", json=body)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(isinstance(why, str) and why for why in error["fields"].values())
    # Nothing changed: the definition, the user's value and history, the audit log.
    assert _listed_definition(admin_client, TIMEOUT) == timeout_definition
    item = user_client.get(f"/api/settings/{TIMEOUT}").json()
    assert (item["value"], item["is_default"]) == (99, False)
    assert user_client.get(f"/api/settings/{TIMEOUT}/history").json()["total"] == 1
    actions = {e["action"] for e in admin_client.get("/api/admin/audit").json()["items"]}
    assert "definition.update" not in actions


def test_update_definition_without_its_required_fields_names_them(
    admin_client: TestClient,
) -> None:
    response = admin_client.put(f"/api/admin/definitions/{TIMEOUT}", json={"description": ""})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"label", "category", "type", "default"}


def test_update_an_unknown_definition_is_404_before_its_body_is_checked(
    admin_client: TestClient, timeout_definition: dict[str, Any]
) -> None:
    body = {**timeout_definition, "label": "", "default": "x"}
    response = admin_client.put("/api/admin/definitions/no.such", json=body)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_key_in_an_update_body_is_ignored(
    admin_client: TestClient, timeout_definition: dict[str, Any]
) -> None:
    body = {**timeout_definition, "key": "general.renamed", "label": "Idle timeout"}
    response = admin_client.put(f"/api/admin/definitions/{TIMEOUT}", json=body)
    assert response.status_code == 200
    assert (response.json()["key"], response.json()["label"]) == (TIMEOUT, "Idle timeout")
    assert admin_client.put("/api/admin/definitions/general.renamed", json=body).status_code == 404


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"page": "0"}, {"page"}),
        ({"page": "-1"}, {"page"}),
        ({"page": "first"}, {"page"}),
        ({"page": "2.5"}, {"page"}),
        ({"page_size": "0"}, {"page_size"}),
        ({"page_size": "101"}, {"page_size"}),
        ({"page_size": "ten"}, {"page_size"}),
        ({"sort": "name"}, {"sort"}),
        ({"sort": "updated"}, {"sort"}),
        ({"sort": "-key"}, {"sort"}),
        ({"page": "0", "page_size": "1000", "sort": "x"}, {"page", "page_size", "sort"}),
    ],
)
def test_each_bad_definition_list_parameter_is_named(
    admin_client: TestClient, params: dict[str, str], fields: set[str]
) -> None:
    response = admin_client.get("/api/admin/definitions", params=params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(isinstance(why, str) and why for why in error["fields"].values())


def test_blank_definition_list_parameters_mean_not_given(admin_client: TestClient) -> None:
    blank = {"q": "", "category": "", "sort": "", "page": "", "page_size": ""}
    body = admin_client.get("/api/admin/definitions", params=blank).json()
    assert (body["total"], body["page"], body["page_size"], len(body["items"])) == (40, 1, 20, 20)
    assert (
        admin_client.get("/api/admin/definitions", params={"category": "Misc"}).json()["total"] == 0
    )  # another category is no error: it has no items


def test_changing_the_type_resets_values_that_no_longer_fit(
    admin_client: TestClient, user_client: TestClient
) -> None:
    key = "general.time_zone"
    user_client.put(f"/api/settings/{key}", json={"value": "Europe/Paris"})
    body = {
        **DEFINITION,
        "type": "choice",
        "default": "UTC",
        "constraints": {"options": ["UTC", "CET"]},
    }
    assert admin_client.put(f"/api/admin/definitions/{key}", json=body).status_code == 200
    item = user_client.get(f"/api/settings/{key}").json()
    assert (item["value"], item["is_default"]) == ("UTC", True)
    last = user_client.get(f"/api/settings/{key}/history").json()["items"][0]
    assert (last["action"], last["old_value"], last["new_value"]) == (
        "reset",
        "Europe/Paris",
        "UTC",
    )


def test_delete_definition_removes_values_and_history(
    admin_client: TestClient, user_client: TestClient, db: sqlite3.Connection
) -> None:
    key = "general.session_timeout"
    user_client.put(f"/api/settings/{key}", json={"value": 99})
    assert admin_client.delete(f"/api/admin/definitions/{key}").status_code == 204
    assert user_client.get(f"/api/settings/{key}").status_code == 404
    assert db.execute("SELECT count(*) FROM history").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM user_values").fetchone()[0] == 0
    assert user_client.get("/api/settings", params={"q": "timeout"}).json()["total"] == 0
    assert admin_client.delete(f"/api/admin/definitions/{key}").status_code == 404


def test_html_in_labels_is_stored_as_typed(admin_client: TestClient) -> None:
    xss = '<img src=x onerror=alert(1)> & "quotes"'
    body = {**DEFINITION, "label": xss, "description": xss}
    created = admin_client.post("/api/admin/definitions", json=body).json()
    assert (created["label"], created["description"]) == (xss, xss)


# --- audit --------------------------------------------------------------------------------


def test_admin_actions_are_audited(admin_client: TestClient, new_user: NewUser) -> None:
    person = new_user()
    admin_client.patch(f"/api/admin/users/{person['id']}", json={"role": "admin"})
    admin_client.delete(f"/api/admin/users/{person['id']}")
    admin_client.post("/api/admin/definitions", json=DEFINITION)
    admin_client.put(
        f"/api/admin/definitions/{DEFINITION['key']}", json={**DEFINITION, "default": True}
    )
    admin_client.delete(f"/api/admin/definitions/{DEFINITION['key']}")
    items = admin_client.get("/api/admin/audit").json()["items"]
    assert [(i["action"], i["target"]) for i in items] == [
        ("definition.delete", DEFINITION["key"]),
        ("definition.update", DEFINITION["key"]),
        ("definition.create", DEFINITION["key"]),
        ("user.delete", person["email"]),
        ("user.update", person["email"]),
        ("user.create", person["email"]),
        ("user.login", ADMIN["email"]),
    ]
    assert {i["actor_email"] for i in items} == {ADMIN["email"]}
    assert items[1]["details"] == "default: false → true"
    assert items[4]["details"] == "role: user → admin"
    assert set(items[0]) == {"id", "at", "actor_email", "action", "target", "details"}


def test_users_setting_changes_are_not_audited(
    admin_client: TestClient, user_client: TestClient
) -> None:
    user_client.put("/api/settings/general.session_timeout", json={"value": 99})
    actions = {i["action"] for i in admin_client.get("/api/admin/audit").json()["items"]}
    assert actions == {"user.login"}


def _seed_audit(db: sqlite3.Connection) -> None:
    rows = [
        ("2024-03-01T08:00:00.000Z", "alice@example.com", "user.login"),
        ("2024-03-01T23:59:59.999Z", "bob@example.com", "user.update"),
        ("2024-03-02T00:00:00.000Z", "alice@example.com", "definition.update"),
        ("2024-03-05T12:00:00.000Z", "carol@example.org", "user.login"),
    ]
    db.executemany(
        "INSERT INTO audit (at, actor_email, action, target, details) VALUES (?, ?, ?, 't', '')",
        rows,
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "alice"}, ["definition.update", "user.login"]),
        ({"actor": "ALI"}, ["definition.update", "user.login"]),
        ({"actor": "al"}, ["definition.update", "user.login"]),
        ({"actor": "example.org"}, ["user.login"]),
        ({"action": "user.update"}, ["user.update"]),
        ({"since": "2024-03-01", "until": "2024-03-01"}, ["user.update", "user.login"]),
        ({"since": "2024-03-02", "until": "2024-03-05"}, ["user.login", "definition.update"]),
        ({"actor": "alice", "action": "user.login", "until": "2024-03-01"}, ["user.login"]),
        (
            {"since": "2024-03-01T12:00:00Z", "until": "2024-03-02T00:00:00Z"},
            ["definition.update", "user.update"],
        ),
    ],
)
def test_audit_filters(
    admin_client: TestClient, db: sqlite3.Connection, params: dict[str, str], expected: list[str]
) -> None:
    _seed_audit(db)
    body = admin_client.get("/api/admin/audit", params={**params, "page_size": 100}).json()
    old = [i for i in body["items"] if i["at"].startswith("2024")]
    assert [i["action"] for i in old] == expected


def test_audit_is_paginated(admin_client: TestClient, db: sqlite3.Connection) -> None:
    _seed_audit(db)
    body = admin_client.get("/api/admin/audit", params={"page": 2, "page_size": 2}).json()
    assert (body["total"], body["page"], body["page_size"]) == (5, 2, 2)
    assert [i["at"] for i in body["items"]] == [
        "2024-03-02T00:00:00.000Z",
        "2024-03-01T23:59:59.999Z",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2024-13-01"}, "until"),
        ({"action": "user.dance"}, "action"),
    ],
)
def test_bad_audit_filters_are_422(
    admin_client: TestClient, params: dict[str, str], field: str
) -> None:
    response = admin_client.get("/api/admin/audit", params=params)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"page": "0"}, {"page"}),
        ({"page": "last"}, {"page"}),
        ({"page_size": "0"}, {"page_size"}),
        ({"page_size": "101"}, {"page_size"}),
        ({"since": "2024-02-30"}, {"since"}),
        ({"since": "31/05/2024"}, {"since"}),
        ({"until": "2024-05-31T25:00:00Z"}, {"until"}),
        ({"until": "tomorrow"}, {"until"}),
        ({"action": "user.*"}, {"action"}),
        ({"action": "USER.LOGIN"}, {"action"}),
        (
            {"page": "0", "page_size": "x", "action": "nope", "since": "x", "until": "y"},
            {"page", "page_size", "action", "since", "until"},
        ),
    ],
)
def test_each_bad_audit_list_parameter_is_named(
    admin_client: TestClient, params: dict[str, str], fields: set[str]
) -> None:
    response = admin_client.get("/api/admin/audit", params=params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(isinstance(why, str) and why for why in error["fields"].values())


def test_blank_audit_list_parameters_mean_not_given(admin_client: TestClient) -> None:
    blank = {"actor": "", "action": "", "since": "", "until": "", "page": "", "page_size": ""}
    body = admin_client.get("/api/admin/audit", params=blank).json()
    assert (body["total"], body["page"], body["page_size"]) == (1, 1, 20)


def test_a_wrong_date_says_what_a_date_looks_like(admin_client: TestClient) -> None:
    response = admin_client.get("/api/admin/audit", params={"since": "May 31", "page": "0"})
    assert error_of(response)["fields"] == {
        "page": "Must be at least 1.",
        "since": "Use a date like 2024-05-31.",
    }
