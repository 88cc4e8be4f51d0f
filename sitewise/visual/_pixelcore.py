"""Vectorised pixelmatch 5.3.0: the YIQ colour delta, anti-aliasing detection and grey fade.

Every float expression here repeats the reference's operations in the reference's order
(`a * b + c * d + e * f` is `(a*b + c*d) + e*f` in JavaScript, Python and numpy alike),
in float64, one IEEE operation per numpy ufunc, so each pixel's delta, and so each
comparison against the threshold, is the same bit for bit. numpy never fuses a
multiply-add across ufunc calls.

The verdict on a pixel reads its 3x3 neighbourhood and the 3x3 neighbourhoods of its
darkest and brightest neighbours, so nothing farther than 2 px away. `window_verdicts`
therefore works on a window of the image that reaches at least 2 px past the pixels it
judges (or up to the image edge), and takes the image-edge rules from the window's
position in the full image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

U8Image = NDArray[np.uint8]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]
Index = NDArray[np.intp]

# rgb2y / rgb2i / rgb2q coefficients and the YIQ delta weights, as in pixelmatch.
_Y_R, _Y_G, _Y_B = 0.29889531, 0.58662247, 0.11448223
_I_R, _I_G, _I_B = 0.59597799, 0.27417610, 0.32180189
_Q_R, _Q_G, _Q_B = 0.21147017, 0.52261711, 0.31114694
_W_Y, _W_I, _W_Q = 0.5053, 0.299, 0.1957

# The reference visits the 8 neighbours with x in the outer loop and y in the inner one;
# the first darkest / brightest neighbour in that order wins ties, so keep the order.
NEIGHBOURS: tuple[tuple[int, int], ...] = (
    (-1, -1),
    (-1, 0),
    (-1, 1),
    (0, -1),
    (0, 1),
    (1, -1),
    (1, 0),
    (1, 1),
)  # (dx, dy)

# Grey fade is computed in slices of this many pixels so the float temporaries stay in cache.
_GREY_CHUNK = 1 << 15


def blended_rgb(px: U8Image) -> tuple[F64, F64, F64]:
    """The pixels' colour blended with white by their alpha (pixelmatch `blend`).

    `px` is (..., 4) RGBA. An opaque pixel is taken as is, like the reference, which
    blends only when alpha < 255 (blending it would give the same value anyway: a/255 is
    exactly 1.0).
    """
    r = px[..., 0].astype(np.float64)
    g = px[..., 1].astype(np.float64)
    b = px[..., 2].astype(np.float64)
    a = px[..., 3]
    translucent = a < 255
    if translucent.any():
        af = a.astype(np.float64) / 255.0
        # 255 + (c - 255) * a, as the reference writes it.
        r = np.where(translucent, 255.0 + (r - 255.0) * af, r)
        g = np.where(translucent, 255.0 + (g - 255.0) * af, g)
        b = np.where(translucent, 255.0 + (b - 255.0) * af, b)
    return r, g, b


def rgb2y(r: F64, g: F64, b: F64) -> F64:
    return r * _Y_R + g * _Y_G + b * _Y_B


def rgb2i(r: F64, g: F64, b: F64) -> F64:
    return r * _I_R - g * _I_G - b * _I_B


def rgb2q(r: F64, g: F64, b: F64) -> F64:
    return r * _Q_R - g * _Q_G + b * _Q_B


def color_delta(px1: U8Image, px2: U8Image) -> tuple[F64, Bool]:
    """Squared YIQ distance of pixel pairs (n, 4), and whether the first pixel is brighter.

    The second value is the sign pixelmatch 5.3.0 encodes in its delta (`y1 > y2`), which
    picks `diffColorAlt`. Pairs whose RGBA is equal give 0.0, as in the reference.
    """
    r1, g1, b1 = blended_rgb(px1)
    r2, g2, b2 = blended_rgb(px2)
    y1 = rgb2y(r1, g1, b1)
    y2 = rgb2y(r2, g2, b2)
    y = y1 - y2
    i = rgb2i(r1, g1, b1) - rgb2i(r2, g2, b2)
    q = rgb2q(r1, g1, b1) - rgb2q(r2, g2, b2)
    delta: F64 = _W_Y * y * y + _W_I * i * i + _W_Q * q * q
    return delta, y1 > y2


def brightness(px: U8Image) -> F64:
    """Per-pixel Y of the white-blended colour; Y[c] - Y[n] is the reference's `yOnly` delta."""
    return rgb2y(*blended_rgb(px))


