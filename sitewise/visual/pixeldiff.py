"""Exact, fast pixel comparison: pixelmatch 5.3.0 (Playwright's toHaveScreenshot) in numpy.

`compare` gives the same mismatch count and the same diff image, byte for byte, as
pixelmatch (the JavaScript original and the pure-Python `pixelmatch` package, which is
kept as the reference in the tests), in milliseconds instead of seconds:

- identical images (one vectorised equality test) answer at once;
- only the pixels whose raw RGBA differs can count, and a differing pixel's verdict
  (colour delta, then anti-aliasing detection) reads nothing farther than 2 px away, so
  the work is done in windows around the differing pixels, 2 px wider on each side
  (clamped at the image edge, where the reference's edge rules apply);
- inside a window everything is vectorised with the reference's float operations in
  the reference's order.

Images are (height, width, 4) uint8 RGBA arrays, as `load_png` returns them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from sitewise.visual._pixelcore import Window, grey_fade, window_verdicts

__all__ = ["DiffResult", "compare", "load_png", "save_png"]

RGB = tuple[int, int, int]

# Differing pixels are gathered in bands of this many rows; within a band, runs of
# differing columns closer than _COLUMN_GAP are judged in one window. Bands bound the
# memory of a change that covers the whole page; the gap trades the cost of a window
# (a few dozen numpy calls) against judging clean pixels.
_BAND_ROWS = 64
_COLUMN_GAP = 32


@dataclass(frozen=True)
class DiffResult:
    """Outcome of `compare`.

    `diff_image` is what pixelmatch writes into its `output`: unchanged pixels as the
    expected image faded to grey (transparent with `diff_mask`), counted pixels in the
    diff colour, anti-aliasing in the AA colour (not with `diff_mask`). None when it
    was not asked for.
    """

    diff_pixels: int
    total_pixels: int
    diff_image: NDArray[np.uint8] | None = field(default=None, compare=False, repr=False)

    @property
    def ratio(self) -> float:
        """Share of the image's pixels that count as different (0.0 for an empty image)."""
        return self.diff_pixels / self.total_pixels if self.total_pixels else 0.0


def compare(
    expected: NDArray[np.uint8],
    actual: NDArray[np.uint8],
    *,
    threshold: float = 0.2,
    include_aa: bool = False,
    alpha: float = 0.1,
    aa_color: Sequence[int] = (255, 255, 0),
    diff_color: Sequence[int] = (255, 0, 0),
    diff_color_alt: Sequence[int] | None = None,
    diff_mask: bool = False,
    want_diff_image: bool = True,
) -> DiffResult:
    """Count the pixels of `actual` that differ from `expected`, as pixelmatch does.

    threshold: 0..1, the YIQ distance (relative to its maximum) above which a pixel
        differs; Playwright's default is 0.2 (pixelmatch's own default is 0.1).
    include_aa: count anti-aliased pixels too instead of detecting and skipping them.
    alpha: 0..1, opacity of the expected image in the diff image.
    aa_color, diff_color: RGB of skipped anti-aliasing and of counted pixels.
    diff_color_alt: if given, RGB of counted pixels where `actual` is darker than
        `expected` (pixelmatch's `diffColorAlt`).
    diff_mask: draw only the counted pixels, over a transparent background.
    want_diff_image: build the diff image (skipping it saves the grey fade pass).

    Raises ValueError when the shapes differ (naming both sizes) or an array or option
    is not what is described here.
    """
    img1 = _as_rgba(expected, "expected")
    img2 = _as_rgba(actual, "actual")
    if img1.shape != img2.shape:
        raise ValueError(
            f"image sizes differ: expected is {_size(img1)}, actual is {_size(img2)}"
            " (width x height)"
        )
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    aa_rgb = _rgb(aa_color, "aa_color")
    diff_rgb = _rgb(diff_color, "diff_color")
    alt_rgb = None if diff_color_alt is None else _rgb(diff_color_alt, "diff_color_alt")

    height, width = img1.shape[:2]
    total = height * width
    px1 = _packed(img1)
    px2 = _packed(img2)

    out: NDArray[np.uint8] | None = None
    if want_diff_image:
        if diff_mask:
            out = np.zeros_like(img1)
        else:
            out = np.empty_like(img1)
            grey_fade(img1, alpha, out)

    if total == 0 or _identical(img1, img2):
        return DiffResult(0, total, out)

    # 35215 is the largest possible YIQ distance; same expression as the reference.
    max_delta = 35215 * threshold * threshold
    out32 = None if out is None else _packed(out)
    aa_px, diff_px = _pack(aa_rgb), _pack(diff_rgb)
    alt_px = None if alt_rgb is None else _pack(alt_rgb)
    count = 0
    for win in _windows(px1, px2):
        v = window_verdicts(img1, img2, px1, px2, win, max_delta, include_aa)
        counted = ~v.aa
        count += int(np.count_nonzero(counted))
        if out32 is None:
            continue
        if not diff_mask:
            out32[v.ys[v.aa], v.xs[v.aa]] = aa_px
        if alt_px is None:
            out32[v.ys[counted], v.xs[counted]] = diff_px
        else:
            darker = counted & v.img1_brighter
            lighter = counted & ~v.img1_brighter
            out32[v.ys[darker], v.xs[darker]] = alt_px
            out32[v.ys[lighter], v.xs[lighter]] = diff_px
    return DiffResult(count, total, out)


