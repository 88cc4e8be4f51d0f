"""The HTML report's Accessibility section, drawn from a run's (or a merged) a11y.json
beside the list of tests.

Plain HTML, so it shows with no script and no server; a test named in it links to its
entry in the list (`#t<n>`), which the report's script opens. Pages are named as
a11y.json groups them: "target:/route" (the same page under every worker's port), or the
URL of a page on no target. The Performance section is sitewise.report.performance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitewise.report.markup import (
    as_int,
    dicts,
    esc,
    link_to_test,
    links_to_tests,
    plural,
    run_section,
    strings,
    table,
)
from sitewise.report.model import TestResult
from sitewise.report.runwide import IMPACTS

FAILING_NODES_SHOWN = 100


def page_of(data: Mapping[str, Any]) -> str:
    """The page a check (or a11y.json's page entry) is about: its "target:/route", or its
    URL when a11y.json comes from a run that did not name pages."""
    return str(data.get("page") or data.get("url") or "")


def _page_cell(data: Mapping[str, Any]) -> str:
    page, url = page_of(data), str(data.get("url") or "")
    title = f' title="{esc(url)}"' if url and url != page else ""
    return f"<td{title}>{esc(page)}</td>"


def _impacts(counts: object) -> str:
    if not isinstance(counts, Mapping):
        return ""
    return ", ".join(f"{k} {as_int(v)}" for k, v in counts.items() if as_int(v))


@dataclass(frozen=True)
class FailingNode:
    """A node that failed an accessibility check, from a test's a11y attachment."""

    rule: str
    help_url: str
    impact: str
    target: str
    html: str
    summary: str
    status: str
    url: str
    page: str
    nodeid: str
    attempt: int
    attempts: int


def failing_nodes(tests: Iterable[TestResult]) -> list[FailingNode]:
    """Every failing (or expired) node in the tests' a11y attachments, every attempt's
    (as a11y.json counts them)."""
    found = []
    for test in tests:
        for number, attempt in enumerate(test.attempts, start=1):
            for artifact in attempt.artifacts:
                data = artifact.data
                if artifact.kind != "a11y" or not isinstance(data, Mapping):
                    continue
                for rule in dicts(data.get("rules")):
                    for node in dicts(rule.get("nodes")):
                        if node.get("status") not in ("failing", "expired"):
                            continue
                        found.append(
                            FailingNode(
                                rule=str(rule.get("id", "")),
                                help_url=str(rule.get("help_url") or ""),
                                impact=str(node.get("impact") or rule.get("impact") or ""),
                                target=str(node.get("target", "")),
                                html=str(node.get("html", "")),
                                summary=str(node.get("failure_summary") or ""),
                                status=str(node.get("status")),
                                url=str(data.get("url", "")),
                                page=page_of(data),
                                nodeid=test.nodeid,
                                attempt=number,
                                attempts=len(test.attempts),
                            )
                        )
    rank = {impact: index for index, impact in enumerate(IMPACTS)}
    found.sort(key=lambda n: (rank.get(n.impact, len(IMPACTS)), n.rule, n.page, n.target))
    return found


def _rule_link(rule: str, url: str) -> str:
    return f'<a href="{esc(url)}">{esc(rule)}</a>' if url else esc(rule)


def _a11y_facts(data: Mapping[str, Any]) -> str:
    checks, failed = as_int(data.get("checks")), as_int(data.get("checks_failed"))
    nodes, failing = as_int(data.get("nodes")), as_int(data.get("nodes_failing"))
    facts = [
        ("standard", ", ".join(strings(data.get("standards"))) or "-"),
        ("axe-core", ", ".join(strings(data.get("axe_versions"))) or "-"),
        ("browsers", ", ".join(strings(data.get("browsers"))) or "-"),
        ("checks", f"{checks} ({failed} failed)"),
        ("pages", str(len(dicts(data.get("pages"))))),
        ("nodes", f"{nodes} found, {failing} failing"),
    ]
    if data.get("merged_from"):
        facts.append(("runs", ", ".join(strings(data.get("merged_from")))))
    return (
        '<dl class="facts">'
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
        + "</dl>"
    )


def _impact_table(data: Mapping[str, Any]) -> str:
    found = data.get("violations_by_impact")
    failing = data.get("failing_by_impact")
    found = found if isinstance(found, Mapping) else {}
    failing = failing if isinstance(failing, Mapping) else {}
    impacts = [*IMPACTS, *sorted((set(found) | set(failing)) - set(IMPACTS))]
    rows = [
        f'<tr class="{"fail" if as_int(failing.get(i)) else ""}"><th scope=row>{esc(i)}</th>'
        f"<td>{as_int(found.get(i))}</td><td>{as_int(failing.get(i))}</td></tr>"
        for i in impacts
    ]
    return table(["impact", "nodes found", "failing"], rows, "Nodes by impact")


def _rules_table(rules: Sequence[Mapping[str, Any]]) -> str:
    if not rules:
        return "<p>No rule violated.</p>"
    rows = []
    for rule in rules:
        pages = strings(rule.get("pages"))
        failing = as_int(rule.get("nodes_failing"))
        rows.append(
            f'<tr class="{"fail" if failing else ""}">'
            f"<th scope=row>{_rule_link(str(rule.get('id', '')), str(rule.get('help_url') or ''))}"
            f"</th><td>{esc(rule.get('impact', ''))}</td>"
            f"<td>{esc(', '.join(strings(rule.get('criteria'))))}</td>"
            f"<td>{esc(rule.get('level', ''))}</td><td>{esc(rule.get('help', ''))}</td>"
            f"<td>{as_int(rule.get('nodes'))}</td><td>{failing}</td>"
            f"<td>{as_int(rule.get('nodes_accepted'))}</td>"
            f'<td title="{esc(chr(10).join(pages))}">{len(pages)}</td></tr>'
        )
    head = ["rule", "impact", "WCAG", "level", "what", "nodes", "failing", "accepted", "pages"]
    return table(head, rows, "Rules violated")


def _failing_nodes_table(nodes: Sequence[FailingNode], anchors: Mapping[str, str]) -> str:
    if not nodes:
        return ""
    rows = []
    for node in nodes[:FAILING_NODES_SHOWN]:
        attempt = f" (attempt {node.attempt} of {node.attempts})" if node.attempts > 1 else ""
        expired = ""
        if node.status == "expired":
            expired = ' <span class="flag">known issue expired</span>'
        rows.append(
            f'<tr class="fail"><td>{_rule_link(node.rule, node.help_url)}{expired}</td>'
            f"<td>{esc(node.impact)}</td><td><code>{esc(node.target)}</code></td>"
            f"<td><code>{esc(node.html)}</code></td>"
            f'<td class="pre">{esc(node.summary)}</td>'
            f"{_page_cell({'page': node.page, 'url': node.url})}"
            f"<td>{link_to_test(node.nodeid, anchors)}{esc(attempt)}</td></tr>"
        )
    more = ""
    if len(nodes) > FAILING_NODES_SHOWN:
        more = (
            f'<p class="muted">… and {len(nodes) - FAILING_NODES_SHOWN} more failing node(s):'
            " see each test's accessibility attachment.</p>"
        )
    head = ["rule", "impact", "target", "HTML", "how to fix", "page", "test"]
    return table(head, rows, f"Failing nodes ({len(nodes)})") + more


def _urls_title(page: Mapping[str, Any]) -> str:
    """The URLs a page was checked at (one per worker port), shown on hovering its name."""
    urls = strings(page.get("urls")) or [str(page.get("url") or "")]
    shown = [url for url in urls if url and url != page_of(page)]
    return f' title="{esc(chr(10).join(shown))}"' if shown else ""


def _pages_table(pages: Sequence[Mapping[str, Any]], anchors: Mapping[str, str]) -> str:
    rows = [
        f'<tr class="{"fail" if as_int(p.get("failed")) else ""}">'
        f"<th scope=row{_urls_title(p)}>{esc(page_of(p))}</th><td>{as_int(p.get('checks'))}</td>"
        f"<td>{as_int(p.get('failed'))}</td>"
        f"<td>{esc(', '.join(strings(p.get('rules'))) or '-')}</td>"
        f"<td>{as_int(p.get('nodes'))}</td>"
        f"<td>{links_to_tests(strings(p.get('tests')), anchors)}</td></tr>"
        for p in pages
    ]
    head = ["page", "checks", "failed", "rules", "nodes", "tests"]
    return table(head, rows, f"Pages checked ({len(pages)})")


def _known_issues(data: Mapping[str, Any], anchors: Mapping[str, str]) -> str:
    known = data.get("known_issues")
    known = known if isinstance(known, Mapping) else {}
    configured = as_int(known.get("configured"))
    used = dicts(known.get("used"))
    matched = sum(1 for issue in used if issue.get("configured"))
    expired = sum(1 for issue in used if issue.get("expired"))
    stale = dicts(known.get("stale"))
    parts = [
        "<h3>Known issues</h3>",
        f"<p>{configured} configured in playwright.config.toml, {matched} matched in this run"
        + (f", <strong>{expired} expired</strong>" if expired else "")
        + "</p>",
    ]
    if used:
        rows = []
        for issue in used:
            if issue.get("expired"):
                status, css = "EXPIRED: fails its checks", "fail"
            elif not issue.get("configured"):
                status, css = "matched, not in playwright.config.toml", ""
            else:
                status, css = "accepted", ""
            rows.append(
                f'<tr class="{css}"><td>{esc(issue.get("rule", ""))}</td>'
                f"<td><code>{esc(issue.get('target', ''))}</code></td>"
                f"<td>{esc(issue.get('reason', ''))}</td><td>{esc(issue.get('expires', ''))}</td>"
                f"<td>{as_int(issue.get('nodes'))}</td>"
                f"<td>{links_to_tests(strings(issue.get('tests')), anchors)}</td>"
                f"<td>{esc(status)}</td></tr>"
            )
        head = ["rule", "target", "reason", "expires", "nodes", "tests", "status"]
        parts.append(table(head, rows, "Matched"))
    if known.get("stale_checked"):
        if stale:
            rows = [
                f'<tr class="stale"><td>{esc(i.get("rule", ""))}</td>'
                f"<td><code>{esc(i.get('target', ''))}</code></td>"
                f"<td>{esc(i.get('reason', ''))}</td><td>{esc(i.get('expires', ''))}</td>"
                "<td>STALE: matched nothing in this run; remove it from"
                " playwright.config.toml</td></tr>"
                for i in stale
            ]
            parts.append(table(["rule", "target", "reason", "expires", "status"], rows, "Stale"))
        elif configured:
            parts.append("<p>None stale: every configured known issue matched a node.</p>")
    elif configured:
        reasons = "; ".join(strings(data.get("partial_reasons"))) or "not a full run"
        parts.append(f"<p>Stale entries not checked: {esc(reasons)}.</p>")
    return "".join(parts)


def _needs_review(data: Mapping[str, Any], anchors: Mapping[str, str]) -> tuple[int, str]:
    """How many nodes need review, and their table, from each check's entry in `tests`
    (which a merge of several runs' a11y.json keeps)."""
    rows = []
    for check in dicts(data.get("tests")):
        run = f" ({check['run']})" if check.get("run") else ""
        for rule in dicts(check.get("needs_review")):
            link = _rule_link(str(rule.get("id", "")), str(rule.get("help_url") or ""))
            for node in dicts(rule.get("nodes")):
                impact = node.get("impact") or rule.get("impact", "")
                rows.append(
                    f"<tr><td>{link}</td><td>{esc(impact)}</td>"
                    f"<td><code>{esc(node.get('target', ''))}</code></td>"
                    f"<td><code>{esc(node.get('html', ''))}</code></td>"
                    f'<td class="pre">{esc(chr(10).join(strings(node.get("why"))))}</td>'
                    f"{_page_cell(check)}"
                    f"<td>{link_to_test(str(check.get('nodeid', '')), anchors)}{esc(run)}</td></tr>"
                )
    if not rows:
        return 0, ""
    # A merge of several runs' a11y.json keeps each check but not whether it failed on these.
    review = data.get("needs_review")
    verdict = ""
    if isinstance(review, Mapping):
        verdict = (
            " (they fail their checks: [a11y] fail_on_needs_review = true)"
            if review.get("fails")
            else " (they do not fail their checks)"
        )
    more = ""
    if len(rows) > FAILING_NODES_SHOWN:
        more = (
            f'<p class="muted">… and {len(rows) - FAILING_NODES_SHOWN} more:'
            " see each test's accessibility attachment.</p>"
        )
    head = ["rule", "impact", "target", "HTML", "why axe could not decide", "page", "test"]
    return len(rows), (
        "<h3>Needs review</h3><p>axe could not decide on these nodes; a person should look"
        f" at them{verdict}.</p>"
        + table(head, rows[:FAILING_NODES_SHOWN], f"Nodes that need review ({len(rows)})")
        + more
    )


def a11y_section(
    data: Mapping[str, Any], tests: Sequence[TestResult], anchors: Mapping[str, str]
) -> str:
    """The Accessibility section, from a run's (or a merged) a11y.json."""
    checks, failed = as_int(data.get("checks")), as_int(data.get("checks_failed"))
    pages = dicts(data.get("pages"))
    failing = as_int(data.get("nodes_failing"))
    known = data.get("known_issues")
    known = known if isinstance(known, Mapping) else {}
    expired = sum(1 for issue in dicts(known.get("used")) if issue.get("expired"))
    stale = len(dicts(known.get("stale")))
    impacts = _impacts(data.get("failing_by_impact"))
    verdict = (
        f"{plural(checks, 'check')} on {plural(len(pages), 'page')}: {failed} failed,"
        f" {plural(failing, 'failing node')}" + (f" ({impacts})" if impacts else "")
    )
    if expired:
        verdict += f"; {plural(expired, 'known issue')} expired"
    if stale:
        verdict += f"; {stale} stale"
    review_count, review_table = _needs_review(data, anchors)
    if review_count:
        verdict += f"; {plural(review_count, 'node needs', 'nodes need')} review"
    body = [
        _a11y_facts(data),
        _impact_table(data),
        _rules_table(dicts(data.get("rules"))),
        _failing_nodes_table(failing_nodes(tests), anchors),
        review_table,
        _pages_table(pages, anchors),
        _known_issues(data, anchors),
    ]
    return run_section(
        "accessibility", "Accessibility", verdict, bool(failed or failing or expired), body
    )
