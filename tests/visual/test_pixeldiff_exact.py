"""Floating point: the vectorised formulas give the reference's floats bit for bit.

A count can only stay equal if every delta compared against the threshold is the same
float, so the YIQ delta, the brightness delta and the grey fade are checked value by
value against the pure-Python functions, and thresholds are put exactly on, just
below and just above deltas that occur.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pixelmatch.utils import color_delta as reference_delta
from pixelmatch.utils import draw_gray_pixel

from sitewise.visual._pixelcore import brightness, color_delta, grey_fade
from sitewise.visual.pixeldiff import compare
from tests.visual.data.cases import Options, page, reference


def _pixels(rng: np.random.Generator, n: int) -> np.ndarray:
    px = rng.integers(0, 256, (n, 4)).astype(np.uint8)
    kinds = rng.integers(0, 4, n)
    px[kinds == 0, 3] = 255  # opaque
    px[kinds == 1, 3] = rng.choice([0, 1, 127, 128, 254], int((kinds == 1).sum()))
    px[kinds == 2, :3] = 255  # white at some alpha blends to white
    return px


def test_colour_delta_is_bitwise_the_reference() -> None:
    rng = np.random.default_rng(5)
    px1, px2 = _pixels(rng, 20000), _pixels(rng, 20000)
    # Small steps too: the deltas near thresholds come from near-equal colours.
    px2[:5000] = np.clip(px1[:5000].astype(np.int64) + rng.integers(-2, 3, (5000, 4)), 0, 255)
    delta, brighter = color_delta(px1, px2)
    bright1, bright2 = brightness(px1), brightness(px2)
    for k in range(px1.shape[0]):
        a, b = px1[k].tolist(), px2[k].tolist()
        expected = reference_delta(a, b, 0, 0)
        y_only = reference_delta(a, b, 0, 0, True)
        # The reference returns 0 early for equal RGBA; the formula gives 0 there too.
        assert delta[k] == expected, (a, b)
        assert (bright1[k] - bright2[k]) == y_only, (a, b)
        assert bool(brighter[k]) == (y_only > 0), (a, b)
        assert math.copysign(1.0, float(delta[k])) == 1.0


@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.2, 0.37, 0.999, 1.0])
def test_grey_fade_is_bitwise_the_reference(alpha: float) -> None:
    rng = np.random.default_rng(int(alpha * 1000))
    img = _pixels(rng, 6000).reshape(40, 150, 4)
    img[0, :4] = ((0, 0, 0, 255), (255, 255, 255, 255), (255, 255, 255, 0), (0, 0, 0, 0))
    out = np.zeros_like(img)
    grey_fade(img, alpha, out)
    flat = img.reshape(-1).tolist()
    expected: list[int | float] = [0] * len(flat)
    for i in range(img.shape[0] * img.shape[1]):
        draw_gray_pixel(flat, 4 * i, alpha, expected)
    assert out.reshape(-1).tolist() == expected


def _threshold_on(delta: float) -> float | None:
    """A threshold t with 35215 * t * t == delta exactly, if a float t near the root has it."""
    t = math.sqrt(delta / 35215)
    for _ in range(4):
        t = math.nextafter(t, 0.0)
    for _ in range(9):
        if 35215 * t * t == delta:
            return t
        t = math.nextafter(t, 1.0)
    return None


def test_thresholds_on_a_delta_compare_like_the_reference() -> None:
    # A pixel counts when delta > max_delta: equal is not enough. One-pixel images have
    # no neighbours, so the threshold alone decides.
    rng = np.random.default_rng(9)
    checked = 0
    while checked < 60:
        px1, px2 = _pixels(rng, 1), _pixels(rng, 1)
        delta = reference_delta(px1[0].tolist(), px2[0].tolist(), 0, 0)
        if not 0 < delta <= 35215:
            continue
        on = _threshold_on(delta)
        if on is None or on > 1.0:
            continue
        img1, img2 = px1.reshape(1, 1, 4), px2.reshape(1, 1, 4)
        below, above = math.nextafter(on, 0.0), math.nextafter(on, 1.0)
        expected = {t: reference(img1, img2, Options(threshold=t))[0] for t in (below, on, above)}
        assert expected == {below: 1, on: 0, above: 0}
        for t, count in expected.items():
            assert compare(img1, img2, threshold=t).diff_pixels == count
        checked += 1


def test_threshold_boundaries_in_a_rendered_window() -> None:
    # Thresholds right on the deltas that occur in a real diff, with anti-aliasing on.
    img1 = page("settings_base")[70:130, 20:200].copy()
    img2 = page("settings_subpixel")[70:130, 20:200].copy()
    rng = np.random.default_rng(3)
    ys, xs = np.nonzero(np.any(img1 != img2, axis=2))
    tried = 0
    for k in rng.permutation(ys.shape[0]):
        if tried == 3:
            break
        delta = reference_delta(img1[ys[k], xs[k]].tolist(), img2[ys[k], xs[k]].tolist(), 0, 0)
        on = _threshold_on(delta)
        if on is None or on > 1.0:
            continue
        for t in (math.nextafter(on, 0.0), on, math.nextafter(on, 1.0)):
            count, image = reference(img1, img2, Options(threshold=t))
            result = compare(img1, img2, threshold=t)
            assert result.diff_pixels == count
            assert result.diff_image is not None
            assert np.array_equal(result.diff_image, image)
        tried += 1
    assert tried == 3
