"""The load self-tests' target and journeys: a tiny loopback server and a Locust file
of two endpoints on it (one always 404, so failures are counted too)."""

from __future__ import annotations

import http.server
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import start_server

JOURNEY = textwrap.dedent(
    """
    from locust import constant, task

    from sitewise.load import TargetUser


    class Visitor(TargetUser):
        target = "site"
        wait_time = constant(0.1)

        @task(3)
        def home(self) -> None:
            self.client.get("/", name="/")

        @task(1)
        def missing(self) -> None:
            self.client.get("/missing", name="/missing")
    """
)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/" else 404
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """A loopback server: / answers 200, anything else 404."""
    url, stop = start_server(_Handler)
    yield url
    stop()


@pytest.fixture
def journeys(tmp_path: Path) -> Path:
    path = tmp_path / "journeys.py"
    path.write_text(JOURNEY, encoding="utf-8")
    return path


def write_under_load_config(folder: Path, site: str, journeys: Path, users: int) -> None:
    """A suite's config for --under-load against `site`: the journeys, `users` users for
    two seconds, and the always-404 endpoint allowed to fail."""
    (folder / "playwright.config.toml").write_text(
        f'[targets.site]\nurl = "{site}"\n\n[load]\nlocustfile = {str(journeys)!r}\n'
        f"users = {users}\nramp_s = 1\nduration_s = 2\n"
        '[load.endpoints."GET /missing"]\nerror_rate = 1.0\n',
        encoding="utf-8",
    )
