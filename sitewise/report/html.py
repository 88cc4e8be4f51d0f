"""The HTML report: one self-contained file drawn from the results model.

Everything is rendered here, in Python, so the page shows its content without scripts and
opens from a file with no server: the CSS and the small script that filters and searches
are inlined, images and videos are linked by paths relative to the report (they sit in
its folder, under artifacts/), and charts are inline SVG.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shlex
import string
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from sitewise.report.model import (
    HTML_FILE,
    OUTCOME_ORDER,
    Artifact,
    Attempt,
    Results,
    RunInfo,
    TestResult,
)
from sitewise.report.runwide import RunFiles, load_run_files

OUTCOME_LABELS = {
    "passed": "Passed",
    "failed": "Failed",
    "error": "Error",
    "flaky": "Flaky",
    "skipped": "Skipped",
    "xfailed": "Expected to fail",
    "xpassed": "Unexpectedly passed",
}
_RANK = {outcome: rank for rank, outcome in enumerate(OUTCOME_ORDER)}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg"}


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def href(path: str) -> str:
    """A link to a file: relative paths stay relative (the report's folder moves with it)."""
    if PurePosixPath(path).is_absolute() or (len(path) > 2 and path[1] == ":"):
        return esc(Path(path).as_uri())
    return esc(urllib.parse.quote(path.replace("\\", "/")))


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def write_html(results: Results, folder: Path, *, sources: Path | None = None) -> Path:
    """Write `folder`/report.html; its run-wide sections come from the a11y.json and
    vitals.json in `sources` (default: `folder`), read now."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HTML_FILE
    path.write_text(render(results, load_run_files(sources or folder)), encoding="utf-8")
    return path


def render(results: Results, files: RunFiles | None = None) -> str:
    # Imported here: the sections draw with this module's helpers (charts, escaping).
    from sitewise.report.sections import a11y_section, performance_section

    files = files or RunFiles()
    counts = results.counts()
    headline = ", ".join(f"{n} {OUTCOME_LABELS[o].lower()}" for o, n in counts.items() if n)
    headline = headline or "no tests"
    failed = results.failed()
    if failed and not results.tests_failed():
        headline = f"run failed, {headline}"
    ordered = _ordered(results.tests)
    anchors = {test.nodeid: f"t{index}" for index, test in enumerate(ordered)}
    sections = []
    if files.a11y is not None:
        sections.append(a11y_section(files.a11y, results.tests, anchors))
    if files.vitals is not None:
        sections.append(performance_section(files.vitals, anchors))
    sections += [f'<p class="problem">{esc(problem)}</p>' for problem in files.problems]
    body = "\n".join(
        [
            _header(results, headline),
            "<main>",
            _summary(results, counts),
            *sections,
            _controls(len(results.tests)),
            _test_list(ordered),
            "</main>",
            _footer(),
        ]
    )
    template = string.Template(_asset("template.html"))
    return template.substitute(
        title=esc(f"{results.title}: {headline}"),
        css=_asset("report.css"),
        body=body,
        js=_asset("report.js"),
        status="failed" if failed else "passed",
    )


# --- header and run information ---


def _header(results: Results, headline: str) -> str:
    runs = results.runs
    started = min((r.started for r in runs if r.started), default="")
    total = sum(r.duration for r in runs)
    parts = [f"<strong>{esc(headline)}</strong>"]
    if started:
        parts.append(f"started {esc(_when(started))}")
    if runs:
        label = "run" if len(runs) == 1 else "runs"
        parts.append(f"{len(runs)} {label}, {esc(duration(total))} in all")
    return (
        f'<header class="page-header"><h1>{esc(results.title)}</h1>'
        f'<p class="headline">{" · ".join(parts)}</p>{_run_failed(results)}{_runs(runs)}'
        "</header>"
    )


def _run_failed(results: Results) -> str:
    """Why the run failed when it is not (only) a failing test: the API latency gate,
    --fail-on-flaky, an interrupted run or any other non-zero exit status."""
    reasons = results.failure_reasons()
    if not reasons:
        return ""
    if results.tests_failed():
        lead = "The run also failed because of:"
    else:
        statuses = sorted({r.exit_status for r in results.runs if r.exit_status})
        status = f" with exit status {', '.join(map(str, statuses))}" if statuses else ""
        lead = f"The run failed{status} though no test failed:"
    items = "".join(f"<li>{esc(reason)}</li>" for reason in reasons)
    return f'<div class="run-failed"><p><strong>{esc(lead)}</strong></p><ul>{items}</ul></div>'


def _when(iso: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _runs(runs: Sequence[RunInfo]) -> str:
    if not runs:
        return ""
    rows = []
    for run in runs:
        status = "passed" if run.exit_status == 0 else "failed"
        counts = ", ".join(f"{n} {o}" for o, n in run.counts.items() if n) or "no tests"
        ci = _ci_link(run.ci)
        command = " ".join(shlex.quote(a) for a in ["pytest", *run.args])
        rows.append(
            "<tr>"
            f"<th scope=row>{esc(run.label)}</th>"
            f"<td>{esc(', '.join(run.browsers) or '-')}</td>"
            f"<td>{esc(run.shard or '-')}</td>"
            f"<td>{esc(counts)}</td>"
            f"<td>{esc(duration(run.duration))}</td>"
            f'<td><span class="exit {status}">{run.exit_status}</span></td>'
            f"<td>{esc(run.retries or '-')}</td>"
            f"<td>{esc(run.workers or 1)}</td>"
            f"<td>{esc(run.hostname)} {esc(run.platform)}<br>Python {esc(run.python)}"
            f"{ci}</td>"
            f"<td><code>{esc(command)}</code></td>"
            "</tr>"
        )
    return (
        '<details class="runs"><summary>Runs</summary><div class="scroll"><table>'
        "<thead><tr><th>run</th><th>browsers</th><th>shard</th><th>tests</th><th>time</th>"
        "<th>exit</th><th>retries</th><th>workers</th><th>machine</th><th>command</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _ci_link(ci: dict[str, str]) -> str:
    server, repo, run_id = (
        ci.get("GITHUB_SERVER_URL"),
        ci.get("GITHUB_REPOSITORY"),
        ci.get("GITHUB_RUN_ID"),
    )
    if server and repo and run_id:
        url = f"{server}/{repo}/actions/runs/{run_id}"
        return f'<br><a href="{esc(url)}">CI run {esc(run_id)}</a>'
    return ""


def _summary(results: Results, counts: dict[str, int]) -> str:
    tiles = [
        f'<li class="tile all"><span class="n">{len(results.tests)}</span> tests</li>',
        *(
            f'<li class="tile {o}"><span class="n">{n}</span> {esc(OUTCOME_LABELS[o].lower())}</li>'
            for o, n in counts.items()
            if n
        ),
    ]
    return f'<section aria-label="Summary"><ul class="tiles">{"".join(tiles)}</ul></section>'


def _controls(total: int) -> str:
    buttons = ['<button type="button" data-filter="all" aria-pressed="true">All</button>']
    buttons += [
        f'<button type="button" data-filter="{o}" aria-pressed="false">{esc(OUTCOME_LABELS[o])}'
        f' <span class="count" data-count="{o}"></span></button>'
        for o in OUTCOME_ORDER
    ]
    return (
        '<section class="controls" aria-label="Filter">'
        f'<div role="group" aria-label="Show tests by status" class="filters">{"".join(buttons)}'
        "</div>"
        '<label class="search">Search <input type="search" id="search" autocomplete="off"'
        ' placeholder="name, marker, browser, viewport, error"></label>'
        '<div class="bulk"><button type="button" id="expand">Expand all</button>'
        '<button type="button" id="collapse">Collapse all</button></div>'
        f'<p id="shown" aria-live="polite">{total} of {total} tests</p>'
        "</section>"
    )


def _footer() -> str:
    return (
        "<footer><p>Written by <code>sitewise.report</code>. Traces open with"
        " <code>python -m playwright show-trace &lt;path&gt;</code>, run from this report's"
        " folder.</p></footer>"
    )


# --- the list of tests ---


def _ordered(tests: Sequence[TestResult]) -> list[TestResult]:
    """The tests as the list shows them: most urgent outcome first, then as they ran."""
    ranked = sorted(enumerate(tests), key=lambda pair: (_RANK.get(pair[1].outcome, 99), pair[0]))
    return [test for _, test in ranked]


def _test_list(ordered: Sequence[TestResult]) -> str:
    items = [_test(test, index) for index, test in enumerate(ordered)]
    return (
        f'<ol class="tests" id="tests">{"".join(items)}</ol>'
        '<p id="empty" class="empty" hidden>No test matches the filter.</p>'
    )


def _search_text(test: TestResult) -> str:
    words = [
        test.nodeid,
        test.outcome,
        test.description,
        test.browser,
        test.viewport,
        test.viewport_size,
        test.worker,
        test.run,
        *test.markers,
        *(a.message for a in test.attempts),
        *(art.kind for a in test.attempts for art in a.artifacts),
    ]
    return " ".join(w for w in words if w).lower()


def _split_nodeid(nodeid: str) -> tuple[str, str]:
    path, sep, rest = nodeid.partition("::")
    return (rest, path) if sep else (nodeid, "")


def _test(test: TestResult, index: int) -> str:
    name, module = _split_nodeid(test.nodeid)
    markers = "".join(f'<span class="marker">{esc(m)}</span>' for m in test.markers)
    retry = (
        f'<span class="retries">{test.retries} {"retry" if test.retries == 1 else "retries"}</span>'
        if test.retries
        else ""
    )
    viewport = esc(test.viewport)
    if test.viewport_size:
        viewport += f' <span class="muted">{esc(test.viewport_size)}</span>'
    final = test.final
    message = ""
    if final is not None and final.message and test.outcome != "passed":
        message = f'<span class="message">{esc(final.message)}</span>'
    elif test.outcome == "flaky":
        first = next((a for a in test.attempts if a.message), None)
        if first is not None:
            message = f'<span class="message">first attempt: {esc(first.message)}</span>'
    description = f'<span class="doc">{esc(test.description)}</span>' if test.description else ""
    summary = (
        f'<summary><span class="badge {test.outcome}">{esc(OUTCOME_LABELS[test.outcome])}</span>'
        f'<span class="name"><span class="title">{esc(name)}</span>'
        f'<span class="module">{esc(module)}</span>{description}{message}'
        f'<span class="markers">{markers}{retry}</span></span>'
        f'<span class="browser">{esc(test.browser or "-")}</span>'
        f'<span class="viewport">{viewport or "-"}</span>'
        f'<span class="duration">{esc(duration(test.duration))}</span></summary>'
    )
    return (
        f'<li class="test" id="t{index}" data-status="{test.outcome}"'
        f' data-search="{esc(_search_text(test))}"><details>{summary}'
        f'<div class="body">{_test_body(test)}</div></details></li>'
    )


def _test_body(test: TestResult) -> str:
    facts = [("node id", f"<code>{esc(test.nodeid)}</code>")]
    if test.location:
        facts.append(("location", f"<code>{esc(test.location)}</code>"))
    if test.worker:
        facts.append(("worker", esc(test.worker)))
    if test.run:
        facts.append(("run", esc(test.run)))
    parts = [
        '<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
    ]
    many = len(test.attempts) > 1
    for number, attempt in enumerate(test.attempts, start=1):
        parts.append(_attempt(attempt, number, len(test.attempts) if many else 0))
    return "".join(parts)


def _attempt(attempt: Attempt, number: int, of: int) -> str:
    parts = []
    if of:
        kind = "retry" if number > 1 else "first run"
        parts.append(
            f'<h3 class="attempt-title"><span class="badge {attempt.outcome}">'
            f"{esc(OUTCOME_LABELS[attempt.outcome])}</span> Attempt {number} of {of}"
            f' <span class="muted">({kind}, {esc(duration(attempt.duration))})</span></h3>'
        )
    if attempt.outcome in ("skipped", "xfailed") and attempt.message:
        parts.append(f'<p class="reason">{esc(attempt.message)}</p>')
    if attempt.error:
        where = f" in {attempt.phase}" if attempt.phase and attempt.phase != "call" else ""
        parts.append(
            f'<section class="error"><h4>Error{esc(where)}</h4>'
            f"<pre>{esc(attempt.error)}</pre></section>"
        )
    parts.append(_artifacts(attempt.artifacts))
    if attempt.sections:
        sections = "".join(
            f"<h5>{esc(s.title)}</h5><pre>{esc(s.text)}</pre>" for s in attempt.sections
        )
        parts.append(
            f'<details class="output"><summary>Captured output</summary>{sections}</details>'
        )
    css = f"attempt {attempt.outcome}" if of else "attempt"
    return f'<section class="{css}">{"".join(parts)}</section>'


# --- artifacts ---


def _artifacts(artifacts: Sequence[Artifact]) -> str:
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
    return (
        f'<div class="artifact visual {esc(status)}"><h4>Visual: {esc(artifact.title)}</h4>'
        f'<div class="shots">{"".join(figures)}</div><dl class="facts">{facts}</dl></div>'
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


@dataclass(frozen=True)
class VitalRow:
    metric: str
    unit: str
    runs: tuple[float | None, ...]
    median: float | None
    budget: float | None
    status: str


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _unit_of(metric: str) -> str:
    return "ms" if metric.endswith("_ms") or metric.lower() in ("lcp", "fcp", "inp", "ttfb") else ""


def _vital_row(name: str, entry: dict[str, Any]) -> VitalRow:
    runs_value = entry.get("runs") or entry.get("values") or []
    runs = tuple(_float(v) for v in runs_value) if isinstance(runs_value, list) else ()
    median, budget = _float(entry.get("median")), _float(entry.get("budget"))
    status = str(entry.get("status") or "")
    if not status:
        status = (
            "n/a" if median is None or budget is None else ("pass" if median <= budget else "fail")
        )
    return VitalRow(name, str(entry.get("unit") or _unit_of(name)), runs, median, budget, status)


def vitals_pages(data: object) -> list[tuple[str, list[VitalRow]]]:
    """Pages and their metric rows, from the shapes a vitals attachment may take:
    {"page", "profile", "metrics": [{"metric", "runs", "median", "budget", ...}]},
    the same with "metrics" as {name: {...}}, {"pages": [...]}, or a flat list of rows
    that each name their "page" and "metric"."""
    if isinstance(data, dict) and isinstance(data.get("pages"), list):
        pages: list[Any] = data["pages"]
    elif isinstance(data, dict):
        pages = [data]
    elif (
        isinstance(data, list) and data and all(isinstance(r, dict) and "metric" in r for r in data)
    ):
        grouped: dict[str, list[Any]] = {}
        for row in data:
            grouped.setdefault(str(row.get("page", "")), []).append(row)
        pages = [{"page": page, "metrics": rows} for page, rows in grouped.items()]
    elif isinstance(data, list):
        pages = data
    else:
        return []
    found = []
    for page in pages:
        if not isinstance(page, dict):
            continue
        label = str(page.get("page") or page.get("url") or "")
        if page.get("profile"):
            label += f" ({page['profile']})"
        metrics = page.get("metrics") or {}
        rows = []
        if isinstance(metrics, dict):
            rows = [_vital_row(str(k), v) for k, v in metrics.items() if isinstance(v, dict)]
        elif isinstance(metrics, list):
            rows = [
                _vital_row(str(m.get("metric") or m.get("name")), m)
                for m in metrics
                if isinstance(m, dict)
            ]
        if rows:
            found.append((label, rows))
    return found


def metric_label(metric: str) -> str:
    return metric.removesuffix("_ms").upper()


def format_metric(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit:
        return f"{value:.3g} {unit}"
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


def vitals_chart(label: str, rows: Sequence[VitalRow]) -> str:
    """An inline SVG: per metric a bar for the median, dots for the runs, a line for the
    budget, each metric on its own scale (milliseconds and CLS do not share an axis)."""
    row_height, left, width, text_x = 26, 64, 250, 326
    height = row_height * len(rows) + 4
    parts = []
    for index, row in enumerate(rows):
        y = index * row_height
        values = [v for v in (row.median, row.budget, *row.runs) if v is not None]
        scale = max(values) * 1.15 if values and max(values) > 0 else 1.0

        def x(value: float, scale: float = scale) -> float:
            return round(left + width * value / scale, 1)

        runs = ", ".join(format_metric(v, row.unit) for v in row.runs)
        name = metric_label(row.metric)
        tip = (
            f"{name}: median {format_metric(row.median, row.unit)}, budget"
            f" {format_metric(row.budget, row.unit)}, runs {runs or '-'} ({row.status})"
        )
        shapes = [
            f"<title>{esc(tip)}</title>",
            f'<text x="0" y="{y + 17}" class="label">{esc(name)}</text>',
            f'<rect x="{left}" y="{y + 7}" width="{width}" height="12" class="track"/>',
        ]
        if row.median is not None:
            shapes.append(
                f'<rect x="{left}" y="{y + 7}" width="{x(row.median) - left}" height="12"'
                ' class="bar"/>'
            )
        shapes += [
            f'<circle cx="{x(v)}" cy="{y + 13}" r="2.6" class="run"/>'
            for v in row.runs
            if v is not None
        ]
        if row.budget is not None:
            shapes.append(
                f'<line x1="{x(row.budget)}" x2="{x(row.budget)}" y1="{y + 2}" y2="{y + 24}"'
                ' class="budget"/>'
            )
        value = f"{format_metric(row.median, row.unit)} / {format_metric(row.budget, row.unit)}"
        shapes.append(f'<text x="{text_x}" y="{y + 17}" class="value">{esc(value)}</text>')
        status = "".join(ch for ch in row.status if ch.isalnum() or ch == "-")
        parts.append(f'<g class="metric {esc(status)}">{"".join(shapes)}</g>')
    summary = "; ".join(
        f"{metric_label(r.metric)} {format_metric(r.median, r.unit)} against"
        f" {format_metric(r.budget, r.unit)}"
        for r in rows
    )
    return (
        f'<svg class="vitals-chart" viewBox="0 0 470 {height}" width="470" height="{height}"'
        f' role="img" aria-label="{esc(label)}: {esc(summary)}">{"".join(parts)}</svg>'
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
