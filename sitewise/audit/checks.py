"""The checks an audit makes on one page, each switchable ([audit.checks]).

The engine's own checks do the work (axe through `assert_accessible`, the keyboard
through `keyboard_checks`, Web Vitals through `assert_vitals`, screenshots through
`assert_snapshot`); what is the audit's own is here: console errors and uncaught
exceptions (`PageWatch`), failed requests, and broken links (`check_links`: every
same-origin link and asset, external links when asked; HEAD, then GET where HEAD is
refused; bounded, each URL asked once per worker and role). `PageAudit` runs every
check, keeps going after one fails, and says per check passed, failed or skipped.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
from playwright.sync_api import APIRequestContext, ConsoleMessage, Page, Request, Response
from playwright.sync_api import Error as PlaywrightError

from sitewise.audit.config import AuditConfig
from sitewise.audit.urls import Scope, normalise

Status = Literal["passed", "failed", "skipped", "not run", "off"]

_ASSETS_JS = """() => {
  const urls = [];
  const add = (kind, url, text) => { if (url) urls.push({kind, url, text: text || ''}); };
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    add('link', a.href, (a.innerText || a.getAttribute('aria-label') || a.title || '').trim());
  }
  for (const el of document.querySelectorAll('img[src], script[src], source[src], iframe[src]')) {
    add('asset', el.src);
  }
  for (const el of document.querySelectorAll('link[href]')) {
    const rel = (el.rel || '').toLowerCase();
    if (/stylesheet|icon|preload|manifest/.test(rel)) add('asset', el.href);
  }
  return urls;
}"""


@dataclass
class CheckResult:
    """One check's verdict on one page: its status and one line on why."""

    name: str
    status: Status
    summary: str = ""
    message: str = ""

    def to_data(self) -> dict[str, str]:
        return {"status": self.status, "summary": self.summary}


