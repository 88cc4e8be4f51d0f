"""The run folder: one temp folder per run for workers' databases and Playwright's files.

One process owns it (the xdist controller, or the only process) and removes it when the
run ends, however its workers ended.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no owner locks, so no sweeping of orphaned folders
    fcntl = None  # type: ignore[assignment]


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
