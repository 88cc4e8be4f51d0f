"""What the browser costs on this machine: time and busy cores per browser step.

    python bench/bench_browser.py [--rounds 20] [--out bench/results/browser.json]

A bare Playwright loop against the bundled apps, no pytest, with the binary and flags the
suite would launch. For each step it reports the wall time per round and how many of the
machine's cores were busy meanwhile (from /proc/stat, so every process counts: the
browser's, the renderers', Playwright's driver and the apps):

- a new context and page, goto /login, wait for the heading, close (what a spec does);
- a new context and page, closed at once (the context alone);
- a new page in one kept context, goto, close (no context);
- a goto in one kept page (navigation alone);
- a page left idle (the baseline: nothing should be busy).

It measures the build the suite launches and, where that is a system build other than
the full `chromium` on PATH (Debian's headless shell), the full browser too, for
comparison: `cpu_ms_per_round` is the CPU time of all processes per round.

It explains the suite's parallel speed-up (bench_suite.py): a second worker gains only
the time the first one leaves the cores idle. A benchmark, not a test: run it on a quiet
machine. Linux only (/proc/stat).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Playwright, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from sitewise.browsers.discovery import find_browser  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def cpu_ticks() -> list[int]:
    """user, nice, system, idle, iowait, irq, softirq of all cores, in clock ticks."""
    with open("/proc/stat", encoding="ascii") as stat:
        return [int(v) for v in stat.readline().split()[1:8]]


def measure(step: Callable[[], None], rounds: int) -> dict[str, float]:
    before, started = cpu_ticks(), time.perf_counter()
    for _ in range(rounds):
        step()
    elapsed = time.perf_counter() - started
    delta = [b - a for a, b in zip(before, cpu_ticks(), strict=True)]
    busy = sum(delta) - delta[3]
    return {
        "ms_per_round": round(elapsed / rounds * 1000, 1),
        "cores_busy": round(busy / HZ / elapsed, 2),
        "user": round(delta[0] / HZ / elapsed, 2),
        "nice": round(delta[1] / HZ / elapsed, 2),
        "system": round(delta[2] / HZ / elapsed, 2),
        "cpu_ms_per_round": round(busy / HZ / rounds * 1000, 1),
    }


def measure_build(
    p: Playwright, executable: str | None, flags: list[str], login: str, rounds: int
) -> dict[str, dict[str, float]]:
    """Every step of the docstring, in one browser launched from `executable`."""
    browser = p.chromium.launch(executable_path=executable, args=flags)

    def open_login(page: Page) -> None:
        page.goto(login)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    def spec_like() -> None:
        context = browser.new_context()
        open_login(context.new_page())
        context.close()

    def context_only() -> None:
        context = browser.new_context()
        context.new_page()
        context.close()

    kept_context = browser.new_context()
    kept_page = kept_context.new_page()

    def page_in_kept_context() -> None:
        page = kept_context.new_page()
        open_login(page)
        page.close()

    def idle() -> None:
        kept_page.wait_for_timeout(300)

    steps: dict[str, dict[str, float]] = {}
    for name, step in (
        ("new context, page, goto, close", spec_like),
        ("new context and page, closed at once", context_only),
        ("new page in a kept context, goto, close", page_in_kept_context),
        ("goto in a kept page", lambda: open_login(kept_page)),
        ("idle page, 300 ms", idle),
    ):
        steps[name] = measure(step, rounds)
        print(f"  {name:42s} {json.dumps(steps[name])}", flush=True)
    browser.close()
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "browser.json")
    args = parser.parse_args()

    apps = subprocess.Popen(
        [sys.executable, "-m", "apps", "--web-port", "0", "--admin-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    builds: list[dict[str, Any]] = []
    try:
        assert apps.stdout is not None
        login = json.loads(apps.stdout.readline())["web"] + "/login"
        with sync_playwright() as p:
            choice = find_browser("chromium", playwright_executable=p.chromium.executable_path)
            flags, executables = list(choice.args), [choice.executable]
            full = shutil.which("chromium")
            if choice.executable and full and Path(full) != Path(choice.executable):
                executables.append(full)  # the full browser, for comparison
            for executable in executables:
                print(f"{executable or 'Playwright build'}:", flush=True)
                builds.append(
                    {
                        "executable": executable,
                        "suite_launches_it": executable == choice.executable,
                        "steps": measure_build(p, executable, flags, login, args.rounds),
                    }
                )
    finally:
        apps.terminate()
        apps.wait(timeout=10)

    result: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(v, 2) for v in os.getloadavg()]},
        "args": list(choice.args),
        "rounds": args.rounds,
        "builds": builds,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
