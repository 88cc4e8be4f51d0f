"""Two runs of the suite at once against one shared deployment of the apps, for rounds.

    python scripts/shared_deployment.py [--rounds 5] [--round-timeout 2400] [--specs e2e/]
                                        [--out bench/results/shared_deployment.json] [--keep]

What a team's CI does when two pipelines test one staging system at the same time: one
deployment (`python -m apps --web-port 0 --admin-port 0 --db <tmp>/shared.db`) and, each
round, two whole suites side by side against it:

    pytest e2e/ -n 2 --web-url W --admin-url A --reports-dir <tmp>/round-R/run-N -p no:randomly

Each round is bounded by --round-timeout: a run still going then is stopped and recorded
as timed out. For every run it prints the closing line and the exit code; at the end it
writes a JSON summary to --out: per run the closing line, exit code, wall time, the
tests that failed (with the first line of why), each Web Vitals median over its budget
and each API endpoint over its latency budget (with by how much), and the tightest
margin of each metric under its budget; and the deployment's counts before and after
(users and definitions the runs left behind). The reports folders go under a temporary
folder, removed at the end unless --keep.

Not a test: two suites on two cores compete for them, which is the point. The mobile
profile's CPU slowdown is calibrated per load to the host's BenchmarkIndex
(docs/performance.md), so a machine slowed by the other suite emulates the same phone;
each run's summary has the index it saw (`host_benchmark_index`) and each budget missed
the slowdowns its loads ran under.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from fixtures.api import ApiClient  # noqa: E402
from fixtures.targets import BundledApps, start_bundled_apps  # noqa: E402

RUNS_PER_ROUND = 2
# pytest's closing line: "431 passed in 398.34s (0:06:38)", "2 failed, 429 passed ...".
CLOSING = re.compile(r"\b(passed|failed|error|errors|skipped|no tests ran)\b.* in [\d.]+s")


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time so far, by kind (/proc/stat clock ticks); None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return None


def cores_used(before: list[int] | None, after: list[int] | None, wall: float) -> dict[str, float]:
    """Cores kept busy, and taken by the host (steal), over `wall` seconds."""
    if not before or not after or wall <= 0:
        return {}
    delta = [b - a for a, b in zip(before, after, strict=True)]
    hz = os.sysconf("SC_CLK_TCK")
    busy = (sum(delta[:7]) - delta[3]) / hz / wall
    stolen = delta[7] / hz / wall if len(delta) > 7 else 0.0
    return {"cores_busy": round(busy, 2), "cores_stolen": round(stolen, 2)}


@dataclass
class Run:
    """One suite run of a round: its process, its log and reports, and how it ended."""

    round: int
    index: int
    reports: Path
    log_path: Path
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None
    started: float = 0.0
    wall_s: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"round {self.round} run {self.index}"

    def start(self) -> None:
        self.reports.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("wb")
        self.started = time.monotonic()
        # A session of its own: a run over its time is stopped with everything it
        # started (xdist workers, browsers), and nothing else.
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=run_environment(),
            start_new_session=True,
        )

    def finish(self, deadline: float) -> None:
        assert self.process is not None
        assert self.log is not None
        try:
            self.exit_code = self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.timed_out = True
            self.exit_code = stop_session(self.process)
        self.wall_s = time.monotonic() - self.started
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def run_environment() -> dict[str, str]:
    """The runs' environment: no retries (CI), no other targets or config than given."""
    env = dict(os.environ)
    for name in ("CI", "E2E_WEB_URL", "E2E_ADMIN_URL", "E2E_CONFIG", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    return env


def stop_session(process: subprocess.Popen[bytes], grace: float = 15.0) -> int:
    """Stop a run that is over its time: SIGTERM to its session, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


def closing_line(output: str) -> str:
    lines = [line.strip("= ") for line in output.splitlines() if CLOSING.search(line)]
    return lines[-1] if lines else "(no closing line)"


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def failed_tests(reports: Path) -> list[dict[str, str]]:
    """The tests results.json says did not pass, each with the first line of why."""
    path = reports / "results.json"
    if not path.is_file():
        return []
    document = json.loads(path.read_text(encoding="utf-8"))
    failed = []
    for test in document.get("tests", []):
        if test.get("outcome") not in ("failed", "error"):
            continue
        attempt = (test.get("attempts") or [{}])[-1]
        why = first_line(str(attempt.get("message") or attempt.get("error") or ""))
        failed.append({"nodeid": test["nodeid"], "outcome": test["outcome"], "why": why[:300]})
    return failed


def vitals_summary(reports: Path) -> dict[str, Any]:
    """Budgets missed (Web Vitals medians, API p95s) and each metric's tightest margin."""
    path = reports / "vitals.json"
    if not path.is_file():
        return {
            "budgets_missed": [],
            "api_latency_missed": [],
            "tightest": {},
            "host_benchmark_index": {},
        }
    document = json.loads(path.read_text(encoding="utf-8"))
    missed: list[dict[str, Any]] = []
    tightest: dict[str, dict[str, Any]] = {}
    hosts: list[float] = []
    for entry in document.get("measurements", []):
        throttling = entry.get("throttling") or {}
        hosts += [float(h) for h in throttling.get("host_benchmark_indexes") or ()]
        for metric in entry.get("metrics", []):
            median, budget = metric.get("median"), metric.get("budget")
            if median is None or not budget:
                continue
            where = {
                "nodeid": entry.get("nodeid"),
                "page": entry.get("page"),
                "viewport": entry.get("viewport"),
                "metric": metric.get("metric"),
                "median": round(float(median), 3),
                "budget": budget,
                "of_budget": round(float(median) / float(budget), 2),
            }
            if throttling.get("cpu_slowdowns"):
                where["cpu_slowdowns"] = throttling["cpu_slowdowns"]
            if metric.get("status") == "fail":
                missed.append({**where, "over_by": round(float(median) - float(budget), 3)})
            name = str(metric.get("metric"))
            if name not in tightest or where["of_budget"] > tightest[name]["of_budget"]:
                tightest[name] = where
    api_missed = [
        {
            "endpoint": e.get("endpoint"),
            "p95_ms": e.get("p95_ms"),
            "budget_ms": e.get("budget_ms"),
            "over_by_ms": round(float(e.get("p95_ms") or 0) - float(e.get("budget_ms") or 0), 1),
        }
        for e in document.get("api_latency", {}).get("endpoints", [])
        if e.get("status") == "fail"
    ]
    return {
        "budgets_missed": missed,
        "api_latency_missed": api_missed,
        "tightest": tightest,
        "host_benchmark_index": host_index_summary(hosts),
    }


def host_index_summary(hosts: list[float]) -> dict[str, float]:
    """The host's BenchmarkIndex over a run's calibrated loads: how busy the machine was."""
    if not hosts:
        return {}
    ordered = sorted(hosts)
    return {
        "loads": len(ordered),
        "min": ordered[0],
        "median": ordered[len(ordered) // 2],
        "max": ordered[-1],
    }


def overview(apps: BundledApps) -> dict[str, Any]:
    """The deployment's counts (GET /api/admin/overview) as the seeded admin sees them."""
    admin = apps.targets.account("admin")
    with sync_playwright() as playwright:
        client = ApiClient.signed_in(playwright, apps.targets.admin, admin.email, admin.password)
        try:
            counts: dict[str, Any] = client.get("/api/admin/overview")
        finally:
            client.close()
    return counts


def run_round(
    number: int, work: Path, web: str, admin: str, timeout: float, specs: str
) -> dict[str, Any]:
    runs = []
    for index in range(1, RUNS_PER_ROUND + 1):
        reports = work / f"round-{number}" / f"run-{index}"
        command = [
            sys.executable,
            "-m",
            "pytest",
            specs,
            "-n",
            "2",
            "--web-url",
            web,
            "--admin-url",
            admin,
            "--reports-dir",
            str(reports),
            "-p",
            "no:randomly",
        ]
        runs.append(Run(number, index, reports, work / f"round-{number}-run-{index}.log", command))
    before = cpu_ticks()
    started = time.monotonic()
    for run in runs:
        run.start()
    deadline = started + timeout
    for run in runs:
        run.finish(deadline)
    wall = time.monotonic() - started
    results = []
    for run in runs:
        output = run.output()
        run.summary = {
            "run": run.index,
            "exit_code": run.exit_code,
            "timed_out": run.timed_out,
            "closing_line": closing_line(output),
            "wall_s": round(run.wall_s, 1),
            "failed": failed_tests(run.reports),
            **vitals_summary(run.reports),
        }
        state = f"timed out after {timeout:.0f} s, " if run.timed_out else ""
        print(
            f"{run.name}: {run.summary['closing_line']} ({state}exit code {run.exit_code})",
            flush=True,
        )
        for failed in run.summary["failed"]:
            print(f"    {failed['outcome'].upper()} {failed['nodeid']}: {failed['why']}")
        for miss in run.summary["budgets_missed"]:
            print(
                f"    over budget: {miss['page']} ({miss['viewport']}) {miss['metric']}"
                f" median {miss['median']} > {miss['budget']} (+{miss['over_by']})"
            )
        for miss in run.summary["api_latency_missed"]:
            print(
                f"    API over budget: {miss['endpoint']} p95 {miss['p95_ms']} ms >"
                f" {miss['budget_ms']} ms"
            )
        results.append(run.summary)
    return {
        "round": number,
        "wall_s": round(wall, 1),
        **cores_used(before, cpu_ticks(), wall),
        "runs": results,
    }


def totals(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    runs = [run for entry in rounds for run in entry["runs"]]
    failures: dict[str, int] = {}
    for run in runs:
        for failed in run["failed"]:
            failures[failed["nodeid"]] = failures.get(failed["nodeid"], 0) + 1
    return {
        "runs": len(runs),
        "green": sum(1 for run in runs if run["exit_code"] == 0),
        "timed_out": sum(1 for run in runs if run["timed_out"]),
        "failed_tests": dict(sorted(failures.items(), key=lambda item: (-item[1], item[0]))),
        "budgets_missed": sum(len(run["budgets_missed"]) for run in runs),
        "api_latency_missed": sum(len(run["api_latency_missed"]) for run in runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of two runs (default 5)")
    parser.add_argument(
        "--round-timeout",
        type=float,
        default=2400.0,
        help="seconds a round may take; runs still going are stopped (default 2400)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / "shared_deployment.json",
        help="where the JSON summary goes",
    )
    parser.add_argument("--keep", action="store_true", help="keep the runs' reports and logs")
    parser.add_argument(
        "--specs", default="e2e/", help="what each run runs (default e2e/: the whole suite)"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="shared-deployment-"))
    apps = start_bundled_apps(db_path=work / "shared.db", log_path=work / "apps.log")
    web, admin = apps.targets.web, apps.targets.admin
    print(f"one deployment: web {web}, admin {admin} (database {work / 'shared.db'})", flush=True)
    started = dt.datetime.now(dt.UTC)
    rounds: list[dict[str, Any]] = []
    try:
        before = overview(apps)
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}: two runs at once ...", flush=True)
            rounds.append(run_round(number, work, web, admin, args.round_timeout, args.specs))
        after = overview(apps)
    finally:
        apps.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = totals(rounds)
    summary: dict[str, Any] = {
        "generated_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
        },
        "command": (
            f"pytest {args.specs} -n 2 --web-url W --admin-url A --reports-dir <tmp>/run-N"
            f" -p no:randomly, {RUNS_PER_ROUND} at once, {args.rounds} rounds, each bounded by"
            f" {args.round_timeout:.0f} s"
        ),
        "deployment": {"before": before, "after": after},
        "rounds": rounds,
        "totals": total,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(
        f"{total['green']} of {total['runs']} runs green; {total['timed_out']} timed out;"
        f" {len(total['failed_tests'])} distinct tests failed; {total['budgets_missed']}"
        f" vitals budgets and {total['api_latency_missed']} API budgets missed"
    )
    print(f"deployment counts before {before}, after {after}")
    print(f"summary: {args.out}" + (f"; reports and logs: {work}" if args.keep else ""))
    return 0 if total["green"] == total["runs"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