def grey_fade(img: U8Image, alpha: float, out: U8Image) -> None:
    """Write pixelmatch's `drawGrayPixel` of every pixel of `img` (H, W, 4) into `out`.

    val = 255 + (rgb2y(r, g, b) - 255) * (alpha * a / 255) on the raw, unblended colour,
    truncated to uint8 like a JavaScript Uint8Array store (and Python's int()). Both
    arrays must be C-contiguous.
    """
    flat = img.reshape(-1, 4)
    dst = out.reshape(-1).view(np.uint32)
    n = flat.shape[0]
    fade_opaque = alpha * 255 / 255
    # grey * (1, 1, 1, 0) + (0, 0, 0, 255), byte-wise, is the pixel (grey, grey, grey, 255).
    spread = np.array([1, 1, 1, 0], dtype=np.uint8).view(np.uint32)[0]
    opaque_alpha = np.array([0, 0, 0, 255], dtype=np.uint8).view(np.uint32)[0]
    size = min(_GREY_CHUNK, n)
    acc = np.empty(size, dtype=np.float64)
    tmp = np.empty(size, dtype=np.float64)
    grey = np.empty(size, dtype=np.uint32)
    for start in range(0, n, _GREY_CHUNK):
        stop = min(n, start + _GREY_CHUNK)
        m = stop - start
        y = acc[:m]
        t = tmp[:m]
        g = grey[:m]
        block = flat[start:stop]
        np.multiply(block[:, 0], _Y_R, out=y)
        np.multiply(block[:, 1], _Y_G, out=t)
        y += t
        np.multiply(block[:, 2], _Y_B, out=t)
        y += t
        y -= 255.0
        if block[:, 3].min() == 255:
            y *= fade_opaque
        else:
            np.multiply(block[:, 3], alpha, out=t)
            t /= 255.0
            y *= t
        y += 255.0
        # Values lie in [0, 255.0000026]: the cast truncates them like int() does.
        np.copyto(g, y, casting="unsafe")
        g *= spread
        g |= opaque_alpha
        dst[start:stop] = g


@dataclass(frozen=True)
class Window:
    """A rectangle of the image to work on, and the part of it whose pixels are judged.

    Coordinates are in the full image; stop values are exclusive. The window must reach
    2 px past `inner` on each side, or to the image edge where it is nearer.
    """

    y0: int
    y1: int
    x0: int
    x1: int
    iy0: int
    iy1: int
    ix0: int
    ix1: int

    @classmethod
    def around(cls, iy0: int, iy1: int, ix0: int, ix1: int, height: int, width: int) -> Window:
        return cls(
            max(iy0 - 2, 0),
            min(iy1 + 2, height),
            max(ix0 - 2, 0),
            min(ix1 + 2, width),
            iy0,
            iy1,
            ix0,
            ix1,
        )


@dataclass(frozen=True)
class Verdicts:
    """The pixels of a window's inner part whose delta is above the threshold.

    `ys`, `xs` are full-image coordinates; `aa[k]` says pixel k is taken for
    anti-aliasing (not counted); `img1_brighter[k]` picks `diffColorAlt` when drawn.
    """

    ys: Index
    xs: Index
    aa: Bool
    img1_brighter: Bool


def _padded_brightness(px: U8Image) -> F64:
    h, w = px.shape[:2]
    out = np.full((h + 2, w + 2), np.nan, dtype=np.float64)
    out[1:-1, 1:-1] = brightness(px)
    return out.ravel()


def _padded_colour(px: NDArray[np.uint32]) -> NDArray[np.int64]:
    h, w = px.shape
    out = np.full((h + 2, w + 2), -1, dtype=np.int64)
    out[1:-1, 1:-1] = px
    return out.ravel()


