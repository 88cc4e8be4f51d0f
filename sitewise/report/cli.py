"""`sitewise report ...` (and `python -m sitewise.report ...`): merge and render reports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sitewise.report.html import write_html
from sitewise.report.merge import MergeError, markdown_summary, merge_reports
from sitewise.report.model import HTML_FILE, Results, ResultsError


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the report subcommands to `parser` (the `report` group of the sitewise CLI)."""
    commands = parser.add_subparsers(dest="report_command", metavar="COMMAND", required=True)
    merge = commands.add_parser(
        "merge",
        help="merge the reports of several runs (CI shards, browsers) into one",
        description="Merge every results.json and JUnit XML file found under the given folders"
        " into one results.json, one junit.xml and one report.html, with the artifacts"
        " they name copied along; each run's a11y.json and vitals.json into one of each"
        " (the API latency judged again over every run's calls).",
    )
    merge.add_argument("inputs", nargs="+", type=Path, metavar="DIR", help="folders to search")
    merge.add_argument(
        "--out", type=Path, default=Path("reports/merged"), help="output folder (reports/merged)"
    )
    merge.add_argument(
        "--link",
        action="store_true",
        help="link artifacts where they are (relative paths) instead of copying them",
    )
    merge.add_argument("--title", default="End-to-end report", help="the report's title")
    merge.add_argument(
        "--summary",
        type=Path,
        metavar="FILE",
        help="also append a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)",
    )
    merge.set_defaults(handler=_merge)
    render = commands.add_parser(
        "render",
        help="write report.html again from a results.json",
        description="Draw the HTML report from a results.json (next to it, or to --out), with"
        " the a11y.json and vitals.json beside it.",
    )
    render.add_argument("results", type=Path, metavar="RESULTS_JSON")
    render.add_argument(
        "--out", type=Path, help=f"output folder (default: the file's; {HTML_FILE})"
    )
    render.set_defaults(handler=_render)
    summary = commands.add_parser(
        "summary",
        help="a Markdown summary for a pull request: snapshots changed and new, accessibility"
        " failures, vitals over budget, links",
        description="Write a run's feedback (a merged report folder, or one run's reports"
        " folder) as Markdown, for a CI job summary and a pull request comment.",
    )
    summary.add_argument("folder", type=Path, metavar="DIR", help="the (merged) reports folder")
    summary.add_argument("--report-url", help="a link to the merged report")
    summary.add_argument("--artifacts-url", help="a link to the run's artifacts")
    summary.add_argument("--title", default="End-to-end checks", help="the summary's heading")
    summary.add_argument(
        "--out", type=Path, metavar="FILE", help="append to FILE (e.g. $GITHUB_STEP_SUMMARY)"
    )
    summary.set_defaults(handler=_summary)


def _merge(args: argparse.Namespace) -> int:
    try:
        summary = merge_reports(args.inputs, args.out, copy=not args.link, title=args.title)
    except MergeError as error:
        print(f"report merge: {error}", file=sys.stderr)
        return 1
    assert summary.results is not None
    counts = ", ".join(f"{n} {o}" for o, n in summary.results.counts().items() if n)
    print(
        f"Merged {summary.runs} run(s), {summary.tests} test(s) ({counts or 'none'}),"
        f" {summary.junit_files} JUnit file(s), {summary.a11y_files} a11y.json and"
        f" {summary.vitals_files} vitals.json into {args.out}; {summary.copied} artifact(s)"
        f" {'linked' if args.link else 'copied'}."
    )
    if summary.visual is not None:
        print(
            f"  visual: {summary.visual_manifests} manifest(s), {len(summary.visual.snapshots)}"
            f" snapshot(s) into {args.out / 'visual' / 'manifest.json'}"
        )
    if summary.load_files:
        print(f"  load: {summary.load_files} load.json merged into {args.out / 'load.json'}")
    for problem in summary.problems:
        print(f"  not merged: {problem}", file=sys.stderr)
    for reason in summary.results.failure_reasons():
        print(f"  run failed: {reason}")
    for line in summary.missing[:20]:
        print(f"  not found: {line}", file=sys.stderr)
    if len(summary.missing) > 20:
        print(f"  ... and {len(summary.missing) - 20} more not found", file=sys.stderr)
    for nodeid in summary.duplicates[:20]:
        print(f"  in more than one run (the last kept): {nodeid}", file=sys.stderr)
    print(f"HTML report: {args.out / HTML_FILE}")
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(markdown_summary(summary.results, files=summary.files))
    return 0


def _summary(args: argparse.Namespace) -> int:
    from sitewise.report.summary import collect, summary_markdown

    if not args.folder.is_dir():
        print(f"report summary: {args.folder}: no such folder", file=sys.stderr)
        return 1
    text = summary_markdown(
        collect(args.folder),
        title=args.title,
        report_url=args.report_url or None,
        artifacts_url=args.artifacts_url or None,
    )
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _render(args: argparse.Namespace) -> int:
    try:
        results = Results.load(args.results)
    except ResultsError as error:
        print(f"report render: {error}", file=sys.stderr)
        return 1
    # The run-wide sections come from the a11y.json and vitals.json beside the results.
    path = write_html(results, args.out or args.results.parent, sources=args.results.parent)
    print(f"HTML report: {path}")
    return 0


def main(argv: Sequence[str] | None = None, prog: str = "python -m sitewise.report") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="The suite's reports.")
    add_commands(parser)
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result
