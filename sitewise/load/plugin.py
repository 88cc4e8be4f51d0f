"""Load runs in pytest: the `load` marker, the `assert_load` fixture and `--under-load`.

Tests marked `load` run only when `-m` names the marker (`pytest -m load`): a load run
takes minutes and the machine's every core, so the default run leaves them out.
`assert_load(locustfile)` runs the journeys of a Locust file against the run's targets
as `[load]` shapes it (users, ramp, duration, workers; `--load-users` and the like win)
and fails naming every endpoint over its budget; either way it writes load.json, which
the HTML report draws. `--under-load` runs `[load] locustfile` against the targets while
the specs run, so that their Web Vitals and UI are judged under load; under
pytest-xdist each worker runs its share of the users and the controller merges their
measurements into one load.json (sitewise.load.merge). The runner is a process of its
own (sitewise.load.process): Locust never loads into pytest's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sitewise.config.plugin import reports_dir_of, suite_config_of, worker_id
from sitewise.load.config import LoadConfig
from sitewise.load.merge import merge_worker_reports, worker_file, worker_files
from sitewise.load.process import LoadProcess, LoadRunError, start_load
from sitewise.load.results import LOAD_FILE, Verdict, judge, report_document, write_report
from sitewise.report.journal import keeps_reports
from sitewise.run.timeouts import default_test_timeout

LOAD_MARKER = "load"
# Under load the runner runs until the specs are done; this only bounds a stray one.
UNDER_LOAD_MAX_S = 6 * 3600.0
VERDICT_KEY = pytest.StashKey[Verdict]()

AssertLoad = Callable[..., Verdict]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sitewise")
    group.addoption(
        "--under-load",
        action="store_true",
        default=False,
        help="Run [load] locustfile's journeys against the targets while the specs run "
        "(load.json tells how the targets held).",
    )
    group.addoption("--load-users", type=int, default=None, help="Users ([load] users).")
    group.addoption(
        "--load-ramp", type=float, default=None, help="Seconds until all have come ([load] ramp_s)."
    )
    group.addoption(
        "--load-duration",
        type=float,
        default=None,
        help="Seconds in all, the ramp included ([load] duration_s).",
    )
    group.addoption(
        "--load-workers",
        type=int,
        default=None,
        help="Locust worker processes on this machine beside the master ([load] workers).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{LOAD_MARKER}: a load run (minutes, every core): runs only with -m naming it",
    )
    if config.getoption("--under-load") and not suite_config_of(config).load.locustfile:
        raise pytest.UsageError(
            "--under-load: set [load] locustfile in playwright.config.toml to the Locust file"
            " with the journeys to run."
        )


def load_settings(config: pytest.Config) -> LoadConfig:
    """[load] with the command line's overrides."""
    load = suite_config_of(config).load
    overrides: dict[str, Any] = {}
    for option, key in (
        ("--load-users", "users"),
        ("--load-ramp", "ramp_s"),
        ("--load-duration", "duration_s"),
        ("--load-workers", "workers"),
    ):
        value = config.getoption(option)
        if value is not None:
            overrides[key] = value
    try:
        return LoadConfig.model_validate({**load.model_dump(), **overrides})
    except ValueError as error:
        raise pytest.UsageError(f"--load-*: {error}") from None


def _is_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


def _worker_count(config: pytest.Config) -> int:
    workerinput = getattr(config, "workerinput", None)
    return int(workerinput.get("workercount", 1)) if workerinput else 1


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if _is_controller(config) and not keeps_reports(config):
        # One an earlier run left would show in this run's report as if it were this one's
        # (and a worker's file would be merged into this run's load.json).
        reports = reports_dir_of(config)
        (reports / LOAD_FILE).unlink(missing_ok=True)
        for path in worker_files(reports):
            path.unlink(missing_ok=True)


# A load test's time limit beyond the load's own duration: the runner's start and stop.
LOAD_OVERHEAD_S = 120


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if re.search(rf"\b{LOAD_MARKER}\b", config.getoption("markexpr") or ""):
        _load_time_limits(config, items)
        return
    deselected = [item for item in items if item.get_closest_marker(LOAD_MARKER)]
    if deselected:
        items[:] = [item for item in items if not item.get_closest_marker(LOAD_MARKER)]
        config.hook.pytest_deselected(items=deselected)


def _load_time_limits(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A load test lasts [load] duration_s: the suite's per-test default ([timeouts]
    test_s) would stop it midway, so it gets the load's duration and the runner's start and
    stop instead. Its own timeout marker, or pytest-timeout's --timeout, still wins."""
    default, _ = default_test_timeout(config)
    if default is None:
        return
    limit = max(default, load_settings(config).duration_s + LOAD_OVERHEAD_S)
    for item in items:
        if item.get_closest_marker(LOAD_MARKER) and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(limit))


