"""The HTML report: one self-contained file drawn from the results model.

Everything is rendered in Python, so the page shows its content without scripts and
opens from a file with no server: the CSS and the small script that filters and searches
are inlined, images and videos are linked by paths relative to the report (they sit in
its folder, under artifacts/), and charts are inline SVG.

This module draws the page around the parts: the header with the runs, the summary, the
filter controls and the footer. The list of tests is sitewise.report.testlist, an
attempt's attachments sitewise.report.attachments, the Web Vitals charts
sitewise.report.charts, the run-wide Accessibility and Performance sections
sitewise.report.sections and sitewise.report.performance, and what they all draw with
sitewise.report.markup.
"""

from __future__ import annotations

import datetime as dt
import shlex
import string
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from sitewise.audit.report import site_section
from sitewise.report.load_section import load_section
from sitewise.report.markup import OUTCOME_LABELS, duration, esc
from sitewise.report.model import HTML_FILE, OUTCOME_ORDER, Results, RunInfo
from sitewise.report.performance import performance_section
from sitewise.report.runwide import RunFiles, load_run_files
from sitewise.report.sections import a11y_section
from sitewise.report.testlist import in_list_order, list_of_tests


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def write_html(results: Results, folder: Path, *, sources: Path | None = None) -> Path:
    """Write `folder`/report.html; its run-wide sections come from the a11y.json and
    vitals.json in `sources` (default: `folder`), read now."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HTML_FILE
    path.write_text(render(results, load_run_files(sources or folder)), encoding="utf-8")
    return path


def render(results: Results, files: RunFiles | None = None) -> str:
    files = files or RunFiles()
    counts = results.counts()
    headline = ", ".join(f"{n} {OUTCOME_LABELS[o].lower()}" for o, n in counts.items() if n)
    headline = headline or "no tests"
    failed = results.failed()
    if failed and not results.tests_failed():
        headline = f"run failed, {headline}"
    ordered = in_list_order(results.tests)
    anchors = {test.nodeid: f"t{index}" for index, test in enumerate(ordered)}
    sections = []
    if files.a11y is not None:
        sections.append(a11y_section(files.a11y, results.tests, anchors))
    if files.vitals is not None:
        sections.append(performance_section(files.vitals, anchors))
    if files.load is not None:
        sections.append(load_section(files.load))
    sections += [site for site in [site_section(results.tests, anchors)] if site]
    sections += [f'<p class="problem">{esc(problem)}</p>' for problem in files.problems]
    body = "\n".join(
        [
            _header(results, headline),
            "<main>",
            _summary(results, counts),
            *sections,
            _controls(len(results.tests)),
            list_of_tests(ordered),
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
        partial = ""
        if run.partial_reasons:
            reasons = esc("; ".join(run.partial_reasons))
            partial = f'<br><span class="muted">partial run: {reasons}</span>'
        rows.append(
            "<tr>"
            f"<th scope=row>{esc(run.label)}</th>"
            f"<td>{esc(', '.join(run.browsers) or '-')}</td>"
            f"<td>{esc(run.shard or '-')}</td>"
            f"<td>{esc(counts)}{partial}</td>"
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
