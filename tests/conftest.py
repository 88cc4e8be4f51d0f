"""Self-tests share pytester (for tests that are a pytest run) and a local static server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_directory(directory: Path) -> tuple[str, Callable[[], None]]:
    """Serve `directory` on a free loopback port; returns the base URL and a stop function."""
    return start_server(functools.partial(_QuietHandler, directory=str(directory)))


def start_server(
    handler: Callable[..., http.server.BaseHTTPRequestHandler],
) -> tuple[str, Callable[[], None]]:
    """Serve with `handler` on a free loopback port, in a thread; returns the base URL and
    a stop function."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a fresh folder: yields (base URL, folder)."""
    url, stop = serve_directory(tmp_path)
    yield url, tmp_path
    stop()
