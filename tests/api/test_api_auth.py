"""Sign-in, sign-out, sessions, lockout and deactivation."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN, USER, MakeClient, error_of, sign_in

LOGIN = "/api/auth/login"


def test_me_answers_401_when_signed_out(client: TestClient) -> None:
    response = client.get("/api/auth/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_login_returns_the_user_and_a_csrf_token(client: TestClient) -> None:
    response = client.post(LOGIN, json={"email": USER["email"], "password": USER["password"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "csrf_token"}
    assert body["user"] == {
        "id": body["user"]["id"],
        "email": "user@example.com",
        "display_name": "Jordan User",
        "role": "user",
        "theme": "system",
        "language": "en",
        "active": True,
        "created_at": "2024-01-15T09:01:00.000Z",
    }
    assert len(body["csrf_token"]) >= 32


def test_login_email_is_case_and_space_insensitive(client: TestClient) -> None:
    response = client.post(
        LOGIN, json={"email": "  USER@Example.com ", "password": USER["password"]}
    )
    assert response.status_code == 200


def test_session_cookie_is_httponly_samesite_lax_and_named_per_origin(
    client: TestClient, admin_origin: TestClient
) -> None:
    web = client.post(LOGIN, json={"email": USER["email"], "password": USER["password"]})
    admin = admin_origin.post(LOGIN, json={"email": ADMIN["email"], "password": ADMIN["password"]})
    web_cookie = web.headers["set-cookie"]
    admin_cookie = admin.headers["set-cookie"]
    assert web_cookie.startswith("web_session=")
    assert admin_cookie.startswith("admin_session=")
    for cookie in (web_cookie, admin_cookie):
        attributes = [part.strip() for part in cookie.split(";")]
        assert "HttpOnly" in attributes
        assert "SameSite=Lax" in attributes
        assert "Path=/" in attributes
        assert "Secure" not in attributes  # plain http here


def test_session_cookie_is_secure_on_https(make_client: MakeClient) -> None:
    client = make_client("web")
    client.base_url = client.base_url.copy_with(scheme="https")
    response = client.post(LOGIN, json={"email": USER["email"], "password": USER["password"]})
    assert "Secure" in [part.strip() for part in response.headers["set-cookie"].split(";")]


def test_me_returns_the_user_and_the_same_csrf_token(user_client: TestClient) -> None:
    response = user_client.get("/api/auth/me")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == USER["email"]
    assert response.json()["csrf_token"] == user_client.headers["X-CSRF-Token"]


@pytest.mark.parametrize(
    ("email", "password"),
    [(USER["email"], "wrong-password-1"), ("nobody@example.com", USER["password"])],
    ids=["wrong-password", "unknown-email"],
)
def test_bad_credentials_get_one_message(client: TestClient, email: str, password: str) -> None:
    response = client.post(LOGIN, json={"email": email, "password": password})
    assert response.status_code == 401
    error = error_of(response)
    assert error == {
        "code": "invalid_credentials",
        "message": "Invalid email or password.",
        "fields": {},
    }
    assert "set-cookie" not in response.headers


def test_login_with_empty_fields_names_them(client: TestClient) -> None:
    response = client.post(LOGIN, json={"email": " ", "password": ""})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"email", "password"}


def test_login_without_fields_names_them(client: TestClient) -> None:
    response = client.post(LOGIN, json={})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"email", "password"}


def test_admin_origin_refuses_non_admins(admin_origin: TestClient) -> None:
    response = admin_origin.post(LOGIN, json={"email": USER["email"], "password": USER["password"]})
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "admin_required"
    assert error["message"] == "This app is for administrators only."
    assert "set-cookie" not in response.headers


def test_admins_can_sign_in_on_the_web_origin(client: TestClient) -> None:
    assert sign_in(client, ADMIN["email"], ADMIN["password"])["user"]["role"] == "admin"


def test_a_session_only_works_on_its_own_origin(
    user_client: TestClient, admin_origin: TestClient
) -> None:
    token = user_client.cookies["web_session"]
    admin_origin.cookies.set("admin_session", token)
    admin_origin.cookies.set("web_session", token)
    assert admin_origin.get("/api/auth/me").status_code == 401


def test_logout_ends_the_session_and_clears_the_cookie(user_client: TestClient) -> None:
    token = user_client.cookies["web_session"]
    response = user_client.post("/api/auth/logout")
    assert response.status_code == 204
    assert response.content == b""
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("web_session=;")
    assert "Max-Age=0" in cookie
    assert user_client.get("/api/auth/me").status_code == 401
    # The old token is dead even if a client kept it.
    user_client.cookies.set("web_session", token)
    assert user_client.get("/api/auth/me").status_code == 401


def test_logout_without_a_session_is_401(client: TestClient) -> None:
    assert client.post("/api/auth/logout").status_code == 401


def test_signing_in_again_replaces_the_old_session(user_client: TestClient) -> None:
    old = user_client.cookies["web_session"]
    sign_in(user_client, USER["email"], USER["password"])
    assert user_client.cookies["web_session"] != old
    user_client.cookies.set("web_session", old)
    assert user_client.get("/api/auth/me").status_code == 401


def test_an_expired_session_is_401(user_client: TestClient, db: sqlite3.Connection) -> None:
    db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'")
    assert user_client.get("/api/auth/me").status_code == 401


# --- lockout ------------------------------------------------------------------------------


def _fail(client: TestClient, email: str, times: int) -> list[Any]:
    return [
        client.post(LOGIN, json={"email": email, "password": "wrong-password-9"})
        for _ in range(times)
    ]


def test_fifth_failure_in_a_row_locks_the_email(client: TestClient) -> None:
    responses = _fail(client, USER["email"], 5)
    assert [r.status_code for r in responses] == [401, 401, 401, 401, 429]
    locked = responses[-1]
    assert error_of(locked) == {
        "code": "account_locked",
        "message": "Too many failed attempts. Try again in 5 minutes.",
        "fields": {},
    }
    assert locked.headers["retry-after"] == "300"


def test_a_locked_email_refuses_even_the_right_password(client: TestClient) -> None:
    _fail(client, USER["email"], 5)
    response = client.post(LOGIN, json={"email": USER["email"], "password": USER["password"]})
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 300


def test_unknown_emails_lock_too(client: TestClient) -> None:
    responses = _fail(client, "ghost@example.com", 5)
    assert responses[-1].status_code == 429


def test_lockout_is_per_email(client: TestClient) -> None:
    _fail(client, USER["email"], 5)
    assert sign_in(client, ADMIN["email"], ADMIN["password"])["user"]["role"] == "admin"


def test_a_success_resets_the_count(client: TestClient) -> None:
    _fail(client, USER["email"], 4)
    sign_in(client, USER["email"], USER["password"])
    client.headers.pop("X-CSRF-Token")
    client.cookies.clear()
    assert [r.status_code for r in _fail(client, USER["email"], 4)] == [401] * 4


def test_lock_minutes_come_from_the_config(make_client: MakeClient) -> None:
    client = make_client("web", lockout_minutes=1)
    locked = _fail(client, USER["email"], 5)[-1]
    assert error_of(locked)["message"] == "Too many failed attempts. Try again in 1 minute."
    assert locked.headers["retry-after"] == "60"


def test_after_the_lock_ends_sign_in_works_and_counting_restarts(
    client: TestClient, db: sqlite3.Connection
) -> None:
    _fail(client, USER["email"], 5)
    db.execute("UPDATE login_failures SET locked_until = '2000-01-01T00:00:00.000Z'")
    assert [r.status_code for r in _fail(client, USER["email"], 4)] == [401] * 4
    assert _fail(client, USER["email"], 1)[0].status_code == 429


def test_lockout_spans_both_origins(client: TestClient, admin_origin: TestClient) -> None:
    _fail(client, ADMIN["email"], 5)
    response = admin_origin.post(
        LOGIN, json={"email": ADMIN["email"], "password": ADMIN["password"]}
    )
    assert response.status_code == 429


# --- deactivation -------------------------------------------------------------------------


def test_deactivated_users_cannot_sign_in_and_their_sessions_stop(
    make_client: MakeClient,
    admin_client: TestClient,
    new_user: Callable[..., dict[str, Any]],
) -> None:
    person = new_user()
    their_client = make_client("web")
    sign_in(their_client, person["email"], person["password"])
    response = admin_client.patch(f"/api/admin/users/{person['id']}", json={"active": False})
    assert response.status_code == 200
    assert response.json()["active"] is False

    assert their_client.get("/api/auth/me").status_code == 401
    retry = make_client("web").post(
        LOGIN, json={"email": person["email"], "password": person["password"]}
    )
    assert retry.status_code == 403
    assert error_of(retry) == {
        "code": "account_disabled",
        "message": "This account has been deactivated.",
        "fields": {},
    }


def test_a_deactivated_users_wrong_password_is_still_invalid_credentials(
    make_client: MakeClient, admin_client: TestClient, new_user: Callable[..., dict[str, Any]]
) -> None:
    person = new_user()
    admin_client.patch(f"/api/admin/users/{person['id']}", json={"active": False})
    response = make_client("web").post(
        LOGIN, json={"email": person["email"], "password": "wrong-password-1"}
    )
    assert response.status_code == 401


def test_logins_and_logouts_are_audited(user_client: TestClient, admin_client: TestClient) -> None:
    user_client.post("/api/auth/logout")
    items = admin_client.get("/api/admin/audit").json()["items"]
    actions = [(i["action"], i["actor_email"], i["target"]) for i in items]
    # Newest first: the user signed in, then the admin, then the user signed out.
    assert actions[:3] == [
        ("user.logout", USER["email"], USER["email"]),
        ("user.login", ADMIN["email"], ADMIN["email"]),
        ("user.login", USER["email"], USER["email"]),
    ]
    assert items[1]["details"] == "Signed in to the admin app"
