"""Start and stop load runs as processes of their own, from the pytest process, a script
or the command line: Locust patches the standard library for gevent as it loads, so the
runner never shares a process with pytest or Playwright.

`start_load` starts the runner (`python -m sitewise.load run`), and with `workers` that
many worker processes on this machine, all on 127.0.0.1; `LoadProcess.finish` waits for
the run's end (or ends it early) and reads its measurement.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# Beyond the run's own duration: the ramp down, the workers' last reports, writing.
GRACE_S = 90.0


class LoadRunError(Exception):
    """The load runner failed: its message says why, with its log."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _python(*args: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
    # The runner's own session: a Ctrl-C of pytest's terminal does not kill it midway.
    return subprocess.Popen(
        [sys.executable, "-m", "sitewise.load", *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def spawn_workers(
    locustfile: Path, count: int, master_host: str, master_port: int, log: IO[bytes]
) -> list[subprocess.Popen[bytes]]:
    """`count` Locust worker processes of the master at host:port, on this machine."""
    return [
        _python(
            "worker",
            str(locustfile),
            "--master-host",
            master_host,
            "--master-port",
            str(master_port),
            log=log,
        )
        for _ in range(count)
    ]


@dataclass
class LoadProcess:
    """A load run under way."""

    runner: subprocess.Popen[bytes]
    out: Path
    log_path: Path
    duration_s: float
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log: IO[bytes] | None = None

    @property
    def ramped_file(self) -> Path:
        return self.out.with_name(self.out.name + ".ramped")

    def wait_until_ramped(self, timeout_s: float) -> bool:
        """Whether every user came within `timeout_s` (False: the runner ended first, or
        the time ran out). Polls for the runner's note."""
        deadline = time.monotonic() + timeout_s
        while not self.ramped_file.exists():
            if self.runner.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def finish(self, *, early: bool = False) -> dict[str, Any]:
        """Wait for the run to end (`early`: end it now) and return its measurement."""
        if early and self.runner.poll() is None:
            self.runner.send_signal(signal.SIGTERM)
        try:
            code = self.runner.wait(timeout=self.duration_s + GRACE_S)
        except subprocess.TimeoutExpired:
            self.runner.kill()
            code = self.runner.wait()
        finally:
            self._stop_workers()
        if code != 0 or not self.out.is_file():
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise LoadRunError(
                f"the load runner exited with {code} and no measurement; its log"
                f" ({self.log_path}) ends:\n{tail}"
            )
        data: dict[str, Any] = json.loads(self.out.read_text(encoding="utf-8"))
        return data

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if self.log is not None:
            self.log.close()


def start_load(
    locustfile: Path,
    targets: Mapping[str, str],
    *,
    users: int,
    ramp_s: float,
    duration_s: float,
    workers: int,
    out: Path,
    log_path: Path,
) -> LoadProcess:
    """Start a load run (and its workers, on 127.0.0.1) and return it under way."""
    out.unlink(missing_ok=True)
    out.with_name(out.name + ".ramped").unlink(missing_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    args = [
        "run",
        str(locustfile),
        "--out",
        str(out),
        "--users",
        str(users),
        "--ramp",
        f"{ramp_s:g}",
        "--duration",
        f"{duration_s:g}",
        "--ramped",
        str(out.with_name(out.name + ".ramped")),
    ]
    for name, url in targets.items():
        args += ["--target", f"{name}={url}"]
    port = free_port() if workers else 0
    if workers:
        args += [
            "--workers",
            str(workers),
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(port),
        ]
    runner = _python(*args, log=log)
    spawned = spawn_workers(locustfile, workers, "127.0.0.1", port, log) if workers else []
    return LoadProcess(runner, out, log_path, duration_s, spawned, log)
