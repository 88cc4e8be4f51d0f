"""The load runner against a tiny local server: a few users for a few seconds, locally
and as Locust's master with two worker processes on 127.0.0.1, and in a pytest run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitewise.load.process import start_load
from tests.load.conftest import write_under_load_config


def test_a_local_run_measures_each_endpoint(site: str, journeys: Path, tmp_path: Path) -> None:
    run = start_load(
        journeys,
        {"site": site},
        users=3,
        ramp_s=1,
        duration_s=3,
        workers=0,
        out=tmp_path / "m.json",
        log_path=tmp_path / "runner.log",
    )

    measured = run.finish()

    by_name = {e["endpoint"]: e for e in measured["endpoints"]}
    assert set(by_name) == {"GET /", "GET /missing"}
    assert by_name["GET /"]["requests"] > 0
    assert by_name["GET /"]["failures"] == 0
    assert by_name["GET /missing"]["failures"] == by_name["GET /missing"]["requests"] > 0
    timeline = measured["timeline"]["endpoints"]
    assert sum(p["requests"] for p in timeline["GET /"]) == by_name["GET /"]["requests"]
    assert max(n for _, n in measured["timeline"]["users"]) == 3


def test_a_master_and_two_workers_measure_together(
    site: str, journeys: Path, tmp_path: Path
) -> None:
    run = start_load(
        journeys,
        {"site": site},
        users=4,
        ramp_s=1,
        duration_s=4,
        workers=2,
        out=tmp_path / "m.json",
        log_path=tmp_path / "runner.log",
    )

    measured = run.finish()

    assert measured["workers"] == 2
    assert measured["missing_workers"] == 0
    home = next(e for e in measured["endpoints"] if e["endpoint"] == "GET /")
    # The workers' own timelines reach the master with their reports.
    counted = sum(p["requests"] for p in measured["timeline"]["endpoints"]["GET /"])
    assert home["requests"] > 0
    assert counted == home["requests"]
    assert len(run.workers) == 2
    assert all(worker.returncode is not None for worker in run.workers)


def test_the_command_judges_and_exits_1_naming_the_endpoint(
    site: str, journeys: Path, tmp_path: Path
) -> None:
    config = tmp_path / "playwright.config.toml"
    config.write_text("[load]\nusers = 2\nramp_s = 1\nduration_s = 2\n", encoding="utf-8")

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitewise.load",
            "run",
            str(journeys),
            "--target",
            f"site={site}",
            "--config",
            str(config),
            "--reports-dir",
            str(tmp_path / "r"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1, done.stderr[-2000:]
    assert "1 of 2 endpoints over budget" in done.stdout
    assert "GET /missing: errors 100% > 0%" in done.stdout
    report = json.loads((tmp_path / "r" / "load.json").read_text(encoding="utf-8"))
    assert report["verdict"]["over"].keys() == {"GET /missing"}


def test_load_tests_run_only_when_asked_and_fail_over_budget(
    pytester: pytest.Pytester, site: str, journeys: Path
) -> None:
    (pytester.path / "playwright.config.toml").write_text(
        f'[targets.site]\nurl = "{site}"\n\n[load]\nusers = 2\nramp_s = 1\nduration_s = 2\n',
        encoding="utf-8",
    )
    pytester.makepyfile(
        test_site=f"""
        import pytest

        @pytest.mark.load
        def test_holds(assert_load):
            assert_load({str(journeys)!r})

        def test_other():
            pass
        """
    )

    default = pytester.runpytest_subprocess("-p", "no:randomly")
    default.assert_outcomes(passed=1, deselected=1)

    asked = pytester.runpytest_subprocess("-p", "no:randomly", "-m", "load")
    asked.assert_outcomes(failed=1, deselected=1)
    asked.stdout.fnmatch_lines(
        [
            "*AssertionError: Load (2 users, ramp 1 s, *): 1 of 2 endpoints over budget*",
            "*GET /missing: errors 100% > 0%*",
        ]
    )
    assert (pytester.path / "reports" / "load.json").is_file()


def test_under_load_runs_the_journeys_while_the_specs_run(
    pytester: pytest.Pytester, site: str, journeys: Path
) -> None:
    write_under_load_config(pytester.path, site, journeys, users=2)
    pytester.makepyfile(
        test_site="""
        import urllib.request

        def test_a_spec_beside_the_load(target_urls, pytestconfig):
            with urllib.request.urlopen(target_urls.url("site") + "/") as answer:
                assert answer.status == 200
        """
    )

    result = pytester.runpytest_subprocess("-p", "no:randomly", "--under-load")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["load (2 users, ramp 1 s, *): all 2 endpoints within budget*"])
    report = json.loads((pytester.path / "reports" / "load.json").read_text(encoding="utf-8"))
    assert report["requests"] > 0
    assert max(n for _, n in report["timeline"]["users"]) == 2


def test_under_load_needs_a_locustfile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_site="def test_x():\n    pass\n")

    result = pytester.runpytest_subprocess("-p", "no:randomly", "--under-load")

    result.stderr.fnmatch_lines(["*--under-load: set [[]load[]] locustfile*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
