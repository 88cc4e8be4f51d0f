"""API latency on a --seed-large database, and the query plans behind it.

    python bench/bench_api.py [--requests 200] [--db PATH] [--out bench/results/api.json]

Starts `python -m apps --seed-large` (10,000 users, 240 definitions, 100,000 history
rows, 20,000 audit events), signs in on both origins, sends each request N times in a
row and prints p50 / p95 / max per case (budget: p95 < 50 ms). Then it checks with
EXPLAIN QUERY PLAN that the list queries (a search's two plans for its page included)
use indexes or full-text search rather than scanning the big tables, and writes
everything to bench/results/api.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from apps.api import queries as q  # noqa: E402
from apps.api.deps import moment_bound  # noqa: E402
from apps.api.seed import (  # noqa: E402
    ACCOUNTS,
    HEAVY_SETTING_KEY,
    HEAVY_USER_EMAIL,
    LARGE_PASSWORD,
)

BUDGET_MS = 50.0
BIG_TABLES = ("users", "history", "audit", "user_values")
# Scans that are expected and cheap: one- and two-character user searches (trigrams need
# three characters) read the 10,000-row users table; an unfiltered count reads an index.
ALLOWED_SCANS = {"users: 2-character search"}


@dataclass
class Case:
    name: str
    origin: str  # "web" or "admin"
    path: str
    params: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case("settings: first page", "web", "/api/settings"),
    Case("settings: search 'email dig'", "web", "/api/settings", {"q": "email dig"}),
    Case("settings: search prefix 'auto'", "web", "/api/settings", {"q": "auto"}),
    Case("settings: filter category", "web", "/api/settings", {"category": "Privacy"}),
    Case("settings: sort label", "web", "/api/settings", {"sort": "label", "page_size": 100}),
    Case("settings: sort -label", "web", "/api/settings", {"sort": "-label", "page_size": 100}),
    Case("settings: sort category", "web", "/api/settings", {"sort": "category", "page_size": 100}),
    Case("settings: sort key", "web", "/api/settings", {"sort": "key", "page_size": 100}),
    Case("settings: sort -updated", "web", "/api/settings", {"sort": "-updated", "page_size": 100}),
    Case("settings: last page", "web", "/api/settings", {"page": 12, "page_size": 20}),
    Case("settings: categories", "web", "/api/settings/categories"),
    Case("history: 20,000 rows, page 1", "web", f"/api/settings/{HEAVY_SETTING_KEY}/history"),
    Case(
        "history: 20,000 rows, page 500",
        "web",
        f"/api/settings/{HEAVY_SETTING_KEY}/history",
        {"page": 500, "page_size": 40},
    ),
    Case("definitions: search", "admin", "/api/admin/definitions", {"q": "backup"}),
    Case("users: first page", "admin", "/api/admin/users"),
    Case("users: search 'garcia'", "admin", "/api/admin/users", {"q": "garcia"}),
    Case("users: search 'example.org' (all)", "admin", "/api/admin/users", {"q": "example.org"}),
    Case(
        "users: search 'example.org', newest",
        "admin",
        "/api/admin/users",
        {"q": "example.org", "sort": "-created_at"},
    ),
    Case(
        "users: search 'example.org', page 400",
        "admin",
        "/api/admin/users",
        {"q": "example.org", "page": 400, "page_size": 25},
    ),
    Case("users: 2-character search", "admin", "/api/admin/users", {"q": "zh"}),
    Case("users: sort display_name", "admin", "/api/admin/users", {"sort": "display_name"}),
    Case("users: sort -created_at", "admin", "/api/admin/users", {"sort": "-created_at"}),
    Case(
        "users: deep page (400 of 400)", "admin", "/api/admin/users", {"page": 400, "page_size": 25}
    ),
    Case(
        "users: role admin + inactive",
        "admin",
        "/api/admin/users",
        {"role": "admin", "active": "false"},
    ),
    Case("audit: first page", "admin", "/api/admin/audit"),
    Case("audit: actor 'alex'", "admin", "/api/admin/audit", {"actor": "alex"}),
    Case("audit: actor 'example.org' (all)", "admin", "/api/admin/audit", {"actor": "example.org"}),
    Case("audit: action", "admin", "/api/admin/audit", {"action": "user.update"}),
    Case(
        "audit: date range",
        "admin",
        "/api/admin/audit",
        {"since": "2024-02-01", "until": "2024-02-29"},
    ),
    Case(
        "audit: actor + action + dates",
        "admin",
        "/api/admin/audit",
        {
            "actor": "admin",
            "action": "definition.update",
            "since": "2024-01-01",
            "until": "2024-12-31",
        },
    ),
    Case("audit: deep page", "admin", "/api/admin/audit", {"page": 400, "page_size": 50}),
    Case("overview", "admin", "/api/admin/overview"),
]


def start_apps(db_path: Path) -> tuple[subprocess.Popen[str], dict[str, Any], float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apps",
            "--seed-large",
            "--db",
            str(db_path),
            "--web-port",
            "0",
            "--admin-port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        raise SystemExit("python -m apps did not start")
    return process, json.loads(line), time.perf_counter() - started


def signed_in(base_url: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    response.raise_for_status()
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of the server process so far; Linux only.

    Wall-clock latency depends on what else the machine runs; the server's own CPU time
    per request does not, so the table shows both."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(
    clients: dict[str, httpx.Client], case: Case, requests: int, pid: int
) -> dict[str, Any]:
    client = clients[case.origin]
    for _ in range(5):  # warm the connection and SQLite's page cache
        client.get(case.path, params=case.params).raise_for_status()
    times = []
    cpu_before = server_cpu_seconds(pid)
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(case.path, params=case.params)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    cpu_after = server_cpu_seconds(pid)
    cpu_ms = (
        None
        if cpu_before is None or cpu_after is None
        else round((cpu_after - cpu_before) * 1000 / requests, 2)
    )
    body = response.json()
    total = body.get("total") if isinstance(body, dict) else len(body)
    p95 = percentile(times, 0.95)
    return {
        "name": case.name,
        "path": case.path,
        "params": case.params,
        "rows": total,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(times), 2),
        "server_cpu_ms": cpu_ms,
        "within_budget": p95 < BUDGET_MS,
    }


def plans(db_path: Path) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of the SQL the app runs for the benchmarked lists."""
    conn = sqlite3.connect(db_path)
    heavy_id, heavy_def = conn.execute(
        "SELECT u.id, d.id FROM users AS u, definitions AS d WHERE u.email = ? AND d.key = ?",
        (HEAVY_USER_EMAIL, HEAVY_SETTING_KEY),
    ).fetchone()
    page, deep = q.PageRequest(), q.PageRequest(page=400, page_size=25)
    built: dict[str, q.ListSql] = {
        "settings: search": q.settings_page(heavy_id, q.DefinitionFilter(q="email dig"), page),
        "settings: category": q.settings_page(
            heavy_id, q.DefinitionFilter(category="Privacy"), page
        ),
        "settings: sort -updated": q.settings_page(
            heavy_id, q.DefinitionFilter(sort="-updated"), page
        ),
        "history: heavy setting": q.history_page(heavy_id, heavy_def, q.PageRequest(500, 40)),
        "users: first page": q.users_page(q.UserFilter(), page),
        "users: search": q.users_page(q.UserFilter(q="garcia"), page),
        "users: search (all)": q.users_page(q.UserFilter(q="example.org"), page),
        "users: 2-character search": q.users_page(q.UserFilter(q="zh"), page),
        "users: sort display_name": q.users_page(q.UserFilter(sort="display_name"), deep),
        "users: sort -created_at": q.users_page(q.UserFilter(sort="-created_at"), deep),
        "users: role + inactive": q.users_page(q.UserFilter(role="admin", active=False), page),
        "audit: first page": q.audit_page(q.AuditFilter(), page),
        "audit: actor": q.audit_page(q.AuditFilter(actor="alex"), page),
        "audit: actor (all)": q.audit_page(q.AuditFilter(actor="example.org"), page),
        "audit: action": q.audit_page(q.AuditFilter(action="user.update"), page),
        "audit: dates": q.audit_page(
            q.AuditFilter(
                since=moment_bound("2024-02-01", end=False),
                until=moment_bound("2024-02-29", end=True),
            ),
            page,
        ),
    }
    result = {}
    for name, queries in built.items():
        # A search has two plans for its page (the app picks one by the count): both.
        kinds = [("page", queries.select), ("walk", queries.walk), ("count", queries.count)]
        for kind, sql in kinds:
            if sql is not None:
                rows = conn.execute("EXPLAIN QUERY PLAN " + sql.text, sql.params).fetchall()
                result[f"{name} ({kind})"] = [row[3] for row in rows]
    conn.close()
    return result


