"""Snapshots per browser: `[visual] snapshot_browsers`, and the build each baseline records.

Firefox and WebKit cannot run here, so their runs are faked: `--browser firefox` (the
skip comes before any browser is needed), or a conftest `browser_name` fixture that
names another engine while Chromium renders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitewise.config.model import ConfigError, load_config
from sitewise.visual.builds import (
    BaselineBuilds,
    BrowserBuild,
    BuildsFileError,
    build_note,
    record_builds,
)
from sitewise.visual.policy import snapshot_skip_reason
from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

ONE_SHOT = """
def test_one(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html{query}")
    assert_snapshot(fixture_page.locator("#swatch"), "plain")
"""
FAKED = """
import pytest


@pytest.fixture(scope="session")
def browser_name():
    return {name!r}
"""
NO_PAGE = """
def test_one(assert_snapshot):
    assert callable(assert_snapshot)
"""
BASELINE = Path("common") / "test_shots" / "plain-chromium-linux-desktop.png"


# --- The policy, as a decision ---


@pytest.mark.parametrize("engine", ["firefox", "webkit"])
def test_an_unlisted_browser_skips_with_its_name_and_the_key(engine: str) -> None:
    reason = snapshot_skip_reason(engine, ("chromium",))
    assert reason.startswith(f"visual snapshots are not compared in {engine}:")
    assert '[visual] snapshot_browsers = ["chromium"]' in reason
    assert f'add "{engine}" to [visual] snapshot_browsers' in reason


def test_a_listed_browser_or_a_run_that_writes_baselines_compares() -> None:
    assert snapshot_skip_reason("chromium", ("chromium",)) == ""
    assert snapshot_skip_reason("webkit", ("chromium", "webkit")) == ""
    assert snapshot_skip_reason("firefox", ("chromium",), writing=True) == ""
    assert "not compared in chromium" in snapshot_skip_reason("chromium", ())


def test_snapshot_browsers_defaults_to_chromium_and_names_a_wrong_engine(tmp_path: Path) -> None:
    path = tmp_path / "playwright.config.toml"
    path.write_text("")
    assert load_config(path).visual.snapshot_browsers == ("chromium",)
    path.write_text('[visual]\nsnapshot_browsers = ["chromium", "edge"]\n')
    with pytest.raises(
        ConfigError, match=r"visual\.snapshot_browsers\[1\] = 'edge': input should be 'chromium'"
    ):
        load_config(path)


# --- The policy, in a run ---


def test_firefox_skips_every_snapshot_test_without_a_browser(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(ONE_SHOT.format(query=""), name="test_shots")

    result = visual_suite.run("--browser", "firefox", "-rs")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*SKIPPED*visual snapshots are not compared in firefox*snapshot_browsers = *chromium*"]
    )
    assert not visual_suite.baselines.exists()


def test_a_faked_webkit_skips_at_the_fixture_and_a_listed_one_compares(
    visual_suite: VisualSuite,
) -> None:
    # browser_name is "webkit" while pytest-playwright's parameter stays "chromium": the
    # fixture decides by the fixture's value. No page: WebKit cannot launch here.
    conftest = visual_suite.pytester.path / "conftest.py"
    conftest.write_text(conftest.read_text() + FAKED.format(name="webkit"))
    visual_suite.write_test(NO_PAGE, name="test_shots")

    skipped = visual_suite.run("-rs")
    skipped.assert_outcomes(skipped=1)
    skipped.stdout.fnmatch_lines(["*SKIPPED*not compared in webkit*"])

    visual_suite.configure(extra='snapshot_browsers = ["chromium", "webkit"]\n')
    visual_suite.run().assert_outcomes(passed=1)


def test_asking_for_baselines_writes_them_in_an_unlisted_browser(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.configure(extra="snapshot_browsers = []\n")
    visual_suite.write_test(ONE_SHOT.format(query=""), name="test_shots")
    visual_suite.run().assert_outcomes(skipped=1)

    visual_suite.run("--update-baselines", "missing").assert_outcomes(passed=1)
    assert (visual_suite.baselines / BASELINE).is_file()


# --- The build each baseline records ---


def test_builds_are_recorded_read_back_and_unknown_without_an_entry(tmp_path: Path) -> None:
    shot = tmp_path / "web" / "test_x" / "a-chromium-linux-desktop.png"
    other = tmp_path / "web" / "test_x" / "b-chromium-linux-desktop.png"
    assert BaselineBuilds.read(tmp_path).build_of(shot) is None
    record_builds(tmp_path, {str(shot): BrowserBuild("chromium", "156.0.1")})
    record_builds(tmp_path, {str(other): BrowserBuild("chromium", "150.0.2")})
    builds = BaselineBuilds.read(tmp_path)
    assert builds.build_of(shot) == BrowserBuild("chromium", "156.0.1")
    assert builds.build_of(other) == BrowserBuild("chromium", "150.0.2")
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert data["baselines"]["web/test_x/a-chromium-linux-desktop.png"] == {
        "browser": {"name": "chromium", "version": "156.0.1"}
    }
    # An entry without its build (an older format) is of an unknown build.
    data["baselines"]["web/test_x/a-chromium-linux-desktop.png"] = {}
    (tmp_path / "manifest.json").write_text(json.dumps(data))
    assert BaselineBuilds.read(tmp_path).build_of(shot) is None
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(BuildsFileError, match="cannot be read as JSON"):
        BaselineBuilds.read(tmp_path)


def test_the_note_names_both_builds_only_when_they_differ() -> None:
    now = BrowserBuild("chromium", "156.0.8078.114")
    assert build_note(BrowserBuild("chromium", "156.0.8078.114"), now) == ""
    assert build_note(BrowserBuild("chromium", "150.0.7871.100"), now).startswith(
        "baseline made with chromium 150.0.7871.100, this run is 156.0.8078.114:"
    )
    assert build_note(None, now).startswith(
        "baseline made with an unknown build (not recorded in the baselines' manifest.json),"
        " this run is chromium 156.0.8078.114:"
    )
    assert "this run is webkit 26.0" in build_note(now, BrowserBuild("webkit", "26.0"))
    assert BrowserBuild.parse(str(now)) == now
    assert BrowserBuild.parse("unknown") is None


def test_a_run_records_its_build_and_a_failure_names_the_baselines(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(ONE_SHOT.format(query=""), name="test_shots")
    visual_suite.run("-n", "2").assert_outcomes(passed=1)
    recorded = json.loads((visual_suite.baselines / "manifest.json").read_text())
    build = dict(recorded["baselines"][BASELINE.as_posix()]["browser"])
    assert build["name"] == "chromium"
    assert build["version"].split(".")[0].isdigit()

    # The same page against a baseline of another build: it matches, so it passes.
    recorded["baselines"][BASELINE.as_posix()]["browser"]["version"] = "150.0.1"
    (visual_suite.baselines / "manifest.json").write_text(json.dumps(recorded))
    visual_suite.run().assert_outcomes(passed=1)

    # A difference against it names both builds.
    visual_suite.write_test(ONE_SHOT.format(query="?stamp=blue"), name="test_shots")
    failed = visual_suite.run("--update-baselines", "none")
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(
        [f"*baseline made with chromium 150.0.1, this run is {build['version']}:*"]
    )
    entry = visual_suite.manifest()["snapshots"][0]
    assert (entry["build"], entry["baseline_build"]) == (
        f"chromium {build['version']}",
        "chromium 150.0.1",
    )

    # Without an entry, the baseline's build is unknown.
    (visual_suite.baselines / "manifest.json").unlink()
    unknown = visual_suite.run("--update-baselines", "none")
    unknown.assert_outcomes(failed=1)
    unknown.stdout.fnmatch_lines(["*baseline made with an unknown build*"])
