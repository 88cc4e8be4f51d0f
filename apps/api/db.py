"""SQLite storage: schema, a small connection pool and transactions.

Every query runs in SQL (search, filters, sort and pagination); nothing is filtered in
Python. Writers take the lock up front (BEGIN IMMEDIATE) so that two writers never
deadlock on a lock upgrade; readers never wait for writers thanks to WAL.
"""

from __future__ import annotations

import queue
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    theme TEXT NOT NULL DEFAULT 'system' CHECK (theme IN ('system', 'light', 'dark')),
    language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr', 'de')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_display_name ON users (display_name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS users_created_at ON users (created_at);
CREATE INDEX IF NOT EXISTS users_role_email ON users (role, email);
CREATE INDEX IF NOT EXISTS users_active_email ON users (active, email);

-- Substring search over email and display name (trigram: case-insensitive, 3+ chars).
CREATE VIRTUAL TABLE IF NOT EXISTS users_fts USING fts5(
    email, display_name, content='users', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, email, display_name)
    VALUES (new.id, new.email, new.display_name);
END;
CREATE TRIGGER IF NOT EXISTS users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, email, display_name)
    VALUES ('delete', old.id, old.email, old.display_name);
END;
CREATE TRIGGER IF NOT EXISTS users_fts_update AFTER UPDATE OF email, display_name ON users
BEGIN
    INSERT INTO users_fts (users_fts, rowid, email, display_name)
    VALUES ('delete', old.id, old.email, old.display_name);
    INSERT INTO users_fts (rowid, email, display_name)
    VALUES (new.id, new.email, new.display_name);
END;

CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);

-- Failed sign-ins in a row, per normalised email, known or not.
CREATE TABLE IF NOT EXISTS login_failures (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS definitions (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('boolean', 'choice', 'text', 'number')),
    default_json TEXT NOT NULL,
    constraints_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS definitions_label ON definitions (label COLLATE NOCASE, key);
CREATE INDEX IF NOT EXISTS definitions_category
    ON definitions (category, label COLLATE NOCASE, key);
CREATE INDEX IF NOT EXISTS definitions_updated_at ON definitions (updated_at);

CREATE VIRTUAL TABLE IF NOT EXISTS definitions_fts USING fts5(
    label, description, content='definitions', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
CREATE TRIGGER IF NOT EXISTS definitions_fts_insert AFTER INSERT ON definitions BEGIN
    INSERT INTO definitions_fts (rowid, label, description)
    VALUES (new.id, new.label, new.description);
END;
CREATE TRIGGER IF NOT EXISTS definitions_fts_delete AFTER DELETE ON definitions BEGIN
    INSERT INTO definitions_fts (definitions_fts, rowid, label, description)
    VALUES ('delete', old.id, old.label, old.description);
END;
CREATE TRIGGER IF NOT EXISTS definitions_fts_update
AFTER UPDATE OF label, description ON definitions BEGIN
    INSERT INTO definitions_fts (definitions_fts, rowid, label, description)
    VALUES ('delete', old.id, old.label, old.description);
    INSERT INTO definitions_fts (rowid, label, description)
    VALUES (new.id, new.label, new.description);
END;

-- A user's own value; value_json NULL means "back to the default" (kept so that
-- updated_at still tells when the user last changed the setting).
CREATE TABLE IF NOT EXISTS user_values (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    definition_id INTEGER NOT NULL REFERENCES definitions (id) ON DELETE CASCADE,
    value_json TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, definition_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_values_definition ON user_values (definition_id);

-- Rows are appended in time order, so id order is change order.
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    definition_id INTEGER NOT NULL REFERENCES definitions (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('set', 'reset')),
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_user_definition ON history (user_id, definition_id);
CREATE INDEX IF NOT EXISTS history_definition ON history (definition_id);

-- Actors are kept by email so that entries outlive deleted users.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE INDEX IF NOT EXISTS audit_action_at ON audit (action, at);

CREATE VIRTUAL TABLE IF NOT EXISTS audit_fts USING fts5(
    actor_email, content='audit', content_rowid='id', tokenize='trigram'
);
CREATE TRIGGER IF NOT EXISTS audit_fts_insert AFTER INSERT ON audit BEGIN
    INSERT INTO audit_fts (rowid, actor_email) VALUES (new.id, new.actor_email);
END;
CREATE TRIGGER IF NOT EXISTS audit_fts_delete AFTER DELETE ON audit BEGIN
    INSERT INTO audit_fts (audit_fts, rowid, actor_email)
    VALUES ('delete', old.id, old.actor_email);
END;
"""


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and 'Z': fixed width, so text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_iso(offset: timedelta = timedelta(0)) -> str:
    return format_time(utc_now() + offset)


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def open_connection(path: Path) -> sqlite3.Connection:
    # isolation_level=None: autocommit, transactions are explicit (see transaction()).
    # check_same_thread=False: FastAPI runs sync endpoints and dependencies on a thread
    # pool; a connection is only ever used by one request at a time.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds the write lock from its start."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def create_schema(path: Path) -> None:
    conn = open_connection(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA)
    finally:
        conn.close()


class Database:
    """A small pool of connections to one SQLite file, shared by both origins."""

    def __init__(self, path: Path, pool_size: int = 8) -> None:
        self.path = path
        self._pool_size = pool_size
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = open_connection(self.path)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if self._idle.qsize() < self._pool_size:
                self._idle.put(conn)
            else:
                conn.close()

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
