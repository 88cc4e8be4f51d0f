"""The CI workflows: they parse, and what they run exists in the suite.

For every workflow in .github/workflows/: each pytest command's options are registered
(pytest itself parses them, with the suite's plugins), each `python -m sitewise ...`
command and its options exist, each `python -m <module>` imports, and the files they
name exist. e2e.yml also has the shape the suite's CI needs.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from sitewise.report.model import A11Y_FILE, VITALS_FILE
from tests.run.helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_ENV = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    # YAML 1.1 reads the key `on` as true.
    if True in data:
        data["on"] = data.pop(True)
    return data


@dataclass
class Command:
    workflow: str
    job: str
    step: str
    argv: list[str]

    def __str__(self) -> str:
        return f"{self.workflow} / {self.job} / {self.step}: {shlex.join(self.argv)}"

    @property
    def id(self) -> str:
        return f"{self.workflow}:{self.job}:{' '.join(self.argv[:4])}"


def _value(expression: str, job: dict[str, Any], workflow: dict[str, Any]) -> str:
    """A sample value for an expression: the first matrix value, an input's default."""
    name = expression.strip()
    if name.startswith("matrix."):
        values = job.get("strategy", {}).get("matrix", {}).get(name.removeprefix("matrix."))
        if isinstance(values, list) and values:
            return str(values[0])
    if name.startswith("inputs."):
        on = workflow.get("on") or {}
        dispatch = on.get("workflow_dispatch") if isinstance(on, dict) else None
        inputs = (dispatch or {}).get("inputs") or {}
        default = inputs.get(name.removeprefix("inputs."), {}).get("default")
        if default is not None:
            return str(default)
    return "sample"


def commands(path: Path) -> Iterator[Command]:
    workflow = load(path)
    for job_name, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            script = step.get("run")
            if not script:
                continue
            script = _EXPRESSION.sub(
                lambda m, job=job: _value(m[1], job, workflow),  # type: ignore[misc]
                script,
            )
            script = _ENV.sub("sample", script.replace("\\\n", " "))
            for line in script.splitlines():
                for argv in _simple_commands(line):
                    yield Command(path.name, job_name, step.get("name", f"step {index}"), argv)


