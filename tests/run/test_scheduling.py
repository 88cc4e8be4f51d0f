"""With -n, waiting specs run beside working ones (sitewise/run/scheduling.py)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from sitewise.run.scheduling import (
    Pairing,
    is_waiting,
    read_durations,
    waiting_lane,
)
from tests.run.helpers import PLUGINS, ROOT, make_project, results_of, run_pytest

COLLECTION = [
    "e2e/test_a11y.py::test_one",
    "e2e/test_a11y.py::test_two",
    "e2e/test_performance.py::test_short",
    "e2e/test_performance.py::test_long",
    "e2e/test_performance.py::test_unknown",
    "e2e/test_visual.py::test_three",
]
WAITING = ["e2e/test_performance.py"]
DURATIONS = {"e2e/test_performance.py::test_short": 4.0, "e2e/test_performance.py::test_long": 20}


def names(pairing: Pairing, indices: list[int]) -> list[str]:
    return [COLLECTION[i].split("::")[1] for i in indices]


def test_a_spec_waits_when_its_node_id_starts_with_a_waiting_prefix() -> None:
    assert is_waiting("e2e/test_performance.py::test_x[chromium-web]", WAITING)
    assert not is_waiting("e2e/test_perf.py::test_x", WAITING)
    assert not is_waiting("tests/e2e/test_performance.py::test_x", WAITING)


def test_the_suites_waiting_and_quiet_specs_exist() -> None:
    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert ini["waiting_specs"]
    for option in ("waiting_specs", "quiet_specs"):
        for prefix in ini[option]:
            path, _, name = prefix.partition("::")
            assert (ROOT / path).is_file(), f"{option} names {path}, which is not a file"
            assert f"def {name}" in (ROOT / path).read_text(), f"{option}: no {name} in {path}"


def test_waiting_specs_go_longest_first_and_working_ones_in_collection_order() -> None:
    pairing = Pairing(COLLECTION, WAITING, DURATIONS)
    assert names(pairing, pairing.waiting) == ["test_long", "test_short", "test_unknown"]
    assert names(pairing, pairing.working) == ["test_one", "test_two", "test_three"]
    assert len(pairing) == 6


def test_each_lane_takes_its_own_kind_first() -> None:
    pairing = Pairing(COLLECTION, WAITING, DURATIONS)
    assert names(pairing, [pairing.next_for(waits=True)]) == ["test_long"]
    assert names(pairing, [pairing.next_for(waits=False)]) == ["test_one"]


def test_even_workers_wait_and_odd_ones_work() -> None:
    assert [waiting_lane(f"gw{n}") for n in range(4)] == [True, False, True, False]
    assert waiting_lane("master")  # a name that is not gwN: the default lane


def test_one_kind_after_the_other_in_one_lane() -> None:
    pairing = Pairing(COLLECTION, WAITING, DURATIONS)
    order = [pairing.next_for(waits=False) for _ in range(len(COLLECTION))]
    assert names(pairing, order) == [
        *("test_one", "test_two", "test_three"),
        *("test_long", "test_short", "test_unknown"),
    ]
    assert len(pairing) == 0


def test_once_one_kind_runs_out_the_other_kind_is_handed_out() -> None:
    pairing = Pairing(COLLECTION[:2], WAITING, DURATIONS)
    assert names(pairing, [pairing.next_for(True), pairing.next_for(True)]) == [
        "test_one",
        "test_two",
    ]
    with pytest.raises(IndexError):
        pairing.next_for(False)


def test_tests_given_back_run_first_in_their_kind() -> None:
    pairing = Pairing(COLLECTION, WAITING, DURATIONS)
    taken = [pairing.next_for(True), pairing.next_for(False)]  # test_long, test_one
    pairing.give_back(taken)
    assert names(pairing, pairing.waiting[:1]) == ["test_long"]
    assert names(pairing, pairing.working[:1]) == ["test_one"]


def test_quiet_specs_come_last_whatever_the_lane() -> None:
    quiet = ["e2e/test_performance.py::test_long"]
    for waits in (True, False):
        pairing = Pairing(COLLECTION, WAITING, DURATIONS, quiet)
        order = names(pairing, [pairing.next_for(waits) for _ in range(len(COLLECTION))])
        assert order[-1] == "test_long", order
        assert "test_long" not in names(pairing, pairing.waiting)


def test_a_missing_or_broken_durations_file_gives_collection_order(tmp_path: Path) -> None:
    assert read_durations(tmp_path / "missing") == {}
    (tmp_path / "broken").write_text("{not json")
    assert read_durations(tmp_path / "broken") == {}
    (tmp_path / "list").write_text("[1, 2]")
    assert read_durations(tmp_path / "list") == {}
    (tmp_path / "ok").write_text(json.dumps({"a": 1, "b": "x"}))
    assert read_durations(tmp_path / "ok") == {"a": 1.0}


# A tiny suite run with -n 2: each test writes down, in its worker's own file, that it ran.
RECORD = """
import os
from pathlib import Path