@dataclass
class PageWatch:
    """What a page did while it was audited: console errors, exceptions, failed requests."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    # Set while an engine check changes the page itself (the screenshot's styles, which a
    # strict CSP refuses with a console error the page did not cause).
    paused: bool = False

    def attach_to(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._exception)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    @contextlib.contextmanager
    def pause(self) -> Iterator[None]:
        self.paused = True
        try:
            yield
        finally:
            self.paused = False

    def _exception(self, error: Exception) -> None:
        if not self.paused:
            self.exceptions.append(_first_line(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not self.paused:
            where = message.location.get("url", "")
            self.console_errors.append(
                f"{_first_line(message.text)}{f' ({where})' if where else ''}"
            )

    def _failed(self, request: Request) -> None:
        failure = request.failure or "failed"
        # A load the page itself cancelled (navigating away) is not a broken resource.
        if "ERR_ABORTED" not in failure and "NS_BINDING_ABORTED" not in failure:
            self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            request = response.request
            self.failed_requests.append(f"{request.method} {response.url}: HTTP {response.status}")


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0][:300] if lines else ""


def _listed(title: str, items: list[str], limit: int = 10) -> str:
    shown = "\n".join(f"  {item}" for item in items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return f"{title}:\n{shown}{more}"


# The browser's own line for a failed load: the requests check reports those.
_LOAD_FAILED = "Failed to load resource"


def _unexpected(lines: list[str], expected: tuple[str, ...]) -> list[str]:
    return [line for line in lines if not any(re.search(p, line) for p in expected)]


def check_console(
    watch: PageWatch, *, requests_checked: bool = True, expected: tuple[str, ...] = ()
) -> CheckResult:
    errors = [
        e
        for e in _unexpected(watch.console_errors, expected)
        if not (requests_checked and e.startswith(_LOAD_FAILED))
    ]
    problems = [f"uncaught exception: {e}" for e in watch.exceptions]
    problems += [f"console error: {e}" for e in errors]
    if not problems:
        return CheckResult("console", "passed", "no errors")
    summary = f"{len(watch.exceptions)} exception(s), {len(errors)} console error(s)"
    return CheckResult("console", "failed", summary, _listed(summary, problems))


def check_requests(watch: PageWatch, expected: tuple[str, ...] = ()) -> CheckResult:
    failed = _unexpected(list(dict.fromkeys(watch.failed_requests)), expected)
    if not failed:
        return CheckResult("requests", "passed", "no failed request")
    summary = f"{len(failed)} failed request(s)"
    return CheckResult("requests", "failed", summary, _listed(summary, failed))


# (role, URL) -> HTTP status, or the error's first line: each URL is asked once.
LinkCache = MutableMapping[tuple[str, str], int | str]


def link_status(request: APIRequestContext, url: str, timeout_ms: float) -> int | str:
    """HEAD, then GET where HEAD is refused or fails: the status, or why there is none."""
    try:
        response = request.head(url, timeout=timeout_ms, max_redirects=10)
        if response.status not in (403, 404, 405, 501) and response.status < 500:
            return response.status
    except PlaywrightError:
        pass
    try:
        return request.get(url, timeout=timeout_ms, max_redirects=10).status
    except PlaywrightError as error:
        return _first_line(error.message or str(error))


def check_links(
    page: Page, config: AuditConfig, scope: Scope, role: str, cache: LinkCache
) -> CheckResult:
    """Every same-origin link and asset on the page answers (external ones when asked)."""
    try:
        found: list[dict[str, str]] = page.evaluate(_ASSETS_JS)
    except PlaywrightError as error:
        return CheckResult("links", "failed", "links not read", _first_line(error.message))
    urls: dict[str, str] = {}
    for entry in found:
        url = normalise(entry["url"], config.tracking_params)
        url = url.split("#", 1)[0] if "#/" not in url else url
        # Include and exclude bound which pages are audited, not which links are checked.
        # Its text too: a sign-out link is never asked for, whatever its URL.
        reason = scope.reason_to_skip(url, entry.get("text", ""))
        wanted = reason is None or reason.startswith(("not included", "excluded"))
        external = reason == "other origin" and config.checks.external_links
        if (wanted or external) and url not in urls:
            urls[url] = entry["kind"]
    checked = list(urls)[: config.max_links]
    broken = []
    for url in checked:
        key = (role, url)
        if key not in cache:
            cache[key] = link_status(page.context.request, url, config.link_timeout_ms)
        status = cache[key]
        if isinstance(status, str) or status >= 400:
            shown = f"HTTP {status}" if isinstance(status, int) else status
            broken.append(f"{urls[url]} {url}: {shown}")
    capped = f" (first {config.max_links} of {len(urls)})" if len(urls) > len(checked) else ""
    if not broken:
        return CheckResult("links", "passed", f"{len(checked)} checked{capped}")
    summary = f"{len(broken)} broken of {len(checked)}{capped}"
    return CheckResult(
        "links", "failed", summary, _listed(f"broken links and assets{capped}", broken)
    )


def run_check(name: str, call: Callable[[], Any], summary: Callable[[Any], str]) -> CheckResult:
    """Run one engine check: an AssertionError fails it, a skip skips it, any other error
    fails it with its first line; the audit goes on either way."""
    try:
        value = call()
    except AssertionError as error:
        text = str(error)
        return CheckResult(name, "failed", _first_line(text), text)
    except pytest.skip.Exception as skipped:
        return CheckResult(name, "skipped", _first_line(str(skipped.msg)))
    except PlaywrightError as error:
        line = _first_line(error.message or str(error))
        return CheckResult(name, "failed", line, f"{name} could not run: {line}")
    return CheckResult(name, "passed", summary(value))


def verdict_message(url: str, role: str, results: list[CheckResult]) -> str:
    """The failure message of a page: each failing check with its own message."""
    failing = [r for r in results if r.status == "failed"]
    parts = [
        f"{url} as {role}: {len(failing)} check(s) failed ({', '.join(r.name for r in failing)})"
    ]
    parts += [f"--- {r.name}: {r.message or r.summary}" for r in failing]
    return "\n".join(parts)
