"""A local page where designers review the last run's changed and new snapshots.

`python -m sitewise baselines review` serves it with the standard library only, on
127.0.0.1: the page, its CSS and script (review_page/), a JSON list of the snapshots to
review, their images, and three actions. Approve writes the actual screenshot as the
baseline (atomically) and marks the entry approved in the manifest, keeping what the
baseline held before under `visual/previous/`; Reject marks it rejected and leaves the
baseline as it was before the run (rejecting an approved snapshot puts the old baseline
back); Undo takes back the last decision. Snapshots whose difference images are the same
bytes are one change, decided together (`group` in the listing). Nothing is fetched
from outside, and the page runs under a strict Content-Security-Policy (no inline
script or style).

The run reviewed may be a local reports folder, a CI job's downloaded visual artifact (a
zip or its folder), several of them (merged on the fly), or a merged report
(`sitewise report merge`): see `open_source`. Approvals write the baselines of the
working tree (`root`), under the path the run recorded for the snapshot's browser,
platform and viewport.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sitewise.visual import manifest
from sitewise.visual.baselines import BaselineError, decode_png, write_atomic
from sitewise.visual.builds import BrowserBuild, record_builds
from sitewise.visual.manifest import Manifest, SnapshotEntry

PAGE_DIR = Path(__file__).resolve().parent / "review_page"
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/review.css": ("review.css", "text/css; charset=utf-8"),
    "/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/compare.js": ("compare.js", "text/javascript; charset=utf-8"),
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_IMAGE = re.compile(
    r"^/(?P<type>image|text)/(?P<id>[0-9a-f]{16})/(?P<kind>expected|actual|diff)\.(png|txt)$"
)
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
    # The working tree whose baselines approvals write (None: see manifest.load).
    root: Path | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        # Each decision taken here: the entries' ids and reviews before it (for Undo).
        self._history: list[dict[str, manifest.Review | None]] = []

    def load(self) -> Manifest:
        return manifest.load(self.reports_dir, self.root)

    def entries(self) -> list[SnapshotEntry]:
        return self.load().reviewable()

    def listing(self) -> dict[str, Any]:
        current = self.load()
        root = current.root
        return {
            "run": {
                "finished": current.run.finished,
                "update_mode": current.run.update_mode,
                "partial": current.run.partial,
                "total": len(current.snapshots),
            },
            "snapshots": [
                {**_describe(e, root), "group": _group_key(e)} for e in current.reviewable()
            ],
        }

    def image(self, entry_id: str, kind: str, text: bool = False) -> bytes | None:
        """An entry's expected, actual or diff file: a PNG, or with `text` an aria one's."""
        try:
            entry = self.load().entry(entry_id)
        except KeyError:
            return None
        if text != (entry.kind == "aria"):
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
            targets: list[tuple[SnapshotEntry, manifest.Review | None]] = [
                (e, decision) for e in chosen
            ]
            return self._apply(current, targets, record=True)

    def undo(self) -> list[SnapshotEntry]:
        """Take back the last decision: each entry's review (and baseline) as before it."""
        with self._lock:
            if not self._history:
                raise ReviewError("nothing to undo: no decision was taken on this page")
            before = self._history[-1]
            current = self.load()
            by_id = {e.id: e for e in current.reviewable()}
            targets = [(by_id[i], review) for i, review in before.items() if i in by_id]
            done = self._apply(current, targets, record=False)
            self._history.pop()
            return done

    def _apply(
        self,
        current: Manifest,
        targets: list[tuple[SnapshotEntry, manifest.Review | None]],
        *,
        record: bool,
    ) -> list[SnapshotEntry]:
        """Set each entry's review, writing or restoring baselines; save the manifest."""
        previous = manifest.visual_dir(self.reports_dir) / "previous"
        before: dict[str, manifest.Review | None] = {}
        done: list[SnapshotEntry] = []
        try:
            for entry, review in targets:
                was = entry.review
                _check_baseline(current, entry)
                if review == "approved" and was != "approved":
                    _approve(entry, previous)
                elif was == "approved" and review != "approved":
                    _restore(entry, previous)
                entry.review = review
                before[entry.id] = was
                done.append(entry)
        except ReviewError as error:
            self._finish(current, done, before, record)
            raise ReviewError(str(error), done) from None
        self._finish(current, done, before, record)
        return done

    def _finish(
        self,
        current: Manifest,
        done: list[SnapshotEntry],
        before: dict[str, manifest.Review | None],
        record: bool,
    ) -> None:
        if not done:
            return
        manifest.save(self.reports_dir, current)
        _record_builds(current, done, before)
        if record:
            self._history.append(before)