def load_png(source: str | os.PathLike[str] | bytes) -> NDArray[np.uint8]:
    """Decode a PNG (a path, or the file's bytes) to a (height, width, 4) RGBA uint8 array."""
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    with Image.open(handle) as image:
        return np.array(image.convert("RGBA"), dtype=np.uint8)


def save_png(image: NDArray[np.uint8], path: str | os.PathLike[str]) -> None:
    """Write a (height, width, 4) RGBA uint8 array as a PNG file."""
    Image.fromarray(_as_rgba(image, "image")).save(path, format="PNG")


def _as_rgba(image: NDArray[np.uint8], name: str) -> NDArray[np.uint8]:
    if not isinstance(image, np.ndarray):
        raise ValueError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 4:
        raise ValueError(
            f"{name} must be a (height, width, 4) uint8 RGBA array,"
            f" got shape {image.shape} of {image.dtype}"
        )
    return np.ascontiguousarray(image)


def _size(image: NDArray[np.uint8]) -> str:
    return f"{image.shape[1]}x{image.shape[0]}"


def _rgb(value: Sequence[int], name: str) -> RGB:
    channels = tuple(value)
    if len(channels) != 3 or not all(
        isinstance(c, int | np.integer) and 0 <= c <= 255 for c in channels
    ):
        raise ValueError(f"{name} must be three integers 0..255, got {value!r}")
    return (int(channels[0]), int(channels[1]), int(channels[2]))


def _pack(rgb: RGB) -> np.uint32:
    """An opaque colour as the uint32 that a pixel of a `_packed` view holds."""
    packed: np.uint32 = np.array([*rgb, 255], dtype=np.uint8).view(np.uint32)[0]
    return packed


def _packed(image: NDArray[np.uint8]) -> NDArray[np.uint32]:
    """(H, W, 4) uint8 viewed as (H, W) uint32: one compare per pixel, RGBA all at once."""
    return image.view(np.uint32).reshape(image.shape[:2])


def _identical(img1: NDArray[np.uint8], img2: NDArray[np.uint8]) -> bool:
    # Widest view the byte count allows: 8 bytes a compare instead of 1.
    if img1.size % 8 == 0:
        return bool(
            np.array_equal(img1.reshape(-1).view(np.uint64), img2.reshape(-1).view(np.uint64))
        )
    return bool(np.array_equal(img1, img2))


def _windows(px1: NDArray[np.uint32], px2: NDArray[np.uint32]) -> Iterator[Window]:
    """Disjoint inner rectangles covering every differing pixel, each with its 2 px margin.

    Band by band, so no mask of the whole image is held.
    """
    height, width = px1.shape
    for top in range(0, height, _BAND_ROWS):
        bottom = min(top + _BAND_ROWS, height)
        band = px1[top:bottom] != px2[top:bottom]
        cols = np.flatnonzero(band.any(axis=0))
        if cols.shape[0] == 0:
            continue
        breaks = np.flatnonzero(np.diff(cols) > _COLUMN_GAP)
        starts = np.concatenate(([cols[0]], cols[breaks + 1]))
        stops = np.concatenate((cols[breaks], [cols[-1]])) + 1
        for x0, x1 in zip(starts.tolist(), stops.tolist(), strict=True):
            rows = np.flatnonzero(band[:, x0:x1].any(axis=1))
            yield Window.around(top + int(rows[0]), top + int(rows[-1]) + 1, x0, x1, height, width)
