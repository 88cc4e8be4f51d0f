"""The reference comparison, and generators of image pairs for checking against it.

`reference` runs the pure-Python `pixelmatch` package (the algorithm of mapbox
pixelmatch 5.3.0, one pixel at a time). Every generator takes a seeded
`random.Random`-like numpy Generator, so a failing case is reproduced by its seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from pixelmatch import pixelmatch
from pixelmatch.utils import color_delta

from sitewise.visual.pixeldiff import load_png

DATA_DIR = Path(__file__).resolve().parent
Image8 = NDArray[np.uint8]

# (base, variant) pairs rendered in Chromium; see render.py for what each variant changes.
BROWSER_PAIRS = (
    ("settings_base", "settings_text"),
    ("settings_base", "settings_button"),
    ("settings_base", "settings_subpixel"),
    ("settings_base", "settings_subpixel_y"),
    ("settings_base", "settings_shift"),
    ("dashboard_base", "dashboard_text"),
)


@cache
def stored(name: str) -> Image8:
    """A stored page, read once; callers get their own copy."""
    return load_png(DATA_DIR / f"{name}.png")


def page(name: str) -> Image8:
    return stored(name).copy()


@dataclass(frozen=True)
class Options:
    """compare()'s options; `kwargs()` for compare, `reference` maps them for pixelmatch."""

    threshold: float = 0.2
    include_aa: bool = False
    alpha: float = 0.1
    aa_color: tuple[int, int, int] = (255, 255, 0)
    diff_color: tuple[int, int, int] = (255, 0, 0)
    diff_color_alt: tuple[int, int, int] | None = None
    diff_mask: bool = False

    def kwargs(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "include_aa": self.include_aa,
            "alpha": self.alpha,
            "aa_color": self.aa_color,
            "diff_color": self.diff_color,
            "diff_color_alt": self.diff_color_alt,
            "diff_mask": self.diff_mask,
        }


def reference(img1: Image8, img2: Image8, options: Options = Options()) -> tuple[int, Image8]:
    """Count and diff image from the pure-Python pixelmatch, output starting all zeros.

    That package predates pixelmatch's `diffColorAlt`; for it, counted pixels are found
    with a marker colour and recoloured by 5.3.0's rule: the alternative colour where
    img1's pixel is brighter, i.e. where the reference's own brightness delta
    (`color_delta(..., y_only=True)`) is positive.
    """
    height, width = img1.shape[:2]
    marker = (1, 2, 3) if options.aa_color != (1, 2, 3) else (4, 5, 6)
    alt = options.diff_color_alt
    out = bytearray(img1.size)
    data1 = img1.tobytes()
    data2 = img2.tobytes()
    count = pixelmatch(
        data1,
        data2,
        width,
        height,
        cast(Any, out),
        threshold=options.threshold,
        includeAA=options.include_aa,
        alpha=options.alpha,
        aa_color=options.aa_color,
        diff_color=options.diff_color if alt is None else marker,
        diff_mask=options.diff_mask,
    )
    image = np.frombuffer(bytes(out), dtype=np.uint8).reshape(img1.shape).copy()
    if alt is not None:
        marked = np.all(image == np.array([*marker, 255], dtype=np.uint8), axis=2)
        for y, x in zip(*np.nonzero(marked), strict=True):
            pos = (int(y) * width + int(x)) * 4
            brighter = color_delta(data1, data2, pos, pos, True) > 0
            image[y, x, :3] = alt if brighter else options.diff_color
    return count, image


# ---------------------------------------------------------------------------------------
# Pair generators: rng -> (img1, img2). Kept small (at most ~200x160) so the pure-Python
# reference stays quick.


def _crop_size(rng: np.random.Generator) -> tuple[int, int]:
    return int(rng.integers(24, 201)), int(rng.integers(20, 161))


def _page_crop(rng: np.random.Generator) -> Image8:
    name = str(rng.choice(["settings_base", "dashboard_base", "settings_text"]))
    img = page(name)
    w, h = _crop_size(rng)
    y = int(rng.integers(0, img.shape[0] - h + 1))
    x = int(rng.integers(0, img.shape[1] - w + 1))
    return img[y : y + h, x : x + w].copy()