def window_verdicts(
    img1: U8Image,
    img2: U8Image,
    px1: NDArray[np.uint32],
    px2: NDArray[np.uint32],
    win: Window,
    max_delta: float,
    include_aa: bool,
) -> Verdicts:
    """Judge the pixels of `win`'s inner part whose raw RGBA differs.

    `img1`/`img2` are the full (H, W, 4) images, `px1`/`px2` the same as (H, W) uint32.
    """
    height, width = px1.shape
    inner1 = px1[win.iy0 : win.iy1, win.ix0 : win.ix1]
    inner2 = px2[win.iy0 : win.iy1, win.ix0 : win.ix1]
    ys, xs = np.nonzero(inner1 != inner2)
    ys = ys + win.iy0
    xs = xs + win.ix0
    delta, brighter = color_delta(img1[ys, xs], img2[ys, xs])
    over = delta > max_delta
    ys = ys[over]
    xs = xs[over]
    brighter = brighter[over]
    aa = np.zeros(ys.shape[0], dtype=np.bool_)
    if include_aa or ys.shape[0] == 0:
        return Verdicts(ys, xs, aa, brighter)

    # Padded copies of the window: the one-pixel border stands for "outside the image"
    # (NaN brightness equals nothing and orders against nothing; -1 is no uint32 colour).
    # Reads only ever reach that border across a real image edge, because the window
    # extends 2 px past the inner part wherever the image does.
    h = win.y1 - win.y0
    w = win.x1 - win.x0
    wp = w + 2
    sl = (slice(win.y0, win.y1), slice(win.x0, win.x1))
    bright1 = _padded_brightness(img1[sl])
    bright2 = _padded_brightness(img2[sl])
    colour1 = _padded_colour(px1[sl])
    colour2 = _padded_colour(px2[sl])
    # The reference's `zeroes` starts at 1 for a pixel on the image's edge (its x0/x2/y0/y2
    # clamping); that is the full image's edge, which is why a window's own border, unless
    # it is the image's, is never at a judged pixel or at one of its neighbours.
    edge = np.zeros((h + 2, w + 2), dtype=np.int8)
    if win.y0 == 0:
        edge[1, :] = 1
    if win.y1 == height:
        edge[h, :] = 1
    if win.x0 == 0:
        edge[:, 1] = 1
    if win.x1 == width:
        edge[:, w] = 1
    edge_flat = edge.ravel()
    offsets = np.array([dy * wp + dx for dx, dy in NEIGHBOURS], dtype=np.intp)

    centres = (ys - win.y0 + 1) * wp + (xs - win.x0 + 1)
    aa = _antialiased(bright1, colour1, colour2, edge_flat, offsets, centres)
    rest = ~aa
    if rest.any():
        aa[rest] = _antialiased(bright2, colour2, colour1, edge_flat, offsets, centres[rest])
    return Verdicts(ys, xs, aa, brighter)


def _antialiased(
    bright: F64,
    own: NDArray[np.int64],
    other: NDArray[np.int64],
    edge: NDArray[np.int8],
    offsets: Index,
    centres: Index,
) -> Bool:
    """pixelmatch `antialiased(img, x, y, width, height, img2)` for many pixels at once."""
    neighbours = centres[:, None] + offsets[None, :]
    d = bright[centres][:, None] - bright[neighbours]
    zeroes = edge[centres] + np.count_nonzero(d == 0, axis=1)
    # `delta < min` / `delta > max` keep the first extreme in visiting order: argmin and
    # argmax return the first occurrence too. Outside neighbours are NaN and drop out.
    darker = np.where(d < 0, d, 0.0)
    brighter = np.where(d > 0, d, 0.0)
    k_min = darker.argmin(axis=1)
    k_max = brighter.argmax(axis=1)
    rows = np.arange(centres.shape[0])
    result: Bool = (zeroes < 3) & (darker[rows, k_min] < 0) & (brighter[rows, k_max] > 0)
    todo = np.flatnonzero(result)
    if todo.shape[0] == 0:
        return result
    darkest = centres[todo] + offsets[k_min[todo]]
    brightest = centres[todo] + offsets[k_max[todo]]
    result[todo] = (
        _many_siblings(own, edge, offsets, darkest) & _many_siblings(other, edge, offsets, darkest)
    ) | (
        _many_siblings(own, edge, offsets, brightest)
        & _many_siblings(other, edge, offsets, brightest)
    )
    return result


def _many_siblings(
    colour: NDArray[np.int64], edge: NDArray[np.int8], offsets: Index, at: Index
) -> Bool:
    """pixelmatch `hasManySiblings`: 3+ neighbours of exactly the same RGBA (edge counts 1)."""
    same = colour[at[:, None] + offsets[None, :]] == colour[at][:, None]
    total: NDArray[np.int64] = edge[at] + np.count_nonzero(same, axis=1)
    many: Bool = total >= 3
    return many
