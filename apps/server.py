"""Serve both origins from one process: static front ends and the API, one database.

``python -m apps [--web-port N] [--admin-port N] [--db PATH] [--host H] [--seed-large]
[--lockout-minutes M] [--workers N]`` (N server processes on the same ports and
database). Once both servers listen, the first line on stdout is JSON:
``{"web": URL, "admin": URL, "accounts": [...]}``; human-readable lines follow.
SIGTERM and Ctrl-C stop it cleanly (exit 0); a temporary database is removed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import ipaddress
import json
import logging
import mimetypes
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Generator, Sequence
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from apps.api.config import AppConfig, AppName
from apps.api.db import Database
from apps.api.errors import not_found
from apps.api.main import create_app
from apps.api.middleware import is_api_path
from apps.api.seed import ACCOUNTS, prepare_database

logger = logging.getLogger("apps")

# ES modules must be served as JavaScript; some systems map .js to text/plain.
for _type, _ext in (
    ("text/javascript", ".js"),
    ("text/javascript", ".mjs"),
    ("text/css", ".css"),
    ("image/svg+xml", ".svg"),
    ("font/woff2", ".woff2"),
):
    mimetypes.add_type(_type, _ext)


# Preloads go out as `Link` headers with `crossorigin` (anonymous): that gives them the
# credentials mode of a plain fetch() (same-origin), so the front end's own request takes
# the preloaded answer.
SESSION_PRELOAD = "/api/auth/me"
HISTORY_ROUTE = re.compile(r"/settings/(?P<key>[A-Za-z0-9._~-]+)/history")
# The first request of a page whose largest content comes from it, exactly as the page
# asks for it in its default state (no query): the users table fills a phone's screen.
DEFAULT_LIST_REQUESTS: dict[tuple[AppName, str], str] = {
    ("admin", "/users"): "/api/admin/users?sort=email&page=1&page_size=20",
}


# Each page's own module, loaded on first visit (index.html preloads the shared core.js
# and the app's app.js): preloaded with the page, it comes in the same round trip.
PAGE_MODULES: dict[AppName, tuple[tuple[re.Pattern[str], str], ...]] = {
    "web": (
        (re.compile("/"), "dashboard"),
        (re.compile("/settings"), "settings"),
        (HISTORY_ROUTE, "history"),
        (re.compile("/profile"), "profile"),
    ),
    "admin": (
        (re.compile("/"), "overview"),
        (re.compile("/users"), "users"),
        (re.compile("/settings"), "definitions"),
        (re.compile("/audit"), "audit"),
    ),
}


def _preload(path: str) -> str:
    return f"<{path}>; rel=preload; as=fetch; crossorigin"


def page_module(app: AppName, path: str) -> str | None:
    """The module of the page at `path`, or None (the sign-in and 404 pages are in core.js)."""
    for route, module in PAGE_MODULES[app]:
        if route.fullmatch(path):
            return f"/assets/pages/{module}.js"
    return None


def _data_preloads(app: AppName, request: Request) -> list[str]:
    """What the page will ask for first, beyond the session, so the browser asks now."""
    if request.url.query:
        return []
    if app == "web" and (history := HISTORY_ROUTE.fullmatch(request.url.path)):
        # The history page's heading is the setting's label.
        return [f"/api/settings/{history['key']}"]
    listed = DEFAULT_LIST_REQUESTS.get((app, request.url.path))
    return [listed] if listed else []


# --- static front end ---------------------------------------------------------------------

# The page's one style sheet: the shared styles.css, then the app's own app.css, as two
# <link>s would apply them. One request instead of two keeps a page with a data preload
# within six requests, one per connection (apps/README.md, "Loading fast").
STYLESHEET = "/assets/all.css"


def _stylesheet(config: AppConfig, request: Request) -> Response:
    parts = [config.shared_dir / "styles.css", config.front_end_dir / "assets" / "app.css"]
    try:
        body = b"".join(part.read_bytes() for part in parts)
    except FileNotFoundError as missing:
        raise not_found(f"This front end has no {Path(missing.filename).name}.") from None
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/css", headers=headers)


class _StaticDir(StaticFiles):
    async def check_config(self) -> None:
        # A missing front-end folder (API-only use, tests) answers 404, not 500.
        return None


class _FrontEndRoute(Route):
    """The client-side routes: any GET outside /api, /assets and /shared."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