def _check_baseline(current: Manifest, entry: SnapshotEntry) -> None:
    """A manifest from CI is not trusted: its baselines must be baseline files under the
    baseline folder, itself in the working tree, before anything is written there."""
    from sitewise.visual.baselines import parse_aria_baseline, parse_baseline

    baseline = Path(entry.baseline).resolve()
    folder = Path(current.run.baseline_dir).resolve() if current.run.baseline_dir else None
    root = (current.root or Path.cwd()).resolve()
    named = parse_aria_baseline(baseline) if entry.kind == "aria" else parse_baseline(baseline)
    if (
        folder is None
        or not folder.is_relative_to(root)
        or not baseline.is_relative_to(folder)
        or named is None
    ):
        raise ReviewError(
            f"{entry.name}: {entry.baseline} is not a baseline file under the baseline folder"
            f" ({folder or 'none named'}) of {root}; the manifest is not one a run wrote."
        )


def _group_key(entry: SnapshotEntry) -> str:
    """The same difference image (bytes) is the same change: one key; else the entry's id."""
    if entry.diff:
        try:
            return hashlib.sha256(Path(entry.diff).read_bytes()).hexdigest()[:16]
        except OSError:
            pass
    return entry.id


def _record_builds(
    current: Manifest, done: list[SnapshotEntry], before: dict[str, manifest.Review | None]
) -> None:
    """An approved screenshot is a baseline made by the build that took it; a baseline put
    back is again of the build recorded for it when the run started."""
    if not current.run.baseline_dir:
        return
    written: dict[str, BrowserBuild | None] = {}
    for entry in done:
        if entry.review == "approved":
            written[entry.baseline] = BrowserBuild.parse(entry.build)
        elif before.get(entry.id) == "approved":
            written[entry.baseline] = BrowserBuild.parse(entry.baseline_build)
    record_builds(Path(current.run.baseline_dir), written)


def _approve(entry: SnapshotEntry, previous: Path) -> None:
    """Write the actual screenshot as the baseline, keeping the one it replaces (if any)
    as `<previous>/<id>.png`, or `<id>.absent` when there was none."""
    assert entry.actual is not None
    actual = Path(entry.actual)
    try:
        data = actual.read_bytes()
    except OSError as error:
        raise ReviewError(f"{entry.name}: cannot read {actual} ({error.strerror})") from None
    try:
        if entry.kind == "aria":
            data.decode("utf-8")
        else:
            decode_png(data, actual)
    except UnicodeDecodeError:
        raise ReviewError(f"{actual}: not an aria snapshot (not UTF-8 text)") from None
    except BaselineError as error:
        raise ReviewError(str(error)) from None
    baseline = Path(entry.baseline)
    kept, absent = previous / f"{entry.id}.png", previous / f"{entry.id}.absent"
    if baseline.is_file():
        write_atomic(kept, baseline.read_bytes())
        absent.unlink(missing_ok=True)
    else:
        write_atomic(absent, b"")
        kept.unlink(missing_ok=True)
    write_atomic(baseline, data)
    log.info("approved %s: wrote %s", entry.name, entry.baseline)


def _restore(entry: SnapshotEntry, previous: Path) -> None:
    """Put back the baseline an approval replaced (remove it if there was none)."""
    baseline = Path(entry.baseline)
    kept, absent = previous / f"{entry.id}.png", previous / f"{entry.id}.absent"
    if kept.is_file():
        write_atomic(baseline, kept.read_bytes())
    elif absent.is_file():
        baseline.unlink(missing_ok=True)
    else:
        raise ReviewError(
            f"{entry.name}: the baseline before its approval was not kept ({kept}); restore"
            f" {baseline} from version control (e.g. `git checkout -- {baseline}`)."
        )
    log.info("restored the baseline of %s: %s", entry.name, baseline)


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
        "build": entry.build,
        "baseline_build": entry.baseline_build,
        "diff_pixels": entry.diff_pixels,
        "total_pixels": entry.total_pixels,
        "ratio": entry.ratio,
        "allowed": entry.allowed,
        "expected_size": entry.expected_size,
        "actual_size": entry.actual_size,
        "app": entry.app,
        "test": entry.nodeid.split("[", 1)[0],
        "kind": entry.kind,
        "images": {
            kind: (
                (
                    f"/text/{entry.id}/{kind}.txt"
                    if entry.kind == "aria"
                    else f"/image/{entry.id}/{kind}.png"
                )
                if getattr(entry, kind)
                else None
            )
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
            data = review.image(match["id"], match["kind"], match["type"] == "text")
            if data is None:
                self._json(HTTPStatus.NOT_FOUND, {"error": f"no such {match['type']}"})
            else:
                text = match["type"] == "text"
                self._send(
                    HTTPStatus.OK, data, "text/plain; charset=utf-8" if text else "image/png"
                )
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
        if self.path == "/api/undo":
            self._decided(lambda: self.server.review.undo())
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
        self._decided(lambda: self.server.review.decide(None if everything else ids, decision))

    def _decided(self, action: Callable[[], list[SnapshotEntry]]) -> None:
        """Answer with the entries an action decided, or why it failed."""
        try:
            changed = action()
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
        return self.server.review.load().root or Path("/")


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


def make_server(reports_dir: Path, port: int = 0, root: Path | None = None) -> ReviewServer:
    """A server for the manifest under `reports_dir`; ManifestError when there is none."""
    review = Review(reports_dir, root)
    review.load()
    return ReviewServer(review, port)