def full_scans(plan: list[str]) -> list[str]:
    """Plan steps that read a whole big table (not an index, not a rowid or FTS lookup)."""
    aliases = {
        "users": ("users", "u"),
        "history": ("history", "h"),
        "audit": ("audit", "a"),
        "user_values": ("user_values", "uv"),
    }
    names = "|".join(alias for table in BIG_TABLES for alias in aliases[table])
    return [step for step in plan if re.match(rf"SCAN ({names})\b", step) and "INDEX" not in step]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", type=Path, help="database to use (default: a fresh one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        db_path = args.db or Path(tmp) / "bench.sqlite3"
        process, info, ready = start_apps(db_path)
        try:
            admin = ACCOUNTS[0]
            clients = {
                "web": signed_in(info["web"], HEAVY_USER_EMAIL, LARGE_PASSWORD),
                "admin": signed_in(info["admin"], admin["email"], admin["password"]),
            }
            results = [measure(clients, case, args.requests, process.pid) for case in CASES]
            for client in clients.values():
                client.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
        query_plans = plans(db_path)

    width = max(len(r["name"]) for r in results)
    print(
        f"{'case':<{width}}  {'rows':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}"
        f"  {'cpu ms':>7}"
    )
    for r in results:
        flag = "" if r["within_budget"] else f"  over {BUDGET_MS:.0f} ms"
        cpu = "" if r["server_cpu_ms"] is None else f"{r['server_cpu_ms']:.2f}"
        print(
            f"{r['name']:<{width}}  {r['rows'] if r['rows'] is not None else '':>7}  "
            f"{r['p50_ms']:>7.2f}  {r['p95_ms']:>7.2f}  {r['max_ms']:>7.2f}  {cpu:>7}{flag}"
        )
    print(
        f"(cpu ms: the server's own CPU time per request; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    scans = {
        name: found
        for name, plan in query_plans.items()
        if (found := full_scans(plan)) and name.split(" (")[0] not in ALLOWED_SCANS
    }
    print(f"\nstart with --seed-large: {ready:.1f} s")
    print(
        "query plans: " + ("no full scan of a big table" if not scans else f"FULL SCANS: {scans}")
    )
    for name, plan in query_plans.items():
        print(f"  {name}: {' | '.join(plan)}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {
                    "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version,
                    "cpus": os.cpu_count(),
                    "load_average": os.getloadavg(),
                },
                "requests_per_case": args.requests,
                "budget_p95_ms": BUDGET_MS,
                "start_with_seed_large_s": round(ready, 2),
                "cases": results,
                "query_plans": query_plans,
                "full_scans": scans,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    over = [r["name"] for r in results if not r["within_budget"]]
    return 1 if over or scans else 0


if __name__ == "__main__":
    raise SystemExit(main())
