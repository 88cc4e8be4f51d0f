"""A live progress line for long runs: tests done of all, failures so far, time spent and
time left, and per xdist worker how many it has done.

    e2e progress: 37/120 done (31%), 2 failed, 1m04s elapsed, ~2m24s left | gw0 19, gw1 18

Drawn by the process that sees every test's end (the only one, or xdist's controller,
from the reports its workers send: `pytest_runtest_logreport`). `--progress`:

- `auto` (the default): on a terminal, one line under pytest's own output, redrawn as
  each test ends; elsewhere (a CI log, a pipe) a plain line every `--progress-interval`
  seconds (30), when a test ends; with `-q` none, as pytest users expect `-q` to be terse;
- `line`, `plain`: that form whatever the output is; `off`: none.

The time left is the time per test so far times the tests left (per worker under xdist,
as they run side by side: elapsed / done x left).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Sequence
from typing import Any

import pytest

MODES = ("auto", "line", "plain", "off")
_PLUGIN = "sitewise-progress"
# Cursor up one line, clear to the end of the line (ANSI), for the redrawn line.
_UP = "\x1b[1A"
_CLEAR = "\x1b[K"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sitewise")
    group.addoption(
        "--progress",
        default="auto",
        choices=MODES,
        help="A live progress line (done, failed, elapsed, time left, per worker): 'auto'"
        " redraws it on a terminal and prints it every --progress-interval seconds"
        " elsewhere, none with -q; 'line', 'plain' or 'off' force a form.",
    )
    group.addoption(
        "--progress-interval",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="How often the plain progress line is printed (default 30).",
    )


def clock(seconds: float) -> str:
    """1m04s, 12s, 1h02m."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class Progress:
    """What the run has done so far, and the line that says it."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.total = 0
        self.done: dict[str, str] = {}  # node id -> worker ("" without xdist)
        self.failed: set[str] = set()

    def add(self, report: pytest.TestReport) -> bool:
        """Record a report; True when a test ended with it."""
        if report.failed and str(report.outcome) != "rerun" and not hasattr(report, "wasxfail"):
            self.failed.add(report.nodeid)
        if report.when != "teardown":
            return False
        node = getattr(report, "node", None)
        worker = getattr(getattr(node, "gateway", None), "id", "") or ""
        self.done[report.nodeid] = str(worker)
        return True

    def line(self, now: float) -> str:
        done = len(self.done)
        total = max(self.total, done)
        elapsed = now - self.started
        parts = [f"{done}/{total} done" + (f" ({done * 100 // total}%)" if total else "")]
        parts.append(f"{len(self.failed)} failed")
        parts.append(f"{clock(elapsed)} elapsed")
        if 0 < done < total:
            parts.append(f"~{clock(elapsed / done * (total - done))} left")
        text = "e2e progress: " + ", ".join(parts)
        workers: dict[str, int] = {}
        for worker in self.done.values():
            if worker:
                workers[worker] = workers.get(worker, 0) + 1
        if workers:
            text += " | " + ", ".join(f"{w} {n}" for w, n in sorted(workers.items()))
        return text


class ProgressReporter:
    """Draws the progress line on the terminal (see the module's docstring)."""

    def __init__(self, config: pytest.Config, mode: str, interval: float) -> None:
        self.config = config
        self.mode = mode
        self.interval = interval
        self.progress = Progress(time.time())
        self.last_plain = time.time()
        self.drawn = False

    @property
    def terminal(self) -> Any:
        return self.config.pluginmanager.get_plugin("terminalreporter")

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.progress.started = time.time()
        self.last_plain = self.progress.started

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: Sequence[str]) -> None:
        self.progress.total = max(self.progress.total, len(ids))

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.progress.add(report):
            return
        now = time.time()
        if self.mode == "line":
            self.draw_line(self.progress.line(now))
        elif now - self.last_plain >= self.interval:
            self.last_plain = now
            terminal = self.terminal
            if terminal is not None:
                if self.config.get_terminal_writer().width_of_current_line:
                    terminal.write("\n")  # under xdist pytest's dots have no file line
                terminal.write_line(self.progress.line(now))

    def draw_line(self, text: str) -> None:
        """The line under pytest's output, then the cursor back where pytest left it, so
        its next progress character goes on its own line."""
        width = max(20, shutil.get_terminal_size().columns - 1)
        self._beside_pytest(f"{text[:width]}{_CLEAR}")
        self.drawn = True

    def _beside_pytest(self, below: str) -> None:
        # Straight to the terminal (pytest's writer is the same stream, and between tests
        # no capture is active): pytest's writer keeps its own idea of its line, which the
        # cursor comes back to.
        terminal = self.terminal
        if terminal is None:
            return
        terminal.flush()
        column = int(self.config.get_terminal_writer().width_of_current_line)
        back = f"\r\x1b[{column}C" if column else "\r"
        sys.stdout.write(f"\n\r{below}{_UP}{back}")
        sys.stdout.flush()

    @pytest.hookimpl(tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.drawn:
            self._beside_pytest(_CLEAR)  # the summary is written where the line was
            self.drawn = False


def mode_of(config: pytest.Config) -> str:
    """The form of progress this run shows: line, plain or off."""
    mode = str(config.getoption("--progress"))
    if mode != "auto":
        return mode
    if config.get_verbosity() < 0:
        return "off"
    terminal: Any = config.pluginmanager.get_plugin("terminalreporter")
    if terminal is None:
        return "off"
    return "line" if terminal.isatty and terminal.hasmarkup else "plain"


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    interval = float(config.getoption("--progress-interval"))
    if interval < 0:
        raise pytest.UsageError(
            f"--progress-interval {interval:g}: give seconds, 0 (every test) or more."
        )
    if hasattr(config, "workerinput"):
        return  # the controller draws it, from every worker's reports
    mode = mode_of(config)
    if mode != "off":
        config.pluginmanager.register(ProgressReporter(config, mode, interval), _PLUGIN)
