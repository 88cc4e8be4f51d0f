"""The HTML report's Site section: every audited page's status per check, grouped by
route pattern and role.

Drawn from the tests' "audit" attachments (sitewise.audit.run), so it shows in any
report of a run that audited a site, merged shards included, and is empty otherwise.
Each page links to its test in the list; a cell's title is the check's one line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sitewise.report.markup import esc, link_to_test, plural, run_section, table
from sitewise.report.model import TestResult

CHECKS = ("load", "axe", "screenshot", "links", "requests", "keyboard", "console", "vitals")
_SHOWN = {"passed": "✓ passed", "failed": "✗ failed", "skipped": "skipped", "not run": "not run"}


def audit_entries(tests: Iterable[TestResult]) -> list[tuple[TestResult, Mapping[str, Any]]]:
    """Each audited page's test and attachment data (the last attempt's)."""
    found = []
    for test in tests:
        if not test.attempts:
            continue
        for artifact in test.attempts[-1].artifacts:
            if artifact.kind == "audit" and isinstance(artifact.data, Mapping):
                found.append((test, artifact.data))
    return found


def _cell(check: object) -> str:
    if not isinstance(check, Mapping):
        return '<td class="muted">off</td>'
    status = str(check.get("status", ""))
    summary = str(check.get("summary", ""))
    css = {"passed": "passed", "failed": "failed"}.get(status, "muted")
    shown = _SHOWN.get(status, status)
    return f'<td class="{css}" title="{esc(summary)}">{esc(shown)}</td>'


def site_section(tests: Iterable[TestResult], anchors: Mapping[str, str]) -> str:
    """The Site section, or "" when no test of the run audited a page."""
    entries = audit_entries(tests)
    if not entries:
        return ""
    groups: dict[tuple[str, str], list[tuple[TestResult, Mapping[str, Any]]]] = defaultdict(list)
    for test, data in entries:
        groups[(str(data.get("route", "")), str(data.get("role", "")))].append((test, data))
    rows = []
    failing_pages = 0
    for (route, role), pages in sorted(groups.items()):
        for index, (test, data) in enumerate(pages):
            checks = data.get("checks", {})
            failed = isinstance(checks, Mapping) and any(
                isinstance(c, Mapping) and c.get("status") == "failed" for c in checks.values()
            )
            failing_pages += failed
            first = (
                f'<td rowspan="{len(pages)}"><code>{esc(route or "(sign-in)")}</code></td>'
                f'<td rowspan="{len(pages)}">{esc(role)}</td>'
                if index == 0
                else ""
            )
            url = esc(data.get("url", ""))
            page = f'<td title="{url}">{link_to_test(test.nodeid, anchors)}</td>'
            cells = "".join(
                _cell(checks.get(c) if isinstance(checks, Mapping) else None) for c in CHECKS
            )
            rows.append(f"<tr>{first}{page}{cells}</tr>")
    roles = sorted({role for _, role in groups})
    verdict = (
        f"{plural(len(entries), 'page')} as {', '.join(roles)}:"
        f" {failing_pages} failing, {len(groups)} route pattern(s)"
    )
    body = [
        "<p>Each page the audit found, per role, with each check's status"
        " (hover a cell for its line; the page's test has the details).</p>",
        table(["route", "role", "page", *CHECKS], rows),
    ]
    return run_section("site", "Site", verdict, failing_pages > 0, body)
