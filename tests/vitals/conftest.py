"""The vitals self-tests' fixture pages, served from a loopback http.server thread.

The server serves tests/vitals (pages/ and vendor/, the web-vitals build), a PNG
generated once per session for the late hero image, and a tiny JSON API under /api/.
"""

from __future__ import annotations

import http.server
import io
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageDraw

from tests.conftest import start_server

HERE = Path(__file__).resolve().parent


@cache
def hero_png() -> bytes:
    """A 1000x600 image with enough detail to be a real decode, not a flat colour."""
    image = Image.new("RGB", (1000, 600), (32, 64, 128))
    draw = ImageDraw.Draw(image)
    for x in range(0, 1000, 40):
        draw.rectangle((x, 0, x + 19, 599), fill=(x % 255, 160, 255 - x % 255))
    for y in range(0, 600, 30):
        draw.line((0, y, 999, y), fill=(255, 255, 255), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, directory=str(HERE), **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _api(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        body = json.dumps({"method": self.command, "path": path}).encode()
        self._send(body, "application/json", 201 if self.command == "POST" else 200)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/api/"):
            self._api()
        elif path == "/generated/hero.png":
            self._send(hero_png(), "image/png")
        else:
            super().do_GET()

    def do_POST(self) -> None:
        self._api()


@pytest.fixture(scope="session")
def vitals_server() -> Iterator[str]:
    """Base URL of the fixture pages' server (session: one thread for all the tests)."""
    url, stop = start_server(_Handler)
    yield url
    stop()
