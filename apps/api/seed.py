"""Deterministic seed data, and the large data set for benchmarks (--seed-large)."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apps.api.crud import dump
from apps.api.db import create_schema, format_time, open_connection, transaction
from apps.api.rules import CATEGORIES
from apps.api.security import hash_password

ACCOUNTS = (
    {
        "role": "admin",
        "email": "admin@example.com",
        "password": "admin-password-1",
        "display_name": "Avery Admin",
    },
    {
        "role": "user",
        "email": "user@example.com",
        "password": "user-password-1",
        "display_name": "Jordan User",
    },
)
SEED_TIME = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)

# (key, label, description, type, default, constraints): eight per category, every
# type in each.
DEFINITIONS: dict[str, list[tuple[str, str, str, str, Any, dict[str, Any]]]] = {
    "General": [
        (
            "general.start_page",
            "Start page",
            "The page you see first after signing in.",
            "choice",
            "Dashboard",
            {"options": ["Dashboard", "Settings", "Profile"]},
        ),
        (
            "general.date_format",
            "Date format",
            "How dates are written across the app.",
            "choice",
            "YYYY-MM-DD",
            {"options": ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"]},
        ),
        (
            "general.clock_24h",
            "24-hour clock",
            "Show times as 14:30 instead of 2:30 PM.",
            "boolean",
            True,
            {},
        ),
        (
            "general.week_starts_monday",
            "Week starts on Monday",
            "Calendars and date pickers start the week on Monday rather than Sunday.",
            "boolean",
            True,
            {},
        ),
        (
            "general.session_timeout",
            "Session timeout (minutes)",
            "Sign out automatically after this many minutes without activity.",
            "number",
            30,
            {"min": 5, "max": 480},
        ),
        (
            "general.items_per_page",
            "Items per page",
            "How many rows lists show at once.",
            "number",
            20,
            {"min": 10, "max": 100},
        ),
        (
            "general.time_zone",
            "Time zone",
            "The time zone used for dates and reminders, as an IANA name such as Europe/Paris.",
            "text",
            "UTC",
            {"max_length": 64},
        ),
        (
            "general.email_signature",
            "Email signature",
            "Text added at the end of the emails you send from the app.",
            "text",
            "",
            {"max_length": 500},
        ),
    ],
    "Appearance": [
        (
            "appearance.compact_mode",
            "Compact mode",
            "Show more content on screen by reducing spacing.",
            "boolean",
            False,
            {},
        ),
        (
            "appearance.reduce_motion",
            "Reduce motion",
            "Turn off animations and transitions.",
            "boolean",
            False,
            {},
        ),
        (
            "appearance.font_size",
            "Font size",
            "The size of text throughout the app.",
            "choice",
            "Medium",
            {"options": ["Small", "Medium", "Large", "Extra large"]},
        ),
        (
            "appearance.accent_color",
            "Accent color",
            "The color of buttons, links and highlights.",
            "choice",
            "Blue",
            {"options": ["Blue", "Green", "Purple", "Orange"]},
        ),
        (
            "appearance.sidebar_width",
            "Sidebar width (pixels)",
            "How wide the navigation sidebar is on large screens.",
            "number",
            280,
            {"min": 200, "max": 480},
        ),
        (
            "appearance.line_spacing",
            "Line spacing",
            "Space between lines of text, as a multiple of the font size.",
            "number",
            1.5,
            {"min": 1, "max": 2},
        ),
        (
            "appearance.dashboard_greeting",
            "Dashboard greeting",
            "The greeting shown at the top of your dashboard.",
            "text",
            "Welcome back",
            {"max_length": 60},
        ),
        (
            "appearance.show_avatars",
            "Show avatars",
            "Show profile pictures next to names in lists.",
            "boolean",
            True,
            {},
        ),
    ],
    "Notifications": [
        (
            "notifications.email_digest",
            "Email digest",
            "A summary email of what changed while you were away.",
            "choice",
            "Weekly",
            {"options": ["Never", "Daily", "Weekly"]},
        ),
        (
            "notifications.push_enabled",
            "Push notifications",
            "Send notifications to your browser and devices.",
            "boolean",
            True,
            {},
        ),
        (
            "notifications.mentions_only",
            "Only mentions",
            "Notify me only when someone mentions me.",
            "boolean",
            False,
            {},
        ),
        (
            "notifications.sound",
            "Notification sound",
            "Play a sound when a notification arrives.",
            "boolean",
            True,
            {},
        ),
        (
            "notifications.channel",
            "Preferred channel",
            "Where urgent notifications are sent first.",
            "choice",
            "Email",
            {"options": ["Email", "SMS", "In-app"]},
        ),
        (
            "notifications.quiet_hours_start",
            "Quiet hours start (hour)",
            "No notifications from this hour of the day (0-23).",
            "number",
            22,
            {"min": 0, "max": 23},
        ),
        (
            "notifications.reminder_lead_time",
            "Reminder lead time (minutes)",
            "How long before an event its reminder is sent.",
            "number",
            15,
            {"min": 0, "max": 1440},
        ),
        (
            "notifications.forward_address",
            "Forwarding address",
            "Also send notification emails to this address.",
            "text",
            "",
            {"max_length": 254},
        ),
    ],
    "Privacy": [
        (
            "privacy.profile_visibility",
            "Profile visibility",
            "Who can see your profile and activity.",
            "choice",
            "Team",
            {"options": ["Public", "Team", "Private"]},
        ),
        (
            "privacy.show_online_status",
            "Show online status",
            "Let others see when you are online.",
            "boolean",
            True,
            {},
        ),
        (
            "privacy.usage_analytics",
            "Share usage analytics",
            "Help improve the product by sending anonymous usage data.",
            "boolean",
            True,
            {},
        ),
        (
            "privacy.search_indexing",
            "Search engine indexing",
            "Allow search engines to index your public profile.",
            "boolean",
            False,
            {},
        ),
        (
            "privacy.data_retention_days",
            "Data retention (days)",
            "Delete your activity history after this many days.",
            "number",
            365,
            {"min": 30, "max": 3650},
        ),
        (
            "privacy.cookie_preferences",
            "Cookie preferences",
            "Which optional cookies the app may set.",
            "choice",
            "Essential only",
            {"options": ["Essential only", "Functional", "All"]},
        ),
        (
            "privacy.blocked_domains",
            "Blocked domains",
            "Comma-separated domains whose users cannot contact you.",
            "text",
            "",
            {"max_length": 500},
        ),
        (
            "privacy.login_alerts",
            "Sign-in alerts",
            "Email me when my account is used from a new device.",
            "boolean",
            True,
            {},
        ),
    ],
    "Integrations": [
        (
            "integrations.slack_enabled",
            "Slack notifications",
            "Post notifications to a Slack channel.",
            "boolean",
            False,
            {},
        ),
        (
            "integrations.slack_channel",
            "Slack channel",
            "The channel that receives notifications, such as #general.",
            "text",
            "#general",
            {"max_length": 80},
        ),
        (
            "integrations.webhook_url",
            "Webhook URL",
            "An HTTPS address that receives a POST for every change.",
            "text",
            "",
            {"max_length": 2048},
        ),
        (
            "integrations.calendar_provider",
            "Calendar provider",
            "The calendar that events and reminders sync with.",
            "choice",
            "None",
            {"options": ["None", "Google", "Outlook", "CalDAV"]},
        ),
        (
            "integrations.sync_interval",
            "Sync interval (minutes)",
            "How often connected services are synchronised.",
            "number",
            15,
            {"min": 5, "max": 1440},
        ),
        (
            "integrations.api_rate_limit",
            "API requests per minute",
            "The most requests your API tokens may make each minute.",
            "number",
            60,
            {"min": 1, "max": 1000},
        ),
        (
            "integrations.github_autolink",
            "Link GitHub issues",
            "Turn references such as #123 into links to GitHub issues.",
            "boolean",
            True,
            {},
        ),
        (
            "integrations.export_format",
            "Export format",
            "The file format of data exports.",
            "choice",
            "CSV",
            {"options": ["CSV", "JSON", "XLSX"]},
        ),
    ],
}

# --seed-large
LARGE_USERS = 10_000
LARGE_DEFINITIONS = 200
LARGE_HISTORY = 100_000
LARGE_AUDIT = 20_000
LARGE_PASSWORD = "user-password-1"
# The user whose one setting has a long history (for the history benchmark).
HEAVY_USER_EMAIL = "heavy.history@example.org"
HEAVY_SETTING_KEY = "general.session_timeout"
HEAVY_HISTORY = 20_000

_FIRST = (
    "Alex",
    "Blake",
    "Casey",
    "Dana",
    "Eden",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jamie",
    "Kai",
    "Logan",
    "Morgan",
    "Noa",
    "Oakley",
    "Parker",
    "Quinn",
    "Riley",
    "Sage",
    "Taylor",
    "Uma",
    "Val",
    "Wren",
    "Yael",
    "Zoe",
    "Élise",
    "Jürgen",
    "Søren",
)
_LAST = (
    "Andersen",
    "Baker",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Vargas",
    "Weber",
    "Young",
    "Zhang",
)
_ADJECTIVES = (
    "Automatic",
    "Weekly",
    "Shared",
    "Default",
    "Advanced",
    "Secure",
    "Quick",
    "Detailed",
    "Offline",
    "Smart",
    "Daily",
    "Custom",
    "Legacy",
    "Public",
)
_NOUNS = (
    "backups",
    "reports",
    "previews",
    "summaries",
    "exports",
    "uploads",
    "alerts",
    "suggestions",
    "shortcuts",
    "filters",
    "labels",
    "templates",
    "archives",
)


def prepare_database(path: Path, *, large: bool = False) -> None:
    """Create the schema and the seed data when missing; add the large data set once."""
    create_schema(path)
    conn = open_connection(path)
    try:
        if conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0:
            seed(conn)
        if large and conn.execute("SELECT 1 FROM meta WHERE key = 'seed_large'").fetchone() is None:
            seed_large(conn)
    finally:
        conn.close()


def seed(conn: sqlite3.Connection) -> None:
    at = format_time(SEED_TIME)
    with transaction(conn):
        for offset, account in enumerate(ACCOUNTS):
            conn.execute(
                "INSERT INTO users (email, display_name, password_hash, role, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    account["email"],
                    account["display_name"],
                    hash_password(account["password"]),
                    account["role"],
                    format_time(SEED_TIME + timedelta(minutes=offset)),
                ),
            )
        conn.executemany(
            "INSERT INTO definitions (key, label, description, category, type, default_json,"
            " constraints_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (key, label, description, category, kind, dump(default), dump(constraints), at, at)
                for category, rows in DEFINITIONS.items()
                for key, label, description, kind, default, constraints in rows
            ],
        )


def _large_definition(rng: random.Random, n: int) -> tuple[Any, ...]:
    category = CATEGORIES[n % len(CATEGORIES)]
    kind = ("boolean", "choice", "text", "number")[n % 4]
    adjective, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
    label = f"{adjective} {noun} {n:03d}"
    description = f"{adjective} {noun} for {category.lower()} workflows, option {n}."
    default: Any
    constraints: dict[str, Any]
    if kind == "boolean":
        default, constraints = n % 2 == 0, {}
    elif kind == "choice":
        constraints = {"options": ["Off", "Low", "Medium", "High"]}
        default = "Medium"
    elif kind == "text":
        default, constraints = "", {"max_length": 200}
    else:
        default, constraints = 10, {"min": 0, "max": 1000}
    key = f"{category.lower()}.extra_{noun}_{n:03d}"
    return key, label, description, category, kind, default, constraints


def _sample_value(rng: random.Random, kind: str, constraints: dict[str, Any]) -> Any:
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "choice":
        return rng.choice(constraints["options"])
    if kind == "text":
        return rng.choice(("", "Hello", "#team", "Europe/Paris", "ops@example.org"))[
            : constraints.get("max_length", 200)
        ]
    low, high = constraints.get("min", 0), constraints.get("max", 1000)
    return rng.randint(int(low), int(high))


@contextmanager
def _fts_rebuilt_after(conn: sqlite3.Connection, tables: tuple[str, ...]) -> Iterator[None]:
    """Bulk inserts without the per-row FTS triggers, then one rebuild of each index:
    about twenty times faster for tens of thousands of rows."""
    triggers = {
        name: sql
        for table in tables
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (f"{table}_fts_insert",),
        )
    }
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    yield
    for table in tables:
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
    for sql in triggers.values():
        conn.execute(sql)


def seed_large(conn: sqlite3.Connection) -> None:
    """10,000 users, 200 more definitions, 100,000 history rows, 20,000 audit events.

    All large-seed users share one password hash (computed once: hashing 10,000
    passwords would take minutes) and the password LARGE_PASSWORD.
    """
    rng = random.Random(20240115)
    started = time.perf_counter()
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB: random index inserts stay in memory
    password_hash = hash_password(LARGE_PASSWORD)
    base = SEED_TIME + timedelta(days=1)
    with transaction(conn), _fts_rebuilt_after(conn, ("users", "definitions", "audit")):
        users = [(HEAVY_USER_EMAIL, "Heavy History", "user", 1, format_time(base))]
        for n in range(1, LARGE_USERS):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            email = f"{first}.{last}.{n:05d}@example.org".lower()
            role = "admin" if n % 100 == 0 else "user"
            users.append(
                (
                    email,
                    f"{first} {last}",
                    role,
                    int(n % 23 != 0),
                    format_time(base + timedelta(minutes=7 * n)),
                )
            )
        conn.executemany(
            "INSERT INTO users (email, display_name, password_hash, role, active, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(e, d, password_hash, r, a, c) for e, d, r, a, c in users],
        )
        conn.executemany(
            "INSERT INTO definitions (key, label, description, category, type, default_json,"
            " constraints_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    key,
                    label,
                    desc,
                    cat,
                    kind,
                    dump(default),
                    dump(cons),
                    format_time(base),
                    format_time(base + timedelta(hours=n)),
                )
                for n in range(1, LARGE_DEFINITIONS + 1)
                for key, label, desc, cat, kind, default, cons in [_large_definition(rng, n)]
            ],
        )
        user_ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM users WHERE email LIKE '%@example.org' ORDER BY id"
            )
        ]
        heavy_id = conn.execute(
            "SELECT id FROM users WHERE email = ?", (HEAVY_USER_EMAIL,)
        ).fetchone()[0]
        definitions = [
            (
                row["id"],
                row["key"],
                row["type"],
                json.loads(row["default_json"]),
                json.loads(row["constraints_json"]),
            )
            for row in conn.execute("SELECT * FROM definitions ORDER BY id")
        ]
        by_key = {d[1]: d for d in definitions}
        _seed_history(conn, rng, user_ids, definitions, by_key[HEAVY_SETTING_KEY], heavy_id)
        _seed_audit(conn, rng, users)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('seed_large', ?)",
            (f"{time.perf_counter() - started:.2f}s",),
        )


Definition = tuple[int, str, str, Any, dict[str, Any]]  # id, key, type, default, constraints


def _seed_history(
    conn: sqlite3.Connection,
    rng: random.Random,
    user_ids: list[int],
    definitions: list[Definition],
    heavy_definition: Definition,
    heavy_id: int,
) -> None:
    """History in time order (ids follow time), with each user's current value matching
    the last change."""
    events: list[tuple[int, Definition]] = [(heavy_id, heavy_definition)] * HEAVY_HISTORY
    events += [
        (rng.choice(user_ids), rng.choice(definitions))
        for _ in range(LARGE_HISTORY - HEAVY_HISTORY)
    ]
    rng.shuffle(events)
    start = SEED_TIME + timedelta(days=2)
    current: dict[tuple[int, int], tuple[Any, str]] = {}  # own value (None: default), when
    rows = []
    for n, (user_id, (definition_id, _, kind, default, constraints)) in enumerate(events):
        at = format_time(start + timedelta(seconds=30 * n))
        own = current.get((user_id, definition_id), (None, ""))[0]
        old = default if own is None else own
        if own is not None and rng.random() < 0.1:
            action, new, own = "reset", default, None
        else:
            action = "set"
            new = own = _sample_value(rng, kind, constraints)
        current[(user_id, definition_id)] = (own, at)
        rows.append((user_id, definition_id, action, dump(old), dump(new), at))
    conn.executemany(
        "INSERT INTO history (user_id, definition_id, action, old_value, new_value, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO user_values (user_id, definition_id, value_json, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [
            (user_id, definition_id, None if own is None else dump(own), at)
            for (user_id, definition_id), (own, at) in current.items()
        ],
    )


def _seed_audit(
    conn: sqlite3.Connection, rng: random.Random, users: list[tuple[str, str, str, int, str]]
) -> None:
    admins = [u[0] for u in users if u[2] == "admin"] + [ACCOUNTS[0]["email"]]
    start = SEED_TIME + timedelta(days=2)
    rows = []
    for n in range(LARGE_AUDIT):
        at = format_time(start + timedelta(minutes=15 * n))
        roll = rng.random()
        if roll < 0.6:
            email = rng.choice(users)[0]
            rows.append((at, email, "user.login", email, "Signed in to the web app"))
        elif roll < 0.75:
            email = rng.choice(users)[0]
            rows.append((at, email, "user.logout", email, "Signed out of the web app"))
        elif roll < 0.9:
            target = rng.choice(users)[0]
            rows.append((at, rng.choice(admins), "user.update", target, "active: true → false"))
        else:
            rows.append(
                (
                    at,
                    rng.choice(admins),
                    "definition.update",
                    rng.choice(DEFINITIONS["General"])[0],
                    "default: 30 → 45",
                )
            )
    conn.executemany(
        "INSERT INTO audit (at, actor_email, action, target, details) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
