"""Servers a suite starts for its targets: a child process that dies with its parent.

`start_server(command, ...)` starts a command that serves the system under test and
prints one JSON line on standard output once it listens (its URLs, and anything else
the suite wants to know); the rest of its output goes to a log file. The child gets
SIGTERM when the process that started it dies, so a killed worker leaves nothing
behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sitewise.targets.model import TargetError

log = logging.getLogger(__name__)

# Chromium raises its display threads to nice -8 where it may (as root): on a test
# machine its rendering then starves the servers under test, which in production have a machine of
# their own, and its answers look slow for the browser's sake. Where the suite may
# raise priorities too, servers started here get the same.
SERVER_NICENESS = -8


def _die_with_parent() -> None:
    # Linux only: the child gets SIGTERM when the process that started it dies, so a
    # worker killed with SIGKILL still takes its apps down.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        # Before exec, single-threaded: every thread the apps start inherits it.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, SERVER_NICENESS)


@dataclass
class Server:
    """A running server process and the JSON line it printed when it was ready."""

    process: subprocess.Popen[str]
    info: dict[str, Any]
    log_path: Path
    _log: IO[str] = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("server did not stop in %.0f s; killing it", timeout)
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_server(
    command: Sequence[str],
    *,
    cwd: Path,
    log_path: Path,
    timeout: float = 20.0,
    env: Mapping[str, str] | None = None,
) -> Server:
    """Start `command` and wait for the JSON line it prints once it serves."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    assert process.stdout is not None
    line = _read_line(process, timeout)
    try:
        info = json.loads(line) if line else None
    except json.JSONDecodeError:
        info = None
    if not isinstance(info, dict):
        code = process.poll()
        process.kill()
        process.wait()
        log_file.close()
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        said = f" It printed {line[:200]!r} instead of a JSON line." if line else ""
        if code is not None:
            what = f"exited with status {code} before it was ready"
        elif line:
            what = "did not announce itself"
        else:
            what = f"did not start within {timeout:g} s"
        raise TargetError(
            f"The server {what} (`{' '.join(command)}`).{said} Its log ({log_path}) ends"
            f" with:\n{tail}"
        )
    # Keep draining stdout into the log so the child never blocks on a full pipe.
    _drain(process.stdout, log_file)
    return Server(process, info, log_path, log_file)


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            if process.poll() is not None:
                return ""
            if selector.select(min(remaining, 0.2)):
                line = process.stdout.readline()
                if not line:
                    # End of output: the process is exiting. Reap it so the caller sees
                    # its status rather than a start-up timeout.
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=max(remaining, 1.0))
                return line.strip()
        return ""
    finally:
        selector.close()


def _drain(stream: IO[str], sink: IO[str]) -> None:
    def pump() -> None:
        for line in stream:
            sink.write(line)
            sink.flush()

    threading.Thread(target=pump, name="server-stdout", daemon=True).start()
