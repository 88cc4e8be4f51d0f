"""The site audit: proof on the bundled apps, and pages per minute against its peers.

    python bench/audit.py --proof        # audit both bundled apps with no page list
    python bench/audit.py [--pages 30]   # pages/minute: sitewise, Unlighthouse, pa11y-ci

Proof: starts `python -m apps` (a fresh database), audits the web app as a visitor and
as `user` and the admin app as a visitor and as `admin` with `sitewise audit`, twice
(the first run writes the screenshot baselines, the second compares with them), and
checks that every page of docs/reference-system.md was found with no page list given,
that every page passed, and that nothing was changed: the overview's counts (users,
definitions, audit events but the run's own sign-ins) are the same before and after.

Benchmark: a static site of `--pages` linked pages on loopback, audited by `sitewise
audit -n 2` (every check, Web Vitals included, one unthrottled run per page; the
default checks; axe alone), by Unlighthouse (@unlighthouse/cli 0.17, Lighthouse per
page, one unthrottled sample) and by pa11y-ci (axe alone, concurrency 1), all with the
system Chromium; sitewise and Unlighthouse are given the start URL only, pa11y-ci (which
has no crawler) the page list. Peers are looked for in /work/peers/node_modules
(`PUPPETEER_SKIP_DOWNLOAD=1 npm install @unlighthouse/cli@0.17 pa11y-ci@3` there);
missing ones are left out. Results go to bench/results/audit.json.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PEERS = Path(os.environ.get("AUDIT_PEERS", "/work/peers")) / "node_modules" / ".bin"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

WEB_PAGES = {"/", "/settings", "/profile", "/settings/{key}/history"}
ADMIN_PAGES = {"/", "/users", "/settings", "/audit"}

PROOF_CONFIG = """
[targets.{app}]
url = "{url}"

[roles.{role}]
target = "{app}"
fields = {{ Email = "{email}", Password = "{password}" }}
success_url = "/"

[[viewports]]
name = "desktop"
width = 1280
height = 720

[audit]
roles = ["{role}"]
max_pages = 80
routes = ["/settings/{{key}}/history"]
# Counts, dates and rows the run itself changes (its own sign-ins are audit events).
mask = [".stat-value", ".stat-note", "main table", ".range", "nav[aria-label=Pagination]",
        "[role=status]", "main ul", "main ol"]
# The contract's own: "who am I" answers 401 when signed out.
expected_errors = ['/api/auth/me: HTTP 401']
"""


def start_apps(workdir: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    args = [sys.executable, "-m", "apps", "--web-port", "0", "--admin-port", "0"]
    args += ["--db", str(workdir / "apps.sqlite3")]
    log = (workdir / "apps.log").open("w")
    apps = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
    assert apps.stdout is not None
    first = apps.stdout.readline()
    if not first:
        raise SystemExit(f"the apps did not start; see {workdir / 'apps.log'}")
    return apps, json.loads(first)


def overview(admin_url: str, email: str, password: str) -> dict[str, int]:
    """The admin overview's counts, read through the API with a session of its own."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    body = json.dumps({"email": email, "password": password}).encode()
    login = urllib.request.Request(
        f"{admin_url}/api/auth/login", body, {"Content-Type": "application/json"}
    )
    opener.open(login, timeout=10).read()
    with opener.open(f"{admin_url}/api/admin/overview", timeout=10) as answer:
        data: dict[str, int] = json.loads(answer.read())
    return data


def sitewise_audit(folder: Path, url: str, *more: str) -> tuple[int, float]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "sitewise", "audit", url, "-n", "2", *more]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    (folder / "audit.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    return done.returncode, time.perf_counter() - started


def audited(folder: Path) -> tuple[set[tuple[str, str]], dict[str, str]]:
    found = json.loads((folder / "reports" / "audit" / "discovery.json").read_text())
    results = json.loads((folder / "reports" / "results.json").read_text())
    routes = {(page["role"], page["route"]) for page in found["pages"]}
    return routes, {test["nodeid"]: test["outcome"] for test in results["tests"]}


def proof() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="audit-proof-") as temp:
        workdir = Path(temp)
        apps, info = start_apps(workdir)
        accounts = {a["role"]: a for a in info["accounts"]}
        admin = accounts["admin"]
        try:
            before = overview(info["admin"], admin["email"], admin["password"])
            report: dict[str, Any] = {}
            for app, role, wanted in (("web", "user", WEB_PAGES), ("admin", "admin", ADMIN_PAGES)):
                folder = workdir / app
                folder.mkdir()
                account = accounts[role]
                (folder / "playwright.config.toml").write_text(
                    PROOF_CONFIG.format(
                        app=app,
                        url=info[app],
                        role=role,
                        email=account["email"],
                        password=account["password"],
                    )
                )
                first, first_s = sitewise_audit(folder, info[app])
                second, second_s = sitewise_audit(folder, info[app])
                routes, outcomes = audited(folder)
                role_routes = {route for who, route in routes if who == role}
                report[app] = {
                    "exit_codes": [first, second],
                    "seconds": [round(first_s, 1), round(second_s, 1)],
                    "pages": len(outcomes),
                    "routes": sorted(f"{who} {route}" for who, route in routes),
                    "missing": sorted(wanted - role_routes),
                    "not_passed": sorted(n for n, o in outcomes.items() if o != "passed"),
                }
            after = overview(info["admin"], admin["email"], admin["password"])
        finally:
            apps.terminate()
            apps.wait(10)
    unchanged = {k: v for k, v in before.items() if k != "audit_events"}
    report["nothing_changed"] = unchanged == {k: after[k] for k in unchanged}
    report["counts"] = {"before": before, "after": after}
    return report


