"""Update modes, missing baselines, atomic writes, options, CSS and stabilisation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitewise.visual.baselines import read_baseline, write_atomic
from tests.visual.conftest import VisualSuite

pytest_plugins = ["pytester"]

THREE_SHOTS = """
def test_three(fixture_page, assert_snapshot):
    fixture_page.goto("http://visual.test/swatch.html{query}")
    swatch = fixture_page.locator("#swatch")
    assert_snapshot(swatch, "plain")
    assert_snapshot(swatch, "no-stamp", style="#stamp {{ visibility: hidden; }}")
    assert_snapshot(fixture_page, "whole", full_page=True)
"""
FOLDER = Path("common") / "test_shots"


def shot(suite: VisualSuite, name: str) -> Path:
    return suite.baselines / FOLDER / f"{name}-chromium-linux-desktop.png"


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_missing_baselines_are_all_written_in_one_run_and_pass_locally(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(THREE_SHOTS.format(query="?size=350,700"))

    result = visual_suite.run()

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*NewBaselineWarning*a new baseline was written*"])
    entries = visual_suite.manifest()["snapshots"]
    assert [(e["name"], e["status"], e["written"]) for e in entries] == [
        ("no-stamp", "new", True),
        ("plain", "new", True),
        ("whole", "new", True),
    ]
    assert no_temp_files(visual_suite.baselines)
    # full_page captures the whole document, past the 400 x 300 viewport.
    assert read_baseline(shot(visual_suite, "whole")).shape == (700, 400, 4)
    # The stamp (a green square in the swatch's corner) is hidden by the call's CSS.
    assert tuple(read_baseline(shot(visual_suite, "plain"))[690, 340]) == (16, 160, 16, 255)
    assert tuple(read_baseline(shot(visual_suite, "no-stamp"))[690, 340]) == (208, 16, 16, 255)


def test_missing_baselines_fail_in_ci_after_all_are_written(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(THREE_SHOTS.format(query=""))

    result = visual_suite.run(ci=True)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*3 baseline(s) were missing and have been written*"])
    for name in ("plain", "no-stamp", "whole"):
        assert shot(visual_suite, name).is_file()
        assert str(shot(visual_suite, name)) in result.stdout.str()
    # The next CI run finds them and passes.
    visual_suite.run(ci=True).assert_outcomes(passed=1)
    # Asked for explicitly (as the update-baselines workflow does), writing is no failure.
    shot(visual_suite, "plain").unlink()
    visual_suite.run("--update-baselines", "missing", ci=True).assert_outcomes(passed=1)
    assert shot(visual_suite, "plain").is_file()


def test_mode_none_never_writes(visual_suite: VisualSuite) -> None:
    visual_suite.write_test(THREE_SHOTS.format(query=""))

    result = visual_suite.run("--update-baselines", "none")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no baseline at *plain-chromium-linux-desktop.png*"])
    assert not visual_suite.baselines.exists()


def test_mode_changed_rewrites_only_what_differs_and_all_rewrites_all(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.write_test(THREE_SHOTS.format(query=""))
    visual_suite.run().assert_outcomes(passed=1)
    inodes = {n: shot(visual_suite, n).stat().st_ino for n in ("plain", "no-stamp", "whole")}
    old_plain = shot(visual_suite, "plain").read_bytes()
    # A blue stamp changes "plain" and "whole"; "no-stamp" hides it, so it stays the same.
    visual_suite.write_test(THREE_SHOTS.format(query="?stamp=blue"))

    visual_suite.run("--update-baselines", "none").assert_outcomes(failed=1)
    assert shot(visual_suite, "plain").read_bytes() == old_plain

    result = visual_suite.run("--update-baselines", "changed")

    result.assert_outcomes(passed=1)
    statuses = {
        e["name"]: (e["status"], e["written"]) for e in visual_suite.manifest()["snapshots"]
    }
    assert statuses == {
        "plain": ("changed", True),
        "no-stamp": ("passed", False),
        "whole": ("changed", True),
    }
    assert shot(visual_suite, "no-stamp").stat().st_ino == inodes["no-stamp"]
    assert shot(visual_suite, "plain").stat().st_ino != inodes["plain"]
    assert shot(visual_suite, "plain").read_bytes() != old_plain
    visual_suite.run().assert_outcomes(passed=1)

    before = {n: shot(visual_suite, n).stat().st_ino for n in inodes}
    visual_suite.run("--update-baselines", "all").assert_outcomes(passed=1)
    after = {n: shot(visual_suite, n).stat().st_ino for n in inodes}
    assert all(before[n] != after[n] for n in inodes)
    assert no_temp_files(visual_suite.baselines)


@pytest.mark.parametrize("mode", ["all", "changed", "missing"])
def test_updating_never_deletes_a_baseline_no_test_produced(
    visual_suite: VisualSuite, mode: str
) -> None:
    visual_suite.write_test(THREE_SHOTS.format(query=""))
    visual_suite.run().assert_outcomes(passed=1)
    # Baselines no test of the run produces: beside the run's own (same browser, platform
    # and viewport, the ones prune would list), of another spec, app, browser, viewport
    # and platform; and a file that is not a baseline.
    orphans = [
        shot(visual_suite, "gone"),
        visual_suite.baselines / "common/test_other/plain-chromium-linux-desktop.png",
        visual_suite.baselines / "web/test_shots/plain-chromium-linux-desktop.png",
        visual_suite.baselines / FOLDER / "plain-firefox-linux-desktop.png",
        visual_suite.baselines / FOLDER / "plain-chromium-linux-mobile.png",
        visual_suite.baselines / FOLDER / "plain-chromium-darwin-desktop.png",
        visual_suite.baselines / FOLDER / "notes.txt",
    ]
    for path in orphans:
        write_atomic(path, shot(visual_suite, "plain").read_bytes() + path.name.encode())
    planted = {path: path.read_bytes() for path in orphans}

    def left_alone() -> bool:
        return {path: path.read_bytes() for path in orphans if path.exists()} == planted

    # A blue stamp changes "plain" and "whole": `missing` fails on "whole" (and retries
    # the failure), the others rewrite it. "plain" is missing each time: written.
    visual_suite.write_test(THREE_SHOTS.format(query="?stamp=blue"))
    outcome = {"failed": 1} if mode == "missing" else {"passed": 1}
    for extra in ([], ["-n", "2"], ["--reruns", "1"]):
        shot(visual_suite, "plain").unlink()
        visual_suite.run("--update-baselines", mode, *extra).assert_outcomes(**outcome)
        assert shot(visual_suite, "plain").is_file()
        assert left_alone(), extra
    visual_suite.run("--update-baselines", mode, ci=True).assert_outcomes(**outcome)
    assert left_alone()
    assert no_temp_files(visual_suite.baselines)


def test_wrong_update_mode_is_one_usage_error(visual_suite: VisualSuite) -> None:
    visual_suite.write_test("def test_nothing():\n    pass\n")

    result = visual_suite.run("--update-baselines", "sometimes")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # Quoting of the choices differs between Python versions.
    result.stderr.fnmatch_lines(
        ["*argument --update-baselines: invalid choice: 'sometimes' (choose from *all*none*)"]
    )
    visual_suite.monkeypatch.setenv("E2E_UPDATE_BASELINES", "often")
    result = visual_suite.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*E2E_UPDATE_BASELINES='often': unknown update mode*"])


def test_css_and_transition_motion_settle_and_caret_is_hidden(visual_suite: VisualSuite) -> None:
    (visual_suite.pytester.path / "visual.css").write_text("#fader { background: black; }")
    visual_suite.configure(extra='css = "visual.css"\n')
    visual_suite.write_test(
        """
        def test_motion(fixture_page, assert_snapshot):
            fixture_page.goto("http://visual.test/motion.html")
            assert_snapshot(fixture_page, "motion")
        """
    )
    visual_suite.run().assert_outcomes(passed=1)
    pixels = read_baseline(shot(visual_suite, "motion"))
    # The fader is black from [visual] css; its 30 s fade-in is finished, not half-way.
    assert tuple(pixels[70, 30]) == (0, 0, 0, 255)
    # The 30 s transition is done: the slider (green) sits 150 px to the right.
    assert tuple(pixels[100, 170]) == (16, 160, 16, 255)

    visual_suite.run().assert_outcomes(passed=1)
    [entry] = visual_suite.manifest()["snapshots"]
    assert (entry["status"], entry["diff_pixels"]) == ("passed", 0)


def test_never_settling_page_fails_naming_the_snapshot_and_the_time(
    visual_suite: VisualSuite,
) -> None:
    visual_suite.configure(timeout_ms=400)
    visual_suite.write_test(
        """
        def test_counter(fixture_page, assert_snapshot):
            fixture_page.goto("http://visual.test/raf-counter.html")
            assert_snapshot(fixture_page.locator("#counter"), "counter")
        """
    )

    result = visual_suite.run()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*assert_snapshot('counter'): the page never settled: * screenshots in * ms"
            " ([[]visual[]] stabilise_timeout_ms = 400)*"
        ]
    )
    [entry] = visual_suite.manifest()["snapshots"]
    assert entry["status"] == "unstable"
    # Stored relative to the reports folder (the manifest travels from CI).
    assert (visual_suite.reports / entry["actual"]).is_file()
    assert not visual_suite.baselines.exists()


def test_atomic_write_leaves_the_old_file_and_no_temp_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app" / "spec" / "shot.png"
    write_atomic(target, b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")

    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["shot.png"]
