"""Discovery: the pages of a site, breadth-first from its start URLs, as each role sees them.

A real browser page opens each URL (GET only: nothing is clicked, no form submitted),
waits for the page to go quiet so that links a script renders are there (single-page
apps), and reads every link. Links are followed when `Scope` allows (same origin,
include / exclude, never a sign-out or destructive link), up to [audit] max_depth and
max_pages; the site's sitemap.xml adds its URLs. A role signs in first through the
engine's generic sign-in; its pages are listed apart, so the report says which pages
each role reaches. A page that does not load in time is still listed (its test fails
with its own timeout); a page that answers an error is not a page but a broken link.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, StorageState
from playwright.sync_api import Error as PlaywrightError

from sitewise.audit.config import AuditConfig
from sitewise.audit.urls import Scope, normalise, origin, route_pattern, same_origin

log = logging.getLogger(__name__)

GUEST = "guest"

_LINKS_JS = """() => {
  const found = [];
  const walk = (root) => {
    for (const a of root.querySelectorAll('a[href], area[href]')) {
      const text = (a.innerText || a.getAttribute('aria-label') || a.title || '').trim();
      found.push({href: a.href, text: text.slice(0, 200)});
    }
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
  };
  walk(document);
  return found;
}"""


class DiscoveryError(Exception):
    """The audit cannot start: the message says what is wrong and what to do."""


@dataclass(frozen=True)
class FoundPage:
    """A page a role reached: its URL, route pattern, depth and how it was found."""

    url: str
    route: str
    role: str
    depth: int
    via: str
    status: int | None = None
    note: str = ""


@dataclass
class Discovery:
    """What discovery found: the pages per role, and what it says about the run."""

    start: tuple[str, ...]
    pages: list[FoundPage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Roles that could not sign in: role -> why. Their pages are not audited.
    sign_in_failures: dict[str, str] = field(default_factory=dict)

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> Discovery:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        pages = [FoundPage(**page) for page in data.pop("pages")]
        return cls(
            start=tuple(data["start"]),
            pages=pages,
            notes=list(data["notes"]),
            sign_in_failures=dict(data["sign_in_failures"]),
        )

    def roles(self) -> list[str]:
        return list(dict.fromkeys(page.role for page in self.pages))


def scope_of(start: Sequence[str], config: AuditConfig) -> Scope:
    return Scope(
        origins=frozenset(origin(url) for url in start),
        include=config.include,
        exclude=config.exclude,
        deny=config.deny,
    )


def sitemap_urls(context: BrowserContext, site: str, timeout_ms: float) -> list[str]:
    """The <loc> URLs of site/sitemap.xml (and of the sitemaps an index lists, one level)."""
    found: list[str] = []
    queue = [f"{site}/sitemap.xml"]
    nested = 0
    while queue:
        url = queue.pop(0)
        try:
            response = context.request.get(url, timeout=timeout_ms, max_redirects=5)
        except PlaywrightError:
            continue
        if not response.ok:
            continue
        try:
            root = ET.fromstring(response.body())
        except ET.ParseError:
            log.warning("%s is not XML; ignored", url)
            continue
        locs = [(el.text or "").strip() for el in root.iter() if el.tag.endswith("loc")]
        if root.tag.endswith("sitemapindex") and nested == 0:
            nested += 1
            queue += [loc for loc in locs if same_origin(loc, site)]
        else:
            found += [loc for loc in locs if loc]
    return found


@dataclass
class _Crawl:
    config: AuditConfig
    scope: Scope
    role: str
    pages: list[FoundPage] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    listed: set[str] = field(default_factory=set)
    routes: set[str] = field(default_factory=set)
    queue: deque[tuple[str, int, str]] = field(default_factory=deque)
    skipped: int = 0
    broken: list[str] = field(default_factory=list)

    def offer(self, url: str, depth: int, via: str, text: str = "") -> None:
        url = normalise(url, self.config.tracking_params)
        if url in self.seen or depth > self.config.max_depth:
            return
        if self.scope.reason_to_skip(url, text) is not None:
            return
        route = route_pattern(url, self.config.routes)
        if self.config.one_per_route and route in self.routes:
            return
        self.seen.add(url)
        self.routes.add(route)
        self.queue.append((url, depth, via))


def crawl(
    browser: Browser,
    start: Sequence[str],
    config: AuditConfig,
    *,
    role: str = GUEST,
    storage_state: StorageState | None = None,
    context_args: dict[str, Any] | None = None,
) -> tuple[list[FoundPage], list[str]]:
    """The pages `role` reaches from `start`, and notes on what stopped discovery.

    Raises DiscoveryError when a start URL cannot be reached or lands on another origin.
    """
    crawl = _Crawl(config, scope_of(start, config), role)
    notes: list[str] = []
    context = browser.new_context(storage_state=storage_state, **(context_args or {}))
    context.set_default_timeout(config.page_timeout_ms)
    try:
        for url in start:
            crawl.offer(url, 0, "start")
        if config.sitemap:
            for site in dict.fromkeys(origin(url) for url in start):
                for url in sitemap_urls(context, site, config.link_timeout_ms):
                    crawl.offer(url, 1, "sitemap")
        page = context.new_page()
        starts = {normalise(url, config.tracking_params) for url in start}
        while crawl.queue:
            if len(crawl.pages) >= config.max_pages:
                notes.append(
                    f"{role}: stopped at {config.max_pages} pages ([audit] max_pages);"
                    f" {len(crawl.queue)} more found were not visited: raise max_pages or"
                    " narrow [audit] include to audit them."
                )
                break
            url, depth, via = crawl.queue.popleft()
            _visit(page, crawl, url, depth, via, is_start=url in starts)
        if crawl.broken:
            shown = ", ".join(crawl.broken[:5]) + (" ..." if len(crawl.broken) > 5 else "")
            notes.append(f"{role}: {len(crawl.broken)} linked URL(s) answered an error: {shown}")
    finally:
        context.close()
    return crawl.pages, notes


def _visit(page: Page, crawl: _Crawl, url: str, depth: int, via: str, *, is_start: bool) -> None:
    config = crawl.config
    if url in crawl.listed:  # reached earlier through a redirect
        return
    try:
        response = page.goto(url, wait_until="load", timeout=config.page_timeout_ms)
    except PlaywrightError as error:
        first = (error.message or str(error)).strip().splitlines()[0]
        if "Timeout" in first:
            crawl.pages.append(
                FoundPage(
                    url,
                    route_pattern(url, config.routes),
                    crawl.role,
                    depth,
                    via,
                    note=f"did not finish loading within {config.page_timeout_ms} ms",
                )
            )
            return
        if is_start:
            raise DiscoveryError(
                f"The start URL {url} cannot be reached ({first}); check the URL and that"
                " the site is up."
            ) from None
        crawl.broken.append(url)
        return
    # A single-page app may route on the client once it has loaded (to its sign-in page,
    # say): the page is where it is once it has settled.
    _settle(page, config.settle_ms)
    landed = normalise(page.url, config.tracking_params)
    if not same_origin(landed, url):
        if is_start:
            raise DiscoveryError(
                f"The start URL {url} redirects to {page.url}, on another origin; an audit"
                f" stays on its start's origin: start from {origin(page.url)} instead."
            )
        return
    status = response.status if response is not None else None
    if status is not None and status >= 400:
        if is_start:
            raise DiscoveryError(
                f"The start URL {url} answered HTTP {status}; start from a page that loads."
            )
        crawl.broken.append(f"{url} ({status})")
        return
    if landed != url:
        # Redirected (a chain, or to sign-in): the page is where it landed, once.
        if landed in crawl.listed:
            return
        crawl.seen.add(landed)
        if crawl.scope.reason_to_skip(landed) is not None:
            return
    crawl.listed.add(landed)
    crawl.pages.append(
        FoundPage(
            landed,
            route_pattern(landed, config.routes),
            crawl.role,
            depth,
            via,
            status,
            note="" if landed == url else f"redirected from {url}",
        )
    )
    for link in _links(page):
        crawl.offer(link["href"], depth + 1, landed, link["text"])


def _settle(page: Page, settle_ms: int) -> None:
    """Wait for the network to go quiet (a script-rendered page), at most `settle_ms`."""
    if settle_ms <= 0:
        return
    try:
        page.wait_for_load_state("networkidle", timeout=settle_ms)
    except PlaywrightError:
        log.info("%s kept the network busy past %d ms; links read as they are", page.url, settle_ms)


def _links(page: Page) -> list[dict[str, str]]:
    try:
        found: list[dict[str, str]] = page.evaluate(_LINKS_JS)
    except PlaywrightError:
        return []
    return found


def discover(
    browser: Browser,
    start: Sequence[str],
    config: AuditConfig,
    states: Iterable[tuple[str, StorageState | None]],
    *,
    context_args: dict[str, Any] | None = None,
) -> Discovery:
    """Discovery for each (role, storage state); the guest role has no state."""
    result = Discovery(tuple(start))
    for role, state in states:
        pages, notes = crawl(
            browser, start, config, role=role, storage_state=state, context_args=context_args
        )
        result.pages += pages
        result.notes += notes
    return result
