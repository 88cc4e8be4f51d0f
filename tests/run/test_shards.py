"""--shard I/N: disjoint shards that together are the whole suite, balanced by durations."""

from __future__ import annotations

import functools
import json
import operator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.run.helpers import PLUGINS, Run, make_project, results_of, run_pytest

# Twelve tests of 1 to 12 seconds, recorded; the order of the file is not the order of size.
DURATIONS = {f"test_suite.py::test_t{n:02d}": float((n * 5) % 12 + 1) for n in range(12)}
SUITE = "\n".join(f"def test_t{n:02d}():\n    pass\n" for n in range(12))


def collected(run: Run) -> list[str]:
    assert run.ret == 0, run.stdout + run.stderr
    return [line.strip() for line in run.stdout.splitlines() if "::" in line]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_project(tmp_path_factory.mktemp("shards"), PLUGINS, test_suite=SUITE)
    (path / ".test_durations").write_text(json.dumps(DURATIONS))
    return path


def test_shards_are_disjoint_complete_and_balanced(project: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        whole, *shards = pool.map(
            lambda args: collected(run_pytest(project, "--collect-only", "-q", *args)),
            [(), ("--shard", "1/3"), ("--shard", "2/3"), ("--shard", "3/3")],
        )
    assert len(whole) == 12
    assert all(shards)
    assert sorted(functools.reduce(operator.iadd, shards, [])) == sorted(
        whole
    )  # complete, and nothing twice
    for index, shard in enumerate(shards):
        for other in shards[index + 1 :]:
            assert not set(shard) & set(other)
    loads = [sum(DURATIONS[test] for test in shard) for shard in shards]
    assert max(loads) - min(loads) <= max(DURATIONS.values()), loads
    assert sum(loads) == sum(DURATIONS.values())


def test_a_shard_selects_the_same_tests_under_xdist(project: Path) -> None:
    alone = collected(run_pytest(project, "--collect-only", "-q", "--shard", "2/3"))
    parallel = run_pytest(project, "-n", "2", "--shard", "2/3")
    assert parallel.ret == 0, parallel.stdout
    assert parallel.outcomes()["passed"] == len(alone)
    ran = [test["nodeid"] for test in results_of(project)["tests"]]
    assert sorted(ran) == sorted(alone)
    assert results_of(project)["runs"][0]["shard"] == "2/3"


def test_durations_recorded_under_one_browser_balance_another(tmp_path: Path) -> None:
    # Recorded on Chromium; the Firefox job finds its tests under other ids.
    source = "\n".join(f"def test_{name}(browser_name):\n    pass\n" for name in "abcde")
    project = make_project(tmp_path, PLUGINS, test_suite=source)
    durations = {f"test_suite.py::test_{name}[chromium]": 1.0 for name in "abcd"}
    durations["test_suite.py::test_e[chromium]"] = 100.0
    (project / ".test_durations").write_text(json.dumps(durations))
    with ThreadPoolExecutor(2) as pool:
        shards = list(
            pool.map(
                lambda shard: collected(
                    run_pytest(
                        project, "--collect-only", "-q", "--browser", "firefox", "--shard", shard
                    )
                ),
                ["1/2", "2/2"],
            )
        )
    long_shard = next(shard for shard in shards if "test_suite.py::test_e[firefox]" in shard)
    assert long_shard == ["test_suite.py::test_e[firefox]"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--shard", "4/3"), "*--shard 4/3: I must be between 1 and N*"),
        (("--shard", "2"), "*--shard 2: expected I/N, e.g. --shard 2/4*"),
        (
            ("--shard", "1/2", "--splits", "3", "--group", "1"),
            "*--shard 1/2 and --splits/--group: give one or the other*",
        ),
    ],
)
def test_a_wrong_shard_is_a_usage_error(
    suite: pytest.Pytester, args: tuple[str, ...], message: str
) -> None:
    suite.makepyfile("def test_one():\n    pass\n")
    result = suite.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
