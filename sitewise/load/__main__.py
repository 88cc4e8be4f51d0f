"""`python -m sitewise.load run|worker`: the load runner, without pytest.

    python -m sitewise.load run LOCUSTFILE --target NAME=URL ... [--users N] [--ramp S]
        [--duration S] [--workers N [--spawn-workers]] [--master-host H] [--master-port P]
        [--config playwright.config.toml] [--reports-dir DIR] [--out FILE]
    python -m sitewise.load worker LOCUSTFILE --master-host H [--master-port P]

`run` takes the users, ramp, duration and budgets from the config's [load] unless given;
with --reports-dir it writes DIR/load.json, prints the verdict and exits 1 when an
endpoint is over budget. With --workers N it is the master of N workers (started here
with --spawn-workers, or on other machines with `worker`, or Locust's own
`locust -f LOCUSTFILE --worker --master-host H`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sitewise.config.model import CONFIG_FILE, ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sitewise.load")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a load and judge it")
    run.add_argument("locustfile", type=Path)
    run.add_argument("--target", action="append", default=[], metavar="NAME=URL")
    run.add_argument("--users", type=int)
    run.add_argument("--ramp", type=float, help="seconds until every user has come")
    run.add_argument("--duration", type=float, help="seconds in all, the ramp included")
    run.add_argument("--workers", type=int, help="worker processes to wait for")
    run.add_argument("--spawn-workers", action="store_true", help="start them here")
    run.add_argument("--master-host", default="127.0.0.1", help="address to listen on")
    run.add_argument("--master-port", type=int, default=5557)
    run.add_argument("--config", type=Path, default=Path(CONFIG_FILE))
    run.add_argument("--reports-dir", type=Path, help="write load.json here and judge it")
    run.add_argument("--out", type=Path, help="write the bare measurement here")
    run.add_argument("--ramped", type=Path, help="a file to write once every user has come")
    worker = commands.add_parser("worker", help="be a worker of a master")
    worker.add_argument("locustfile", type=Path)
    worker.add_argument("--master-host", default="127.0.0.1")
    worker.add_argument("--master-port", type=int, default=5557)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Locust (and gevent's patching of the standard library) loads only now.
    try:
        from sitewise.load import runner
    except ModuleNotFoundError as error:
        if error.name not in ("locust", "gevent"):
            raise
        print(
            "error: load runs need Locust: pip install 'pytest-sitewise[load]'"
            " (or the pinned requirements.txt).",
            file=sys.stderr,
        )
        return 2
    from sitewise.load.process import spawn_workers
    from sitewise.load.results import judge, report_document, write_report

    try:
        if args.command == "worker":
            runner.work(args.locustfile, args.master_host, args.master_port)
            return 0
        try:
            load = load_config(args.config).load
        except ConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        workers = load.workers if args.workers is None else args.workers
        spawned = []
        if workers and args.spawn_workers:
            spawned = spawn_workers(
                args.locustfile, workers, args.master_host, args.master_port, sys.stdout.buffer
            )
        measurement = runner.run(
            args.locustfile,
            args.target,
            users=args.users or load.users,
            ramp_s=args.ramp or load.ramp_s,
            duration_s=args.duration or load.duration_s,
            workers=workers,
            master_host=args.master_host,
            master_port=args.master_port,
            ramped=args.ramped,
        )
        for process in spawned:
            process.wait(timeout=30)
    except runner.LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        runner.write_measurement(args.out, measurement)
    if args.reports_dir:
        verdict = judge(measurement, load)
        path = write_report(args.reports_dir, report_document(measurement, load, verdict))
        print(verdict.message(), f"\n{path}", sep="")
        return 0 if verdict.passed else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
