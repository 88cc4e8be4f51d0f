"""Reading what a tiny suite's run wrote."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS: list[str] = []
# A tiny suite is a local run of its own, whatever runs the self-tests (CI, xdist).
ENV_CLEARED = (
    "CI",
    "E2E_CONFIG",
    "E2E_CONNECT",
    "PYTEST_ADDOPTS",
    "GITHUB_RUN_ID",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
)


def results_of(project: pytest.Pytester | Path, folder: str = "reports") -> dict[str, Any]:
    path = project if isinstance(project, Path) else project.path
    data: dict[str, Any] = json.loads((path / folder / "results.json").read_text())
    return data


def section(html: str, name: str) -> str:
    """A run-wide section of an HTML report (`accessibility`, `performance`)."""
    match = re.search(rf'<section class="run-section \w+" id="{name}".*?</section>', html, re.S)
    assert match, f"no {name} section"
    return match[0]


def by_name(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["nodeid"].split("::")[-1]: t for t in results["tests"]}


def make_project(path: Path, plugins: list[str], **modules: str) -> Path:
    """A tiny project in `path` (what pytester makes, for module-scoped runs)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "conftest.py").write_text(f"pytest_plugins = {plugins!r}\n")
    (path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    web: the web app\n    slow: a slow one\n"
    )
    for name, source in modules.items():
        (path / f"{name}.py").write_text(textwrap.dedent(source))
    return path


@dataclass
class Run:
    """A finished pytest run of a tiny project."""

    ret: int
    stdout: str
    stderr: str

    def outcomes(self) -> dict[str, int]:
        return pytest.RunResult.parse_summary_nouns(self.stdout.splitlines())


def run_pytest(path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run pytest in `path` in a subprocess, as a developer would."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    for name in ENV_CLEARED:
        if name not in (env or {}):
            environ.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)
