"""CSRF, content types, body limits, error shapes and security headers."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from apps.api.middleware import CSP
from tests.api.conftest import USER, MakeClient, error_of

SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
KEY = "general.session_timeout"


def test_csp_is_the_contracts() -> None:
    assert CSP == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/health",
        "/api/auth/me",
        "/api/nope",
        "/",
        "/nope",
        "/assets/app.js",
        "/assets/missing.js",
        "/shared/core.js",
    ],
)
def test_every_response_has_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


def test_api_responses_are_not_stored_but_pages_may_be(client: TestClient) -> None:
    assert client.get("/api/health").headers["cache-control"] == "no-store"
    assert client.get("/api/auth/me").headers["cache-control"] == "no-store"
    assert client.get("/").headers.get("cache-control") != "no-store"


# --- CSRF ---------------------------------------------------------------------------------


def test_mutating_with_a_session_needs_the_csrf_token(user_client: TestClient) -> None:
    token = user_client.headers.pop("X-CSRF-Token")
    missing = user_client.put(f"/api/settings/{KEY}", json={"value": 45})
    assert missing.status_code == 403
    assert error_of(missing)["code"] == "csrf_failed"
    wrong = user_client.put(
        f"/api/settings/{KEY}", json={"value": 45}, headers={"X-CSRF-Token": token[:-2] + "xx"}
    )
    assert wrong.status_code == 403
    assert error_of(wrong)["code"] == "csrf_failed"
    right = user_client.put(
        f"/api/settings/{KEY}", json={"value": 45}, headers={"X-CSRF-Token": token}
    )
    assert right.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/auth/logout"),
        ("PATCH", "/api/profile"),
        ("POST", f"/api/settings/{KEY}/reset"),
        ("POST", "/api/profile/password"),
    ],
)
def test_every_mutating_route_checks_the_token(
    user_client: TestClient, method: str, path: str
) -> None:
    user_client.headers.pop("X-CSRF-Token")
    response = user_client.request(method, path, json={})
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"


def test_reads_need_no_token(user_client: TestClient) -> None:
    user_client.headers.pop("X-CSRF-Token")
    assert user_client.get("/api/settings").status_code == 200


def test_a_foreign_origin_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": USER["email"], "password": USER["password"]},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"


def test_the_serving_origin_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": USER["email"], "password": USER["password"]},
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code == 200


def test_the_other_apps_origin_is_foreign(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        json={"email": USER["email"], "password": USER["password"]},
        headers={"Origin": "http://testserver:8001"},
    )
    assert response.status_code == 403


# --- bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_415(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/api/auth/login",
        content=b'{"email": "a@b.c", "password": "x"}',
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_a_body_without_content_type_is_415(client: TestClient) -> None:
    del client.headers["Content-Type"]
    response = client.post("/api/auth/login", content=b'{"email": "a@b.c", "password": "x"}')
    assert response.status_code == 415


def test_json_with_a_charset_is_fine(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login",
        content=b'{"email": "user@example.com", "password": "user-password-1"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def test_a_request_without_body_may_omit_the_content_type(user_client: TestClient) -> None:
    del user_client.headers["Content-Type"]
    assert user_client.post(f"/api/settings/{KEY}/reset").status_code == 200
    assert user_client.post("/api/auth/logout").status_code == 204


def test_a_body_over_64_kib_is_413(user_client: TestClient) -> None:
    big = '{"value": "' + "x" * (64 * 1024) + '"}'
    response = user_client.put("/api/settings/general.email_signature", content=big.encode())
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_a_chunked_body_over_64_kib_is_413(user_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"value": "'
        for _ in range(70):
            yield b"x" * 1024
        yield b'"}'

    response = user_client.put("/api/settings/general.email_signature", content=chunks())
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(user_client: TestClient) -> None:
    body = '{"value": "' + "x" * 400 + '", "padding": "' + "y" * (60 * 1024) + '"}'
    response = user_client.put("/api/settings/general.email_signature", content=body.encode())
    assert response.status_code == 200
    assert response.json()["value"] == "x" * 400


def test_malformed_json_is_400(user_client: TestClient) -> None:
    response = user_client.put(f"/api/settings/{KEY}", content=b'{"value": ')
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
        "fields": {},
    }


def test_an_empty_body_where_one_is_needed_is_400(client: TestClient) -> None:
    response = client.post("/api/auth/login", content=b"")
    assert response.status_code == 400


def test_wrong_types_are_422_naming_the_fields(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"email": 42, "password": ["x"]})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"email", "password"}
    assert all(isinstance(why, str) and why for why in error["fields"].values())


def test_a_json_array_body_is_422(client: TestClient) -> None:
    response = client.post("/api/auth/login", json=[1, 2])
    assert response.status_code == 422
    assert "body" in error_of(response)["fields"]


def test_unknown_api_paths_are_404_in_the_error_shape(client: TestClient) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = client.request(method, "/api/nothing/here")
        assert response.status_code == 404, method
        assert error_of(response)["code"] == "not_found"


def test_a_wrong_method_is_405_in_the_error_shape(client: TestClient) -> None:
    response = client.delete("/api/auth/me")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_unexpected_error_is_500_without_a_stack_trace(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client("web")
    boom = APIRouter()

    @boom.get("/api/boom")
    def explode() -> None:
        raise RuntimeError("secret internals")

    client.app.include_router(boom)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="apps.api"):
        response = client.get("/api/boom")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert "secret internals" in caplog.text  # logged for the operator
