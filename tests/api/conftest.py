"""Fixtures for the API tests: the apps in process (FastAPI's TestClient), each test on
a fresh seeded SQLite file, with a throwaway front end so static serving can be checked
without the real one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api import security
from apps.api.config import AppConfig, AppName
from apps.api.db import Database
from apps.api.seed import ACCOUNTS, prepare_database
from apps.server import create_origin_app

ADMIN = ACCOUNTS[0]
USER = ACCOUNTS[1]
INDEX_HTML = "<!doctype html><title>{app}</title><h1>{app} front end</h1>"

MakeClient = Callable[..., TestClient]


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost is stored with each hash, so a lower one only makes these tests faster.
    monkeypatch.setattr(security, "SCRYPT_N", 2**8)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite file with the schema and the deterministic seed (about 30 ms)."""
    path = tmp_path / "settings.sqlite3"
    prepare_database(path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A direct connection to the test database, to check or arrange what the API cannot."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture
def front_ends(tmp_path: Path) -> Path:
    """A throwaway apps/ folder: web/ and admin/ with index.html and assets/, shared/."""
    root = tmp_path / "front"
    for app in ("web", "admin"):
        (root / app / "assets").mkdir(parents=True)
        (root / app / "index.html").write_text(INDEX_HTML.format(app=app), encoding="utf-8")
        (root / app / "assets" / "app.js").write_text(f"export const app = '{app}';\n")
        (root / app / "assets" / "app.css").write_text(f".{app} {{ margin: 0; }}\n")
    (root / "shared").mkdir()
    (root / "shared" / "core.js").write_text("export function h() {}\n")
    (root / "shared" / "styles.css").write_text("body { margin: 0; }\n")
    (root / "secret.txt").write_text("outside the static roots\n")
    return root


@pytest.fixture
def make_client(db_path: Path, front_ends: Path) -> Iterator[MakeClient]:
    """Factory: `make_client("web" | "admin", **config)` -> a TestClient on that origin.

    All clients of a test share one database pool, as the two origins do in
    `python -m apps`. Each client has its own cookies and sends
    `Content-Type: application/json`, as the front end does.
    """
    database = Database(db_path)
    clients: list[TestClient] = []

    def make(app: AppName = "web", **overrides: Any) -> TestClient:
        settings = {"front_end_dir": front_ends / app, "shared_dir": front_ends / "shared"}
        config = AppConfig(app=app, db_path=db_path, **{**settings, **overrides})
        client = TestClient(create_origin_app(config, database))
        client.headers["Content-Type"] = "application/json"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    database.close()


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    """The web origin, signed out."""
    return make_client("web")


@pytest.fixture
def admin_origin(make_client: MakeClient) -> TestClient:
    """The admin origin, signed out."""
    return make_client("admin")


def sign_in(client: TestClient, email: str, password: str) -> dict[str, Any]:
    """Sign in and send the session's CSRF token from now on; returns the login body."""
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    client.headers["X-CSRF-Token"] = body["csrf_token"]
    return body


@pytest.fixture
def user_client(make_client: MakeClient) -> TestClient:
    """The web origin, signed in as the seeded user."""
    client = make_client("web")
    sign_in(client, USER["email"], USER["password"])
    return client


@pytest.fixture
def admin_client(make_client: MakeClient) -> TestClient:
    """The admin origin, signed in as the seeded admin."""
    client = make_client("admin")
    sign_in(client, ADMIN["email"], ADMIN["password"])
    return client


@pytest.fixture
def new_user(admin_client: TestClient) -> Callable[..., dict[str, Any]]:
    """Factory: create a user through the admin API; returns the user body plus password."""
    count = 0

    def create(role: str = "user", **fields: Any) -> dict[str, Any]:
        nonlocal count
        count += 1
        body = {
            "email": f"person{count}@example.net",
            "display_name": f"Person {count}",
            "password": f"password-{count:04d}",
            "role": role,
            **fields,
        }
        response = admin_client.post("/api/admin/users", json=body)
        assert response.status_code == 201, response.text
        return {**response.json(), "password": body["password"]}

    return create


def error_of(response: Any) -> dict[str, Any]:
    """The contract's error object of a response, after checking its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["fields"], dict)
    return error
