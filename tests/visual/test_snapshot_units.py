"""The baseline store's rules without a browser: allowances, names, decoding, manifests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sitewise.config.model import VisualConfig
from sitewise.visual import manifest
from sitewise.visual.baselines import (
    BaselineError,
    BaselineKey,
    allowance,
    check_name,
    decode_png,
    parse_baseline,
    platform_name,
    unused_baselines,
)
from sitewise.visual.manifest import RunInfo, SnapshotEntry
from sitewise.visual.snapshot import SnapshotOptions, encode_png


@pytest.mark.parametrize(
    ("pixels", "ratio", "total", "allowed"),
    [
        (None, None, 10_000, 0),
        (25, None, 10_000, 25),
        (None, 0.01, 10_000, 100),
        (None, 0.0001, 9_999, 0),  # a ratio allows whole pixels only
        (25, 0.01, 10_000, 25),
        (250, 0.01, 10_000, 100),
        (0, 0.5, 10_000, 0),
    ],
)
def test_allowance_is_the_smaller_limit_and_zero_without_one(
    pixels: int | None, ratio: float | None, total: int, allowed: int
) -> None:
    assert allowance(total, pixels, ratio) == allowed


def test_call_options_override_the_config_and_keep_its_other_values() -> None:
    config = VisualConfig(threshold=0.3, max_diff_pixel_ratio=0.01, css="x.css")

    options = SnapshotOptions.resolve(config, config_css="a { color: red }", max_diff_pixels=7)

    assert (options.threshold, options.max_diff_pixels, options.max_diff_pixel_ratio) == (
        0.3,
        7,
        0.01,
    )
    assert "caret-color: transparent" in options.style
    assert options.style.endswith("a { color: red }")
    with pytest.raises(ValueError, match=r"max_diff_pixel_ratio=1.5: expected a number"):
        SnapshotOptions.resolve(config, max_diff_pixel_ratio=1.5)


@pytest.mark.parametrize("name", ["", "../escape", "a/b", "with space", ".hidden", "é"])
def test_names_that_cannot_be_file_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="use letters, digits"):
        check_name(name)


def test_baseline_path_and_its_parsing_agree(tmp_path: Path) -> None:
    key = BaselineKey("web", "test_settings", "list.dark", "chromium", "linux", "mobile")

    path = key.path(tmp_path)

    assert path == tmp_path / "web/test_settings/list.dark-chromium-linux-mobile.png"
    parsed = parse_baseline(path)
    assert parsed is not None
    assert (parsed.name, parsed.browser, parsed.platform, parsed.viewport) == (
        "list.dark",
        "chromium",
        "linux",
        "mobile",
    )
    assert parse_baseline(tmp_path / "notes.png") is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [("linux", "linux"), ("linux2", "linux"), ("darwin", "darwin"), ("win32", "win32")],
)
def test_platform_names(given: str, expected: str) -> None:
    assert platform_name(given) == expected


def test_decode_round_trip_and_errors_name_the_source() -> None:
    image = np.zeros((3, 5, 4), dtype=np.uint8)
    image[..., 0] = 200
    image[..., 3] = 255

    assert np.array_equal(decode_png(encode_png(image), "x.png"), image)
    with pytest.raises(BaselineError, match=r"^base\.png: not a PNG image"):
        decode_png(b"<html>", "base.png")
    with pytest.raises(BaselineError, match=r"^base\.png: a corrupt PNG image \("):
        decode_png(encode_png(image)[:40], "base.png")


def test_unused_baselines_only_of_what_ran(tmp_path: Path) -> None:
    folder = tmp_path / "common" / "spec"
    folder.mkdir(parents=True)
    names = ["a-chromium-linux-desktop.png", "b-chromium-linux-desktop.png"]
    names += ["a-webkit-linux-desktop.png", "a-chromium-darwin-desktop.png"]
    for name in names:
        (folder / name).write_bytes(b"")

    unused = unused_baselines(
        tmp_path,
        {folder / "a-chromium-linux-desktop.png"},
        browsers={"chromium"},
        platforms={"linux"},
        viewports={"desktop"},
    )

    assert [u.path.name for u in unused] == ["b-chromium-linux-desktop.png"]


def test_manifest_round_trip_and_merge(tmp_path: Path) -> None:
    first = SnapshotEntry("t.py::b", "b", "changed", "/x/b.png", diff_pixels=3, actual="/r/b.png")
    second = SnapshotEntry("t.py::a", "a", "passed", "/x/a.png", actual_size=(4, 2))
    manifest.write_worker_manifest(tmp_path, "gw1", [first])
    manifest.write_worker_manifest(tmp_path, "gw0", [second])

    merged = manifest.merge_worker_manifests(tmp_path, RunInfo(browsers=["chromium"]))

    loaded = manifest.load(tmp_path)
    assert loaded == merged
    assert [s.name for s in loaded.snapshots] == ["a", "b"]
    assert loaded.snapshots[0].actual_size == (4, 2)
    assert loaded.run.workers == ["gw0", "gw1"]
    assert [s.name for s in loaded.reviewable()] == ["b"]
    assert loaded.entry(first.id) == first
