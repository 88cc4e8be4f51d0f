"""One rule for a partial run, read by every report: results.json, a11y.json, the manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sitewise.report.partial import RunFacts, partial_reasons
from tests.run.helpers import PLUGINS, make_project, results_of, run_pytest

PAGES = """
    import os
    import pytest

    def test_home():
        if os.environ.get("STOP_RUN"):
            pytest.exit("the run was stopped from a test", returncode=3)

    @pytest.mark.slow
    def test_settings():
        assert not os.environ.get("BREAK_SETTINGS"), "settings broke"

    def test_profile():
        pass
"""

BROKEN = """
    import os

    if os.environ.get("BREAK_IMPORT"):
        raise ImportError("cannot import the page objects")

    def test_imports():
        pass
"""

# Collection order: sub/test_more.py, test_broken.py, then test_pages.py's three tests.
CASES: list[tuple[str, list[str], dict[str, str], list[str]]] = [
    ("the whole suite", [], {}, []),
    ("its root folder", ["."], {}, []),
    ("every viewport", ["--viewport", "mobile", "--viewport", "desktop"], {}, []),
    ("a keyword", ["-k", "home"], {}, ["-k home", "4 test(s) deselected"]),
    ("a marker, over workers", ["-m", "slow", "-n", "2"], {}, ["-m slow", "4 test(s) deselected"]),
    (
        "a deselected node id",
        ["--deselect", "test_pages.py::test_home"],
        {},
        ["--deselect", "1 test(s) deselected"],
    ),
    ("an ignored folder", ["--ignore", "sub"], {}, ["--ignore"]),
    ("a file", ["test_pages.py"], {}, ["only test_pages.py"]),
    ("a node id", ["test_pages.py::test_home"], {}, ["only test_pages.py::test_home"]),
    ("a folder", ["sub"], {}, ["only sub"]),
    ("fewer viewports", ["--viewport", "mobile"], {}, ["--viewport mobile"]),
    ("a shard", ["--shard", "1/2"], {}, ["--shard 1/2", "2 test(s) deselected"]),
    ("a failing test", [], {"BREAK_SETTINGS": "1"}, ["1 test(s) failed"]),
    (
        "a run stopped at its first failure",
        ["-x"],
        {"BREAK_SETTINGS": "1"},
        ["1 collected test(s) did not run", "1 test(s) failed", "stopped early"],
    ),
    (
        "a module that does not import",
        ["--continue-on-collection-errors"],
        {"BREAK_IMPORT": "1"},
        ["1 module(s) not collected (collection errors)"],
    ),
    (
        "a run ended from a test",
        [],
        {"STOP_RUN": "1"},
        ["2 collected test(s) did not run", "1 test(s) failed", "exit status 3"],
    ),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny suite of five tests without a browser; environment variables break it."""
    path = make_project(
        tmp_path_factory.mktemp("partial"), PLUGINS, test_pages=PAGES, test_broken=BROKEN
    )
    (path / "sub").mkdir()
    (path / "sub" / "test_more.py").write_text("def test_more():\n    pass\n")
    return path


@pytest.mark.parametrize(
    ("args", "env", "reasons"),
    [pytest.param(args, env, reasons, id=name) for name, args, env, reasons in CASES],
)
def test_a_run_is_partial_for_these_reasons_only(
    project: Path, args: list[str], env: dict[str, str], reasons: list[str]
) -> None:
    run = run_pytest(project, *args, env=env)
    assert run.ret in (0, 1, 3), run.stdout + run.stderr
    (info,) = results_of(project)["runs"]
    assert info["partial_reasons"] == reasons, run.stdout


def test_reasons_come_in_one_order() -> None:
    facts = RunFacts(
        selected_by=("-k smoke", "--lf", "--sw"),
        only=("e2e/test_auth.py",),
        viewports=("mobile",),
        device="Pixel 7",
        shard="2/4",
        deselected=3,
        collect_errors=1,
        not_run=2,
        failed=4,
        owed=(("using assert_accessible", 1), ("using nothing", 0)),
        exitstatus=2,
        stopped=True,
    )
    assert partial_reasons(facts) == [
        "-k smoke",
        "--lf",
        "--sw",
        "only e2e/test_auth.py",
        "--viewport mobile",
        "--device Pixel 7",
        "--shard 2/4",
        "3 test(s) deselected",
        "1 module(s) not collected (collection errors)",
        "2 collected test(s) did not run",
        "4 test(s) failed",
        "1 test(s) using assert_accessible failed or were skipped before a check",
        "exit status 2",
        "stopped early",
    ]
    assert partial_reasons(RunFacts(exitstatus=1)) == []


SHOP = """
    import os
    import pytest

    PAGE = (
        '<!doctype html><html lang="en"><head><title>Shop</title></head>'
        "<body><main><h1>Shop</h1><p>Open every day.</p></main></body></html>"
    )

    def test_shop_is_accessible(page, assert_accessible):
        page.set_content(PAGE)
        assert_accessible(page)

    def test_checkout_is_accessible(page, assert_accessible):
        if os.environ.get("CHECKOUT_CLOSED"):
            pytest.skip("the checkout opens next week")
        page.set_content(PAGE.replace("Shop", "Checkout"))
        assert_accessible(page)

    def test_shop_looks_as_designed(page, assert_snapshot):
        page.set_content(PAGE)
        assert_snapshot(page.locator("h1"), "heading")

    def test_prices_add_up():
        assert 2 + 2 == 4
"""

ONE_VIEWPORT = """
[[viewports]]
name = "desktop"
width = 400
height = 300
"""


def reasons_of(project: Path) -> dict[str, Any]:
    """Whether each report calls the run partial, and why."""
    reports = project / "reports"
    a11y = json.loads((reports / "a11y.json").read_text())
    manifest = json.loads((reports / "visual" / "manifest.json").read_text())
    (info,) = results_of(project)["runs"]
    return {
        "results.json": info["partial_reasons"],
        "a11y.json": a11y["partial_reasons"],
        "a11y.json full_run": a11y["full_run"],
        "manifest.json": manifest["run"]["partial"],
    }


def test_every_report_of_a_run_agrees_on_whether_it_was_partial(tmp_path: Path) -> None:
    project = make_project(tmp_path, PLUGINS, test_shop=SHOP)
    (project / "playwright.config.toml").write_text(ONE_VIEWPORT)

    whole = run_pytest(project)
    # The warning: the snapshot's baseline was missing, and this run wrote it.
    assert whole.outcomes() == {"passed": 4, "warnings": 1}, whole.stdout + whole.stderr
    assert reasons_of(project) == {
        "results.json": [],
        "a11y.json": [],
        "a11y.json full_run": True,
        "manifest.json": [],
    }

    part = run_pytest(project, "-n", "2", "-k", "not prices", env={"CHECKOUT_CLOSED": "1"})
    assert part.outcomes() == {"passed": 2, "skipped": 1}, part.stdout + part.stderr
    reasons = [
        "-k not prices",
        "1 test(s) deselected",
        "1 test(s) using assert_accessible failed or were skipped before a check",
    ]
    assert reasons_of(project) == {
        "results.json": reasons,
        "a11y.json": reasons,
        "a11y.json full_run": False,
        "manifest.json": reasons,
    }
