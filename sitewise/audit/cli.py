"""`sitewise audit URL`: the site audit for someone with no suite at all.

It runs pytest in this process with `--audit URL`, as `pytest --audit URL` would in a
suite, and writes the same reports: the current folder is the root (baselines under
[visual] baseline_dir, reports under [report] dir or --reports-dir), its
playwright.config.toml is used when there is one (or --config), and nothing else of
the folder is: an empty ini file of its own stands in for any pytest configuration,
and no conftest.py is loaded.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from pathlib import Path

from sitewise.config.model import CONFIG_FILE


def pytest_args(args: argparse.Namespace, ini: Path, root: Path) -> list[str]:
    """The pytest command line that audits what `args` ask."""
    given = ["-c", str(ini), "--rootdir", str(root), "--noconftest", "-p", "no:cacheprovider"]
    for url in args.urls:
        given += ["--audit", url]
    for role in args.role:
        given += ["--audit-role", role]
    if args.max_pages is not None:
        given += ["--audit-max-pages", str(args.max_pages)]
    if args.max_depth is not None:
        given += ["--audit-max-depth", str(args.max_depth)]
    if args.config is not None:
        given += ["--e2e-config", str(args.config)]
    if args.reports_dir is not None:
        given += ["--reports-dir", str(args.reports_dir)]
    if args.workers:
        given += ["-n", args.workers]
    return given + shlex.split(args.pytest_args)


def _audit(args: argparse.Namespace) -> int:
    import pytest

    if args.config is not None and not args.config.is_file():
        print(f"sitewise audit: --config {args.config}: no such file.", file=sys.stderr)
        return 4
    with tempfile.TemporaryDirectory(prefix="sitewise-audit-") as folder:
        ini = Path(folder) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        return int(pytest.main(pytest_args(args, ini, Path.cwd())))


def add_command(parser: argparse.ArgumentParser) -> None:
    """The `audit` command: discover a site's pages and check each one."""
    parser.add_argument("urls", nargs="+", metavar="URL", help="where discovery starts")
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        help="audit as this role too ([roles.ROLE] of the config; repeatable)",
    )
    parser.add_argument("--max-pages", type=int, help="pages per role at most ([audit] max_pages)")
    parser.add_argument("--max-depth", type=int, help="links away from a start ([audit] max_depth)")
    parser.add_argument(
        "--config",
        type=Path,
        help=f"the config file (default: {CONFIG_FILE} in this folder, if there is one)",
    )
    parser.add_argument(
        "--reports-dir", type=Path, help="where the reports go (default: [report] dir, reports)"
    )
    parser.add_argument("-n", dest="workers", help="pytest-xdist workers (a number, or auto)")
    parser.add_argument(
        "--pytest",
        dest="pytest_args",
        default="",
        metavar="ARGS",
        help='more pytest options, quoted: --pytest "-k users --reruns 1"',
    )
    parser.set_defaults(handler=_audit)