def _edge_biased_box(
    rng: np.random.Generator, height: int, width: int
) -> tuple[int, int, int, int]:
    """A box (y0, y1, x0, x1); often touching an edge or a corner of the image."""
    bh = int(rng.integers(1, max(2, height // 2)))
    bw = int(rng.integers(1, max(2, width // 2)))
    y0 = int(rng.integers(0, height - bh + 1))
    x0 = int(rng.integers(0, width - bw + 1))
    where = rng.random()
    if where < 0.15:
        y0 = 0
    elif where < 0.3:
        y0 = height - bh
    where = rng.random()
    if where < 0.15:
        x0 = 0
    elif where < 0.3:
        x0 = width - bw
    return y0, y0 + bh, x0, x0 + bw


def browser_crop(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """A window of two Chromium renders (text, button, 0.5 px and 1 px moves)."""
    base, variant = BROWSER_PAIRS[int(rng.integers(0, len(BROWSER_PAIRS)))]
    img1, img2 = page(base), page(variant)
    height, width = img1.shape[:2]
    w, h = _crop_size(rng)
    ys, xs = np.nonzero(np.any(img1 != img2, axis=2))
    if ys.shape[0] and rng.random() < 0.85:
        k = int(rng.integers(0, ys.shape[0]))
        y = int(np.clip(ys[k] - rng.integers(0, h), 0, height - h))
        x = int(np.clip(xs[k] - rng.integers(0, w), 0, width - w))
    else:
        y = int(rng.integers(0, height - h + 1))
        x = int(rng.integers(0, width - w + 1))
    return img1[y : y + h, x : x + w].copy(), img2[y : y + h, x : x + w].copy()


def rectangles(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """Filled or blended rectangles, some on edges and corners."""
    img1 = _page_crop(rng)
    img2 = img1.copy()
    for _ in range(int(rng.integers(1, 4))):
        y0, y1, x0, x1 = _edge_biased_box(rng, *img1.shape[:2])
        colour = rng.integers(0, 256, 3)
        if rng.random() < 0.5:
            img2[y0:y1, x0:x1, :3] = colour
        else:
            # A translucent overlay, like a hover or focus tint.
            weight = float(rng.uniform(0.02, 0.6))
            region = img2[y0:y1, x0:x1, :3].astype(np.float64)
            img2[y0:y1, x0:x1, :3] = np.round(region * (1 - weight) + colour * weight).astype(
                np.uint8
            )
    return img1, img2


def text_change(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """Anti-aliased text redrawn differently in the same place (Pillow's FreeType font)."""
    img1 = _page_crop(rng)
    height, width = img1.shape[:2]
    size = int(rng.integers(9, 22))
    font = ImageFont.load_default(size=size)
    words = ["Save", "Saved", "Cancel", "Settings", "Privacy", "Email", "Theme", "Digest"]
    x = int(rng.integers(-4, max(1, width - 20)))
    y = int(rng.integers(-4, max(1, height - size)))
    ink = tuple(int(c) for c in rng.integers(0, 256, 3))
    first = Image.fromarray(img1)
    ImageDraw.Draw(first).text((x, y), str(rng.choice(words)), font=font, fill=ink)
    second = Image.fromarray(img1)
    change = rng.random()
    text = str(rng.choice(words))
    dx, dy = (1, 0) if change < 0.3 else (0, 0)
    ImageDraw.Draw(second).text((x + dx, y + dy), text, font=font, fill=ink)
    return np.array(first), np.array(second)


def shifted(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """The whole image, or a region of it, moved by 1 px."""
    img1 = _page_crop(rng)
    img2 = img1.copy()
    axis = int(rng.integers(0, 2))
    step = int(rng.choice([-1, 1]))
    if rng.random() < 0.5:
        img2 = np.roll(img1, step, axis=axis)
        # Repeat the edge instead of wrapping around, as a page shift would show.
        if axis == 0:
            img2[0 if step == 1 else -1] = img1[0 if step == 1 else -1]
        else:
            img2[:, 0 if step == 1 else -1] = img1[:, 0 if step == 1 else -1]
    else:
        y0, y1, x0, x1 = _edge_biased_box(rng, *img1.shape[:2])
        img2[y0:y1, x0:x1] = np.roll(img1[y0:y1, x0:x1], step, axis=axis)
    return img1, img2


def single_pixels(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """A few pixels changed, by a little or a lot, corners and edges included."""
    img1 = _page_crop(rng)
    img2 = img1.copy()
    height, width = img1.shape[:2]
    spots = [(0, 0), (0, width - 1), (height - 1, 0), (height - 1, width - 1)]
    for _ in range(int(rng.integers(1, 12))):
        if rng.random() < 0.3:
            y, x = spots[int(rng.integers(0, 4))]
        else:
            y, x = int(rng.integers(0, height)), int(rng.integers(0, width))
        if rng.random() < 0.5:
            step = rng.integers(-40, 41, 3)
            img2[y, x, :3] = np.clip(img2[y, x, :3].astype(np.int64) + step, 0, 255)
        else:
            img2[y, x, :3] = rng.integers(0, 256, 3)
    return img1, img2


def alpha_change(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """Translucent images: changed alpha in a region, or colour changes under some alpha."""
    img1 = _page_crop(rng)
    height, width = img1.shape[:2]
    if rng.random() < 0.5:
        img1[..., 3] = rng.integers(0, 256, (height, width))
    else:
        img1[..., 3] = int(rng.integers(0, 256))
    img2 = img1.copy()
    y0, y1, x0, x1 = _edge_biased_box(rng, height, width)
    if rng.random() < 0.5:
        img2[y0:y1, x0:x1, 3] = rng.integers(0, 256)
    else:
        img2[y0:y1, x0:x1, :3] = rng.integers(0, 256, 3)
        img2[y0:y1, x0:x1, 3] = rng.integers(0, 256, (y1 - y0, x1 - x0))
    return img1, img2


def aa_shapes(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """Anti-aliased shapes and text at two sub-pixel positions (pixelmatch's 1a/1b kind)."""
    scale = 4
    width, height = int(rng.integers(40, 161)), int(rng.integers(30, 121))
    background = tuple(int(c) for c in rng.integers(0, 256, 3))
    items = []
    for _ in range(int(rng.integers(2, 7))):
        kind = int(rng.integers(0, 4))
        box = sorted(rng.integers(0, width * scale, 2)), sorted(rng.integers(0, height * scale, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        items.append((kind, box, colour, int(rng.integers(1, 4)) * scale))
    text = str(rng.choice(["Ag", "pixel", "42%", "Wy"]))
    font = ImageFont.load_default(size=int(rng.integers(10, 24)) * scale)

    def draw(dx: int, dy: int) -> Image8:
        canvas = Image.new("RGB", (width * scale, height * scale), background)
        pen = ImageDraw.Draw(canvas)
        for kind, ((x0, x1), (y0, y1)), colour, line in items:
            xy = (x0 + dx, y0 + dy, x1 + dx, max(y1, y0 + 1) + dy)
            if kind == 0:
                pen.ellipse(xy, outline=colour, width=line)
            elif kind == 1:
                pen.line(xy, fill=colour, width=line)
            elif kind == 2:
                pen.rounded_rectangle(xy, radius=3 * scale, fill=colour)
            else:
                pen.polygon([(xy[0], xy[3]), ((xy[0] + xy[2]) / 2, xy[1]), (xy[2], xy[3])], colour)
        pen.text((width + dx, height + dy), text, font=font, fill=(0, 0, 0))
        small = canvas.resize((width, height), Image.Resampling.BOX).convert("RGBA")
        return np.array(small)

    first = draw(0, 0)
    moved = (int(rng.integers(0, scale)), int(rng.integers(0, scale)))
    return first, draw(*moved) if moved != (0, 0) else draw(1, 2)


def palette_noise(rng: np.random.Generator) -> tuple[Image8, Image8]:
    """Few colours, so equal siblings, equal brightness and ties are everywhere."""
    height, width = int(rng.integers(1, 40)), int(rng.integers(1, 40))
    colours = rng.integers(0, 256, (int(rng.integers(2, 5)), 4)).astype(np.uint8)
    if rng.random() < 0.6:
        colours[:, 3] = 255
    if rng.random() < 0.3:
        # White at any alpha blends to white: different RGBA, brightness delta exactly 0.
        colours[0] = (255, 255, 255, 255)
        colours[1] = (255, 255, 255, int(rng.integers(0, 255)))
    img1 = colours[rng.integers(0, colours.shape[0], (height, width))]
    img2 = img1.copy()
    changed = rng.random((height, width)) < rng.uniform(0.02, 0.5)
    img2[changed] = colours[rng.integers(0, colours.shape[0], int(changed.sum()))]
    return img1, img2


GENERATORS: dict[str, Callable[[np.random.Generator], tuple[Image8, Image8]]] = {
    "browser_crop": browser_crop,
    "rectangles": rectangles,
    "text_change": text_change,
    "shifted": shifted,
    "single_pixels": single_pixels,
    "alpha_change": alpha_change,
    "aa_shapes": aa_shapes,
    "palette_noise": palette_noise,
}


def random_options(rng: np.random.Generator) -> Options:
    """Mostly Playwright's defaults; now and then other thresholds and output options."""
    if rng.random() < 0.5:
        return Options()
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    return Options(
        threshold=float(rng.choice([0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.6, 1.0])),
        include_aa=bool(rng.random() < 0.2),
        alpha=float(rng.choice([0.0, 0.1, 0.35, 1.0])),
        aa_color=(255, 255, 0) if rng.random() < 0.7 else (0, 128, 255),
        diff_color=(255, 0, 0) if rng.random() < 0.7 else (colour[0], colour[1], colour[2]),
        diff_color_alt=None if rng.random() < 0.7 else (0, 200, 0),
        diff_mask=bool(rng.random() < 0.2),
    )


@dataclass(frozen=True)
class Case:
    kind: str
    seed: int
    img1: Image8 = field(repr=False)
    img2: Image8 = field(repr=False)
    options: Options


def make_case(kind: str, seed: int) -> Case:
    rng = np.random.default_rng([seed, list(GENERATORS).index(kind)])
    img1, img2 = GENERATORS[kind](rng)
    return Case(kind, seed, img1, img2, random_options(rng))
