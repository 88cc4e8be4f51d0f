"""A test attempt's attachments in the HTML report: screenshots, traces, videos, visual
comparisons, accessibility results, Web Vitals, properties and any other kind.

Images and videos are linked by paths relative to the report (they sit in its folder,
under artifacts/); an attachment of a kind not known here shows its file and its data.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from sitewise.report.charts import format_metric, metric_label, vitals_chart, vitals_pages
from sitewise.report.markup import esc, href
from sitewise.report.model import Artifact

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"}


def render_artifacts(artifacts: Sequence[Artifact]) -> str:
    """An attempt's attachments: its screenshots side by side, then each other one as its
    kind draws it, then its properties in one table."""
    shots = [a for a in artifacts if a.kind == "screenshot" and a.path]
    properties = [a for a in artifacts if a.kind == "property"]
    others = [a for a in artifacts if a not in shots and a not in properties]
    parts = []
    if shots:
        parts.append(
            '<div class="shots">'
            + "".join(_figure(a.path or "", a.title) for a in shots)
            + "</div>"
        )
    for artifact in others:
        renderer = _RENDERERS.get(artifact.kind, _generic)
        parts.append(renderer(artifact))
    if properties:
        rows = "".join(
            f"<tr><th scope=row>{esc(p.title)}</th><td>{esc(_short(p.data))}</td></tr>"
            for p in properties
        )
        parts.append(f'<table class="properties"><caption>Properties</caption>{rows}</table>')
    return "".join(parts)


def _figure(path: str, caption: str) -> str:
    return (
        f'<figure class="shot"><a href="{href(path)}"><img src="{href(path)}" loading="lazy"'
        f' alt="{esc(caption)}"></a><figcaption>{esc(caption)}</figcaption></figure>'
    )


def _trace(artifact: Artifact) -> str:
    path = artifact.path or ""
    command = f"python -m playwright show-trace {shlex.quote(path)}"
    return (
        f'<div class="artifact trace"><h4>{esc(artifact.title or "Trace")}</h4>'
        f'<p><a href="{href(path)}">{esc(path)}</a></p>'
        f'<p>Open it (from this report\'s folder): <code class="command">{esc(command)}</code>'
        f' <button type="button" class="copy" data-copy="{esc(command)}">Copy</button></p></div>'
    )


def _video(artifact: Artifact) -> str:
    path = artifact.path or ""
    return (
        f'<div class="artifact video"><h4>{esc(artifact.title or "Video")}</h4>'
        f'<video controls preload="metadata" src="{href(path)}"></video>'
        f'<p><a href="{href(path)}">{esc(path)}</a></p></div>'
    )


def _visual(artifact: Artifact) -> str:
    data = artifact.data if isinstance(artifact.data, dict) else {}
    figures = [
        _figure(str(data[key]), key)
        for key in ("expected", "actual", "diff")
        if isinstance(data.get(key), str) and data.get(key)
    ]
    if artifact.path and not figures:
        figures.append(_figure(artifact.path, artifact.title))
    numbers = [
        (key, value)
        for key, value in data.items()
        if key not in ("expected", "actual", "diff") and value not in (None, "", [], {})
    ]
    facts = "".join(
        f"<dt>{esc(k.replace('_', ' '))}</dt><dd>{esc(_number(v))}</dd>" for k, v in numbers
    )
    status = data.get("status", "")
    expected, actual = data.get("expected"), data.get("actual")
    compare = (
        _compare(expected, actual, artifact.title)
        if isinstance(expected, str) and isinstance(actual, str) and expected and actual
        else ""
    )
    return (
        f'<div class="artifact visual {esc(status)}"><h4>Visual: {esc(artifact.title)}</h4>'
        f'<div class="shots">{"".join(figures)}</div>{compare}'
        f'<dl class="facts">{facts}</dl></div>'
    )


def _compare(expected: str, actual: str, title: str) -> str:
    """Actual over expected, with a slider (report.js clips the actual) or onion skin
    (its opacity), as on the review page."""
    return (
        f'<div class="compare" data-mode="slider"><div class="compare-stack">'
        f'<img class="under" src="{href(expected)}" loading="lazy" alt="expected: {esc(title)}">'
        f'<img class="over" src="{href(actual)}" loading="lazy" alt="actual over expected:'
        f' {esc(title)}"></div><div class="compare-controls">'
        '<label>View <select class="compare-mode"><option value="slider">Slider</option>'
        '<option value="onion">Onion skin</option></select></label>'
        '<label><span class="compare-label">Actual shown from the left, in percent</span>'
        ' <input type="range" class="compare-range" min="0" max="100" value="50"></label>'
        "</div></div>"
    )


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple) and all(isinstance(v, int | float) for v in value):
        return "×".join(_number(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _a11y(artifact: Artifact) -> str:
    data = artifact.data
    rules: list[Any] = []
    info: dict[str, Any] = {}
    if isinstance(data, dict):
        info = data
        rules = list(data.get("rules") or data.get("violations") or [])
    elif isinstance(data, list):
        rules = data
    head = []
    for key in ("url", "standard", "browser"):
        if info.get(key):
            head.append(f"<dt>{key}</dt><dd>{esc(info[key])}</dd>")
    nodes = info.get("nodes")
    if isinstance(nodes, dict):
        head.append(
            "<dt>nodes</dt><dd>"
            + esc(", ".join(f"{v} {k}" for k, v in nodes.items() if v) or "none")
            + "</dd>"
        )
    by_impact = info.get("failing_by_impact") or info.get("violations_by_impact")
    if isinstance(by_impact, dict):
        head.append(
            "<dt>by impact</dt><dd>"
            + esc(", ".join(f"{v} {k}" for k, v in by_impact.items() if v) or "none")
            + "</dd>"
        )
    rows = []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        rule_id = str(rule.get("id") or rule.get("rule") or "?")
        help_text = str(rule.get("help") or rule.get("description") or "")
        url = rule.get("help_url") or rule.get("helpUrl")
        link = f'<a href="{esc(url)}">{esc(rule_id)}</a>' if url else esc(rule_id)
        rule_nodes = rule.get("nodes") or []
        total = rule.get("nodes_total", len(rule_nodes) if isinstance(rule_nodes, list) else "")
        failing = rule.get("nodes_failing", "")
        targets = []
        if isinstance(rule_nodes, list):
            for node in rule_nodes[:3]:
                target = node.get("target") if isinstance(node, dict) else node
                if isinstance(target, list):
                    target = " ".join(str(t) for t in target)
                targets.append(f"<code>{esc(target)}</code>")
        count = f"{failing} of {total}" if failing != "" else str(total)
        rows.append(
            f"<tr><td>{link}</td><td>{esc(rule.get('impact', ''))}</td><td>{esc(help_text)}</td>"
            f"<td>{esc(count)}</td><td>{'<br>'.join(targets)}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>rule</th><th>impact</th><th>what</th><th>nodes</th>"
        f"<th>where (first)</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else "<p>No violations.</p>"
    )
    link = f'<p><a href="{href(artifact.path)}">full results</a></p>' if artifact.path else ""
    return (
        f'<div class="artifact a11y"><h4>Accessibility: {esc(artifact.title)}</h4>'
        f'<dl class="facts">{"".join(head)}</dl><div class="scroll">{table}</div>{link}</div>'
    )


def _vitals(artifact: Artifact) -> str:
    pages = vitals_pages(artifact.data)
    parts = [f'<div class="artifact vitals"><h4>{esc(artifact.title or "Web Vitals")}</h4>']
    for label, rows in pages:
        table_rows = "".join(
            f'<tr class="{esc(r.status)}"><th scope=row>{esc(metric_label(r.metric))}</th>'
            f"<td>{esc(len(r.runs))}</td><td>{esc(format_metric(r.median, r.unit))}</td>"
            f"<td>{esc(format_metric(r.budget, r.unit))}</td><td>{esc(r.status)}</td></tr>"
            for r in rows
        )
        parts.append(
            f'<figure class="vitals-page"><figcaption>{esc(label)}</figcaption>'
            f"{vitals_chart(label, rows)}"
            '<p class="legend">bar: median · dots: runs · line: budget</p>'
            "<table><thead><tr><th>metric</th><th>runs</th><th>median</th><th>budget</th>"
            f"<th>status</th></tr></thead><tbody>{table_rows}</tbody></table></figure>"
        )
    data = artifact.data if isinstance(artifact.data, dict) else {}
    api = data.get("api")
    if isinstance(api, dict) and api.get("endpoints"):
        parts.append("<h5>API latency</h5>" + _table(api["endpoints"]))
    notes = data.get("notes")
    if isinstance(notes, list) and notes:
        parts.append("<ul class='notes'>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    if not pages:
        parts.append(_data_block(artifact.data))
    if artifact.path:
        parts.append(f'<p><a href="{href(artifact.path)}">{esc(artifact.path)}</a></p>')
    parts.append("</div>")
    return "".join(parts)


def _table(rows: Iterable[Any]) -> str:
    dict_rows = [r for r in rows if isinstance(r, dict)]
    columns: list[str] = []
    for row in dict_rows:
        columns += [k for k, v in row.items() if k not in columns and not isinstance(v, dict)]
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(_short(r.get(c, '')))}</td>" for c in columns) + "</tr>"
        for r in dict_rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _short(value: object, limit: int = 300) -> str:
    text = _number(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _data_block(data: object) -> str:
    if data in (None, "", [], {}):
        return ""
    text = json.dumps(data, indent=1, default=str)
    if len(text) > 20_000:
        text = text[:20_000] + "\n…"
    return f"<pre class='data'>{esc(text)}</pre>"


def _generic(artifact: Artifact) -> str:
    heading = f"<h4>{esc(artifact.kind)}: {esc(artifact.title)}</h4>"
    parts = [f'<div class="artifact {esc(artifact.kind)}">{heading}']
    if artifact.path:
        if PurePosixPath(artifact.path).suffix.lower() in _IMAGE_SUFFIXES:
            parts.append(_figure(artifact.path, artifact.title))
        else:
            parts.append(f'<p><a href="{href(artifact.path)}">{esc(artifact.path)}</a></p>')
    parts.append(_data_block(artifact.data))
    parts.append("</div>")
    return "".join(parts)


_RENDERERS = {
    "trace": _trace,
    "video": _video,
    "visual": _visual,
    "a11y": _a11y,
    "vitals": _vitals,
    "screenshot": _generic,
}
