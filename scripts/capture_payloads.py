"""Capture the API payloads the visual specs render from, out of a fresh reference system.

    python scripts/capture_payloads.py

Starts the bundled apps on a temporary database, makes a few changes (so the pages
have history, customised values, audit events and several users), reads every GET
answer the pages need, replaces each timestamp by a fixed one (the visual specs freeze
the clock at [visual] frozen_time) and writes fixtures/payloads/visual/*.json. Run it
again when the API's payload shapes change, then review the new screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fixtures.api import ApiClient  # noqa: E402
from fixtures.targets import start_bundled_apps  # noqa: E402
from sitewise.config.model import VisualConfig  # noqa: E402

OUT = ROOT / "fixtures" / "payloads" / "visual"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
PEOPLE = [
    ("Ada Lovelace", "ada@example.com", "admin"),
    ("Grace Hopper", "grace@example.com", "user"),
    ("Alan Turing", "alan@example.com", "user"),
    ("Katherine Johnson", "katherine@example.com", "user"),
    ("Edsger Dijkstra", "edsger@example.com", "user"),
]


def timestamps(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(timestamps(v) for v in value.values()), set())
    if isinstance(value, list):
        return set().union(*(timestamps(v) for v in value), set())
    return {value} if isinstance(value, str) and ISO.match(value) else set()


class Clock:
    """Maps each real timestamp to a fixed one before the frozen time, keeping their order."""

    def __init__(self, frozen: dt.datetime, seen: set[str]) -> None:
        newest_first = sorted(seen, reverse=True)
        self.fixed = {
            value: (frozen - dt.timedelta(minutes=37 * (rank + 1))).strftime("%Y-%m-%dT%H:%M:%SZ")
            for rank, value in enumerate(newest_first)
        }

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return self.fixed.get(value, value) if isinstance(value, str) else value


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        apps = start_bundled_apps(db_path=Path(tmp) / "db.sqlite", log_path=Path(tmp) / "log")
        try:
            targets = apps.targets
            admin_account = targets.account("admin")
            user_account = targets.account("user")
            admin = ApiClient.signed_in(
                playwright, targets.admin, admin_account.email, admin_account.password
            )
            for name, email, role in PEOPLE:
                admin.call(
                    "POST",
                    "/api/admin/users",
                    {
                        "email": email,
                        "display_name": name,
                        "password": "password-1234",
                        "role": role,
                    },
                )
            user = ApiClient.signed_in(
                playwright, targets.web, user_account.email, user_account.password
            )
            listing = user.get("/api/settings", page_size=100)["items"]
            by_type = {item["type"]: item for item in reversed(listing)}
            text = by_type["text"]
            changes = [
                (by_type["boolean"]["key"], not by_type["boolean"]["default"]),
                (by_type["choice"]["key"], by_type["choice"]["constraints"]["options"][-1]),
                (text["key"], "Quarterly report"),
                (text["key"], "Monthly report"),
            ]
            for key, value in changes:
                user.call("PUT", f"/api/settings/{key}", {"value": value})
            user.call("POST", f"/api/settings/{by_type['boolean']['key']}/reset")

            captured = {
                "me_user": user.get("/api/auth/me"),
                "me_admin": admin.get("/api/auth/me"),
                "settings_all": user.get("/api/settings", page_size=100),
                "settings_categories": user.get("/api/settings/categories"),
                "setting": user.get(f"/api/settings/{text['key']}"),
                "setting_history": user.get(f"/api/settings/{text['key']}/history"),
                "admin_overview": admin.get("/api/admin/overview"),
                "admin_users": admin.get("/api/admin/users", page_size=20),
                "admin_definitions": admin.get("/api/admin/definitions", page_size=20),
                "admin_audit": admin.get("/api/admin/audit", page_size=20),
            }
            clock = Clock(VisualConfig().frozen_time, timestamps(captured))
            for name, body in captured.items():
                if isinstance(body, dict):
                    body.pop("csrf_token", None)
                path = OUT / f"{name}.json"
                path.write_text(json.dumps(clock(body), indent=2, ensure_ascii=False) + "\n")
                print(f"wrote {path.relative_to(ROOT)}")
            admin.close()
            user.close()
        finally:
            apps.stop()


if __name__ == "__main__":
    main()
