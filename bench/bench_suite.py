"""The suite's own speed: whole-suite wall time, per-test overhead, start-up time.

    python bench/bench_suite.py [--workers 1 2] [--tests 30] [--skip-suite]
                                [--out bench/results/suite.json]

1. Wall time of `pytest e2e/ -n N` for each N in --workers (default 1 and 2), with the
   outcome counts of each run, and the speed-up of the largest N over the smallest.
2. Per-test overhead: --tests copies of one spec (open the sign-in page, see its
   heading) run through the suite's fixtures (`guest_page`: a fresh context and page,
   the health watcher, artifacts policy, reporting), against a bare Playwright script
   that does the same in a loop (new context, new page, goto, wait for the heading,
   close). Overhead = median per test in pytest (setup + call + teardown, from JUnit)
   minus median per iteration of the bare script; pytest's own start is not in it.
3. Start-up: `python -m apps` until its JSON line, a browser launch, and the wall time
   of a pytest run of one such spec (collection, apps, browser, sign-in states, report).

A benchmark, not a test: it prints the numbers and writes them to --out; the README
quotes them. Run it on a quiet machine: everything here is wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sitewise.browsers.discovery import find_browser  # noqa: E402

SPEC = """
import pytest
from playwright.sync_api import Page, expect


@pytest.mark.parametrize("app", ["web"])
@pytest.mark.parametrize("n", range({count}))
def test_sign_in_page_shows_its_heading(guest_page: Page, n: int) -> None:
    guest_page.goto("/login")
    expect(guest_page.get_by_role("heading", level=1)).to_have_text("Sign in")
