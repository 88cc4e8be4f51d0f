"""The merged manifest of a (parallel) run, and `python -m sitewise baselines prune`."""

from __future__ import annotations

from pathlib import Path

import pytest

# Imported here, not lazily by the CLI during a test: pytester restores sys.modules after
# each test, and numpy (under the manifest) cannot be imported twice in one process.
import sitewise.visual.manifest  # noqa: F401
from sitewise.cli import main
from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

TWO_TESTS = """
def test_plain(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html")
    assert_snapshot(fixture_page.locator("#swatch"), "plain")


def test_patched(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html?patch=5,5")
    assert_snapshot(fixture_page.locator("#swatch"), "patched")
"""


def prune(suite: VisualSuite, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()  # drop what the pytester runs printed
    code = main(["baselines", "prune", "--reports-dir", str(suite.reports), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def plant(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"\x89PNG\r\n\x1a\n")
    return paths


def test_parallel_run_merges_worker_manifests_and_prune_lists_only_unused(
    visual_suite: VisualSuite, capsys: pytest.CaptureFixture[str]
) -> None:
    visual_suite.write_test(TWO_TESTS)
    folder = visual_suite.baselines / "common" / "test_shots"
    stale, other_browser, other_viewport, not_a_baseline = plant(
        folder,
        "stale-chromium-linux-desktop.png",
        "stale-firefox-linux-desktop.png",
        "stale-chromium-linux-mobile.png",
        "notes.png",
    )

    visual_suite.run("-n", "2").assert_outcomes(passed=2)

    data = visual_suite.manifest()
    assert sorted(data["run"]["workers"]) == ["gw0", "gw1"]
    assert sorted(e["name"] for e in data["snapshots"]) == ["patched", "plain"]
    assert data["run"]["partial"] == []
    assert (data["run"]["browsers"], data["run"]["viewports"]) == (["chromium"], ["desktop"])
    assert len(list((visual_suite.reports / "visual").glob("manifest-gw*.json"))) == 2

    code, output = prune(visual_suite, capsys)
    assert code == 0
    listed = [line.strip() for line in output.splitlines() if line.startswith("  ")]
    assert listed == [str(stale)]
    assert "1 unused baseline(s); run again with --delete to delete them." in output
    assert stale.exists()

    code, output = prune(visual_suite, capsys, "--delete")
    assert code == 0
    assert "Deleted 1 unused baseline(s)." in output
    assert not stale.exists()
    assert all(p.exists() for p in (other_browser, other_viewport, not_a_baseline))
    assert (folder / "plain-chromium-linux-desktop.png").exists()
    assert (folder / "patched-chromium-linux-desktop.png").exists()


def test_prune_refuses_a_partial_run_unless_forced(
    visual_suite: VisualSuite, capsys: pytest.CaptureFixture[str]
) -> None:
    visual_suite.write_test(TWO_TESTS)
    visual_suite.run().assert_outcomes(passed=2)
    visual_suite.write_test(TWO_TESTS.replace("?patch=5,5", "?patch=6,5"))

    visual_suite.run("-k", "plain or patched").assert_outcomes(passed=1, failed=1)

    assert visual_suite.manifest()["run"]["partial"] == [
        "-k plain or patched",
        "1 test(s) failed",
    ]
    patched = visual_suite.baselines / "common/test_shots/patched-chromium-linux-desktop.png"
    code, output = prune(visual_suite, capsys, "--delete")
    assert code == 2
    assert "was partial: -k plain or patched; 1 test(s) failed." in output
    assert "pass --force" in output
    assert patched.exists()

    code, output = prune(visual_suite, capsys, "--force")
    assert code == 0
    assert "No unused baselines" in output


def test_prune_without_a_run_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["baselines", "prune", "--reports-dir", str(tmp_path)])

    assert code == 2
    assert "no visual manifest; run the visual specs first" in capsys.readouterr().err


def test_a_run_without_snapshots_leaves_the_last_manifest_alone(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(TWO_TESTS)
    visual_suite.run("-k", "plain").assert_outcomes(passed=1)
    before = (visual_suite.reports / "visual" / "manifest.json").read_text()
    visual_suite.write_test("def test_api():\n    pass\n", name="test_api")

    visual_suite.run("test_api.py").assert_outcomes(passed=1)

    assert (visual_suite.reports / "visual" / "manifest.json").read_text() == before
