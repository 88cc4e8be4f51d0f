"""How many concurrent users the bundled apps hold, and what gives out first.

    python bench/load.py --label before [--users 1000] [--ramp 240] [--hold 30]
        [--server-workers 1] [--hashing-slots N] [--out bench/results/load.json]

Starts `python -m apps` on loopback (a fresh database; `--server-workers N` server
processes), then the suite's journeys (e2e/load/locustfile.py) through the engine's load
runner, ramping from 0 to --users over --ramp seconds and holding --hold more. Every
second it samples the machine's and the apps' CPU, and the answer time of
/api/health (an async route that touches no database: when it slows, the event loop
is the queue). From the runner's timeline it finds the most users the apps held with
every endpoint's p95 under the budget (200 ms) and no failed request, with and without
sign-in (whose password hashing costs on purpose), and what was saturated when that
ended: CPU, SQLite ("database is locked" in the apps' log) or the event loop. Writes the
result under --label in --out (other labels are kept), with the machine's load average
when it started and ended, which distorts the numbers of a shared machine.
Loopback only; bounded by --users and --ramp + --hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sitewise.load.process import start_load  # noqa: E402

JOURNEYS = ROOT / "e2e" / "load" / "locustfile.py"
BUDGET_MS = 200.0
SIGN_IN = "POST /api/auth/login"
MAX_USERS, MAX_SECONDS = 1000, 330.0


def start_apps(
    workdir: Path, server_workers: int, hashing_slots: int | None
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    args = [sys.executable, "-m", "apps", "--web-port", "0", "--admin-port", "0"]
    env = dict(os.environ)
    if hashing_slots is not None:
        env["APPS_HASHING_SLOTS"] = str(hashing_slots)
    args += ["--db", str(workdir / "apps.sqlite3")]
    if server_workers > 1:
        args += ["--workers", str(server_workers)]
    log = (workdir / "apps.log").open("w")
    apps = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    assert apps.stdout is not None
    first = apps.stdout.readline()
    if not first:
        raise SystemExit(f"the apps did not start; see {workdir / 'apps.log'}")
    return apps, json.loads(first)


class Sampler(threading.Thread):
    """Each second: the machine's CPU, the apps' CPU (all their processes) and the
    answer time of /api/health."""

    def __init__(self, apps_pid: int, health_url: str) -> None:
        super().__init__(daemon=True)
        self.apps = psutil.Process(apps_pid)
        self.health_url = health_url
        self.samples: list[dict[str, float]] = []
        self.done = threading.Event()

    def _apps_cpu_seconds(self) -> float:
        total = 0.0
        for process in [self.apps, *self.apps.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total

    def run(self) -> None:
        start = time.monotonic()
        psutil.cpu_percent()
        last_cpu, last_at = self._apps_cpu_seconds(), time.monotonic()
        with httpx.Client(timeout=10) as client:
            while not self.done.wait(1.0):
                sent = time.perf_counter()
                try:
                    client.get(self.health_url)
                    health_ms = (time.perf_counter() - sent) * 1000
                except httpx.HTTPError:
                    health_ms = -1.0
                now, cpu = time.monotonic(), self._apps_cpu_seconds()
                self.samples.append(
                    {
                        "t": round(now - start, 1),
                        "machine_cpu_pct": psutil.cpu_percent(),
                        "apps_cores": round((cpu - last_cpu) / (now - last_at), 2),
                        "health_ms": round(health_ms, 1),
                    }
                )
                last_cpu, last_at = cpu, now


def held(measurement: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    """The most users held while every endpoint (but `skip`) kept its p95 under the
    budget and nothing failed, and the first time slice that broke that."""
    timeline = measurement["timeline"]
    bucket = timeline["bucket_s"]
    users = {int(t): int(n) for t, n in timeline["users"]}
    slices: dict[int, dict[str, Any]] = {}
    for endpoint, points in timeline["endpoints"].items():
        for point in points:
            entry = slices.setdefault(int(point["t"]), {"worst": ("", 0.0), "failures": 0})
            entry["failures"] += point["failures"]
            if endpoint not in skip and point["p95_ms"] > entry["worst"][1]:
                entry["worst"] = (endpoint, point["p95_ms"])
    best, broke = 0, None
    for t in sorted(slices):
        entry = slices[t]
        at = max((n for s, n in users.items() if s <= t + bucket), default=0)
        if entry["worst"][1] >= BUDGET_MS or entry["failures"]:
            broke = {
                "t": t,
                "users": at,
                "worst_endpoint": entry["worst"][0],
                "worst_p95_ms": entry["worst"][1],
                "failures": entry["failures"],
            }
            break
        best = max(best, at)
    return {"users_held": best, "broke_at": broke}


def cause(
    broke: dict[str, Any] | None, samples: list[dict[str, float]], locked: int
) -> dict[str, Any]:
    """What was saturated around the break (the 10 s before it)."""
    if broke is None:
        return {}
    window = [s for s in samples if broke["t"] - 10 <= s["t"] <= broke["t"] + 5] or samples
    machine = max(s["machine_cpu_pct"] for s in window) if window else 0.0
    apps = max(s["apps_cores"] for s in window) if window else 0.0
    health = max(s["health_ms"] for s in window) if window else 0.0
    reasons = []
    if machine >= 90:
        reasons.append(f"CPU: the machine {machine:.0f}% busy")
    if apps >= 0.9:
        reasons.append(f"the apps used {apps:.2f} cores")
    if health >= BUDGET_MS / 2:
        reasons.append(f"event loop: /api/health took {health:.0f} ms")
    if locked:
        reasons.append(f"SQLite: {locked} 'database is locked' errors")
    return {
        "machine_cpu_pct_max": machine,
        "apps_cores_max": apps,
        "health_ms_max": health,
        "sqlite_locked_errors": locked,
        "saturated": reasons or ["nothing measured here: the load generator or the host"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--users", type=int, default=MAX_USERS)
    parser.add_argument("--ramp", type=float, default=240.0)
    parser.add_argument("--hold", type=float, default=30.0)
    parser.add_argument("--server-workers", type=int, default=1)
    parser.add_argument(
        "--hashing-slots",
        type=int,
        default=None,
        help="password hashes at once per server process (the apps' default: half the"
        " cores); 0 leaves them unbounded, as the apps were before the bound",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args()
    if not 1 <= args.users <= MAX_USERS or args.ramp + args.hold > MAX_SECONDS:
        parser.error(f"at most {MAX_USERS} users and {MAX_SECONDS:.0f} s in all")
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        workdir = Path(folder)
        apps, urls = start_apps(workdir, args.server_workers, args.hashing_slots)
        sampler = Sampler(apps.pid, urls["web"] + "/api/health")
        try:
            sampler.start()
            run = start_load(
                JOURNEYS,
                {"web": urls["web"], "admin": urls["admin"]},
                users=args.users,
                ramp_s=args.ramp,
                duration_s=args.ramp + args.hold,
                workers=0,
                out=workdir / "measurement.json",
                log_path=workdir / "runner.log",
            )
            measurement = run.finish()
        finally:
            sampler.done.set()
            apps.terminate()
            apps.wait(timeout=30)
        log = (workdir / "apps.log").read_text(encoding="utf-8", errors="replace")
        locked = log.count("database is locked")
    load_at_end = os.getloadavg()
    all_endpoints = held(measurement, ())
    but_sign_in = held(measurement, (SIGN_IN,))
    result = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(v, 2) for v in load_at_start],
            "load_average_at_end": [round(v, 2) for v in load_at_end],
        },
        "shape": {
            "users": args.users,
            "ramp_s": args.ramp,
            "hold_s": args.hold,
            "server_workers": args.server_workers,
            "hashing_slots": "apps' default" if args.hashing_slots is None else args.hashing_slots,
            "journeys": str(JOURNEYS.relative_to(ROOT)),
        },
        "budget_p95_ms": BUDGET_MS,
        "held_every_endpoint": {
            **all_endpoints,
            **cause(all_endpoints["broke_at"], sampler.samples, locked),
        },
        "held_but_sign_in": {
            **but_sign_in,
            **cause(but_sign_in["broke_at"], sampler.samples, locked),
        },
        "requests": measurement["requests"],
        "failures": measurement["failures"],
        "rps": measurement["rps"],
        "endpoints": measurement["endpoints"],
        "errors": measurement["errors"][:10],
        "samples": sampler.samples,
    }
    results = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    results[args.label] = result
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for name in ("held_every_endpoint", "held_but_sign_in"):
        entry = result[name]
        print(f"{args.label} {name}: {entry['users_held']} users; broke at {entry['broke_at']}")
        if entry.get("saturated"):
            print("  saturated:", "; ".join(entry["saturated"]))
    print(f"load average at start {load_at_start}, at end {load_at_end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
