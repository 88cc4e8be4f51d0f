"""The signed-in user's profile and password."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import USER, MakeClient, error_of, sign_in

XSS = '<img src=x onerror="alert(1)">&amp;<script>alert(2)</script>'


def test_profile_needs_a_session(client: TestClient) -> None:
    assert client.patch("/api/profile", json={"theme": "dark"}).status_code == 401
    assert client.post("/api/profile/password", json={}).status_code == 401


def test_update_profile_returns_the_user(user_client: TestClient) -> None:
    response = user_client.patch(
        "/api/profile", json={"display_name": "  Jo  ", "theme": "dark", "language": "fr"}
    )
    assert response.status_code == 200
    user = response.json()
    assert (user["display_name"], user["theme"], user["language"]) == ("Jo", "dark", "fr")
    assert user_client.get("/api/auth/me").json()["user"] == user


def test_partial_update_keeps_the_rest(user_client: TestClient) -> None:
    user = user_client.patch("/api/profile", json={"theme": "light"}).json()
    assert (user["display_name"], user["theme"], user["language"]) == ("Jordan User", "light", "en")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"theme": "blue"}, "theme"),
        ({"language": "es"}, "language"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 101}, "display_name"),
        ({"display_name": 7}, "display_name"),
    ],
)
def test_invalid_profile_fields_are_422(user_client: TestClient, body: dict, field: str) -> None:  # type: ignore[type-arg]
    response = user_client.patch("/api/profile", json=body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_html_in_the_display_name_is_stored_as_typed(user_client: TestClient) -> None:
    user = user_client.patch("/api/profile", json={"display_name": XSS}).json()
    assert user["display_name"] == XSS
    assert user_client.get("/api/auth/me").json()["user"]["display_name"] == XSS


def test_change_password(make_client: MakeClient, user_client: TestClient) -> None:
    other_session = make_client("web")
    sign_in(other_session, USER["email"], USER["password"])
    response = user_client.post(
        "/api/profile/password",
        json={"current_password": USER["password"], "new_password": "brand-new-pass-2"},
    )
    assert response.status_code == 204
    assert user_client.get("/api/auth/me").status_code == 200  # this session goes on
    assert other_session.get("/api/auth/me").status_code == 401  # the others end
    fresh = make_client("web")
    assert (
        fresh.post(
            "/api/auth/login", json={"email": USER["email"], "password": USER["password"]}
        ).status_code
        == 401
    )
    sign_in(fresh, USER["email"], "brand-new-pass-2")


def test_wrong_current_password_is_422_on_that_field(user_client: TestClient) -> None:
    response = user_client.post(
        "/api/profile/password",
        json={"current_password": "not-it-at-all-1", "new_password": "brand-new-pass-2"},
    )
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["current_password"]


@pytest.mark.parametrize(
    "new_password",
    ["short-1", "no-digits-here", "1234567890123", USER["password"]],
    ids=["too-short", "no-digit", "no-letter", "same-as-current"],
)
def test_password_rules(user_client: TestClient, new_password: str) -> None:
    response = user_client.post(
        "/api/profile/password",
        json={"current_password": USER["password"], "new_password": new_password},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert list(error["fields"]) == ["new_password"]
    assert error["fields"]["new_password"].endswith(".")
