"""The SQL of every list: search, filters, sort and pagination, all done by SQLite.

Each builder returns the page query and its count query, so that the bench can check
their plans with EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple


class Sql(NamedTuple):
    text: str
    params: tuple[Any, ...]


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class DefinitionFilter:
    q: str | None = None
    category: str | None = None
    sort: str = "label"


@dataclass(frozen=True)
class UserFilter:
    q: str | None = None
    role: str | None = None
    active: bool | None = None
    sort: str = "email"


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    since: str | None = None  # inclusive lower bound, ISO text
    until: str | None = None  # exclusive upper bound, ISO text


SETTING_SORTS = {
    "label": "d.label COLLATE NOCASE, d.key",
    "-label": "d.label COLLATE NOCASE DESC, d.key DESC",
    "category": "d.category, d.label COLLATE NOCASE, d.key",
    "key": "d.key",
    # The caller's own changes (set or reset), most recent first; never changed last.
    "-updated": "uv.updated_at DESC NULLS LAST, d.label COLLATE NOCASE, d.key",
}
DEFINITION_SORTS = {**SETTING_SORTS, "-updated": "d.updated_at DESC, d.key"}
USER_SORTS = {
    "email": "u.email",
    "-email": "u.email DESC",
    "display_name": "u.display_name COLLATE NOCASE, u.id",
    "-created_at": "u.created_at DESC, u.id DESC",
}


def fts_prefix_query(text: str) -> str:
    """An FTS5 query: every word must match, the last one as a prefix ("emai" finds
    "email"). Words are quoted, so FTS5 syntax in the input is taken literally."""
    words = re.findall(r"\w+", text)
    if not words:
        return '""'  # matches nothing: there was no word to look for
    terms = [f'"{word}"' for word in words]
    terms[-1] += "*"
    return " ".join(terms)


def trigram_phrase(text: str) -> str:
    """A trigram FTS5 query for `text` as a substring (3 characters or more)."""
    return '"' + text.replace('"', '""') + '"'


def like_pattern(text: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def _definition_where(f: DefinitionFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.q:
        clauses.append("d.id IN (SELECT rowid FROM definitions_fts WHERE definitions_fts MATCH ?)")
        params.append(fts_prefix_query(f.q))
    if f.category:
        clauses.append("d.category = ?")
        params.append(f.category)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def settings_page(user_id: int, f: DefinitionFilter, p: PageRequest) -> tuple[Sql, Sql]:
    """Every definition with the caller's own value (or none) joined in."""
    where, params = _definition_where(f)
    order = SETTING_SORTS[f.sort]
    select = Sql(
        "SELECT d.id, d.key, d.label, d.description, d.category, d.type, d.default_json,"
        " d.constraints_json, uv.value_json, uv.updated_at AS value_updated_at"
        " FROM definitions AS d"
        " LEFT JOIN user_values AS uv ON uv.user_id = ? AND uv.definition_id = d.id"
        f"{where} ORDER BY {order} LIMIT ? OFFSET ?",
        (user_id, *params, p.page_size, p.offset),
    )
    return select, Sql(f"SELECT count(*) FROM definitions AS d{where}", tuple(params))


def definitions_page(f: DefinitionFilter, p: PageRequest) -> tuple[Sql, Sql]:
    where, params = _definition_where(f)
    order = DEFINITION_SORTS[f.sort]
    select = Sql(
        f"SELECT d.* FROM definitions AS d{where} ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, p.page_size, p.offset),
    )
    return select, Sql(f"SELECT count(*) FROM definitions AS d{where}", tuple(params))


def _count(table: str, alias: str, where: str, params: list[Any]) -> Sql:
    """The count query of a list; a search alone is counted in its full-text index
    without reading the table (a broad search matches thousands of rows)."""
    fts_only = f" WHERE {alias}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
    if where == fts_only:
        return Sql(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH ?", tuple(params))
    return Sql(f"SELECT count(*) FROM {table} AS {alias}{where}", tuple(params))


def users_page(f: UserFilter, p: PageRequest) -> tuple[Sql, Sql]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.q:
        if len(f.q) >= 3:
            clauses.append("u.id IN (SELECT rowid FROM users_fts WHERE users_fts MATCH ?)")
            params.append(trigram_phrase(f.q))
        else:
            # Trigrams need three characters; one or two scan the (small) users table.
            clauses.append("(u.email LIKE ? ESCAPE '\\' OR u.display_name LIKE ? ESCAPE '\\')")
            params += [like_pattern(f.q)] * 2
    if f.role:
        clauses.append("u.role = ?")
        params.append(f.role)
    if f.active is not None:
        clauses.append("u.active = ?")
        params.append(int(f.active))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    select = Sql(
        f"SELECT u.* FROM users AS u{where} ORDER BY {USER_SORTS[f.sort]} LIMIT ? OFFSET ?",
        (*params, p.page_size, p.offset),
    )
    return select, _count("users", "u", where, params)


def audit_page(f: AuditFilter, p: PageRequest) -> tuple[Sql, Sql]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.actor:
        if len(f.actor) >= 3:
            clauses.append("a.id IN (SELECT rowid FROM audit_fts WHERE audit_fts MATCH ?)")
            params.append(trigram_phrase(f.actor))
        else:
            clauses.append("a.actor_email LIKE ? ESCAPE '\\'")
            params.append(like_pattern(f.actor))
    if f.action:
        clauses.append("a.action = ?")
        params.append(f.action)
    if f.since:
        clauses.append("a.at >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("a.at < ?")
        params.append(f.until)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    select = Sql(
        f"SELECT a.* FROM audit AS a{where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
        (*params, p.page_size, p.offset),
    )
    return select, _count("audit", "a", where, params)


def history_page(user_id: int, definition_id: int, p: PageRequest) -> tuple[Sql, Sql]:
    where = " WHERE h.user_id = ? AND h.definition_id = ?"
    select = Sql(
        f"SELECT h.* FROM history AS h{where} ORDER BY h.id DESC LIMIT ? OFFSET ?",
        (user_id, definition_id, p.page_size, p.offset),
    )
    return select, Sql(f"SELECT count(*) FROM history AS h{where}", (user_id, definition_id))
