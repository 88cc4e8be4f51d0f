"""A run that is not a run of the suite leaves the engines' files as the last run wrote
them: a11y.json, vitals.json and the visual manifests, as well as results.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.helpers import PLUGINS, make_project, run_pytest

ENGINES = """
    import pytest
    from sitewise.artifacts import attach
    from tests.run.runwide_data import a11y_check, vitals_data

    def test_settings_page_is_accessible(request):
        data = a11y_check("http://127.0.0.1:8000/settings", [])
        attach(request.node, "a11y", "settings page", data=data)

    @pytest.mark.performance
    def test_settings_page_is_fast(request):
        attach(request.node, "vitals", "Web Vitals: web:/settings (desktop)",
               data=vitals_data("web:/settings", [30.0, 40.0]))
"""


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def last_run(tmp_path: Path) -> Path:
    """A tiny project after a run that wrote a11y.json and vitals.json, with the visual
    manifests a visual run leaves (the merged one and a worker's)."""
    project = make_project(tmp_path, PLUGINS, test_engines=ENGINES)
    run = run_pytest(project)
    # Both tests pass, and so does the run's API latency verdict, a test case of its own.
    assert run.outcomes() == {"passed": 3}, run.stdout + run.stderr
    visual = project / "reports" / "visual"
    visual.mkdir()
    for name in ("manifest.json", "manifest-gw0.json"):
        (visual / name).write_text('{"version": 1, "snapshots": []}\n')
    written = contents(project / "reports")
    for name in ("a11y.json", "vitals.json", "results.json", "visual/manifest-gw0.json"):
        assert name in written, sorted(written)
    return project


@pytest.mark.parametrize("option", ["--co", "--fixtures"])
def test_a_run_of_no_test_leaves_the_engines_files(last_run: Path, option: str) -> None:
    before = contents(last_run / "reports")
    run = run_pytest(last_run, option)
    assert run.ret == pytest.ExitCode.OK, run.stdout + run.stderr
    assert contents(last_run / "reports") == before


def test_a_self_test_run_with_pytester_leaves_the_engines_files(last_run: Path) -> None:
    before = contents(last_run / "reports")
    (last_run / "conftest.py").write_text(f"pytest_plugins = {[*PLUGINS, 'pytester']!r}\n")
    run = run_pytest(last_run)
    # The tests ran and attached their checks and measurements; nothing was written.
    assert run.outcomes() == {"passed": 3}, run.stdout + run.stderr
    assert "API latency" in run.stdout
    assert contents(last_run / "reports") == before
