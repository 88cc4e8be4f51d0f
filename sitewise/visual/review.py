"""A local page where designers review the last run's changed and new snapshots.

`python -m sitewise baselines review` serves it with the standard library only, on
127.0.0.1: the page, its CSS and script (review_page/), a JSON list of the snapshots to
review, their images, and two actions. Approve writes the actual screenshot as the
baseline (atomically) and marks the entry approved in the manifest; Reject marks it
rejected and leaves the baseline alone. Nothing is fetched from outside, and the page
runs under a strict Content-Security-Policy (no inline script or style).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sitewise.visual import manifest
from sitewise.visual.baselines import BaselineError, decode_png, write_atomic
from sitewise.visual.manifest import Manifest, SnapshotEntry

PAGE_DIR = Path(__file__).resolve().parent / "review_page"
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/review.css": ("review.css", "text/css; charset=utf-8"),
    "/review.js": ("review.js", "text/javascript; charset=utf-8"),
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_IMAGE = re.compile(r"^/image/(?P<id>[0-9a-f]{16})/(?P<kind>expected|actual|diff)\.png$")
IMAGE_KINDS = ("expected", "actual", "diff")
log = logging.getLogger(__name__)


class ReviewError(Exception):
    """An action cannot be carried out: unknown entry, or no usable actual image.

    `done` lists the entries decided (and recorded) before the one that failed.
    """

    def __init__(self, message: str, done: list[SnapshotEntry] | None = None) -> None:
        super().__init__(message)
        self.done = done or []


@dataclass
class Review:
    """The review state: the last run's manifest under `reports_dir`, changed by actions."""

    reports_dir: Path

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def load(self) -> Manifest:
        return manifest.load(self.reports_dir)

    def entries(self) -> list[SnapshotEntry]:
        return self.load().reviewable()

    def listing(self) -> dict[str, Any]:
        current = self.load()
        root = Path(current.run.root) if current.run.root else None
        return {
            "run": {
                "finished": current.run.finished,
                "update_mode": current.run.update_mode,
                "partial": current.run.partial,
                "total": len(current.snapshots),
            },
            "snapshots": [_describe(e, root) for e in current.reviewable()],
        }

    def image(self, entry_id: str, kind: str) -> bytes | None:
        try:
            entry = self.load().entry(entry_id)
        except KeyError:
            return None
        value = getattr(entry, kind) if kind in IMAGE_KINDS else None
        if not value or entry.status not in manifest.REVIEWABLE:
            return None
        try:
            return Path(value).read_bytes()
        except OSError:
            return None

    def decide(self, ids: list[str] | None, decision: manifest.Review) -> list[SnapshotEntry]:
        """Approve or reject the given entries (None: every reviewable one), in order.

        When one approval fails, the baselines already written are recorded (the
        manifest is saved) before ReviewError reports it, with them in `done`.
        """
        with self._lock:
            current = self.load()
            reviewable = {e.id: e for e in current.reviewable()}
            wanted = list(reviewable) if ids is None else ids
            unknown = [i for i in wanted if i not in reviewable]
            if unknown:
                raise ReviewError(f"no snapshot to review with id {unknown[0]!r}")
            chosen = [reviewable[i] for i in wanted]
            done: list[SnapshotEntry] = []
            try:
                for entry in chosen:
                    if decision == "approved":
                        _approve(entry)
                    entry.review = decision
                    done.append(entry)
            except ReviewError as error:
                if done:
                    manifest.save(self.reports_dir, current)
                raise ReviewError(str(error), done) from None
            manifest.save(self.reports_dir, current)
            return chosen


def _approve(entry: SnapshotEntry) -> None:
    assert entry.actual is not None
    actual = Path(entry.actual)
    try:
        data = actual.read_bytes()
    except OSError as error:
        raise ReviewError(f"{entry.name}: cannot read {actual} ({error.strerror})") from None
    try:
        decode_png(data, actual)
    except BaselineError as error:
        raise ReviewError(str(error)) from None
    write_atomic(Path(entry.baseline), data)
    log.info("approved %s: wrote %s", entry.name, entry.baseline)