def record(name):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    with (Path(__file__).parent / f"ran-{{worker}}.txt").open("a") as log:
        log.write(name + "\\n")

{tests}
"""


def specs_named(*names: str) -> str:
    return "\n".join(f"def test_{n}():\n    record({n!r})\n" for n in names)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_project(
        tmp_path_factory.mktemp("scheduling"),
        PLUGINS,
        test_a_work=RECORD.format(tests=specs_named("w1", "w2", "w3", "w4")),
        test_b_wait=RECORD.format(tests=specs_named("p1", "p2", "p3", "p4")),
    )
    with (path / "pytest.ini").open("a") as ini:
        ini.write("waiting_specs = test_b_wait.py\n")
    (path / ".test_durations").write_text(
        json.dumps({"test_b_wait.py::test_p3": 30, "test_b_wait.py::test_p4": 20})
    )
    return path


def worker_logs(path: Path) -> list[list[str]]:
    logs = [log.read_text().split() for log in sorted(path.glob("ran-gw*.txt"))]
    for log in path.glob("ran-gw*.txt"):
        log.unlink()
    return logs


def test_with_two_workers_one_starts_waiting_and_the_other_working(project: Path) -> None:
    run = run_pytest(project, "-n", "2", "--durations-path", str(project / ".test_durations"))
    assert run.ret == 0, run.stdout + run.stderr
    logs = worker_logs(project)
    assert len(logs) == 2
    # gw0 waits, longest first (from the durations file); gw1 works, in collection order.
    assert [log[:2] for log in logs] == [["p3", "p4"], ["w1", "w2"]], logs
    ran = sorted(name for log in logs for name in log)
    assert ran == ["p1", "p2", "p3", "p4", "w1", "w2", "w3", "w4"]  # each once
    assert len(results_of(project)["tests"]) == 8


@pytest.mark.parametrize("choice", [["--no-pairing"], ["--dist", "worksteal"]])
def test_no_pairing_and_other_dist_modes_are_xdists_own(project: Path, choice: list[str]) -> None:
    run = run_pytest(project, "-n", "2", *choice)
    assert run.ret == 0, run.stdout + run.stderr
    logs = worker_logs(project)
    # xdist's load and worksteal both start the workers on consecutive tests in
    # collection order: one of them begins with the first working test.
    assert ["w1"] in [log[:1] for log in logs], logs
    assert sorted(name for log in logs for name in log) == [
        *("p1", "p2", "p3", "p4"),
        *("w1", "w2", "w3", "w4"),
    ]


def test_the_tests_of_a_worker_that_dies_still_run(tmp_path: Path) -> None:
    crash = "import os, signal\n\ndef test_dies():\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    path = make_project(
        tmp_path,
        PLUGINS,
        test_a_work=RECORD.format(tests=specs_named("w1", "w2", "w3", "w4")),
        test_b_wait=RECORD.format(tests=specs_named("p1", "p2", "p3", "p4")),
        test_c_crash=crash,
    )
    with (path / "pytest.ini").open("a") as ini:
        ini.write("waiting_specs = test_b_wait.py\n")
    run = run_pytest(path, "-n", "2")
    assert run.ret == 1, run.stdout + run.stderr
    assert "test_dies" in run.stdout
    assert run.outcomes().get("passed") == 8, run.stdout
    ran = sorted(name for log in worker_logs(path) for name in log)
    assert ran == ["p1", "p2", "p3", "p4", "w1", "w2", "w3", "w4"]


def test_a_quiet_spec_is_handed_out_last(project: Path) -> None:
    run = run_pytest(project, "-n", "2", "-o", "quiet_specs=test_b_wait.py::test_p3")
    assert run.ret == 0, run.stdout + run.stderr
    logs = worker_logs(project)
    (ran_it,) = [log for log in logs if "p3" in log]
    assert ran_it[-1] == "p3", logs
    assert [log[:2] for log in logs] == [["p4", "p1"], ["w1", "w2"]], logs


def test_the_installed_xdist_meets_every_assumption_of_the_lanes(
    pytester: pytest.Pytester,
) -> None:
    from sitewise.run.scheduling import PairingScheduling, broken_assumptions

    scheduler = PairingScheduling(pytester.parseconfig("--dist", "load", "--tx", "2*popen"), None)
    assert broken_assumptions(scheduler) == []


def test_a_changed_xdist_falls_back_to_its_own_load_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    from xdist.scheduler import LoadScheduling

    from sitewise.run import scheduling

    def _send_tests(self: object, node: object) -> None: ...

    monkeypatch.setattr(LoadScheduling, "_send_tests", _send_tests)
    config = pytester.parseconfig("--dist", "load", "--tx", "2*popen")
    with pytest.warns(
        pytest.PytestWarning, match=r"falls back to xdist's --dist load .*_send_tests"
    ):
        assert scheduling.pytest_xdist_make_scheduler(config, None) is None
