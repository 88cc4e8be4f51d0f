"""A JSON client for the apps' API, over Playwright's APIRequestContext.

Specs make their data and read it back through the API, never through the database:
the same calls work against the bundled apps and against a deployment. A session's
CSRF token (returned by sign-in) is sent on every mutating request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import APIRequestContext, APIResponse, Playwright, StorageState


class ApiError(AssertionError):
    """An API call answered with a status the caller did not expect."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.status = status
        self.body = body
        try:
            parsed = json.loads(body)
        except json.JSONDecodeError:
            parsed = None
        self.error = parsed.get("error", {}) if isinstance(parsed, dict) else {}
        super().__init__(f"{method} {url} answered {status}: {body[:300]}")


@dataclass
class ApiClient:
    """One API session on one origin (web or admin)."""

    request: APIRequestContext
    base_url: str
    csrf_token: str = ""
    user: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def anonymous(cls, playwright: Playwright, base_url: str) -> ApiClient:
        return cls(playwright.request.new_context(base_url=base_url), base_url)

    @classmethod
    def signed_in(
        cls, playwright: Playwright, base_url: str, email: str, password: str
    ) -> ApiClient:
        client = cls.anonymous(playwright, base_url)
        client.sign_in(email, password)
        return client

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        body = self.call("POST", "/api/auth/login", {"email": email, "password": password})
        self.csrf_token = body["csrf_token"]
        self.user = body["user"]
        return self.user

    def storage_state(self) -> StorageState:
        return self.request.storage_state()

    def raw(self, method: str, path: str, body: Any = None, **kwargs: Any) -> APIResponse:
        """Send a request and return the response whatever its status."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if method != "GET" and self.csrf_token:
            headers.setdefault("X-CSRF-Token", self.csrf_token)
        options: dict[str, Any] = {"method": method, "headers": headers, **kwargs}
        if body is not None:
            options["data"] = body
        return self.request.fetch(f"{self.base_url}{path}", **options)

    def call(self, method: str, path: str, body: Any = None, *, expect: int | None = None) -> Any:
        """Send a request, check its status (any 2xx by default) and return the JSON body."""
        response = self.raw(method, path, body)
        ok = response.status == expect if expect is not None else response.ok
        if not ok:
            raise ApiError(method, f"{self.base_url}{path}", response.status, response.text())
        if response.status == 204 or not response.body():
            return None
        return response.json()

    def get(self, path: str, **params: Any) -> Any:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return self.call("GET", f"{path}?{query}" if query else path)

    def close(self) -> None:
        self.request.dispose()
