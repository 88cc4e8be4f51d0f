"""One screenshot assertion: stabilise, capture, compare with the baseline, decide, record.

This module knows nothing of pytest: `take_snapshot` gets a `SnapshotTarget` (where the
baseline and the artifacts go, the update mode, CI or not) and returns an `Outcome`:
the manifest entry and, when the assertion fails now, the message to fail with. The
fixture in sitewise/visual/plugin.py builds the target from the test and acts on the outcome.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from playwright.sync_api import Locator, Page

from sitewise.config.model import VisualConfig
from sitewise.visual import pixeldiff
from sitewise.visual.baselines import (
    BaselineError,
    BaselineKey,
    Image,
    UpdateMode,
    allowance,
    check_name,
    decode_png,
    write_atomic,
)
from sitewise.visual.builds import BrowserBuild, build_note
from sitewise.visual.manifest import SnapshotEntry
from sitewise.visual.stabilise import STABILISE_CSS, NotSettledError, capture_stable


class AssertSnapshot(Protocol):
    """The `assert_snapshot` fixture's callable."""

    def __call__(
        self,
        target: Page | Locator,
        name: str,
        *,
        threshold: float | None = None,
        max_diff_pixels: int | None = None,
        max_diff_pixel_ratio: float | None = None,
        mask: Sequence[Locator] = (),
        style: str = "",
        full_page: bool = False,
        stabilise_timeout_ms: int | None = None,
        soft: bool = False,
    ) -> SnapshotEntry:
        """Compare a screenshot of a page or element with its baseline.

        Fails (AssertionError) when the screenshot differs beyond the allowance, when its
        size differs, when the baseline is not a readable PNG, or when the page never
        settles; writes baselines as the --update-baselines mode says. With `soft=True`
        the failure is recorded and the test goes on, failing at its end (sitewise.soft_checks).
        """
        ...


@dataclass(frozen=True)
class SnapshotOptions:
    """The comparison settings of one call: [visual] config overlaid with its arguments."""

    threshold: float
    max_diff_pixels: int | None
    max_diff_pixel_ratio: float | None
    mask: tuple[Locator, ...]
    mask_color: str
    style: str
    full_page: bool
    stabilise_timeout_ms: int

    @classmethod
    def resolve(
        cls,
        config: VisualConfig,
        *,
        config_css: str = "",
        threshold: float | None = None,
        max_diff_pixels: int | None = None,
        max_diff_pixel_ratio: float | None = None,
        mask: Sequence[Locator] = (),
        style: str = "",
        full_page: bool = False,
        stabilise_timeout_ms: int | None = None,
    ) -> SnapshotOptions:
        if threshold is not None and not 0 <= threshold <= 1:
            raise ValueError(f"threshold={threshold!r}: expected a number from 0 to 1")
        if max_diff_pixels is not None and max_diff_pixels < 0:
            raise ValueError(f"max_diff_pixels={max_diff_pixels!r}: expected 0 or more")
        if max_diff_pixel_ratio is not None and not 0 <= max_diff_pixel_ratio <= 1:
            raise ValueError(
                f"max_diff_pixel_ratio={max_diff_pixel_ratio!r}: expected a number from 0 to 1"
            )
        css = "\n".join(part for part in (STABILISE_CSS, config_css, style) if part)
        return cls(
            threshold=config.threshold if threshold is None else threshold,
            max_diff_pixels=config.max_diff_pixels if max_diff_pixels is None else max_diff_pixels,
            max_diff_pixel_ratio=(
                config.max_diff_pixel_ratio
                if max_diff_pixel_ratio is None
                else max_diff_pixel_ratio
            ),
            mask=tuple(mask),
            mask_color=config.mask_color,
            style=css,
            full_page=full_page,
            stabilise_timeout_ms=(
                config.stabilise_timeout_ms
                if stabilise_timeout_ms is None
                else stabilise_timeout_ms
            ),
        )

    def describe_allowance(self, allowed: int) -> str:
        parts = []
        if self.max_diff_pixels is not None:
            parts.append(f"max_diff_pixels={self.max_diff_pixels}")
        if self.max_diff_pixel_ratio is not None:
            parts.append(f"max_diff_pixel_ratio={self.max_diff_pixel_ratio}")
        rule = ", ".join(parts) if parts else "no max_diff_pixels or max_diff_pixel_ratio"
        return f"{allowed} pixel(s) allowed ({rule})"


@dataclass(frozen=True)
class Earlier:
    """What a baseline held before this run wrote it: its bytes, or None when it was missing."""

    data: bytes | None


