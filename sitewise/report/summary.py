"""`sitewise report summary`: a run's feedback for a pull request, in Markdown.

From a reports folder (a merged report, or one run's): the tests' counts, the visual
snapshots changed and new (not yet reviewed), the accessibility checks that failed, and
the Web Vitals metrics and API endpoints over budget, with links to the merged report and
the run's artifacts. CI writes it to the job summary and to one pull request comment,
which it finds again by `MARKER` (the comment's first line) and updates in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitewise.report.model import RESULTS_FILE, Results, ResultsError
from sitewise.report.runwide import latency_endpoints, load_run_files
from sitewise.visual import manifest as visual_manifest

MARKER = "<!-- sitewise-e2e-summary -->"
CHANGED = ("changed", "size-mismatch", "corrupt")


@dataclass
class Feedback:
    """What a pull request's author should know about a run, counted."""

    tests: dict[str, int] = field(default_factory=dict)
    snapshots: int = 0
    changed: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    a11y_checks: int | None = None
    a11y_failed: int = 0
    a11y_nodes: int = 0
    vitals_over: list[str] = field(default_factory=list)
    api_over: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def collect(folder: Path) -> Feedback:
    """Count what `folder` (results.json, visual/manifest.json, a11y.json, vitals.json)
    holds; a file that is missing counts nothing, one that is unreadable is a problem."""
    feedback = Feedback()
    if (folder / RESULTS_FILE).is_file():
        try:
            feedback.tests = {
                k: n for k, n in Results.load(folder / RESULTS_FILE).counts().items() if n
            }
        except ResultsError as error:
            feedback.problems.append(str(error))
    if (visual_manifest.visual_dir(folder) / visual_manifest.MANIFEST).is_file():
        try:
            stored = visual_manifest.read_stored(folder)
        except visual_manifest.ManifestError as error:
            feedback.problems.append(str(error))
        else:
            feedback.snapshots = len(stored.snapshots)
            for entry in stored.snapshots:
                label = f"{entry.name} ({entry.browser}, {entry.viewport})"
                if entry.review is not None:
                    continue
                if entry.status in CHANGED:
                    feedback.changed.append(label)
                elif entry.status == "new":
                    feedback.new.append(label)
    files = load_run_files(folder)
    if files.a11y is not None:
        feedback.a11y_checks = int(files.a11y.get("checks", 0) or 0)
        feedback.a11y_failed = int(files.a11y.get("checks_failed", 0) or 0)
        feedback.a11y_nodes = int(files.a11y.get("nodes_failing", 0) or 0)
    if files.vitals is not None:
        feedback.vitals_over = _vitals_over(files.vitals)
        feedback.api_over = [
            e.endpoint for e in latency_endpoints(files.vitals) if e.status == "fail"
        ]
    return feedback


def _vitals_over(vitals: Mapping[str, Any]) -> list[str]:
    over = []
    for entry in vitals.get("measurements") or []:
        if not isinstance(entry, Mapping) or entry.get("judged") is False:
            continue
        for metric in entry.get("metrics") or []:
            if isinstance(metric, Mapping) and metric.get("status") == "fail":
                over.append(f"{metric.get('metric')} of {entry.get('page', '?')}")
    return over


def _bold(count: int) -> str:
    return f"**{count}**" if count else "0"


def _listed(names: list[str], limit: int = 10) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:limit]).replace("|", "\\|")
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f": {shown}{more}"


def summary_markdown(
    feedback: Feedback,
    *,
    title: str = "End-to-end checks",
    report_url: str | None = None,
    artifacts_url: str | None = None,
) -> str:
    """The Markdown: the marker, a table of counts, how to review, and the links."""
    tests = " · ".join(f"{n} {outcome}" for outcome, n in feedback.tests.items()) or "none ran"
    rows = [("Tests", tests)]
    rows.append(
        (
            "Visual snapshots",
            f"{_bold(len(feedback.changed))} changed{_listed(feedback.changed)};"
            f" {_bold(len(feedback.new))} new{_listed(feedback.new)}"
            f" (of {feedback.snapshots})",
        )
    )
    if feedback.a11y_checks is not None:
        rows.append(
            (
                "Accessibility",
                f"{_bold(feedback.a11y_failed)} of {feedback.a11y_checks} check(s) failed"
                f" ({feedback.a11y_nodes} failing node(s))",
            )
        )
    rows.append(
        (
            "Vitals over budget",
            f"{_bold(len(feedback.vitals_over))} metric(s){_listed(feedback.vitals_over)};"
            f" {_bold(len(feedback.api_over))} API endpoint(s){_listed(feedback.api_over)}",
        )
    )
    lines = [MARKER, f"### {title}", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines.append("")
    if feedback.changed or feedback.new:
        lines.append(
            "To accept the snapshots: comment `/approve-snapshots` (all of them), or download"
            " the `e2e-artifacts-*` or `e2e-report` artifact and run"
            " `python -m sitewise baselines review <download>` (docs/visual.md)."
        )
        lines.append("")
    links = []
    if report_url:
        links.append(f"[Merged report]({report_url})")
    if artifacts_url:
        links.append(f"[Artifacts]({artifacts_url})")
    if links:
        lines += [" · ".join(links), ""]
    lines += [f"> {problem}" for problem in feedback.problems]
    return "\n".join(lines).rstrip("\n") + "\n"