def create_origin_app(config: AppConfig, db: Database | None = None) -> FastAPI:
    """One origin: the API plus the front end in config.front_end_dir (index.html and
    assets/) and the shared modules in config.shared_dir."""
    app = create_app(config, db)
    # Compressed, the modules and styles of a page are a third of their size: on a slow
    # phone connection that is most of the time to first paint.
    app.add_middleware(GZipMiddleware, minimum_size=1024)

    async def stylesheet(request: Request) -> Response:
        return _stylesheet(config, request)

    # Before the /assets mount, which would answer it with a 404.
    app.router.routes.append(Route(STYLESHEET, stylesheet, methods=["GET", "HEAD"]))
    app.mount(
        "/assets",
        _StaticDir(directory=config.front_end_dir / "assets", check_dir=False),
        name="assets",
    )
    app.mount("/shared", _StaticDir(directory=config.shared_dir, check_dir=False), name="shared")

    async def front_end(request: Request) -> Response:
        index = config.front_end_dir / "index.html"
        if not index.is_file():
            raise not_found("This front end is not installed.")
        known = config.known_routes.fullmatch(request.url.path) is not None
        headers = {"Cache-Control": "no-cache"}
        if request.url.path != "/login":
            # Every other page starts by asking who is signed in: have the browser ask
            # while it loads the modules, not after (one round trip less before the
            # first paint). The sign-in page needs no session.
            links = [_preload(SESSION_PRELOAD)]
            if module := page_module(config.app, request.url.path):
                links.append(f"<{module}>; rel=modulepreload")
            links += [_preload(path) for path in _data_preloads(config.app, request)]
            headers["Link"] = ", ".join(links)
        return FileResponse(
            index,
            status_code=200 if known else 404,
            media_type="text/html",
            headers=headers,
        )

    app.router.routes.append(_FrontEndRoute("/{path:path}", front_end, methods=["GET", "HEAD"]))
    return app


