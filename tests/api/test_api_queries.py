"""The list queries' two plans for a search's page (sorting the hits, or walking the sort's
index) give the same pages, and the API gives the same answers whichever one it picks."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api import crud
from apps.api import queries as q

FIRST = ("Ana", "bob", "Élise", "Zoë", "dana", "Eve", "Quinn")
LAST = ("Garcia", "garcía", "Chen", "O'Brien", "Smith")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@pytest.fixture
def people(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """105 more users, with repeated names and creation times (so that the sorts' tie
    breaks count), and 105 audit events by them; returns every user."""
    rows = []
    for n in range(105):
        name = f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}"
        domain = "example.org" if n % 3 else "corp.example"
        local = name.lower().replace(" ", ".").replace("'", "")
        email = f"{local}.{n:03d}@{domain}"
        created = f"2024-02-{1 + n % 9:02d}T10:00:00.000Z"
        rows.append((email, name, "admin" if n % 10 == 0 else "user", int(n % 7 != 0), created))
    db.executemany(
        "INSERT INTO users (email, display_name, password_hash, role, active, created_at)"
        " VALUES (?, ?, 'x', ?, ?, ?)",
        rows,
    )
    db.executemany(
        "INSERT INTO audit (at, actor_email, action, target, details)"
        " VALUES (?, ?, 'user.login', ?, '')",
        [
            (f"2024-03-01T00:{n // 60:02d}:{n % 60:02d}.000Z", r[0], r[0])
            for n, r in enumerate(rows)
        ],
    )
    return [dict(row) for row in db.execute("SELECT * FROM users")]


def _ids(db: sqlite3.Connection, sql: q.Sql | None) -> list[int]:
    assert sql is not None
    return [row["id"] for row in db.execute(*sql)]


def _expected(people: list[dict[str, Any]], f: q.UserFilter) -> list[int]:
    """The contract, in Python: a case-insensitive substring of the email or the name."""
    needle = (f.q or "").casefold()
    found = [
        u
        for u in people
        if (needle in u["email"].casefold() or needle in u["display_name"].casefold())
        and (f.role is None or u["role"] == f.role)
        and (f.active is None or bool(u["active"]) == f.active)
    ]
    if f.sort in ("email", "-email"):
        found.sort(key=lambda u: u["email"], reverse=f.sort == "-email")
    elif f.sort == "display_name":  # COLLATE NOCASE folds ASCII letters only
        found.sort(key=lambda u: (u["display_name"].translate(ASCII_LOWER), u["id"]))
    else:
        found.sort(key=lambda u: (u["created_at"], u["id"]), reverse=True)
    return [u["id"] for u in found]


@pytest.mark.parametrize("sort", ["email", "-email", "display_name", "-created_at"])
@pytest.mark.parametrize(
    "search",
    [
        {"q": "example"},  # nearly everyone
        {"q": "RCIA"},  # "Garcia", not "garcía": case is folded, accents are not
        {"q": "ÉLI"},  # folded beyond ASCII
        {"q": "o'b"},
        {"q": "corp.example", "role": "user"},
        {"q": "example.org", "active": False},
        {"q": "nobody"},
    ],
)
def test_both_plans_give_every_page_of_the_contract(
    db: sqlite3.Connection, people: list[dict[str, Any]], search: dict[str, Any], sort: str
) -> None:
    f = q.UserFilter(sort=sort, **search)
    expected = _expected(people, f)
    for size in (7, 20):
        for number in range(1, len(expected) // size + 3):
            page = q.PageRequest(page=number, page_size=size)
            built = q.users_page(f, page)
            want = expected[page.offset : page.offset + size]
            assert _ids(db, built.select) == want, (number, size)
            assert _ids(db, built.walk) == want, (number, size)
            assert db.execute(*built.count).fetchone()[0] == len(expected)


@pytest.mark.parametrize("actor", ["example.org", "ZOË", "quinn.smith"])
def test_both_audit_plans_agree(
    db: sqlite3.Connection, people: list[dict[str, Any]], actor: str
) -> None:
    events = [dict(r) for r in db.execute("SELECT * FROM audit")]
    found = [e for e in events if actor.casefold() in e["actor_email"].casefold()]
    expected = [e["id"] for e in sorted(found, key=lambda e: (e["at"], e["id"]), reverse=True)]
    assert expected
    for number in (1, 2, 3, 9):
        page = q.PageRequest(page=number, page_size=10)
        built = q.audit_page(q.AuditFilter(actor=actor), page)
        want = expected[page.offset : page.offset + 10]
        assert _ids(db, built.select) == want
        assert _ids(db, built.walk) == want


def test_a_search_walks_when_its_hits_are_many() -> None:
    first, deep = q.PageRequest(), q.PageRequest(page=400, page_size=25)
    assert q.walk_is_cheaper(10_000, 10_000, first)  # everyone matches: stop after 20
    assert q.walk_is_cheaper(10_000, 10_000, deep)
    assert not q.walk_is_cheaper(5, 10_000, first)  # 5 hits: read and sort them
    assert not q.walk_is_cheaper(400, 10_000, q.PageRequest(page=10))


@pytest.mark.parametrize("walk", [True, False])
def test_the_api_answers_the_same_by_either_plan(
    admin_client: TestClient,
    people: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    walk: bool,
) -> None:
    picked: list[bool] = []

    def pick(matches: int, rows: int, page: q.PageRequest) -> bool:
        picked.append(walk)
        return walk

    monkeypatch.setattr(crud, "walk_is_cheaper", pick)
    f = q.UserFilter(q="example", sort="display_name")
    expected = _expected(people, f)
    params = {"q": "EXAMPLE", "sort": "display_name", "page_size": 10}
    seen: list[int] = []
    for number in range(1, 13):
        body = admin_client.get("/api/admin/users", params={**params, "page": number}).json()
        assert body["total"] == len(expected)
        seen += [u["id"] for u in body["items"]]
    assert seen == expected
    assert picked
    assert all(p == walk for p in picked)
    events = [
        event
        for number in (1, 2, 3)
        for event in admin_client.get(
            "/api/admin/audit", params={"actor": "EXAMPLE", "page_size": 50, "page": number}
        ).json()["items"]
    ]
    assert events[0]["action"] == "user.login"  # the admin's own sign-in, the newest
    assert [e["actor_email"] for e in events[1:]] == [u["email"] for u in people[2:]][::-1]


def test_a_page_past_the_end_is_empty_with_the_total(
    admin_client: TestClient, people: list[dict[str, Any]]
) -> None:
    body = admin_client.get("/api/admin/users", params={"q": "example", "page": 99}).json()
    assert (body["items"], body["total"], body["page"]) == ([], len(people), 99)
