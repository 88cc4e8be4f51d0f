"""Run a load: Locust as a library, in a process of its own (`python -m sitewise.load`).

`run` starts the users of a Locust file against the given targets, `users / ramp_s` per
second, for `duration_s` in all (or until SIGTERM or SIGINT: `--under-load` stops it when
the specs are done), locally or as the master of `workers` worker processes, and writes
the measurement as JSON. `work` is a worker: it takes its users and the targets from the
master (Locust's own master/worker protocol, so `locust -f FILE --worker` works too).
Imports Locust, which patches the standard library for gevent: never import this module
in the pytest process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gevent
from locust import argument_parser, events
from locust.env import Environment
from locust.runners import STATE_MISSING, MasterRunner, Runner
from locust.user import User
from locust.util.load_locustfile import load_locustfile

import sitewise.load.users  # noqa: F401  (the --target option; the timeline's counting)
from sitewise.load.histogram import as_pairs, bucket_of, resolution_of
from sitewise.load.timeline import endpoint_name, timeline_of

logger = logging.getLogger("sitewise.load")
# How long a master waits for its workers to connect before it gives up.
WORKERS_TIMEOUT_S = 60.0


class LoadError(Exception):
    """A load cannot run: no users in the Locust file, workers that never came."""


def user_classes(locustfile: Path) -> list[type[User]]:
    if not locustfile.is_file():
        raise LoadError(f"{locustfile}: no such Locust file.")
    found, _shapes = load_locustfile(str(locustfile))
    if not found:
        raise LoadError(
            f"{locustfile}: no user classes (subclasses of sitewise.load.TargetUser, or of"
            " Locust's User, with abstract = False)."
        )
    return list(found.values())


def options(targets: Sequence[str]) -> Any:
    """Locust's parsed options with the engine's --target, as `locust` would make them
    (a master sends the custom ones, the targets, to its workers)."""
    parser = argument_parser.get_empty_argument_parser()
    argument_parser.setup_parser_arguments(parser)
    events.init_command_line_parser.fire(parser=parser)
    args = ["--headless"]
    for target in targets:
        args += ["--target", target]
    return parser.parse_args(args)


def environment(locustfile: Path, targets: Sequence[str]) -> Environment:
    return Environment(
        user_classes=user_classes(locustfile),
        events=events,
        parsed_options=options(targets),
        locustfile=locustfile.name,
    )


def _wait_for_workers(runner: MasterRunner, count: int) -> None:
    deadline = time.monotonic() + WORKERS_TIMEOUT_S
    while len(runner.clients.ready) < count:
        if time.monotonic() > deadline:
            raise LoadError(
                f"{len(runner.clients.ready)} of {count} workers connected within"
                f" {WORKERS_TIMEOUT_S:.0f} s: start them with `python -m sitewise.load worker"
                " --master-host HOST --master-port PORT LOCUSTFILE`."
            )
        gevent.sleep(0.1)


def run(
    locustfile: Path,
    targets: Sequence[str],
    *,
    users: int,
    ramp_s: float,
    duration_s: float,
    workers: int = 0,
    master_host: str = "127.0.0.1",
    master_port: int = 5557,
    ramped: Path | None = None,
) -> dict[str, Any]:
    """Run the load and return its measurement (the document load.json is made from);
    `ramped` is a file written once every user has come."""
    env = environment(locustfile, targets)
    runner: Runner
    if workers:
        master = env.create_master_runner(
            master_bind_host=master_host, master_bind_port=master_port
        )
        env.events.init.fire(environment=env, runner=master, web_ui=None)
        _wait_for_workers(master, workers)
        runner = master
    else:
        runner = env.create_local_runner()
        env.events.init.fire(environment=env, runner=runner, web_ui=None)
    timeline = timeline_of(env)
    started = time.time()
    stopping = gevent.event.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, stopping.set)

    def count_users() -> None:
        while True:
            timeline.users[int(time.time())] = runner.user_count
            if ramped is not None and runner.user_count >= users and not ramped.exists():
                ramped.write_text(f"{runner.user_count}\n", encoding="utf-8")
            gevent.sleep(1)

    counter = gevent.spawn(count_users)
    runner.start(users, spawn_rate=users / ramp_s)
    stopping.wait(timeout=duration_s)
    elapsed = time.time() - started
    runner.stop()
    counter.kill()
    measurement = _measurement(env, started, elapsed)
    measurement.update(
        users=users,
        ramp_s=ramp_s,
        duration_s=duration_s,
        workers=workers,
        missing_workers=sum(
            1 for c in getattr(runner, "clients", {}).values() if c.state == STATE_MISSING
        )
        if workers
        else 0,
        targets=dict(t.partition("=")[::2] for t in targets),
    )
    runner.quit()
    return measurement


def _measurement(env: Environment, started: float, elapsed: float) -> dict[str, Any]:
    endpoints = []
    for (name, method), entry in sorted(env.stats.entries.items()):
        endpoints.append(
            {
                "endpoint": endpoint_name(method, name),
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": round(entry.median_response_time or 0),
                "avg_ms": round(entry.avg_response_time, 1),
                "p95_ms": entry.get_response_time_percentile(0.95) or 0,
                "p99_ms": entry.get_response_time_percentile(0.99) or 0,
                "max_ms": round(entry.max_response_time or 0),
                "rps": round(entry.num_requests / elapsed, 2) if elapsed else 0.0,
                # What merging measurements needs (sitewise.load.merge): Locust's own
                # histogram of rounded response times, the fastest and the sum.
                "min_ms": round(entry.min_response_time or 0),
                "sum_ms": round(entry.total_response_time, 1),
                "histogram": as_pairs(entry.response_times),
            }
        )
    total = env.stats.total
    errors: list[dict[str, Any]] = [
        {
            "endpoint": endpoint_name(error.method, error.name),
            "error": str(error.error),
            "occurrences": error.occurrences,
        }
        for error in env.stats.errors.values()
    ]
    timeline = timeline_of(env)
    resolution_s = resolution_of(elapsed)
    bucket_s = bucket_of(elapsed, resolution_s)
    return {
        "started": dt.datetime.fromtimestamp(started, dt.UTC).isoformat(timespec="seconds"),
        "started_ts": round(started, 3),
        "elapsed_s": round(elapsed, 1),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / elapsed, 2) if elapsed else 0.0,
        "endpoints": endpoints,
        "errors": sorted(errors, key=lambda e: -int(e["occurrences"]))[:50],
        "timeline": {
            "bucket_s": bucket_s,
            "users": [
                [round(second - started), count] for second, count in sorted(timeline.users.items())
            ],
            "endpoints": timeline.series(started, bucket_s),
            # The same per slot of `resolution_s` (seconds since the epoch), to merge.
            "raw": {
                "resolution_s": resolution_s,
                "users": [[second, count] for second, count in sorted(timeline.users.items())],
                "rows": timeline.rows(resolution_s),
            },
        },
    }


def work(locustfile: Path, master_host: str, master_port: int) -> None:
    """Be a worker of the master at host:port until it says to quit."""
    env = Environment(
        user_classes=user_classes(locustfile), events=events, locustfile=locustfile.name
    )
    runner = env.create_worker_runner(master_host, master_port)
    env.events.init.fire(environment=env, runner=runner, web_ui=None)
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, runner.quit)
    runner.greenlet.join()


def write_measurement(path: Path, measurement: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(measurement, indent=1) + "\n", encoding="utf-8")
