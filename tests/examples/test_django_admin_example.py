"""The Django admin example (examples/django-admin/) runs green on the engine's wheel alone.

As a project using the engine would: the wheel built from this checkout is installed
with the example's requirements into a fresh virtual environment (once per session,
through pip's cache), the example is copied to a folder outside the checkout, and its
specs run there with CI=true, so that a missing baseline fails and a test that passes
only on a retry counts as flaky, not passed. Nothing of this repository but the wheel
is importable there. Needs PyPI (or pip's cache) and a Chromium the engine finds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.example

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "django-admin"
# What the wheel is built from (pyproject.toml's readme, and the package).
WHEEL_SOURCES = ("pyproject.toml", "README.md", "sitewise")
# Each spec module of the example, all of whose tests must have run and passed.
SPEC_MODULES = (
    "test_accessibility.py",
    "test_keyboard.py",
    "test_performance.py",
    "test_sign_in.py",
    "test_visual.py",
)
INSTALL_TIMEOUT_S = 900
RUN_TIMEOUT_S = 900


def _run(
    command: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test with its output when it does not exit 0."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` exited {done.returncode}.\n--- stdout (end) ---\n"
            f"{done.stdout[-6000:]}\n--- stderr (end) ---\n{done.stderr[-3000:]}",
            pytrace=False,
        )
    return done


def _clean_environment(venv: Path) -> dict[str, str]:
    """This process's environment without what would leak the outer run into the example:
    pytest's and the engine's variables, the example's credentials, PYTHONPATH."""
    dropped = ("PYTEST_", "E2E_", "ADMIN_", "DJANGO_", "VIRTUAL_ENV", "PYTHONPATH", "COV_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["CI"] = "true"
    return env


@pytest.fixture(scope="session")
def example_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the engine's wheel and the example's requirements.

    Costs about 15 s once per session where PyPI is near (a wheel build of a few
    seconds, then the install), more where pip must download from far away and its
    cache is cold. The environment gets no pip of its own (this process's pip installs
    into it) and no compiled bytecode: the run compiles only what it imports.
    """
    work = tmp_path_factory.mktemp("example-env")
    # The wheel is built from a copy: pip builds a folder in place, and setuptools' build/
    # in the checkout would keep files deleted since (and race another build there).
    source = work / "source"
    source.mkdir()
    for name in WHEEL_SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    dist = work / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(source)]
    _run(pip_wheel, cwd=work, timeout=INSTALL_TIMEOUT_S)
    (wheel,) = dist.glob("pytest_sitewise-*.whl")
    venv = work / "venv"
    _run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        cwd=work,
        timeout=INSTALL_TIMEOUT_S,
    )
    # This process's pip (22.3 or newer for --python) installs into the new environment.
    install = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    install += ["install", "--no-compile", str(wheel), "-r", str(EXAMPLE / "requirements.txt")]
    _run(install, cwd=work, timeout=INSTALL_TIMEOUT_S)
    return venv


def test_every_spec_of_the_django_admin_example_passes_in_ci(
    example_venv: Path, tmp_path: Path
) -> None:
    project = tmp_path / "django-admin"
    shutil.copytree(
        EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", "reports", ".pytest_cache")
    )
    env = _clean_environment(example_venv)
    python = str(example_venv / "bin" / "python")

    where = _run(
        [python, "-c", "import sitewise; print(sitewise.__file__)"],
        cwd=project,
        timeout=60,
        env=env,
    )
    assert Path(where.stdout.strip()).is_relative_to(example_venv), (
        f"the example imported the engine from {where.stdout.strip()}, not from its wheel"
    )

    run = subprocess.run(
        [python, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    output = f"--- output (end) ---\n{run.stdout[-8000:]}\n--- stderr ---\n{run.stderr[-2000:]}"
    results_file = project / "reports" / "results.json"
    assert results_file.is_file(), f"no {results_file}: the run did not finish\n{output}"
    results = json.loads(results_file.read_text(encoding="utf-8"))
    tests = {test["nodeid"]: test["outcome"] for test in results["tests"]}

    not_passed = {nodeid: outcome for nodeid, outcome in tests.items() if outcome != "passed"}
    assert not not_passed, f"specs that did not pass: {not_passed}\n{output}"
    assert run.returncode == 0, f"the example's run exited {run.returncode}\n{output}"
    for module in SPEC_MODULES:
        for viewport in ("desktop", "mobile"):
            ran = [n for n in tests if n.startswith(f"tests/{module}::") and f"-{viewport}]" in n]
            assert ran, f"no spec of {module} ran under {viewport}: {sorted(tests)}\n{output}"