@dataclass(frozen=True)
class SnapshotTarget:
    """Where one snapshot's baseline and artifacts go, and how baselines may be written."""

    nodeid: str
    key: BaselineKey
    baseline_dir: Path
    output_dir: Path
    mode: UpdateMode
    # A written missing baseline fails the test (in CI, unless a mode was asked for).
    fail_new: bool
    # Set on a retry when an earlier attempt of the test wrote the baseline: the
    # comparison is then with what the baseline held before, as on the first attempt.
    earlier: Earlier | None = None
    # The build taking the screenshot, and the one recorded for the baseline (None:
    # unknown); a failure against a baseline of another build says so.
    build: BrowserBuild | None = None
    baseline_build: BrowserBuild | None = None

    @property
    def baseline(self) -> Path:
        return self.key.path(self.baseline_dir)


@dataclass
class Outcome:
    """What a snapshot produced; `failure` is the message to fail with now, if any."""

    entry: SnapshotEntry
    failure: str | None = None
    # A missing baseline was written and the run is in CI: fail once the test is done.
    deferred: str | None = None
    notes: list[str] = field(default_factory=list)
    # Set when this call wrote the baseline: what the baseline held before it.
    replaced: Earlier | None = None


def capture(target: Page | Locator, options: SnapshotOptions) -> bytes:
    """One PNG screenshot of a page or an element with motion, caret and masks handled."""
    if isinstance(target, Page):
        return target.screenshot(
            animations="disabled",
            caret="hide",
            scale="css",
            full_page=options.full_page,
            mask=list(options.mask),
            mask_color=options.mask_color,
            style=options.style,
            type="png",
        )
    if options.full_page:
        raise ValueError("full_page=True applies to a Page, not to an element (Locator)")
    return target.screenshot(
        animations="disabled",
        caret="hide",
        scale="css",
        mask=list(options.mask),
        mask_color=options.mask_color,
        style=options.style,
        type="png",
    )


def encode_png(image: Image) -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.fromarray(np.ascontiguousarray(image), "RGBA").save(buffer, format="PNG")
    return buffer.getvalue()


def _size(image: Image) -> tuple[int, int]:
    return int(image.shape[1]), int(image.shape[0])