# --- pages per minute ---


def static_site(folder: Path, pages: int) -> None:
    """`pages` accessible pages; each links home and to the next three."""
    for index in range(pages):
        links = " ".join(
            f'<a href="/p{n}.html">Page {n}</a>' for n in range(index + 1, index + 4) if n < pages
        )
        name = "index.html" if index == 0 else f"p{index}.html"
        (folder / name).write_text(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page {index}'
            "</title><style>a{display:inline-block;padding:8px}</style></head><body><main>"
            f'<h1>Page {index}</h1><p>Text of page {index}.</p><nav aria-label="Next">'
            f'<a href="/">Home</a> {links}</nav></main></body></html>',
            encoding="utf-8",
        )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def timed(command: list[str], cwd: Path) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"seconds": round(seconds, 1), "exit": done.returncode, "last_line": lines[-1:]}


def per_minute(result: dict[str, Any], pages: int) -> dict[str, Any]:
    return {**result, "pages": pages, "pages_per_minute": round(pages / result["seconds"] * 60, 1)}


def benchmark(pages: int, tools: set[str]) -> dict[str, Any]:
    results: dict[str, Any] = {"pages": pages, "peers": str(PEERS)}
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as temp:
        work = Path(temp)
        site = work / "site"
        site.mkdir()
        static_site(site, pages)
        with serve(site) as url:
            for name, checks in () if "sitewise" not in tools else (
                # Every check, Web Vitals included: one unthrottled run per page, as the
                # Unlighthouse run below takes one unthrottled sample.
                ("sitewise (every check)", "vitals = true\n"),
                ("sitewise (default checks)", ""),
                ("sitewise (axe only)", "axe = true\nkeyboard = false\nconsole = false\n"
                 "requests = false\nlinks = false\nscreenshot = false\n"),
            ):  # fmt: skip
                folder = work / name.split()[1].strip("()")
                folder.mkdir()
                (folder / "playwright.config.toml").write_text(
                    f"[audit]\nmax_pages = {pages + 10}\nmax_depth = {pages}\nsettle_ms = 500\n"
                    'vitals_profiles = ["desktop"]\n'
                    f"[audit.checks]\n{checks}"
                    "[performance]\nruns = 1\n"
                )
                command = [sys.executable, "-m", "sitewise", "audit", url, "-n", "2"]
                results[name] = per_minute(timed(command, folder), pages)
            if "unlighthouse" in tools and (PEERS / "unlighthouse-ci").exists():
                folder = work / "unlighthouse"
                folder.mkdir()
                (folder / "unlighthouse.config.js").write_text(
                    "export default { puppeteerOptions: { executablePath: "
                    f"'{CHROMIUM}', args: ['--no-sandbox', '--disable-gpu'] }},"
                    " chrome: { useSystem: false }, scanner: { samples: 1, throttle: false,"
                    " dynamicSampling: false }, ci: { reporter: 'jsonSimple' } }\n"
                )
                command = [str(PEERS / "unlighthouse-ci"), "--site", url, "--no-cache"]
                results["unlighthouse"] = per_minute(timed(command, folder), pages)
            if "pa11y-ci" in tools and (PEERS / "pa11y-ci").exists():
                folder = work / "pa11y"
                folder.mkdir()
                config = {
                    "defaults": {
                        "runners": ["axe"],
                        # With 2, pages fail to run here ("Protocol error: Connection
                        # closed") with the system Chromium: its results need 1.
                        "concurrency": 1,
                        "chromeLaunchConfig": {
                            "executablePath": CHROMIUM,
                            "args": ["--no-sandbox"],
                        },
                    },
                    "urls": [url + ("" if i == 0 else f"p{i}.html") for i in range(pages)],
                }
                (folder / ".pa11yci.json").write_text(json.dumps(config))
                # pa11y-ci has no crawler: it is given the page list (or a sitemap).
                command = [str(PEERS / "pa11y-ci"), "--config", ".pa11yci.json"]
                results["pa11y-ci (page list given)"] = per_minute(timed(command, folder), pages)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proof", action="store_true", help="audit the bundled apps instead")
    parser.add_argument("--pages", type=int, default=30, help="pages of the benchmark site")
    parser.add_argument(
        "--tools",
        default="sitewise,unlighthouse,pa11y-ci",
        help="which to measure, comma-separated (the others' results in --out are kept)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "audit.json")
    args = parser.parse_args()
    out = args.out.with_name("audit-proof.json") if args.proof else args.out
    if args.proof:
        result = proof()
    else:
        earlier = json.loads(out.read_text()) if out.exists() else {}
        fresh = benchmark(args.pages, set(args.tools.split(",")))
        kept = earlier if earlier.get("pages") == args.pages else {}
        result = {**kept, **fresh}
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
