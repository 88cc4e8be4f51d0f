"""The SQL of every list: search, filters, sort and pagination, all done by SQLite.

Each builder returns a ListSql (the page query, the count query and, for a substring
search, a second plan for the page), so that the bench can check their plans with
EXPLAIN QUERY PLAN.

Two things keep the big lists (users, audit, history) fast at any depth and breadth:

- A page is found by id first (`_page_by_id`): the sort and the offset run over an index
  alone, and only the page's own rows are read from the table.
- A search has two plans for its page. Reading every hit of the full-text index and
  sorting them costs about one row per hit: best when the hits are few. Walking the
  sort's index in order and keeping the entries found among the hits stops as soon as the
  page is full: best when the hits are many (a search for "example.org" matches every
  user). The count, which runs first, tells which one is cheaper (`walk_is_cheaper`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple


class Sql(NamedTuple):
    text: str
    params: tuple[Any, ...]


@dataclass(frozen=True)
class ListSql:
    """The queries of one list page: `select` (the page), `count` (every matching row)
    and, for a search, `walk` (the same page by the other plan) and `size` (the searched
    table's largest id: an estimate of its row count, in a lookup)."""

    select: Sql
    count: Sql
    walk: Sql | None = None
    size: Sql | None = None


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


# Measured on the large seed: sorting one more hit costs about as much as walking past
# four more index entries.
HIT_COST_IN_ENTRIES = 4


def walk_is_cheaper(matches: int, rows: int, p: PageRequest) -> bool:
    """Whether a search's page is cheaper to read by walking the sort's index than by
    sorting every hit. Sorting costs about `matches` hits; the walk, about
    (offset + page size) * rows / matches entries before the page is full (when the hits
    are spread evenly in the sort order; at worst it walks the whole index)."""
    walked = (p.offset + p.page_size) * rows
    return walked < HIT_COST_IN_ENTRIES * matches * matches


def _page_by_id(
    table: str, alias: str, where: str, order: str, params: list[Any], p: PageRequest
) -> Sql:
    """One page of `table`: the ids first, sorted and offset over the index of the sort
    (which holds the id), then only those rows, in the same order."""
    return Sql(
        f"SELECT {alias}.* FROM {table} AS {alias} WHERE {alias}.id IN"
        f" (SELECT {alias}.id FROM {table} AS {alias}{where}"
        f" ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}",
        (*params, p.page_size, p.offset),
    )


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def _big_list(
    table: str,
    alias: str,
    order: str,
    p: PageRequest,
    clauses: list[str],
    params: list[Any],
    search: str | None = None,
) -> ListSql:
    """A page of a big table, filtered by `clauses` and, when given, by `search` (a query
    of the table's trigram index `{table}_fts`), with its count.

    A search has its second plan, `walk`: the same test behind a unary + (so SQLite does
    not look the hits up by id, but gathers them once and tests each entry of the sort's
    index against them, in order, until the page is full).
    """
    if search is None:
        where = _where(clauses)
        count = Sql(f"SELECT count(*) FROM {table} AS {alias}{where}", tuple(params))
        return ListSql(_page_by_id(table, alias, where, order, params, p), count)
    hits = f"{alias}.id IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)"
    params = [search, *params]
    where = _where([hits, *clauses])
    if clauses:
        count = Sql(f"SELECT count(*) FROM {table} AS {alias}{where}", tuple(params))
    else:  # a search alone is counted in its index, without reading the table
        count = Sql(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH ?", (search,))
    return ListSql(
        select=_page_by_id(table, alias, where, order, params, p),
        count=count,
        walk=_page_by_id(table, alias, _where(["+" + hits, *clauses]), order, params, p),
        size=Sql(f"SELECT max(id) FROM {table}", ()),
    )


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


def settings_page(user_id: int, f: DefinitionFilter, p: PageRequest) -> ListSql:
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
    return ListSql(select, Sql(f"SELECT count(*) FROM definitions AS d{where}", tuple(params)))


def definitions_page(f: DefinitionFilter, p: PageRequest) -> ListSql:
    where, params = _definition_where(f)
    order = DEFINITION_SORTS[f.sort]
    select = Sql(
        f"SELECT d.* FROM definitions AS d{where} ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, p.page_size, p.offset),
    )
    return ListSql(select, Sql(f"SELECT count(*) FROM definitions AS d{where}", tuple(params)))


def users_page(f: UserFilter, p: PageRequest) -> ListSql:
    clauses: list[str] = []
    params: list[Any] = []
    search = None
    if f.q:
        if len(f.q) >= 3:
            search = trigram_phrase(f.q)
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
    return _big_list("users", "u", USER_SORTS[f.sort], p, clauses, params, search)


def audit_page(f: AuditFilter, p: PageRequest) -> ListSql:
    clauses: list[str] = []
    params: list[Any] = []
    search = None
    if f.actor:
        if len(f.actor) >= 3:
            search = trigram_phrase(f.actor)
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
    return _big_list("audit", "a", "a.at DESC, a.id DESC", p, clauses, params, search)


def history_page(user_id: int, definition_id: int, p: PageRequest) -> ListSql:
    clauses = ["h.user_id = ?", "h.definition_id = ?"]
    return _big_list("history", "h", "h.id DESC", p, clauses, [user_id, definition_id])
