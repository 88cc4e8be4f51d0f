"""The engine's command line: `sitewise <group> <command> [options]` (or `python -m sitewise`).

A group is one line in `GROUPS`: its name, its help and the function that adds its
commands to the group's parser; each command sets `handler`, a function taking the
parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sitewise.config.model import CONFIG_FILE, ConfigError, load_config

Command = Callable[[argparse.Namespace], int]


def default_reports_dir() -> Path:
    """[report] dir of playwright.config.toml in the current folder, else `reports`."""
    try:
        return Path(load_config(Path.cwd() / CONFIG_FILE).report.dir)
    except ConfigError:
        return Path("reports")


def _baselines_review(args: argparse.Namespace) -> int:
    import tempfile

    from sitewise.visual import manifest
    from sitewise.visual.review import Review, make_server
    from sitewise.visual.review_source import approve_all, open_source

    with tempfile.TemporaryDirectory(prefix="sitewise-review-") as workdir:
        try:
            reports = open_source(args.source or args.reports_dir, Path(workdir))
            server = None if args.approve_all else make_server(reports, args.port, args.root)
            review = Review(reports, args.root)
            review.load()
        except manifest.ManifestError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"Reviewing {reports / 'visual' / manifest.MANIFEST}")
        if server is None:
            code, lines = approve_all(review)
            print("\n".join(lines), file=sys.stdout if code == 0 else sys.stderr)
            return code
        print(f"Open {server.url} (Ctrl+C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


def _baselines_prune(args: argparse.Namespace) -> int:
    from sitewise.visual.manifest import prune

    code, lines = prune(args.reports_dir, delete=args.delete, force=args.force)
    print("\n".join(lines), file=sys.stdout if code == 0 else sys.stderr)
    return code


def add_baselines_commands(parser: argparse.ArgumentParser) -> None:
    """The `baselines` group: review and prune."""
    commands = parser.add_subparsers(dest="baselines_command", required=True, metavar="COMMAND")
    reports = argparse.ArgumentParser(add_help=False)
    reports.add_argument(
        "--reports-dir",
        type=Path,
        default=default_reports_dir(),
        help="the reports folder of the run to use (default: [report] dir, or reports)",
    )
    review = commands.add_parser(
        "review",
        parents=[reports],
        help="serve a page on 127.0.0.1 to approve or reject the last run's changed and new"
        " snapshots",
    )
    review.add_argument(
        "source",
        nargs="?",
        type=Path,
        metavar="SOURCE",
        help="the run to review: a reports folder, a CI artifact (zip or folder), a folder of"
        " several, or a merged report (default: --reports-dir)",
    )
    review.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    review.add_argument(
        "--root",
        type=Path,
        help="the working tree whose baselines approvals write (default: the run's own"
        " folder when it exists here, else the current folder)",
    )
    review.add_argument(
        "--approve-all",
        action="store_true",
        help="approve every changed and new snapshot without serving the page (for CI)",
    )
    review.set_defaults(handler=_baselines_review)
    prune = commands.add_parser(
        "prune",
        parents=[reports],
        help="list baselines no spec used in the last full run (delete them with --delete)",
    )
    prune.add_argument("--delete", action="store_true", help="delete the unused baselines")
    prune.add_argument(
        "--force", action="store_true", help="use the last run even if it was partial"
    )
    prune.set_defaults(handler=_baselines_prune)


def _browsers(args: argparse.Namespace) -> int:
    from sitewise.browsers.discovery import main as browsers_main

    return browsers_main([args.name] if args.name else [])


def add_browsers_command(parser: argparse.ArgumentParser) -> None:
    """The `browsers` command: which binary a run would launch."""
    parser.add_argument(
        "name", nargs="?", choices=("chromium", "firefox", "webkit"), help="the engine"
    )
    parser.set_defaults(handler=_browsers)


# name, help, "module:function" adding the group's commands (with a `handler` default
# taking the parsed arguments and returning the exit code). Imported only when used.
GROUPS: list[tuple[str, str, str]] = [
    (
        "baselines",
        "review, accept and prune visual baselines",
        "sitewise.cli:add_baselines_commands",
    ),
    (
        "report",
        "merge the reports of several runs (CI shards, browsers) into one; draw a report again",
        "sitewise.report.cli:add_commands",
    ),
    (
        "browsers",
        "print the browser a run would launch (or how to install one)",
        "sitewise.cli:add_browsers_command",
    ),
    (
        "audit",
        "audit a site with no spec: discover its pages, check each one, write the reports",
        "sitewise.audit.cli:add_command",
    ),
]


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitewise",
        description="End-to-end checks for web apps: review and prune screenshot baselines,"
        " merge and draw reports, find the browser a run would use.",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")
    for name, help_text, target in GROUPS:
        group = groups.add_parser(name, help=help_text, description=help_text)
        # Only the chosen group's module is imported: each may pull in heavy dependencies.
        if name in argv:
            module, function = target.split(":")
            getattr(importlib.import_module(module), function)(group)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(given).parse_args(given)
    handler: Command = args.handler
    return handler(args)
