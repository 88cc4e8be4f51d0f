"""The HTML report's run-wide sections: Accessibility (a11y.json) and Performance
(vitals.json), drawn beside the list of tests.

Plain HTML and inline SVG (the per-test vitals chart of sitewise.report.charts), so they show
with no script and no server; a test named in them links to its entry in the list
(`#t<n>`), which the report's script opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitewise.report.charts import format_metric, metric_label, vitals_chart, vitals_pages
from sitewise.report.markup import esc
from sitewise.report.model import TestResult
from sitewise.report.runwide import IMPACTS, latency_endpoints
from sitewise.vitals.api import MIN_P95_CALLS

FAILING_NODES_SHOWN = 100
NOTES_SHOWN = 10


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _test_link(nodeid: str, anchors: Mapping[str, str]) -> str:
    name = nodeid.split("::")[-1] or nodeid
    anchor = anchors.get(nodeid)
    if anchor is None:
        return f'<span title="{esc(nodeid)}">{esc(name)}</span>'
    return f'<a href="#{esc(anchor)}" title="{esc(nodeid)}">{esc(name)}</a>'


def _tests_cell(nodeids: Sequence[str], anchors: Mapping[str, str], shown: int = 3) -> str:
    links = [_test_link(n, anchors) for n in nodeids[:shown]]
    if len(nodeids) > shown:
        links.append(f'<span class="muted">and {len(nodeids) - shown} more</span>')
    return "<br>".join(links)


def _impacts(counts: object) -> str:
    if not isinstance(counts, Mapping):
        return ""
    return ", ".join(f"{k} {_int(v)}" for k, v in counts.items() if _int(v))


def _section(section_id: str, title: str, verdict: str, failing: bool, body: Iterable[str]) -> str:
    state = "fail" if failing else "pass"
    opened = " open" if failing else ""
    return (
        f'<section class="run-section {state}" id="{section_id}" aria-labelledby="{section_id}-h">'
        f'<details{opened}><summary><h2 id="{section_id}-h">{esc(title)}</h2>'
        f'<span class="verdict {state}">{esc(verdict)}</span></summary>'
        f'<div class="section-body">{"".join(body)}</div></details></section>'
    )


def _table(head: Sequence[str], rows: Sequence[str], caption: str = "") -> str:
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        f'<div class="scroll"><table>{caption_html}<thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


# --- Accessibility ---


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
                for rule in _dicts(data.get("rules")):
                    for node in _dicts(rule.get("nodes")):
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
                                nodeid=test.nodeid,
                                attempt=number,
                                attempts=len(test.attempts),
                            )
                        )
    rank = {impact: index for index, impact in enumerate(IMPACTS)}
    found.sort(key=lambda n: (rank.get(n.impact, len(IMPACTS)), n.rule, n.url, n.target))
    return found


def _rule_link(rule: str, url: str) -> str:
    return f'<a href="{esc(url)}">{esc(rule)}</a>' if url else esc(rule)


def _a11y_facts(data: Mapping[str, Any]) -> str:
    checks, failed = _int(data.get("checks")), _int(data.get("checks_failed"))
    nodes, failing = _int(data.get("nodes")), _int(data.get("nodes_failing"))
    facts = [
        ("standard", ", ".join(_strings(data.get("standards"))) or "-"),
        ("axe-core", ", ".join(_strings(data.get("axe_versions"))) or "-"),
        ("browsers", ", ".join(_strings(data.get("browsers"))) or "-"),
        ("checks", f"{checks} ({failed} failed)"),
        ("pages", str(len(_dicts(data.get("pages"))))),
        ("nodes", f"{nodes} found, {failing} failing"),
    ]
    if data.get("merged_from"):
        facts.append(("runs", ", ".join(_strings(data.get("merged_from")))))
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
        f'<tr class="{"fail" if _int(failing.get(i)) else ""}"><th scope=row>{esc(i)}</th>'
        f"<td>{_int(found.get(i))}</td><td>{_int(failing.get(i))}</td></tr>"
        for i in impacts
    ]
    return _table(["impact", "nodes found", "failing"], rows, "Nodes by impact")


def _rules_table(rules: Sequence[Mapping[str, Any]]) -> str:
    if not rules:
        return "<p>No rule violated.</p>"
    rows = []
    for rule in rules:
        pages = _strings(rule.get("pages"))
        failing = _int(rule.get("nodes_failing"))
        rows.append(
            f'<tr class="{"fail" if failing else ""}">'
            f"<th scope=row>{_rule_link(str(rule.get('id', '')), str(rule.get('help_url') or ''))}"
            f"</th><td>{esc(rule.get('impact', ''))}</td>"
            f"<td>{esc(', '.join(_strings(rule.get('criteria'))))}</td>"
            f"<td>{esc(rule.get('level', ''))}</td><td>{esc(rule.get('help', ''))}</td>"
            f"<td>{_int(rule.get('nodes'))}</td><td>{failing}</td>"
            f"<td>{_int(rule.get('nodes_accepted'))}</td>"
            f'<td title="{esc(chr(10).join(pages))}">{len(pages)}</td></tr>'
        )
    head = ["rule", "impact", "WCAG", "level", "what", "nodes", "failing", "accepted", "pages"]
    return _table(head, rows, "Rules violated")


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
            f'<td class="pre">{esc(node.summary)}</td><td>{esc(node.url)}</td>'
            f"<td>{_test_link(node.nodeid, anchors)}{esc(attempt)}</td></tr>"
        )
    more = ""
    if len(nodes) > FAILING_NODES_SHOWN:
        more = (
            f'<p class="muted">… and {len(nodes) - FAILING_NODES_SHOWN} more failing node(s):'
            " see each test's accessibility attachment.</p>"
        )
    head = ["rule", "impact", "target", "HTML", "how to fix", "page", "test"]
    return _table(head, rows, f"Failing nodes ({len(nodes)})") + more


def _pages_table(pages: Sequence[Mapping[str, Any]], anchors: Mapping[str, str]) -> str:
    rows = [
        f'<tr class="{"fail" if _int(p.get("failed")) else ""}">'
        f"<th scope=row>{esc(p.get('url', ''))}</th><td>{_int(p.get('checks'))}</td>"
        f"<td>{_int(p.get('failed'))}</td>"
        f"<td>{esc(', '.join(_strings(p.get('rules'))) or '-')}</td>"
        f"<td>{_int(p.get('nodes'))}</td>"
        f"<td>{_tests_cell(_strings(p.get('tests')), anchors)}</td></tr>"
        for p in pages
    ]
    head = ["page", "checks", "failed", "rules", "nodes", "tests"]
    return _table(head, rows, f"Pages checked ({len(pages)})")


def _known_issues(data: Mapping[str, Any], anchors: Mapping[str, str]) -> str:
    known = data.get("known_issues")
    known = known if isinstance(known, Mapping) else {}
    configured = _int(known.get("configured"))
    used = _dicts(known.get("used"))
    matched = sum(1 for issue in used if issue.get("configured"))
    expired = sum(1 for issue in used if issue.get("expired"))
    stale = _dicts(known.get("stale"))
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
                f"<td>{_int(issue.get('nodes'))}</td>"
                f"<td>{_tests_cell(_strings(issue.get('tests')), anchors)}</td>"
                f"<td>{esc(status)}</td></tr>"
            )
        head = ["rule", "target", "reason", "expires", "nodes", "tests", "status"]
        parts.append(_table(head, rows, "Matched"))
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
            parts.append(_table(["rule", "target", "reason", "expires", "status"], rows, "Stale"))
        elif configured:
            parts.append("<p>None stale: every configured known issue matched a node.</p>")
    elif configured:
        reasons = "; ".join(_strings(data.get("partial_reasons"))) or "not a full run"
        parts.append(f"<p>Stale entries not checked: {esc(reasons)}.</p>")
    return "".join(parts)


def _needs_review(data: Mapping[str, Any], anchors: Mapping[str, str]) -> tuple[int, str]:
    """How many nodes need review, and their table, from each check's entry in `tests`
    (which a merge of several runs' a11y.json keeps)."""
    rows = []
    for check in _dicts(data.get("tests")):
        run = f" ({check['run']})" if check.get("run") else ""
        for rule in _dicts(check.get("needs_review")):
            link = _rule_link(str(rule.get("id", "")), str(rule.get("help_url") or ""))
            for node in _dicts(rule.get("nodes")):
                impact = node.get("impact") or rule.get("impact", "")
                rows.append(
                    f"<tr><td>{link}</td><td>{esc(impact)}</td>"
                    f"<td><code>{esc(node.get('target', ''))}</code></td>"
                    f"<td><code>{esc(node.get('html', ''))}</code></td>"
                    f'<td class="pre">{esc(chr(10).join(_strings(node.get("why"))))}</td>'
                    f"<td>{esc(check.get('url', ''))}</td>"
                    f"<td>{_test_link(str(check.get('nodeid', '')), anchors)}{esc(run)}</td></tr>"
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
        + _table(head, rows[:FAILING_NODES_SHOWN], f"Nodes that need review ({len(rows)})")
        + more
    )


def a11y_section(
    data: Mapping[str, Any], tests: Sequence[TestResult], anchors: Mapping[str, str]
) -> str:
    """The Accessibility section, from a run's (or a merged) a11y.json."""
    checks, failed = _int(data.get("checks")), _int(data.get("checks_failed"))
    pages = _dicts(data.get("pages"))
    failing = _int(data.get("nodes_failing"))
    known = data.get("known_issues")
    known = known if isinstance(known, Mapping) else {}
    expired = sum(1 for issue in _dicts(known.get("used")) if issue.get("expired"))
    stale = len(_dicts(known.get("stale")))
    impacts = _impacts(data.get("failing_by_impact"))
    verdict = (
        f"{_plural(checks, 'check')} on {_plural(len(pages), 'page')}: {failed} failed,"
        f" {_plural(failing, 'failing node')}" + (f" ({impacts})" if impacts else "")
    )
    if expired:
        verdict += f"; {_plural(expired, 'known issue')} expired"
    if stale:
        verdict += f"; {stale} stale"
    review_count, review_table = _needs_review(data, anchors)
    if review_count:
        verdict += f"; {_plural(review_count, 'node needs', 'nodes need')} review"
    body = [
        _a11y_facts(data),
        _impact_table(data),
        _rules_table(_dicts(data.get("rules"))),
        _failing_nodes_table(failing_nodes(tests), anchors),
        review_table,
        _pages_table(pages, anchors),
        _known_issues(data, anchors),
    ]
    return _section(
        "accessibility", "Accessibility", verdict, bool(failed or failing or expired), body
    )


# --- Performance ---


def _measurements(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return _dicts(data.get("measurements"))


def _metric_cell(metric: Mapping[str, Any]) -> str:
    status = str(metric.get("status") or "")
    unit = str(metric.get("unit") or "")
    median = metric.get("median")
    value = format_metric(float(median), unit) if isinstance(median, int | float) else status
    css = "fail" if status == "fail" else ("pass" if status == "pass" else "muted")
    reason = str(metric.get("reason") or status)
    return f'<td class="{css}" title="{esc(reason)}">{esc(value or "-")}</td>'


def _overview(measurements: Sequence[Mapping[str, Any]], anchors: Mapping[str, str]) -> str:
    names: list[str] = []
    for entry in measurements:
        for metric in _dicts(entry.get("metrics")):
            name = str(metric.get("metric", ""))
            if name not in names:
                names.append(name)
    rows = []
    for entry in measurements:
        by_name = {str(m.get("metric", "")): m for m in _dicts(entry.get("metrics"))}
        failing = any(m.get("status") == "fail" for m in by_name.values())
        cells = "".join(
            _metric_cell(by_name[name]) if name in by_name else "<td>-</td>" for name in names
        )
        rows.append(
            f'<tr class="{"fail" if failing else ""}"><th scope=row>{esc(entry.get("page", ""))}'
            f"</th><td>{esc(entry.get('profile', ''))}</td>"
            f"<td>{esc(entry.get('browser', ''))}</td>"
            f"<td>{_test_link(str(entry.get('nodeid', '')), anchors)}</td>{cells}</tr>"
        )
    head = ["page", "profile", "browser", "test", *(metric_label(n) for n in names)]
    return _table(head, rows, "Medians against budgets (red: over budget)")


def _charts(measurements: Sequence[Mapping[str, Any]], anchors: Mapping[str, str]) -> str:
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for entry in measurements:
        key = (str(entry.get("page", "")), str(entry.get("profile", "")))
        groups.setdefault(key, []).append(entry)
    parts = [
        '<h3>Each page and profile</h3><p class="legend">bar: median · dots: runs ·'
        " line: budget; each metric on its own scale</p>"
    ]
    for (page, profile), entries in sorted(groups.items()):
        figures = []
        for entry in entries:
            for label, rows in vitals_pages(entry):
                where = ", ".join(
                    str(v) for v in (entry.get("browser"), entry.get("viewport")) if v
                )
                outcome = str(entry.get("outcome") or "")
                over = [
                    f"{metric_label(r.metric)} {format_metric(r.median, r.unit)} over"
                    f" {format_metric(r.budget, r.unit)}"
                    for r in rows
                    if r.status == "fail"
                ]
                figures.append(
                    f'<figure class="vitals-page"><figcaption>{esc(where)}'
                    f" · {_test_link(str(entry.get('nodeid', '')), anchors)}"
                    + (f' <span class="muted">({esc(outcome)})</span>' if outcome else "")
                    + "</figcaption>"
                    f"{vitals_chart(label, rows)}"
                    + (f'<p class="over">{esc("; ".join(over))}</p>' if over else "")
                    + "</figure>"
                )
        parts.append(
            f'<div class="vitals-group"><h4>{esc(page)} <span class="muted">{esc(profile)}'
            f'</span></h4><div class="vitals-figures">{"".join(figures)}</div></div>'
        )
    return "".join(parts)


def _api_table(data: Mapping[str, Any], anchors: Mapping[str, str]) -> str:
    endpoints = latency_endpoints(data)
    latency = data.get("api_latency")
    latency = latency if isinstance(latency, Mapping) else {}
    if not endpoints:
        measured = any(_dicts((m.get("api") or {}).get("endpoints")) for m in _measurements(data))
        if measured:
            return (
                "<h3>API latency</h3><p>Nothing judged: no API call was measured by a"
                " performance spec (a test marked <code>performance</code>); each"
                " measurement's own calls are in its test's attachment.</p>"
            )
        return "<h3>API latency</h3><p>No API call was measured.</p>"
    budget = endpoints[0].budget_ms
    scope = str(latency.get("scope") or "every call of the run's performance specs")
    timing = str(latency.get("timing") or "")
    rows = []
    for endpoint in endpoints:
        slowest = "<br>".join(
            f"{call.duration_ms:.0f} ms on {esc(call.page)}"
            f" <span class='muted'>({_test_link(call.nodeid, anchors)})</span>"
            for call in endpoint.slowest
        )
        verdict = "over budget" if endpoint.status == "fail" else "pass"
        median = "-" if endpoint.median_ms is None else f"{endpoint.median_ms:.0f} ms"
        rows.append(
            f'<tr class="{endpoint.status}"><th scope=row>{esc(endpoint.endpoint)}</th>'
            f"<td>{endpoint.count}</td><td>{endpoint.p95_ms:.0f} ms</td><td>{median}</td>"
            f"<td>{endpoint.statistic}</td><td>{endpoint.budget_ms:.0f} ms</td>"
            f"<td>{verdict}</td><td>{slowest}</td></tr>"
        )
    head = ["endpoint", "calls", "p95", "median", "judged by", "budget", "verdict", "slowest calls"]
    caption = f"over {scope}" + (f" ({timing})" if timing else "")
    return (
        "<h3>API latency</h3>"
        f"<p>The p95 of every call, and each endpoint's p95 (its median when it has fewer"
        f" than {MIN_P95_CALLS} calls, too few for a p95), must be under {budget:.0f} ms"
        " ([performance] api_p95_ms); one over it fails the run.</p>" + _table(head, rows, caption)
    )


def performance_section(data: Mapping[str, Any], anchors: Mapping[str, str]) -> str:
    """The Performance section, from a run's (or a merged) vitals.json."""
    measurements = _measurements(data)
    pages = {(str(m.get("page", "")), str(m.get("profile", ""))) for m in measurements}
    over = [
        m for m in measurements if any(x.get("status") == "fail" for x in _dicts(m.get("metrics")))
    ]
    endpoints = latency_endpoints(data)
    api_over = [e for e in endpoints if e.status == "fail"]
    verdict = (
        f"{_plural(len(measurements), 'measurement')} over"
        f" {_plural(len(pages), 'page and profile', 'pages and profiles')}: {len(over)} over"
        f" budget; API: {_plural(len(endpoints), 'endpoint')}, {len(api_over)} over the p95"
        " budget"
    )
    notes: list[str] = []
    for note in _strings(data.get("notes")) + [
        n for m in measurements for n in _strings(m.get("notes"))
    ]:
        if note not in notes:
            notes.append(note)
    body = [
        _overview(measurements, anchors),
        _charts(measurements, anchors),
        _api_table(data, anchors),
    ]
    if notes:
        shown = "".join(f"<li>{esc(n)}</li>" for n in notes[:NOTES_SHOWN])
        if len(notes) > NOTES_SHOWN:
            shown += f"<li class='muted'>… and {len(notes) - NOTES_SHOWN} more</li>"
        body.append(f'<h3>Notes</h3><ul class="notes">{shown}</ul>')
    return _section("performance", "Performance", verdict, bool(over or api_over), body)
