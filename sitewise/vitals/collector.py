"""The in-page collector (collector.js): installing it, waiting for the page to settle, reading it.

The collector is an init script, so its buffered PerformanceObservers exist before the
page's first paint. Values are read when the page has gone quiet (no new vitals entry
for the settle window, bounded by a timeout), never at the load event, which comes
before a late image or a late layout shift.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any, cast

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

log = logging.getLogger(__name__)

COLLECTOR_PATH = Path(__file__).with_name("collector.js")


@cache
def collector_source() -> str:
    return COLLECTOR_PATH.read_text(encoding="utf-8")


def collector_script(before: str | None = None) -> str:
    """The init script: `before` (a stub, a storage seed) runs first, then the collector.

    One script rather than two because Playwright does not define the order in which
    separate init scripts run, and a stub of PerformanceObserver.supportedEntryTypes must
    be in place when the collector reads it.
    """
    if not before:
        return collector_source()
    return f"{before}\n;\n{collector_source()}"


def install_collector(context: BrowserContext, before: str | None = None) -> None:
    """Run the collector at the start of every document the context loads."""
    context.add_init_script(script=collector_script(before))


def page_now(page: Page) -> float:
    """The page's performance.now(), in ms since its navigation started."""
    return float(page.evaluate("performance.now()"))


def wait_until_settled(
    page: Page, *, quiet_ms: int, timeout_ms: int, since_ms: float = 0.0
) -> bool:
    """Wait until the page loaded, LCP was seen and no entry came for `quiet_ms`.

    Returns False, after logging, when `timeout_ms` passes first: a page that keeps
    shifting or repainting is measured as it is then, and the report says it never
    settled.
    """
    try:
        page.wait_for_function(
            "([quiet, since]) => !!window.__e2eVitals && window.__e2eVitals.settled(quiet, since)",
            arg=[quiet_ms, since_ms],
            polling=100,
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        log.warning(
            "%s did not settle within %d ms; reading vitals as they are", page.url, timeout_ms
        )
        return False
    return True


def read_snapshot(page: Page) -> dict[str, Any]:
    """The collector's current values, with what explains them (see collector.js)."""
    snapshot = page.evaluate("window.__e2eVitals ? window.__e2eVitals.snapshot() : null")
    if snapshot is None:
        raise RuntimeError(
            f"The vitals collector is not on {page.url}: install_collector() must run on the"
            " context before the page navigates."
        )
    return cast(dict[str, Any], snapshot)