def _fmt(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def take_snapshot(
    target: Page | Locator, name: str, options: SnapshotOptions, where: SnapshotTarget
) -> Outcome:
    """Capture, compare and write as the update mode says; never raises for a difference."""
    check_name(name)
    page = target if isinstance(target, Page) else target.page
    key = where.key
    entry = SnapshotEntry(
        nodeid=where.nodeid,
        name=name,
        status="passed",
        baseline=str(where.baseline),
        app=key.app,
        spec=key.spec,
        browser=key.browser,
        platform=key.platform,
        viewport=key.viewport,
        build=str(where.build) if where.build else "",
    )
    artifacts = where.output_dir
    actual_path = artifacts / f"{name}-actual.png"
    try:
        png = capture_stable(
            lambda: capture(target, options),
            page,
            name=name,
            timeout_ms=options.stabilise_timeout_ms,
        )
    except NotSettledError as error:
        entry.status = "unstable"
        entry.message = str(error)
        if error.last is not None:
            artifacts.mkdir(parents=True, exist_ok=True)
            actual_path.write_bytes(error.last)
            entry.actual = str(actual_path)
            entry.message += f" The last screenshot: {actual_path}"
        return Outcome(entry, failure=entry.message)

    actual = decode_png(png, "the screenshot")
    entry.actual_size = _size(actual)
    entry.total_pixels = int(actual.shape[0] * actual.shape[1])

    try:
        found = where.earlier if where.earlier is not None else _stored(where.baseline)
    except BaselineError as error:
        entry.status = "corrupt"
        return _differs(entry, png, where, actual_path, Earlier(None), f"{error}")
    if found.data is None:
        return _missing(entry, png, where, actual_path)
    entry.baseline_build = str(where.baseline_build) if where.baseline_build else "unknown"
    try:
        expected = decode_png(found.data, where.baseline)
    except BaselineError as error:
        entry.status = "corrupt"
        return _differs(entry, png, where, actual_path, found, f"{error}")
    entry.expected_size = _size(expected)

    if expected.shape != actual.shape:
        entry.status = "size-mismatch"
        message = (
            f"the screenshot is {_fmt(entry.actual_size)} but the baseline is"
            f" {_fmt(entry.expected_size)} (width x height)"
        )
        return _differs(entry, png, where, actual_path, found, message)

    # Count only (no diff image): most comparisons pass, and then no image is written.
    result = pixeldiff.compare(expected, actual, threshold=options.threshold, want_diff_image=False)
    allowed = allowance(result.total_pixels, options.max_diff_pixels, options.max_diff_pixel_ratio)
    entry.diff_pixels = result.diff_pixels
    entry.ratio = result.ratio
    entry.allowed = allowed
    if result.diff_pixels <= allowed:
        if where.mode.writes_unchanged:
            write_atomic(where.baseline, png)
            entry.written = True
            return Outcome(entry, replaced=found)
        return Outcome(entry)

    entry.status = "changed"
    message = (
        f"{result.diff_pixels} pixel(s) differ (ratio {result.ratio:.6f} of"
        f" {result.total_pixels}); {options.describe_allowance(allowed)}; threshold"
        f" {options.threshold}"
    )
    # The failure shows the difference: drawn now, with the same verdicts, so the same count.
    drawn = pixeldiff.compare(expected, actual, threshold=options.threshold, want_diff_image=True)
    assert drawn.diff_pixels == result.diff_pixels
    return _differs(entry, png, where, actual_path, found, message, drawn.diff_image)


def _stored(baseline: Path) -> Earlier:
    """The baseline file's bytes (None when there is none); BaselineError when unreadable."""
    try:
        return Earlier(baseline.read_bytes())
    except FileNotFoundError:
        return Earlier(None)
    except OSError as error:
        raise BaselineError(f"{baseline}: cannot be read ({error.strerror or error}).") from None


def _write_artifacts(
    entry: SnapshotEntry,
    png: bytes,
    where: SnapshotTarget,
    actual_path: Path,
    found: Earlier,
    diff_image: Image | None,
) -> None:
    artifacts = where.output_dir
    artifacts.mkdir(parents=True, exist_ok=True)
    actual_path.write_bytes(png)
    entry.actual = str(actual_path)
    if found.data is not None:
        expected_path = artifacts / f"{entry.name}-expected.png"
        expected_path.write_bytes(found.data)
        entry.expected = str(expected_path)
    if diff_image is not None:
        diff_path = artifacts / f"{entry.name}-diff.png"
        diff_path.write_bytes(encode_png(diff_image))
        entry.diff = str(diff_path)


def _paths(entry: SnapshotEntry) -> str:
    lines = [f"  baseline: {entry.baseline}"]
    for label, value in (
        ("expected", entry.expected),
        ("actual", entry.actual),
        ("diff", entry.diff),
    ):
        if value:
            lines.append(f"  {label}: {value}")
    return "\n".join(lines)


def _differs(
    entry: SnapshotEntry,
    png: bytes,
    where: SnapshotTarget,
    actual_path: Path,
    found: Earlier,
    problem: str,
    diff_image: Image | None = None,
) -> Outcome:
    # Artifacts first: they show the old baseline even when the mode rewrites it next.
    _write_artifacts(entry, png, where, actual_path, found, diff_image)
    head = f"assert_snapshot({entry.name!r}): {problem}."
    if where.build is not None and entry.status in ("changed", "size-mismatch"):
        note = build_note(where.baseline_build, where.build)
        head += f"\n  {note}." if note else ""
    if where.mode.writes_changed:
        write_atomic(where.baseline, png)
        entry.written = True
        entry.message = (
            f"{head} The baseline was rewritten (--update-baselines {where.mode}).\n{_paths(entry)}"
        )
        return Outcome(entry, notes=[entry.message], replaced=found)
    hint = (
        "If the change is intended, accept it with `python -m sitewise baselines review` or"
        " rerun with --update-baselines changed."
    )
    entry.message = f"{head}\n{_paths(entry)}\n{hint}"
    return Outcome(entry, failure=entry.message)


def _missing(entry: SnapshotEntry, png: bytes, where: SnapshotTarget, actual_path: Path) -> Outcome:
    entry.status = "new"
    where.output_dir.mkdir(parents=True, exist_ok=True)
    actual_path.write_bytes(png)
    entry.actual = str(actual_path)
    if not where.mode.writes_missing:
        entry.message = (
            f"assert_snapshot({entry.name!r}): no baseline at {entry.baseline}"
            f" (--update-baselines none does not write it).\n  actual: {entry.actual}"
        )
        return Outcome(entry, failure=entry.message)
    write_atomic(where.baseline, png)
    entry.written = True
    entry.message = f"assert_snapshot({entry.name!r}): a new baseline was written: {entry.baseline}"
    if where.fail_new:
        # In CI a baseline must come from review, not from the run that checks it.
        return Outcome(entry, deferred=entry.message, replaced=Earlier(None))
    return Outcome(entry, notes=[entry.message], replaced=Earlier(None))