"""


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time so far, by kind (/proc/stat, clock ticks: user, nice,
    system, idle, iowait, irq, softirq, steal); None off Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return None


LAST_BUSY: list[float] = []
# In a virtual machine, the time the host gave this one's CPUs to others (steal), in
# cores: the same run is slower when it is high, so it goes next to the time.
LAST_STOLEN: list[float] = []


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str, int]:
    """Wall time, stdout and exit status of a pytest run. Exit 1 (some test failed) is
    recorded, not hidden: the results say so next to the time. The cores the machine kept
    busy meanwhile go to LAST_BUSY."""
    before = cpu_ticks()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = cpu_ticks()
    LAST_BUSY.clear()
    LAST_STOLEN.clear()
    if before and after:
        delta = [b - a for a, b in zip(before, after, strict=True)]
        hz = os.sysconf("SC_CLK_TCK")
        LAST_BUSY.append((sum(delta[:7]) - delta[3]) / hz / elapsed)
        if len(delta) > 7:
            LAST_STOLEN.append(delta[7] / hz / elapsed)
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{' '.join(cmd)} exited with {done.returncode}")
    return elapsed, done.stdout, done.returncode


def failed_tests(stdout: str) -> list[str]:
    """The node ids of pytest's short summary's FAILED and ERROR lines."""
    return [
        line.split(" ", 2)[1]
        for line in stdout.splitlines()
        if line.startswith(("FAILED ", "ERROR ")) and len(line.split(" ", 2)) > 1
    ]


def outcome_line(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if " in " in line and "passed" in line]
    return lines[-1].strip("= ") if lines else "(no summary line)"


def suite_wall_times(workers: list[int]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for n in workers:
        print(f"whole suite with -n {n} ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-suite-") as reports:
            elapsed, out, status = run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "e2e/",
                    "-q",
                    "-n",
                    str(n),
                    "-p",
                    "no:randomly",
                    "--reports-dir",
                    reports,
                ]
            )
        results[str(n)] = {
            "wall_s": round(elapsed, 1),
            "outcome": outcome_line(out),
            "exit_status": status,
            "failed": failed_tests(out),
            "cores_busy": round(LAST_BUSY[0], 2) if LAST_BUSY else None,
            "cores_stolen": round(LAST_STOLEN[0], 2) if LAST_STOLEN else None,
        }
        busy = results[str(n)]["cores_busy"]
        stolen = results[str(n)]["cores_stolen"]
        print(
            f"  -n {n}: {elapsed:.1f} s, {busy} cores busy, {stolen} stolen"
            f" ({results[str(n)]['outcome']})"
        )
        if status:
            print(f"  warning: the run with -n {n} had failures; its time is not comparable")
            for nodeid in results[str(n)]["failed"]:
                print(f"    {nodeid}")
    if len(workers) > 1:
        low, high = str(min(workers)), str(max(workers))
        results["speedup"] = round(results[low]["wall_s"] / results[high]["wall_s"], 2)
    return results


def pytest_per_test(count: int) -> tuple[list[float], float]:
    """Durations of `count` copies of the spec through the suite's fixtures, and the wall
    time of the whole pytest run."""
    folder = Path(tempfile.mkdtemp(prefix="bench_overhead_", dir=ROOT / "bench"))
    try:
        (folder / "test_overhead.py").write_text(textwrap.dedent(SPEC.format(count=count)))
        junit = folder / "junit.xml"
        elapsed, out, status = run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(folder),
                "-q",
                "-p",
                "no:randomly",
                "--viewport",
                "desktop",
                "--reports-dir",
                str(folder / "reports"),
                f"--junitxml={junit}",
                "-o",
                "junit_duration_report=total",
            ]
        )
        times = [float(case.get("time", "0")) for case in ET.parse(junit).iter("testcase")]
        if status or len(times) != count:
            raise SystemExit(
                f"the overhead run exited with {status} and gave {len(times)} of {count} "
                f"results:\n{out[-3000:]}"
            )
        return times, elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bare_per_iteration(count: int) -> tuple[list[float], float, float]:
    """Per-iteration times of a bare Playwright loop doing what the spec does, the browser
    launch time and the time the bundled apps took to announce themselves."""
    from playwright.sync_api import expect, sync_playwright

    started = time.perf_counter()
    apps = subprocess.Popen(
        [sys.executable, "-m", "apps", "--web-port", "0", "--admin-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert apps.stdout is not None
        web = json.loads(apps.stdout.readline())["web"]
        apps_ready = time.perf_counter() - started
        with sync_playwright() as p:
            # The same binary and flags the suite would launch.
            choice = find_browser("chromium", playwright_executable=p.chromium.executable_path)
            launch_started = time.perf_counter()
            browser = p.chromium.launch(executable_path=choice.executable, args=list(choice.args))
            launch = time.perf_counter() - launch_started
            times = []
            for _ in range(count):
                t0 = time.perf_counter()
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                page.goto(f"{web}/login")
                expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
                context.close()
                times.append(time.perf_counter() - t0)
            browser.close()
        return times, launch, apps_ready
    finally:
        apps.terminate()
        apps.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--tests", type=int, default=30, help="copies of the overhead spec")
    parser.add_argument("--skip-suite", action="store_true", help="skip the whole-suite runs")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "suite.json")
    args = parser.parse_args()

    print(f"bare Playwright loop, {args.tests} iterations ...", flush=True)
    bare, launch, apps_ready = bare_per_iteration(args.tests)
    print(f"pytest, {args.tests} tests through the suite's fixtures ...", flush=True)
    suite, one_run_wall = pytest_per_test(args.tests)
    print("pytest, one test (start-up) ...", flush=True)
    _, first_wall = pytest_per_test(1)
    bare_ms = statistics.median(bare) * 1000
    suite_ms = statistics.median(suite) * 1000
    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
        },
        "per_test": {
            "tests": args.tests,
            "bare_playwright_median_ms": round(bare_ms, 1),
            "suite_median_ms": round(suite_ms, 1),
            "overhead_median_ms": round(suite_ms - bare_ms, 1),
            "suite_run_wall_s": round(one_run_wall, 1),
        },
        "startup": {
            "apps_ready_s": round(apps_ready, 2),
            "browser_launch_s": round(launch, 2),
            "pytest_one_test_wall_s": round(first_wall, 1),
        },
    }
    print(json.dumps(result["per_test"], indent=2))
    print(json.dumps(result["startup"], indent=2))
    if not args.skip_suite:
        result["suite"] = suite_wall_times(sorted(set(args.workers)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
