"""The baseline store: where a snapshot's accepted image lives, how it is read and written.

A baseline is only comparable with a screenshot from the same browser, platform and
viewport, so all three are in its file name:
`<baseline_dir>/<app>/<spec module stem>/<name>-<browser>-<platform>-<viewport>.png`.

Writes are atomic (a temporary file in the same folder, then `os.replace`), so an
interrupted run never leaves a half-written baseline, and nothing here deletes a
baseline except `prune` when explicitly asked to.
"""

from __future__ import annotations

import enum
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PART = re.compile(r"[^A-Za-z0-9_.-]+")
# How a baseline file name ends: -<browser>-<platform>-<viewport>.png
_SUFFIX = re.compile(
    r"^(?P<name>.+)-(?P<browser>chromium|firefox|webkit)-(?P<platform>linux|darwin|win32)"
    r"-(?P<viewport>[a-z][a-z0-9-]*)\.png$"
)

Image = npt.NDArray[np.uint8]


class UpdateMode(enum.StrEnum):
    """When baselines are written, as Playwright's `--update-snapshots`."""

    ALL = "all"
    CHANGED = "changed"
    MISSING = "missing"
    NONE = "none"

    @property
    def writes_missing(self) -> bool:
        return self is not UpdateMode.NONE

    @property
    def writes_changed(self) -> bool:
        return self in (UpdateMode.ALL, UpdateMode.CHANGED)

    @property
    def writes_unchanged(self) -> bool:
        return self is UpdateMode.ALL


class BaselineError(Exception):
    """A baseline exists but cannot be used: not a PNG, or a corrupt one."""


def platform_name(platform: str | None = None) -> str:
    """The platform part of a baseline name: linux, darwin or win32."""
    value = platform or sys.platform
    if value.startswith("linux"):
        return "linux"
    if value.startswith("darwin"):
        return "darwin"
    if value.startswith(("win32", "cygwin", "msys")):
        return "win32"
    return _PART.sub("-", value)


def check_name(name: str) -> str:
    """A snapshot name is part of a file name: letters, digits, `-`, `_` and `.` only."""
    if not _NAME.match(name):
        raise ValueError(
            f"snapshot name {name!r}: use letters, digits, '-', '_' and '.', starting with a"
            " letter or digit (it becomes part of the baseline's file name)"
        )
    return name


@dataclass(frozen=True)
class BaselineKey:
    """Everything a baseline's location depends on."""

    app: str
    spec: str
    name: str
    browser: str
    platform: str
    viewport: str

    def file_name(self) -> str:
        return f"{self.name}-{self.browser}-{self.platform}-{self.viewport}.png"

    def path(self, baseline_dir: Path) -> Path:
        return (
            baseline_dir / _PART.sub("-", self.app) / _PART.sub("-", self.spec) / self.file_name()
        )


@dataclass(frozen=True)
class BaselineFile:
    """A baseline found on disk, with the parts of its name."""

    path: Path
    name: str
    browser: str
    platform: str
    viewport: str


def parse_baseline(path: Path) -> BaselineFile | None:
    """The parts of a baseline's file name, or None when it is not named as one."""
    match = _SUFFIX.match(path.name)
    if match is None:
        return None
    return BaselineFile(path, match["name"], match["browser"], match["platform"], match["viewport"])


def iter_baselines(baseline_dir: Path) -> list[BaselineFile]:
    """Every baseline under the folder, sorted by path."""
    if not baseline_dir.is_dir():
        return []
    found = (parse_baseline(p) for p in sorted(baseline_dir.rglob("*.png")))
    return [f for f in found if f is not None]


def decode_png(data: bytes, source: Path | str) -> Image:
    """Decode PNG bytes to HxWx4 RGBA, or raise BaselineError saying what is wrong."""
    if not data:
        raise BaselineError(f"{source}: the file is empty, not a PNG image.")
    if not data.startswith(PNG_SIGNATURE):
        raise BaselineError(
            f"{source}: not a PNG image (it starts with {data[:8]!r}, a PNG starts with"
            f" {PNG_SIGNATURE!r})."
        )
    import io

    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.load()
            rgba = image.convert("RGBA")
    except Exception as error:  # PIL raises many types for broken files; one message for all.
        reason = str(error) or type(error).__name__
        if reason.startswith("cannot identify image file"):
            reason = "its image data cannot be decoded"  # PIL's text names a BytesIO object
        raise BaselineError(f"{source}: a corrupt PNG image ({reason}).") from None
    return np.asarray(rgba, dtype=np.uint8).copy()


def read_baseline(path: Path) -> Image:
    """The baseline's pixels, or BaselineError naming the path and the problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BaselineError(f"{path}: cannot be read ({error.strerror or error}).") from None
    return decode_png(data, path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes so that readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file owner-only; a baseline is a file of the repository,
        # readable as any other (0644 under the usual umask).
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def allowance(
    total_pixels: int, max_diff_pixels: int | None, max_diff_pixel_ratio: float | None
) -> int:
    """How many differing pixels are accepted: the smaller of the two limits; none means 0."""
    limits = []
    if max_diff_pixels is not None:
        limits.append(max_diff_pixels)
    if max_diff_pixel_ratio is not None:
        # A ratio allows whole pixels only: 0.001 of 999 pixels allows none.
        limits.append(int(max_diff_pixel_ratio * total_pixels + 1e-9))
    return min(limits) if limits else 0


def unused_baselines(
    baseline_dir: Path,
    used: set[Path],
    *,
    browsers: set[str],
    platforms: set[str],
    viewports: set[str],
) -> list[BaselineFile]:
    """Baselines of the browsers, platforms and viewports that ran, that no snapshot used.

    A baseline of another browser, platform or viewport is never listed: the run could
    not have used it, so it says nothing about it.
    """
    resolved = {p.resolve() for p in used}
    return [
        found
        for found in iter_baselines(baseline_dir)
        if found.browser in browsers
        and found.platform in platforms
        and found.viewport in viewports
        and found.path.resolve() not in resolved
    ]


# Aria snapshots (sitewise.visual.aria) keep YAML baselines beside the screenshots.
ARIA_SUFFIX = ".aria.yml"
_ARIA_NAME = re.compile(
    r"^(?P<name>.+)-(?P<browser>chromium|firefox|webkit)-(?P<platform>linux|darwin|win32)"
    r"-(?P<viewport>[a-z][a-z0-9-]*)\.aria\.yml$"
)


def parse_aria_baseline(path: Path) -> BaselineFile | None:
    match = _ARIA_NAME.match(path.name)
    if match is None:
        return None
    return BaselineFile(path, match["name"], match["browser"], match["platform"], match["viewport"])


def unused_aria_baselines(
    baseline_dir: Path,
    used: set[Path],
    *,
    browsers: set[str],
    platforms: set[str],
    viewports: set[str],
) -> list[BaselineFile]:
    """As `baselines.unused_baselines`, for the aria snapshots' `.aria.yml` files."""
    if not baseline_dir.is_dir():
        return []
    resolved = {p.resolve() for p in used}
    found = (parse_aria_baseline(p) for p in sorted(baseline_dir.rglob(f"*{ARIA_SUFFIX}")))
    return [
        f
        for f in found
        if f is not None
        and f.browser in browsers
        and f.platform in platforms
        and f.viewport in viewports
        and f.path.resolve() not in resolved
    ]
