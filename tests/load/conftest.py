"""The load self-tests' target and journeys: a tiny loopback server and a Locust file
of two endpoints on it (one always 404, so failures are counted too)."""

from __future__ import annotations

import http.server
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def journeys(tmp_path: Path) -> Path:
    path = tmp_path / "journeys.py"
    path.write_text(JOURNEY, encoding="utf-8")
    return path
