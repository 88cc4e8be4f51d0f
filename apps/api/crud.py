"""Rows to bodies, and the few reads and writes several routes share."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from apps.api.db import now_iso
from apps.api.errors import not_found
from apps.api.models import (
    AuditOut,
    DefinitionOut,
    HistoryOut,
    Page,
    SettingOut,
    UserOut,
)
from apps.api.queries import ListSql, PageRequest, walk_is_cheaper

T = TypeVar("T")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dump(value: Any) -> str:
    return _ENCODER.encode(value)


def user_out(row: sqlite3.Row) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        theme=row["theme"],
        language=row["language"],
        active=bool(row["active"]),
        created_at=row["created_at"],
    )


def definition_out(row: sqlite3.Row) -> DefinitionOut:
    return DefinitionOut(
        key=row["key"],
        label=row["label"],
        description=row["description"],
        category=row["category"],
        type=row["type"],
        default=json.loads(row["default_json"]),
        constraints=json.loads(row["constraints_json"]),
        updated_at=row["updated_at"],
    )


def setting_out(row: sqlite3.Row) -> SettingOut:
    """A definition row joined with the caller's value_json and value_updated_at."""
    default = json.loads(row["default_json"])
    own = row["value_json"]
    return SettingOut(
        key=row["key"],
        label=row["label"],
        description=row["description"],
        category=row["category"],
        type=row["type"],
        default=default,
        value=default if own is None else json.loads(own),
        is_default=own is None,
        constraints=json.loads(row["constraints_json"]),
        updated_at=row["value_updated_at"],
    )


def history_out(row: sqlite3.Row) -> HistoryOut:
    return HistoryOut(
        id=row["id"],
        action=row["action"],
        old_value=json.loads(row["old_value"]),
        new_value=json.loads(row["new_value"]),
        changed_at=row["changed_at"],
    )


def audit_out(row: sqlite3.Row) -> AuditOut:
    return AuditOut(
        id=row["id"],
        at=row["at"],
        actor_email=row["actor_email"],
        action=row["action"],
        target=row["target"],
        details=row["details"],
    )


def fetch_page(
    conn: sqlite3.Connection,
    queries: ListSql,
    convert: Callable[[sqlite3.Row], T],
    page: PageRequest,
) -> Page[T]:
    """Count first: a page past the end is not read, and a search's count picks the
    cheaper of its two plans for the page (see apps.api.queries)."""
    total: int = conn.execute(*queries.count).fetchone()[0]
    items: list[T] = []
    if total > page.offset:
        select = queries.select
        if queries.walk is not None and queries.size is not None:
            rows = conn.execute(*queries.size).fetchone()[0] or 0
            if walk_is_cheaper(total, rows, page):
                select = queries.walk
        items = [convert(row) for row in conn.execute(*select)]
    return Page[T](items=items, total=total, page=page.page, page_size=page.page_size)


def get_user(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM users WHERE id = ?", (user_id,)
    ).fetchone()
    if row is None:
        raise not_found("User not found.")
    return row


def get_definition(conn: sqlite3.Connection, key: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM definitions WHERE key = ?", (key,)
    ).fetchone()
    if row is None:
        raise not_found("Setting not found.")
    return row


def get_setting(conn: sqlite3.Connection, user_id: int, key: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT d.*, uv.value_json, uv.updated_at AS value_updated_at FROM definitions AS d"
        " LEFT JOIN user_values AS uv ON uv.user_id = ? AND uv.definition_id = d.id"
        " WHERE d.key = ?",
        (user_id, key),
    ).fetchone()
    if row is None:
        raise not_found("Setting not found.")
    return row


def record_audit(
    conn: sqlite3.Connection, actor_email: str, action: str, target: str, details: str = ""
) -> None:
    conn.execute(
        "INSERT INTO audit (at, actor_email, action, target, details) VALUES (?, ?, ?, ?, ?)",
        (now_iso(), actor_email, action, target, details),
    )


def record_change(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    definition_id: int,
    action: str,
    old_value: Any,
    new_value: Any,
    own_value: Any | None,
) -> None:
    """Store the caller's value (None: back to the default) and append it to history."""
    at = now_iso()
    conn.execute(
        "INSERT INTO user_values (user_id, definition_id, value_json, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, definition_id)"
        " DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at",
        (user_id, definition_id, None if own_value is None else dump(own_value), at),
    )
    conn.execute(
        "INSERT INTO history (user_id, definition_id, action, old_value, new_value, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, definition_id, action, dump(old_value), dump(new_value), at),
    )


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> str:
    """ "role: user → admin; active: true → false" for the audit log."""

    def show(value: Any) -> str:
        return value if isinstance(value, str) else dump(value)

    parts = [
        f"{name}: {show(before[name])} → {show(after[name])}"
        for name in after
        if name in before and before[name] != after[name]
    ]
    return "; ".join(parts)