def _describe(entry: SnapshotEntry, root: Path | None) -> dict[str, Any]:
    baseline = Path(entry.baseline)
    if root is not None and baseline.is_relative_to(root):
        baseline = baseline.relative_to(root)
    return {
        "id": entry.id,
        "name": entry.name,
        "nodeid": entry.nodeid,
        "status": entry.status,
        "review": entry.review,
        "baseline": str(baseline),
        "browser": entry.browser,
        "platform": entry.platform,
        "viewport": entry.viewport,
        "diff_pixels": entry.diff_pixels,
        "total_pixels": entry.total_pixels,
        "ratio": entry.ratio,
        "allowed": entry.allowed,
        "expected_size": entry.expected_size,
        "actual_size": entry.actual_size,
        "images": {
            kind: f"/image/{entry.id}/{kind}.png" if getattr(entry, kind) else None
            for kind in IMAGE_KINDS
        },
    }


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _host_ok(self) -> bool:
        # A page elsewhere could reach 127.0.0.1 through a rebound DNS name: serve only
        # requests addressed to this server by its loopback address or localhost.
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost", "[::1]")

    def do_GET(self) -> None:
        if not self._host_ok():
            self._json(HTTPStatus.FORBIDDEN, {"error": "unexpected Host header"})
            return
        path = self.path.split("?", 1)[0]
        review = self.server.review
        if path in STATIC:
            name, content_type = STATIC[path]
            self._send(HTTPStatus.OK, (PAGE_DIR / name).read_bytes(), content_type)
        elif path == "/favicon.ico":
            # Browsers ask for it; no icon, and no 404 in the console.
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
        elif path == "/api/snapshots":
            try:
                self._json(HTTPStatus.OK, review.listing())
            except manifest.ManifestError as error:
                self._json(HTTPStatus.NOT_FOUND, {"error": str(error)})
        elif match := _IMAGE.match(path):
            data = review.image(match["id"], match["kind"])
            if data is None:
                self._json(HTTPStatus.NOT_FOUND, {"error": "no such image"})
            else:
                self._send(HTTPStatus.OK, data, "image/png")
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"nothing at {path}"})

    do_HEAD = do_GET  # noqa: N815 - the name http.server dispatches HEAD to

    def do_POST(self) -> None:
        # Read the body whatever the answer, so a kept-alive connection stays in step.
        try:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self.close_connection = True
            self._json(HTTPStatus.BAD_REQUEST, {"error": "a bad Content-Length"})
            return
        if not self._host_ok():
            self._json(HTTPStatus.FORBIDDEN, {"error": "unexpected Host header"})
            return
        # JSON only: a cross-site form cannot send it without a CORS preflight we refuse.
        if self.headers.get_content_type() != "application/json":
            self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
            return
        actions: dict[str, manifest.Review] = {
            "/api/approve": "approved",
            "/api/reject": "rejected",
        }
        decision = actions.get(self.path)
        if decision is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"nothing at {self.path}"})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the body is not JSON"})
            return
        ids = body.get("ids") if isinstance(body, dict) else None
        everything = isinstance(body, dict) and body.get("all") is True
        if not everything and not (
            isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids)
        ):
            self._json(HTTPStatus.BAD_REQUEST, {"error": 'send {"ids": [...]} or {"all": true}'})
            return
        try:
            changed = self.server.review.decide(None if everything else ids, decision)
        except ReviewError as error:
            # Those decided before the failure are recorded: the page shows them too.
            root = self._root()
            done = [_describe(e, root) for e in error.done]
            self._json(HTTPStatus.CONFLICT, {"error": str(error), "snapshots": done})
            return
        except manifest.ManifestError as error:
            self._json(HTTPStatus.NOT_FOUND, {"error": str(error)})
            return
        root = self._root()
        self._json(HTTPStatus.OK, {"snapshots": [_describe(e, root) for e in changed]})

    def _root(self) -> Path:
        return Path(self.server.review.load().run.root or "/")


class ReviewServer(ThreadingHTTPServer):
    """The review page's HTTP server, bound to 127.0.0.1."""

    daemon_threads = True

    def __init__(self, review: Review, port: int = 0, host: str = "127.0.0.1") -> None:
        self.review = review
        super().__init__((host, port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser closing a connection mid-answer is routine, not an error to print.
        log.debug("request from %s failed", client_address, exc_info=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"


def make_server(reports_dir: Path, port: int = 0) -> ReviewServer:
    """A server for the manifest under `reports_dir`; ManifestError when there is none."""
    review = Review(reports_dir)
    review.load()
    return ReviewServer(review, port)
