"""One page's audit: open it as its role, run every switched-on check, report per check.

Checks run in an order that keeps them from disturbing each other: axe and the
screenshot first (the page as it loaded), then the links, then the keyboard walk (which
moves focus and may open menus), then the console (everything the page logged so far),
then Web Vitals (fresh contexts of their own). A failing check does not stop the
others; the test fails at the end with every failing check's message, and its
attachment (kind "audit") says each check's status for the report's site section.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, StorageState
from playwright.sync_api import Error as PlaywrightError

from sitewise.artifacts import attach
from sitewise.audit.checks import (
    CheckResult,
    LinkCache,
    PageWatch,
    check_console,
    check_links,
    check_requests,
    run_check,
    verdict_message,
)
from sitewise.audit.config import AuditConfig
from sitewise.audit.urls import Scope, path_and_query

AUDIT_KIND = "audit"
CHECKS = ("load", "axe", "screenshot", "links", "requests", "keyboard", "console", "vitals")


@dataclass(frozen=True)
class AuditPage:
    """A test's page: the URL, its route pattern and the role it is audited as."""

    url: str
    route: str
    role: str
    note: str = ""
    # Set when the role could not sign in: the test fails with it, nothing is opened.
    sign_in_failure: str = ""

    @property
    def label(self) -> str:
        if self.sign_in_failure:
            return f"{self.role}-sign-in"
        return f"{self.role}-{path_and_query(self.url)}"


@dataclass
class AuditTools:
    """What a page's audit needs from the test: the engine's fixtures, got when used."""

    config: AuditConfig
    scope: Scope
    new_context: Callable[..., BrowserContext]
    storage_state: Callable[[str], StorageState | None]
    fixture: Callable[[str], Any]
    item: pytest.Item
    links: LinkCache
    vitals_profiles: tuple[str, ...]
    page_name: str = ""


def snapshot_name(target: AuditPage) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", path_and_query(target.url)).strip("-") or "home"
    return f"{target.role}-{slug}"[:100]


def audit_page(target: AuditPage, tools: AuditTools) -> list[CheckResult]:
    """Audit one page; raise an AssertionError naming every failing check."""
    __tracebackhide__ = True
    if target.sign_in_failure:
        _record(tools.item, target, [CheckResult("load", "failed", "sign-in failed")])
        pytest.fail(target.sign_in_failure, pytrace=False)
    state = tools.storage_state(target.role)
    context = tools.new_context(storage_state=state) if state else tools.new_context()
    page = context.new_page()
    watch = PageWatch()
    watch.attach_to(page)
    results = [_load(page, target, tools.config)]
    if results[0].status == "passed":
        results += _checks(page, target, tools, watch, state)
    done = {r.name for r in results}
    switched_on = tools.config.checks.model_dump()
    results += [
        CheckResult(name, "not run" if switched_on.get(name, True) else "off")
        for name in CHECKS
        if name not in done
    ]
    _record(tools.item, target, results)
    if any(r.status == "failed" for r in results):
        raise AssertionError(verdict_message(target.url, target.role, results))
    return results


def _load(page: Page, target: AuditPage, config: AuditConfig) -> CheckResult:
    timeout = config.page_timeout_ms
    try:
        response = page.goto(target.url, wait_until="load", timeout=timeout)
    except PlaywrightError as error:
        line = (error.message or str(error)).strip().splitlines()[0]
        if "Timeout" in line:
            message = (
                f"{target.url} did not finish loading within {timeout} ms ([audit]"
                " page_timeout_ms); its other checks did not run."
            )
            return CheckResult("load", "failed", f"timeout {timeout} ms", message)
        return CheckResult("load", "failed", line, f"{target.url} could not be opened: {line}")
    status = response.status if response is not None else 0
    if status >= 400:
        return CheckResult("load", "failed", f"HTTP {status}", f"{target.url} answered {status}")
    # A page that keeps the network busy is audited as it is.
    with contextlib.suppress(PlaywrightError):
        page.wait_for_load_state("networkidle", timeout=config.settle_ms or 1)
    return CheckResult("load", "passed", f"HTTP {status}" if status else "loaded")


def _checks(
    page: Page,
    target: AuditPage,
    tools: AuditTools,
    watch: PageWatch,
    state: StorageState | None,
) -> list[CheckResult]:
    on = tools.config.checks
    results: list[CheckResult] = []
    if on.axe:
        check = tools.fixture("assert_accessible")
        results.append(
            run_check(
                "axe",
                lambda: check(page, context_name=f"{target.role} {path_and_query(target.url)}"),
                lambda result: f"no violation, {len(result.needs_review)} rule(s) need review",
            )
        )
    if on.screenshot:
        snap = tools.fixture("assert_snapshot")
        mask = [page.locator(selector) for selector in tools.config.mask]
        with watch.pause():
            results.append(
                run_check(
                    "screenshot",
                    lambda: snap(page, snapshot_name(target), mask=mask),
                    lambda entry: "new baseline written" if entry.written else "matches baseline",
                )
            )
    if on.links:
        results.append(check_links(page, tools.config, tools.scope, target.role, tools.links))
    if on.requests:
        results.append(check_requests(watch, tools.config.expected_errors))
    if on.keyboard:
        keys = tools.fixture("keyboard_checks")

        def keyboard() -> int:
            stops = keys.assert_all_reachable(page)
            keys.assert_focus_visible(page)
            return len(stops)

        results.append(run_check("keyboard", keyboard, lambda n: f"{n} tab stops, focus visible"))
    if on.console:
        results.append(
            check_console(
                watch, requests_checked=on.requests, expected=tools.config.expected_errors
            )
        )
    if on.vitals:
        results.append(_vitals(target, tools, state))
    return results


def _vitals(target: AuditPage, tools: AuditTools, state: StorageState | None) -> CheckResult:
    measure = tools.fixture("assert_vitals")
    args = {"storage_state": state} if state else None
    shown: list[str] = []
    for profile in tools.vitals_profiles:

        def one(profile: str = profile) -> Any:
            return measure(
                target.url, page_name=tools.page_name, profile=profile, context_args=args
            )

        result = run_check("vitals", one, lambda report: report.title())
        if result.status != "passed":
            result.summary = f"{profile}: {result.summary}"
            return result
        shown.append(profile)
    return CheckResult("vitals", "passed", f"within budget ({', '.join(shown)})")


def _record(item: pytest.Item, target: AuditPage, results: list[CheckResult]) -> None:
    data = {
        **asdict(target),
        "checks": {r.name: r.to_data() for r in results},
    }
    attach(item, AUDIT_KIND, f"Audit: {target.label}", data=data)