def _locustfile(config: pytest.Config, given: str | Path) -> Path:
    path = Path(given)
    if not path.is_absolute():
        path = config.rootpath / path
    if not path.is_file():
        raise pytest.UsageError(f"load: {path}: no such Locust file.")
    return path


def _run(
    config: pytest.Config, locustfile: Path, targets: dict[str, str], load: LoadConfig
) -> Verdict:
    reports = reports_dir_of(config)
    worker = worker_id(config)
    name = f"load-{worker}" if worker else "load"
    process = start_load(
        locustfile,
        targets,
        users=load.users,
        ramp_s=load.ramp_s,
        duration_s=load.duration_s,
        workers=load.workers,
        out=reports / "logs" / f"{name}-measurement.json",
        log_path=reports / "logs" / f"{name}.log",
    )
    try:
        measurement = process.finish()
    except LoadRunError as error:
        raise AssertionError(f"load: {error}") from None
    return _write(config, measurement, load)


def _write(config: pytest.Config, measurement: dict[str, Any], load: LoadConfig) -> Verdict:
    verdict = judge(measurement, load)
    worker = worker_id(config)
    folder = reports_dir_of(config)
    document = report_document(measurement, load, verdict)
    # A worker's share: the controller merges them into load.json at the end.
    write_report(folder, document, worker_file(worker) if worker else LOAD_FILE)
    config.stash[VERDICT_KEY] = verdict
    return verdict


@pytest.fixture
def assert_load(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> AssertLoad:
    """`assert_load(locustfile, **overrides)`: run a Locust file's journeys against the
    run's targets as [load] shapes it (overrides: users, ramp_s, duration_s, workers) and
    raise an AssertionError naming every endpoint over budget. Returns the verdict.

    Costs the run's whole duration ([load] duration_s) and the machine's cores.
    """

    def run(locustfile: str | Path, **overrides: Any) -> Verdict:
        targets = dict(request.getfixturevalue("target_urls"))
        load = load_settings(pytestconfig)
        if overrides:
            load = replace_settings(load, overrides)
        verdict = _run(pytestconfig, _locustfile(pytestconfig, locustfile), targets, load)
        if not verdict.passed:
            raise AssertionError(verdict.message())
        return verdict

    return run


def replace_settings(load: LoadConfig, overrides: dict[str, Any]) -> LoadConfig:
    unknown = sorted(set(overrides) - set(LoadConfig.model_fields))
    if unknown:
        raise TypeError(f"assert_load: unknown settings {unknown}")
    return LoadConfig.model_validate({**load.model_dump(), **overrides})


@pytest.fixture(scope="session", autouse=True)
def _under_load(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> Iterator[None]:
    """With --under-load: the journeys run against this worker's targets while its specs
    run (with -n, each worker's share of the users against its own targets)."""
    if not pytestconfig.getoption("--under-load"):
        yield
        return
    load = load_settings(pytestconfig)
    share = max(1, _worker_count(pytestconfig))
    if share > 1:
        load = replace_settings(load, {"users": users_of_worker(load.users, share, pytestconfig)})
    targets = dict(request.getfixturevalue("target_urls"))
    locustfile = _locustfile(pytestconfig, load.locustfile)
    reports = reports_dir_of(pytestconfig)
    worker = worker_id(pytestconfig)
    name = f"load-{worker}" if worker else "load"
    process: LoadProcess = start_load(
        locustfile,
        targets,
        users=load.users,
        ramp_s=load.ramp_s,
        duration_s=UNDER_LOAD_MAX_S,
        workers=load.workers,
        out=reports / "logs" / f"{name}-measurement.json",
        log_path=reports / "logs" / f"{name}.log",
    )
    if not process.wait_until_ramped(load.ramp_s + 60):
        process.finish(early=True)
        pytest.fail(
            f"--under-load: the load did not reach {load.users} users; see {process.log_path}"
        )
    yield
    _write(pytestconfig, process.finish(early=True), load)


def users_of_worker(users: int, workers: int, config: pytest.Config) -> int:
    """This worker's share of the users: all of them together are [load] users (each
    at least one)."""
    digits = re.sub(r"\D", "", worker_id(config))
    index = int(digits) if digits else 0
    return max(1, users // workers + (1 if index < users % workers else 0))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On the controller of an xdist run under load: the workers' shares merged into
    load.json and judged as one load (before the report, which draws it, is written)."""
    config = session.config
    if not _is_controller(config) or not config.getoption("--under-load"):
        return
    verdict = merge_worker_reports(reports_dir_of(config), load_settings(config))
    if verdict is not None:
        config.stash[VERDICT_KEY] = verdict


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    verdict = config.stash.get(VERDICT_KEY, None)
    if verdict is None:
        return
    terminalreporter.write_sep("-", "load")
    terminalreporter.write_line(f"load ({verdict.shape}): {verdict.summary()}")
    path = reports_dir_of(config) / LOAD_FILE
    if path.exists():
        terminalreporter.write_line(f"report: {path}")