def _simple_commands(line: str) -> Iterator[list[str]]:
    """The commands of a shell line, split at ;, &&, ||, | and redirections."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    argv: list[str] = []
    for token in lexer:
        if token and set(token) <= set(";&|()<>"):
            if argv:
                yield argv
            argv = []
        else:
            argv.append(token)
    if argv:
        yield argv


ALL_COMMANDS = [c for path in WORKFLOWS for c in commands(path)]


def _python_module(argv: list[str]) -> tuple[str, list[str]] | None:
    if len(argv) >= 3 and re.fullmatch(r"python3?", argv[0]) and argv[1] == "-m":
        return argv[2], argv[3:]
    if argv and argv[0] == "pytest":
        return "pytest", argv[1:]
    return None


def test_there_are_workflows_and_they_run_commands() -> None:
    assert WORKFLOWS
    assert any(path.name == "e2e.yml" for path in WORKFLOWS)
    assert ALL_COMMANDS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_a_workflow_parses_and_pins_its_actions(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("on"), f"{path.name}: no trigger"
    assert workflow.get("jobs"), f"{path.name}: no jobs"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"{path.name} / {job_name}: no runs-on"
        for step in job.get("steps", []):
            assert "run" in step or "uses" in step, f"{path.name} / {job_name}: {step}"
            if "uses" in step:
                # A version tag or a commit, never a moving branch.
                assert _PINNED.match(step["uses"]), f"{path.name}: {step['uses']} is not pinned"


PYTEST_COMMANDS = [c for c in ALL_COMMANDS if (_python_module(c.argv) or ("",))[0] == "pytest"]


def pytest_usage_error(args: list[str], scratch: Path) -> str | None:
    """pytest's complaint about these arguments, None when it takes them.

    pytest parses them with every plugin of the suite loaded and collects only: an
    unknown option, a wrong choice or a missing path is a usage error (exit code 4).
    Its outputs go to `scratch`.
    """
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *args,
            "--collect-only",
            "-q",
            f"--junitxml={scratch / 'junit.xml'}",
            f"--reports-dir={scratch}",
            f"--durations-path={scratch / 'durations'}",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == pytest.ExitCode.USAGE_ERROR or "unrecognized arguments" in done.stderr:
        return done.stderr.strip() or done.stdout[-2000:]
    return None


def test_the_check_catches_an_unknown_option_and_a_missing_path(tmp_path: Path) -> None:
    assert "--no-such-option" in (pytest_usage_error(["--no-such-option"], tmp_path) or "")
    assert "not found" in (pytest_usage_error(["no-such-dir/"], tmp_path) or "")
    assert pytest_usage_error(["tests/run/", "--shard", "1/4"], tmp_path) is None


@pytest.mark.parametrize("command", PYTEST_COMMANDS, ids=lambda c: c.id)
def test_pytest_commands_use_options_the_suite_registers(command: Command, tmp_path: Path) -> None:
    _, args = _python_module(command.argv) or ("", [])
    error = pytest_usage_error(args, tmp_path)
    assert error is None, f"{command}\n{error}"


HARNESS_COMMANDS = [c for c in ALL_COMMANDS if (_python_module(c.argv) or ("",))[0] == "sitewise"]


@pytest.mark.parametrize("command", HARNESS_COMMANDS, ids=lambda c: c.id)
def test_harness_commands_and_their_options_exist(command: Command) -> None:
    _, args = _python_module(command.argv) or ("", [])
    words = [a for a in args if not a.startswith("-")][:2]  # group and command
    done = subprocess.run(
        [sys.executable, "-m", "sitewise", *words, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stderr}"
    for option in (a.split("=")[0] for a in args if a.startswith("--")):
        assert option in done.stdout, f"{command}: {option} is not an option of it"


OTHER_MODULES = [
    c
    for c in ALL_COMMANDS
    if _python_module(c.argv) and (_python_module(c.argv) or ("",))[0] not in ("pytest", "sitewise")
]


@pytest.mark.parametrize("command", OTHER_MODULES, ids=lambda c: c.id)
def test_python_modules_run_by_workflows_exist(command: Command) -> None:
    module, args = _python_module(command.argv) or ("", [])
    assert importlib.util.find_spec(module) is not None, f"{command}: no module {module}"
    if module == "pip" and "-r" in args:
        requirements = args[args.index("-r") + 1]
        assert (ROOT / requirements).is_file(), f"{command}: no {requirements}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_files_a_workflow_names_exist(path: Path) -> None:
    text = path.read_text()
    names = re.findall(r"hashFiles\('([^']+)'\)", text)
    names += re.findall(r"cache-dependency-path:\s*(\S+)", text)
    for name in names:
        if name.startswith("reports/"):
            continue  # written by the run itself
        assert list(ROOT.glob(name)), f"{path.name}: {name} matches no file"


# --- e2e.yml: what the suite's CI needs ---

E2E = ROOT / ".github" / "workflows" / "e2e.yml"


@pytest.fixture
def e2e() -> dict[str, Any]:
    return load(E2E)


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_e2e_runs_on_push_and_pull_request_and_cancels_superseded_runs(
    e2e: dict[str, Any],
) -> None:
    assert {"push", "pull_request"} <= set(e2e["on"])
    assert e2e["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in e2e["concurrency"]["group"]


def test_e2e_matrix_is_three_browsers_by_four_shards(e2e: dict[str, Any]) -> None:
    job = e2e["jobs"]["e2e"]
    matrix = job["strategy"]["matrix"]
    assert matrix["browser"] == ["chromium", "firefox", "webkit"]
    assert matrix["shard"] == [1, 2, 3, 4]
    assert job["strategy"]["fail-fast"] is False
    runs = " ".join(s.get("run", "") for s in _steps(job))
    assert "python -m playwright install --with-deps ${{ matrix.browser }}" in runs
    assert "--shard ${{ matrix.shard }}/4" in runs
    assert "--browser ${{ matrix.browser }}" in runs
    assert "--junitxml reports/junit.xml" in runs


def test_e2e_caches_pip_and_pins_actions_by_major_version(e2e: dict[str, Any]) -> None:
    for job in e2e["jobs"].values():
        for step in _steps(job):
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]
        setups = [s for s in _steps(job) if s.get("uses", "").startswith("actions/setup-python")]
        assert setups
        assert all(s["with"]["cache"] == "pip" for s in setups)


def test_e2e_uploads_junit_always_and_evidence_on_failure(e2e: dict[str, Any]) -> None:
    uploads = [
        s
        for s in _steps(e2e["jobs"]["e2e"])
        if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    always = [s for s in uploads if "always()" in s.get("if", "")]
    assert always
    assert "reports/junit.xml" in always[0]["with"]["path"]
    assert "reports/results.json" in always[0]["with"]["path"]
    on_failure = [s for s in uploads if "failure()" in s.get("if", "")]
    assert on_failure
    assert "reports/artifacts" in on_failure[0]["with"]["path"]


def test_e2e_uploads_the_run_files_the_merged_report_reads(e2e: dict[str, Any]) -> None:
    # `report merge` merges each job's a11y.json and vitals.json (next to its results.json)
    # into the merged report's Accessibility and Performance sections.
    uploads = [
        s
        for s in _steps(e2e["jobs"]["e2e"])
        if s.get("uses", "").startswith("actions/upload-artifact") and "always()" in s.get("if", "")
    ]
    paths = uploads[0]["with"]["path"]
    assert "reports/results.json" in paths
    for name in (A11Y_FILE, VITALS_FILE):
        assert f"reports/{name}" in paths, name


def test_e2e_merges_every_jobs_results_into_one_report(e2e: dict[str, Any]) -> None:
    report = e2e["jobs"]["report"]
    assert report["needs"] == ["e2e"]
    assert "always()" in report["if"]
    steps = _steps(report)
    download = [s for s in steps if s.get("uses", "").startswith("actions/download-artifact")]
    assert download
    assert download[0]["with"]["pattern"] == "e2e-*"
    target = download[0]["with"]["path"]
    merges = [s["run"] for s in steps if "sitewise report merge" in s.get("run", "")]
    assert merges
    assert f"merge {target}" in merges[0]
    out = re.search(r"--out (\S+)", merges[0])
    assert out is not None
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads
    assert uploads[0]["with"]["path"].rstrip("/") == out[1]
