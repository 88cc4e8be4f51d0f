"""Baseline files as the repository keeps them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitewise.visual.baselines import write_atomic


def test_a_written_baseline_is_readable_by_everyone_as_any_repository_file(
    tmp_path: Path,
) -> None:
    previous = os.umask(0o022)
    try:
        path = tmp_path / "web" / "spec" / "header-chromium-linux-desktop.png"
        write_atomic(path, b"png bytes")
    finally:
        os.umask(previous)
    assert path.read_bytes() == b"png bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == [path.name]
