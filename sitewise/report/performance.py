"""The HTML report's Performance section, drawn from a run's (or a merged) vitals.json:
each page's medians against their budgets, its Web Vitals charts (inline SVG, from
sitewise.report.charts) and the run's API latency verdict.

Plain HTML and SVG, so it shows with no script and no server; a test named in it links to
its entry in the list (`#t<n>`), which the report's script opens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sitewise.report.charts import format_metric, metric_label, vitals_chart, vitals_pages
from sitewise.report.markup import (
    dicts,
    esc,
    link_to_test,
    plural,
    run_section,
    strings,
    table,
)
from sitewise.report.runwide import latency_endpoints
from sitewise.vitals.api import MIN_P95_CALLS

NOTES_SHOWN = 10


def _measurements(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return dicts(data.get("measurements"))


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
        for metric in dicts(entry.get("metrics")):
            name = str(metric.get("metric", ""))
            if name not in names:
                names.append(name)
    rows = []
    for entry in measurements:
        by_name = {str(m.get("metric", "")): m for m in dicts(entry.get("metrics"))}
        failing = any(m.get("status") == "fail" for m in by_name.values())
        cells = "".join(
            _metric_cell(by_name[name]) if name in by_name else "<td>-</td>" for name in names
        )
        rows.append(
            f'<tr class="{"fail" if failing else ""}"><th scope=row>{esc(entry.get("page", ""))}'
            f"</th><td>{esc(entry.get('profile', ''))}</td>"
            f"<td>{esc(entry.get('browser', ''))}</td>"
            f"<td>{link_to_test(str(entry.get('nodeid', '')), anchors)}</td>{cells}</tr>"
        )
    head = ["page", "profile", "browser", "test", *(metric_label(n) for n in names)]
    return table(head, rows, "Medians against budgets (red: over budget)")


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
                    f" · {link_to_test(str(entry.get('nodeid', '')), anchors)}"
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
        measured = any(dicts((m.get("api") or {}).get("endpoints")) for m in _measurements(data))
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
            f" <span class='muted'>({link_to_test(call.nodeid, anchors)})</span>"
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
        " ([performance] api_p95_ms); one over it fails the run.</p>" + table(head, rows, caption)
    )


def performance_section(data: Mapping[str, Any], anchors: Mapping[str, str]) -> str:
    """The Performance section, from a run's (or a merged) vitals.json."""
    measurements = _measurements(data)
    pages = {(str(m.get("page", "")), str(m.get("profile", ""))) for m in measurements}
    over = [
        m for m in measurements if any(x.get("status") == "fail" for x in dicts(m.get("metrics")))
    ]
    endpoints = latency_endpoints(data)
    api_over = [e for e in endpoints if e.status == "fail"]
    verdict = (
        f"{plural(len(measurements), 'measurement')} over"
        f" {plural(len(pages), 'page and profile', 'pages and profiles')}: {len(over)} over"
        f" budget; API: {plural(len(endpoints), 'endpoint')}, {len(api_over)} over the p95"
        " budget"
    )
    notes: list[str] = []
    for note in strings(data.get("notes")) + [
        n for m in measurements for n in strings(m.get("notes"))
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
    return run_section("performance", "Performance", verdict, bool(over or api_over), body)
