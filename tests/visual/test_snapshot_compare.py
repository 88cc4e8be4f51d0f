"""take_snapshot's comparison: a count first, the diff image only for a failure.

The screenshot is given directly (no browser): `capture_stable` is replaced by one that
returns a stored page, and `pixeldiff.compare` is watched to see what it was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest
from playwright.sync_api import Locator

from sitewise.config.model import VisualConfig
from sitewise.visual import pixeldiff, snapshot
from sitewise.visual.baselines import BaselineKey, Image, UpdateMode, read_baseline, write_atomic
from sitewise.visual.snapshot import (
    Outcome,
    SnapshotOptions,
    SnapshotTarget,
    encode_png,
    take_snapshot,
)
from tests.visual.data.cases import page, reference

# Rows 100..130 of the stored settings pages hold the changed text.
BASE = page("settings_base")[95:135]
CHANGED = page("settings_text")[95:135]
KEY = BaselineKey("common", "test_shots", "panel", "chromium", "linux", "desktop")


@dataclass
class Compared:
    """What take_snapshot asked pixeldiff.compare for."""

    want_diff_image: list[bool]


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Compared:
    calls = Compared([])
    real = pixeldiff.compare

    def watched(*args: Any, **kwargs: Any) -> pixeldiff.DiffResult:
        calls.want_diff_image.append(bool(kwargs.get("want_diff_image", True)))
        return real(*args, **kwargs)

    monkeypatch.setattr(pixeldiff, "compare", watched)
    return calls


def shoot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, image: Image, **options: Any) -> Outcome:
    """take_snapshot of a screenshot showing `image`, against the baseline in tmp_path."""
    png = encode_png(image)

    def stable(shoot: Callable[[], bytes], *args: Any, **kwargs: Any) -> bytes:
        return png

    monkeypatch.setattr(snapshot, "capture_stable", stable)
    where = SnapshotTarget(
        nodeid="test_shots.py::test_panel",
        key=KEY,
        baseline_dir=tmp_path / "baselines",
        output_dir=tmp_path / "artifacts",
        mode=UpdateMode.MISSING,
        fail_new=False,
    )
    target = cast(Locator, SimpleNamespace(page=None))
    return take_snapshot(target, "panel", SnapshotOptions.resolve(VisualConfig(), **options), where)


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    path = KEY.path(tmp_path / "baselines")
    write_atomic(path, encode_png(BASE))
    return path


@pytest.mark.usefixtures("baseline")
def test_a_passing_comparison_only_counts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, compared: Compared
) -> None:
    outcome = shoot(monkeypatch, tmp_path, BASE)

    assert (outcome.entry.status, outcome.entry.diff_pixels) == ("passed", 0)
    assert compared.want_diff_image == [False]
    assert not (tmp_path / "artifacts").exists()


@pytest.mark.usefixtures("baseline")
def test_a_difference_within_the_allowance_only_counts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, compared: Compared
) -> None:
    expected, _ = reference(BASE, CHANGED)
    assert expected > 0

    outcome = shoot(monkeypatch, tmp_path, CHANGED, max_diff_pixels=expected)

    assert (outcome.entry.status, outcome.entry.diff_pixels) == ("passed", expected)
    assert compared.want_diff_image == [False]
    assert not (tmp_path / "artifacts").exists()


@pytest.mark.usefixtures("baseline")
def test_a_failing_comparison_writes_the_diff_image_with_pixelmatchs_count(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, compared: Compared
) -> None:
    expected, _ = reference(BASE, CHANGED)

    outcome = shoot(monkeypatch, tmp_path, CHANGED, max_diff_pixels=expected - 1)

    assert outcome.failure is not None
    assert (outcome.entry.status, outcome.entry.diff_pixels) == ("changed", expected)
    assert f"{expected} pixel(s) differ" in outcome.failure
    assert compared.want_diff_image == [False, True]
    assert outcome.entry.diff is not None
    drawn = pixeldiff.compare(BASE, CHANGED, want_diff_image=True).diff_image
    assert drawn is not None
    assert np.array_equal(read_baseline(Path(outcome.entry.diff)), drawn)
