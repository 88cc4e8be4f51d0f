"""The systems under test: the bundled reference apps, or a deployment given by URL.

Bundled apps are started as a child process (`python -m apps` on free ports with a
database of its own) that dies with its parent, so a killed worker leaves nothing
behind. A deployment is checked once before any test: an unreachable URL, or one that
answers but is not the expected app, stops the run with one message.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

try:
    import fcntl
except ImportError:  # Windows: no owner locks, so no sweeping of orphaned folders
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

AppName = Literal["web", "admin"]
SERVICE = "settings-reference"


class TargetError(Exception):
    """A target is unreachable, is not the expected app, or the bundled apps did not start."""


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class Targets:
    """Base URLs of both apps, and the seeded accounts when they are known."""

    web: str
    admin: str
    bundled: bool
    accounts: tuple[Account, ...] = ()

    def url(self, app: AppName) -> str:
        return self.web if app == "web" else self.admin

    def account(self, role: str) -> Account:
        for account in self.accounts:
            if account.role == role:
                return account
        raise TargetError(
            f"No seeded {role} account is known for {self.web}; set E2E_ADMIN_EMAIL and"
            " E2E_ADMIN_PASSWORD for a deployed system."
        )


# Chromium raises its display threads to nice -8 where it may (as root): on a test
# machine its rendering then starves the apps, which in production have a machine of
# their own, and their answers look slow for the browser's sake. Where the suite may
# raise priorities too, the apps get the same.
APPS_NICENESS = -8


def _die_with_parent() -> None:
    # Linux only: the child gets SIGTERM when the process that started it dies, so a
    # worker killed with SIGKILL still takes its apps down.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        # Before exec, single-threaded: every thread the apps start inherits it.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, APPS_NICENESS)


@dataclass
class BundledApps:
    """A running `python -m apps` process."""

    process: subprocess.Popen[str]
    targets: Targets
    log_path: Path
    _log: IO[str] = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("apps did not stop in %.0f s; killing them", timeout)
                self.process.kill()
                self.process.wait()
        self._log.close()


RUN_FOLDER_PREFIX = "e2e-run-"
_OWNER_LOCK = ".owner.lock"


@dataclass
class RunFolder:
    """The temp folder every worker's database of one run goes under.

    One process owns it (the xdist controller, or the only process) and removes it when
    the run ends, however the workers ended: a worker killed with SIGKILL cannot remove
    its own folder, but the controller removes the folder it is in. The owner holds an
    exclusive lock on a file in it for as long as it lives, so a folder whose owner was
    killed is known by its free lock, and the next run to start removes it.
    """

    path: Path
    _lock: IO[bytes] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, parent: Path | None = None) -> RunFolder:
        where = Path(tempfile.gettempdir()) if parent is None else parent
        sweep_orphaned_run_folders(where)
        path = Path(tempfile.mkdtemp(prefix=RUN_FOLDER_PREFIX, dir=where))
        lock = (path / _OWNER_LOCK).open("wb")
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return cls(path, lock)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def sweep_orphaned_run_folders(parent: Path, min_age_s: float = 60.0) -> list[Path]:
    """Remove the run folders under `parent` whose owner is gone (its lock is free).

    A folder younger than `min_age_s` is left alone: its owner may be about to lock it.
    """
    if fcntl is None:
        return []
    removed = []
    for path in sorted(parent.glob(f"{RUN_FOLDER_PREFIX}*")):
        try:
            if time.time() - path.stat().st_mtime < min_age_s:
                continue
            with (path / _OWNER_LOCK).open("rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # locked by a live run (BlockingIOError), or not a run folder
            continue
        removed.append(path)
    return removed


def start_bundled_apps(
    *,
    db_path: Path,
    log_path: Path,
    cwd: Path,
    timeout: float = 20.0,
    extra_args: tuple[str, ...] = (),
) -> BundledApps:
    """Start the reference apps on free ports and wait for their JSON line."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "apps",
        "--web-port",
        "0",
        "--admin-port",
        "0",
        "--db",
        str(db_path),
        *extra_args,
    ]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = _read_line(process, timeout)
    if not line:
        process.kill()
        process.wait()
        log_file.close()
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise TargetError(
            f"The bundled apps did not start within {timeout:g} s (`{' '.join(command)}`)."
            f" Their log ({log_path}) ends with:\n{tail}"
        )
    info = json.loads(line)
    # Keep draining stdout into the log so the child never blocks on a full pipe.
    _drain(process.stdout, log_file)
    accounts = tuple(Account(a["role"], a["email"], a["password"]) for a in info["accounts"])
    targets = Targets(web=info["web"], admin=info["admin"], bundled=True, accounts=accounts)
    return BundledApps(process, targets, log_path, log_file)


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
                return process.stdout.readline().strip()
        return ""
    finally:
        selector.close()


def _drain(stream: IO[str], sink: IO[str]) -> None:
    def pump() -> None:
        for line in stream:
            sink.write(line)
            sink.flush()

    threading.Thread(target=pump, name="apps-stdout", daemon=True).start()


def check_target(app: AppName, url: str, timeout: float = 10.0) -> None:
    """Raise TargetError unless `url` answers /api/health as the expected app."""
    health = f"{url}/api/health"
    try:
        with urllib.request.urlopen(health, timeout=timeout) as response:
            body = response.read(4096).decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        raise TargetError(
            f"The {app} target {url} answered {health} with HTTP {error.code}; expected the"
            f" {SERVICE} {app} app's health check (200 with JSON). Check --{app}-url."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TargetError(
            f"The {app} target {url} is unreachable ({reason}). Start it, or check"
            f" --{app}-url / E2E_{app.upper()}_URL / [targets] {app}."
        ) from None
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or data.get("service") != SERVICE or data.get("app") != app:
        raise TargetError(
            f"The {app} target {url} is not the expected app: {health} should answer JSON with"
            f' "service": "{SERVICE}" and "app": "{app}", but answered {body[:200]!r}.'
            f" Check --{app}-url."
        )


def check_targets(targets: dict[AppName, str], timeout: float = 10.0) -> None:
    """Check every target at once: the whole check takes at most about `timeout` seconds.

    Each check runs in a daemon thread of its own, so that a target that accepts the
    connection and never answers (or a name that takes long to resolve) costs the run
    `timeout` once, not once per target, and a thread still waiting does not hold up
    the process's exit. Raises one TargetError naming every target that failed.
    """
    problems: dict[AppName, str] = {}

    def check(app: AppName, url: str) -> None:
        try:
            check_target(app, url, timeout)
        except TargetError as error:
            problems[app] = str(error)

    threads = {
        app: threading.Thread(target=check, args=(app, url), name=f"check-{app}", daemon=True)
        for app, url in targets.items()
    }
    for thread in threads.values():
        thread.start()
    deadline = time.monotonic() + timeout
    for app, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()) + 0.5)
        if thread.is_alive() and app not in problems:
            problems[app] = (
                f"The {app} target {targets[app]} is unreachable (no answer from its"
                f" /api/health within {timeout:g} s). Start it, or check --{app}-url /"
                f" E2E_{app.upper()}_URL / [targets] {app}."
            )
    if problems:
        raise TargetError("\n".join(problems[app] for app in targets if app in problems))
