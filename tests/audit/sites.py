"""Tiny fixture sites for the audit's self-tests: each one a loopback HTTP server.

A site is a dict of routes, path -> a Route (status, body, headers) or a callable taking
the request handler and returning one; every request is recorded, so a test can say a
sign-out link was never followed. A route answering `HANG` holds its answer until the
site stops: a page that never finishes loading.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import ClassVar
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Route:
    body: str = ""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"


HANG = Route(body="hang")


def page(title: str, body: str, head: str = "") -> Route:
    """An accessible HTML page: lang, title, a main landmark holding `body`."""
    return Route(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>a {{ display: inline-block; padding: 8px; }}</style>{head}</head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


def redirect(to: str, status: int = 302) -> Route:
    return Route(status=status, headers={"Location": to})


Handler = Callable[["Request"], Route]


@dataclass
class Site:
    """A running fixture site: its base URL, and the paths it was asked for."""

    url: str
    requests: list[tuple[str, str]]

    def asked(self, path: str) -> bool:
        return any(p == path for _, p in self.requests)


class Request(http.server.BaseHTTPRequestHandler):
    # Set per site by serve(), on a subclass of its own.
    routes: ClassVar[Mapping[str, Route | Handler]] = {}
    log: ClassVar[list[tuple[str, str]]] = []
    stop: ClassVar[threading.Event] = threading.Event()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        return {k: v.value for k, v in jar.items()}

    def _answer(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        self.log.append((self.command, path))
        found = self.routes.get(path)
        route = found(self) if callable(found) else found
        if route is None:
            route = Route("<!doctype html><title>Not found</title>", status=404)
        if route is HANG:
            self.stop.wait(60)
            return
        body = route.body.encode()
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in route.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)

    def do_POST(self) -> None:
        self._answer(True)


@contextmanager
def serve(routes: Mapping[str, Route | Handler]) -> Iterator[Site]:
    """Serve `routes` on a free loopback port until the block ends."""
    log: list[tuple[str, str]] = []
    stop = threading.Event()
    handler = type("SiteHandler", (Request,), {"routes": routes, "log": log, "stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", log)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
