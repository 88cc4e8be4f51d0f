"""Seed data and storage: deterministic, valid, and the large set for benchmarks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from apps.api.db import Database, open_connection
from apps.api.rules import CATEGORIES, TYPES, check_definition
from apps.api.seed import DEFINITIONS, HEAVY_SETTING_KEY, HEAVY_USER_EMAIL, prepare_database


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def test_seed_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    prepare_database(first)
    prepare_database(second)
    for sql in (
        "SELECT * FROM definitions ORDER BY id",
        "SELECT id, email, display_name, role, theme, language, active, created_at"
        " FROM users ORDER BY id",
    ):
        assert _rows(first, sql) == _rows(second, sql)
    assert _rows(first, "SELECT count(*) FROM history") == [(0,)]


def test_seed_has_forty_definitions_of_every_type_in_five_categories() -> None:
    assert list(DEFINITIONS) == list(CATEGORIES)
    for rows in DEFINITIONS.values():
        assert len(rows) == 8
        assert {kind for _, _, _, kind, _, _ in rows} == set(TYPES)


def test_seed_defaults_fit_their_constraints() -> None:
    for category, rows in DEFINITIONS.items():
        for key, label, description, kind, default, constraints in rows:
            kept, errors = check_definition(
                label=label,
                description=description,
                category=category,
                kind=kind,
                default=default,
                constraints=constraints,
            )
            assert errors == {}, key
            assert kept == constraints, key


def test_preparing_twice_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite3"
    prepare_database(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE users SET display_name = 'Changed' WHERE id = 1")
    conn.commit()
    conn.close()
    prepare_database(path)
    assert _rows(path, "SELECT display_name FROM users WHERE id = 1") == [("Changed",)]
    assert _rows(path, "SELECT count(*) FROM users") == [(2,)]


def test_connections_use_wal_and_foreign_keys(db_path: Path) -> None:
    conn = open_connection(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        conn.close()


def test_the_pool_reuses_connections_and_rolls_back_leftovers(db_path: Path) -> None:
    database = Database(db_path, pool_size=1)
    with database.connection() as conn:
        conn.execute("BEGIN")
        conn.execute("DELETE FROM definitions")
    with database.connection() as again:
        assert again is conn
        assert again.execute("SELECT count(*) FROM definitions").fetchone()[0] == 40
    database.close()


def test_large_seed(tmp_path: Path) -> None:
    path = tmp_path / "large.sqlite3"
    prepare_database(path, large=True)
    counts = {
        table: _rows(path, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("users", "definitions", "history", "audit")
    }
    assert counts == {"users": 10_002, "definitions": 240, "history": 100_000, "audit": 20_000}
    # Full-text indexes were rebuilt after the bulk insert, and their triggers are back.
    assert _rows(path, "SELECT count(*) FROM users_fts WHERE users_fts MATCH '\"heavy.hist\"'") == [
        (1,)
    ]
    assert _rows(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == [(8,)]
    heavy = _rows(
        path,
        "SELECT count(*) FROM history AS h JOIN users AS u ON u.id = h.user_id"
        " JOIN definitions AS d ON d.id = h.definition_id"
        f" WHERE u.email = '{HEAVY_USER_EMAIL}' AND d.key = '{HEAVY_SETTING_KEY}'",
    )[0][0]
    assert heavy >= 20_000
    # Each value is the last change of its history.
    mismatches = _rows(
        path,
        """
        SELECT count(*) FROM user_values AS v
        JOIN history AS h ON h.id = (SELECT max(id) FROM history
                                     WHERE user_id = v.user_id AND definition_id = v.definition_id)
        JOIN definitions AS d ON d.id = v.definition_id
        WHERE coalesce(v.value_json, d.default_json) != h.new_value""",
    )
    assert mismatches == [(0,)]
    prepare_database(path, large=True)  # only once
    assert _rows(path, "SELECT count(*) FROM users")[0][0] == 10_002
    assert (
        json.loads(_rows(path, "SELECT default_json FROM definitions WHERE id = 1")[0][0])
        == "Dashboard"
    )
