"""The settings apps' users under load: the journeys of the specs' own API flows.

A Locust file (the engine's runner runs it, and so does `locust -f` on any machine):
people on the web app sign in (the answer carries the session's CSRF token), open the
dashboard and the settings list, search, change a setting and reset it, and read its
history; an admin on the admin app opens the overview, the users (and searches them),
the definitions and the audit log. Think times between steps, weights between journeys;
the users, ramp and duration come from [load] in playwright.config.toml.

Requests are named by route ("/api/settings/{key}"), so that every key counts as one
endpoint. Accounts: the seeded ones, or E2E_USER_EMAIL / E2E_USER_PASSWORD and the
ADMIN pair against a deployment (as for the specs). A user changes a setting only to
reset it at once, so the account's settings end as they began.
"""

from __future__ import annotations

import os
import random
from typing import Any

from locust import between, task

from sitewise.load import TargetUser

SEARCHES = ("email", "theme", "notif", "privacy", "lang", "digest", "time zone")
PAGE_SIZE = 20


def account(role: str, email: str, password: str) -> tuple[str, str]:
    prefix = f"E2E_{role.upper()}_"
    return os.environ.get(prefix + "EMAIL", email), os.environ.get(prefix + "PASSWORD", password)


class SignedIn(TargetUser):
    """A user of one app signed in through the API; mutating calls send the CSRF token."""

    abstract = True
    role = "user"
    seeded: tuple[str, str] = ("", "")
    csrf_token = ""

    def on_start(self) -> None:
        email, password = account(self.role, *self.seeded)
        with self.client.post(
            "/api/auth/login",
            json={"email": email, "password": password},
            name="/api/auth/login",
            catch_response=True,
        ) as response:
            body: Any = response.json() if response.status_code == 200 else None
            if not isinstance(body, dict) or not body.get("csrf_token"):
                response.failure(f"sign-in as {email} answered {response.status_code}")
                self.stop()
                return
            self.csrf_token = str(body["csrf_token"])

    def get(self, path: str, name: str, **query: str | int) -> Any:
        with self.client.get(path, params=query or None, name=name, catch_response=True) as r:
            return r.json() if r.status_code == 200 else None

    def write(self, method: str, path: str, name: str, body: Any = None) -> Any:
        headers = {"X-CSRF-Token": self.csrf_token}
        with self.client.request(
            method, path, json=body, headers=headers, name=name, catch_response=True
        ) as r:
            return r.json() if r.status_code == 200 else None


class WebUser(SignedIn):
    """Someone on the web app, looking at and changing their own settings."""

    target = "web"
    role = "user"
    seeded = ("user@example.com", "user-password-1")
    weight = 9
    wait_time = between(1, 4)
    switches: list[dict[str, Any]]

    def on_start(self) -> None:
        self.switches = []
        super().on_start()

    @task(3)
    def dashboard(self) -> None:
        self.get("/api/auth/me", "/api/auth/me")
        self.get("/api/settings/categories", "/api/settings/categories")
        self.get("/api/settings", "/api/settings", sort="-updated", page_size=5)

    @task(3)
    def settings_list(self) -> None:
        page = self.get("/api/settings", "/api/settings", sort="label", page=1, page_size=PAGE_SIZE)
        if isinstance(page, dict):
            self.switches = [i for i in page.get("items", []) if i.get("type") == "boolean"]

    @task(2)
    def search(self) -> None:
        self.get(
            "/api/settings", "/api/settings", q=random.choice(SEARCHES), page=1, page_size=PAGE_SIZE
        )

    @task(1)
    def change_and_reset(self) -> None:
        if not self.switches:
            self.settings_list()
        if not self.switches:
            return
        item = random.choice(self.switches)
        path = f"/api/settings/{item['key']}"
        self.write("PUT", path, "/api/settings/{key}", {"value": not item["value"]})
        self.write("POST", f"{path}/reset", "/api/settings/{key}/reset")

    @task(1)
    def history(self) -> None:
        if not self.switches:
            return
        key = random.choice(self.switches)["key"]
        self.get(
            f"/api/settings/{key}/history",
            "/api/settings/{key}/history",
            page=1,
            page_size=PAGE_SIZE,
        )
        self.get(f"/api/settings/{key}", "/api/settings/{key}")


class AdminUser(SignedIn):
    """An admin on the admin app: overview, users, definitions, audit log."""

    target = "admin"
    role = "admin"
    seeded = ("admin@example.com", "admin-password-1")
    weight = 1
    wait_time = between(2, 6)

    @task(2)
    def overview(self) -> None:
        self.get("/api/admin/overview", "/api/admin/overview")

    @task(2)
    def users(self) -> None:
        self.get("/api/admin/users", "/api/admin/users", sort="email", page=1, page_size=PAGE_SIZE)

    @task(1)
    def search_users(self) -> None:
        self.get("/api/admin/users", "/api/admin/users", q="example", page=1, page_size=PAGE_SIZE)

    @task(2)
    def definitions(self) -> None:
        self.get(
            "/api/admin/definitions",
            "/api/admin/definitions",
            sort="label",
            page=1,
            page_size=PAGE_SIZE,
        )

    @task(1)
    def audit_log(self) -> None:
        self.get("/api/admin/audit", "/api/admin/audit", page=1, page_size=PAGE_SIZE)
