"""The guard in front of every route: security headers, request-body rules, last resort.

Pure ASGI (no BaseHTTPMiddleware) so that it wraps static files and errors too and adds
no per-request task.
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apps.api.errors import error_response

logger = logging.getLogger("apps.api")

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class GuardMiddleware:
    """Adds the security headers (and no-store on the API) to every response; answers
    415 (a body that is not JSON), 403 csrf_failed (a foreign Origin) and 413 (a body over
    the limit) for mutating API requests before any route runs; turns an unexpected
    exception into 500 internal, logged, without a stack trace.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = is_api_path(scope["path"])
        started = False
        began = time.perf_counter()

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
                if api:
                    headers["Cache-Control"] = "no-store"
                    # The API's own time, for the browser's Resource Timing (serverTiming).
                    elapsed = (time.perf_counter() - began) * 1000
                    headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
            await send(message)

        try:
            if api and scope["method"] in MUTATING:
                rejection, receive = await self._check_body(scope, receive)
                if rejection is not None:
                    await rejection(scope, receive, send_guarded)
                    return
            await self.app(scope, receive, send_guarded)
        except Exception:
            logger.exception("Unhandled error in %s %s", scope["method"], scope["path"])
            if started:
                raise  # too late for an error response: let the server drop the connection
            response = error_response(500, "internal", "Something went wrong on our side.")
            await response(scope, receive, send_guarded)

    async def _check_body(self, scope: Scope, receive: Receive) -> tuple[Response | None, Receive]:
        headers = Headers(scope=scope)
        content_type = headers.get("content-type")
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        # A body must be JSON; a request without one (logout, reset, DELETE) may omit the
        # header. Forms (the cross-site kind) always name their type, so they get 415.
        if content_type is not None or has_body:
            media_type = (content_type or "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                return _reject(415, "unsupported_media_type"), receive
        origin = headers.get("origin")
        if origin is not None and origin != f"{scope['scheme']}://{headers.get('host', '')}":
            return _reject(403, "csrf_failed"), receive
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                return _reject(400, "bad_request"), receive
            if int(declared) > self.max_body_bytes:
                return _reject(413, "payload_too_large"), receive
        # Read the body here (it is small by now) so that a chunked body over the limit
        # is refused too, then hand it on unchanged.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None, _replay(message, receive)
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return _reject(413, "payload_too_large"), receive
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return None, _replay({"type": "http.request", "body": b"".join(chunks)}, receive)


_MESSAGES = {
    400: "Content-Length is not a number.",
    403: "This request did not come from this site.",
    413: "The request body is too large (64 KiB at most).",
    415: "Send JSON with Content-Type: application/json.",
}


def _reject(status: int, code: str) -> Response:
    return error_response(status, code, _MESSAGES[status])


def _replay(first: Message, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return first
        return await receive()

    return replay