# --- runner -------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to the runner (two servers share them) and
    tells when it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.listening.set()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m apps",
        description="Serve the reference web app and admin app (one process, one database).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--web-port",
        type=int,
        default=8000,
        help="web app port; 0 = a free port (default: %(default)s)",
    )
    parser.add_argument(
        "--admin-port",
        type=int,
        default=8001,
        help="admin app port; 0 = a free port (default: %(default)s)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        help="SQLite file, created and seeded if new"
        " (default: a fresh temporary file, removed at exit)",
    )
    parser.add_argument(
        "--seed-large",
        action="store_true",
        help="add 10,000 users, 200 definitions and 100,000 history rows (for benchmarks)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the two ports and the database; more than one uses"
        " more cores under load (default: %(default)s)",
    )
    parser.add_argument(
        "--lockout-minutes",
        type=float,
        default=5,
        help="how long five failed sign-ins lock an email (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    for name in ("web_port", "admin_port"):
        if not 0 <= getattr(args, name) <= 65535:
            parser.error(f"--{name.replace('_', '-')} must be from 0 to 65535")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be from 1 to 64")
    if args.workers > 1 and not hasattr(os, "fork"):
        parser.error("--workers more than 1 needs fork(), which this system has not")
    if args.lockout_minutes <= 0:
        parser.error("--lockout-minutes must be more than 0")
    return args


def bind_tcp(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (0: a free port), for uvicorn to listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP, not 0: asyncio only turns Nagle off (TCP_NODELAY) on
    # connections accepted from such a socket; without it every keep-alive response
    # waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(shown).version == 6:
            shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _announce(urls: dict[AppName, str], db_path: Path, temporary: bool) -> None:
    accounts = [
        {"role": a["role"], "email": a["email"], "password": a["password"]} for a in ACCOUNTS
    ]
    print(
        json.dumps({"web": urls["web"], "admin": urls["admin"], "accounts": accounts}), flush=True
    )
    lines = [
        "Settings reference system is running.",
        f"  Web app:   {urls['web']}",
        f"  Admin app: {urls['admin']}",
        *(f"  {a['role'].capitalize() + ':':<10} {a['email']} / {a['password']}" for a in ACCOUNTS),
        f"  Database:  {db_path}" + (" (temporary, removed at exit)" if temporary else ""),
        "Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)


async def _all_listening(servers: list[_Server]) -> None:
    for server in servers:
        await server.listening.wait()


def bind_both(args: argparse.Namespace) -> dict[AppName, socket.socket] | None:
    try:
        return {
            "web": bind_tcp(args.host, args.web_port),
            "admin": bind_tcp(args.host, args.admin_port),
        }
    except OSError as exc:
        print(f"error: cannot listen on {args.host}: {exc}", file=sys.stderr, flush=True)
        return None


async def serve(
    args: argparse.Namespace,
    db_path: Path,
    temporary: bool,
    sockets: dict[AppName, socket.socket] | None = None,
    *,
    announce: bool = True,
) -> int:
    sockets = sockets or bind_both(args)
    if sockets is None:
        return 1
    db = Database(db_path)
    servers: dict[AppName, _Server] = {}
    for name in ("web", "admin"):
        config = AppConfig.for_app(name, db_path, lockout_minutes=args.lockout_minutes)
        servers[name] = _Server(
            uvicorn.Config(
                create_origin_app(config, db),
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=3,
            )
        )
    tasks = [asyncio.create_task(servers[n].serve(sockets=[sockets[n]])) for n in servers]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        listening = asyncio.create_task(_all_listening(list(servers.values())))
        done, _ = await asyncio.wait([*tasks, listening], return_when=asyncio.FIRST_COMPLETED)
        if listening not in done:
            print("error: a server stopped while starting", file=sys.stderr, flush=True)
            return 1
        if announce:
            _announce({n: _url(args.host, sockets[n]) for n in servers}, db_path, temporary)
        await stop.wait()
        return 0
    finally:
        for server in servers.values():
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        db.close()


def serve_workers(args: argparse.Namespace, db_path: Path, temporary: bool) -> int:
    """Serve from `args.workers` processes: this one and forked children, all accepting
    on the same two listening sockets (the kernel hands each connection to one), each
    with its own connections to the one SQLite file (WAL: readers never wait for the
    writer; writers wait for each other up to the busy timeout). One Python process runs
    Python on one core at a time: more processes use more cores."""
    sockets = bind_both(args)
    if sockets is None:
        return 1
    children = []
    for _ in range(args.workers - 1):
        pid = os.fork()
        if pid == 0:  # a child: serves until the parent ends it
            code = 1
            try:
                code = asyncio.run(serve(args, db_path, False, sockets, announce=False))
            except KeyboardInterrupt:
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    try:
        return asyncio.run(serve(args, db_path, temporary, sockets))
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Until the event loop takes the signals over, SIGTERM stops as Ctrl-C does: cleanly.
    signal.signal(signal.SIGTERM, _interrupt)
    temp_dir = Path(tempfile.mkdtemp(prefix="settings-reference-")) if args.db is None else None
    db_path: Path = args.db if temp_dir is None else temp_dir / "settings.sqlite3"
    try:
        prepare_database(db_path, large=args.seed_large)
        if args.workers > 1:
            return serve_workers(args, db_path, temporary=temp_dir is not None)
        return asyncio.run(serve(args, db_path, temporary=temp_dir is not None))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM before the servers listened
        return 0
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
