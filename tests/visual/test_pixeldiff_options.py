"""compare()'s options and errors, DiffResult, and the PNG helpers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sitewise.visual.pixeldiff import DiffResult, compare, load_png, save_png
from tests.visual.data.cases import Image8, Options, page, reference


def _pair(name: str = "settings_subpixel") -> tuple[Image8, Image8]:
    # A window of the 0.5 px move: counted pixels and anti-aliasing side by side.
    img1, img2 = page("settings_base"), page(name)
    return img1[60:200, 10:250].copy(), img2[60:200, 10:250].copy()


def _same(img1: Image8, img2: Image8, options: Options) -> DiffResult:
    count, image = reference(img1, img2, options)
    result = compare(img1, img2, **options.kwargs())
    assert result.diff_pixels == count
    assert result.diff_image is not None
    assert np.array_equal(result.diff_image, image)
    return result


def _colour_count(image: Image8 | None, rgba: tuple[int, int, int, int]) -> int:
    assert image is not None
    return int(np.count_nonzero(np.all(image == rgba, axis=2)))


@pytest.mark.parametrize("threshold", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_threshold_matches_reference(threshold: float) -> None:
    img1, img2 = _pair()
    _same(img1, img2, Options(threshold=threshold))


def test_threshold_extremes() -> None:
    img1, img2 = _pair()
    loosest = compare(img1, img2, threshold=1.0)
    strictest = compare(img1, img2, threshold=0.0)
    default = compare(img1, img2)
    assert loosest.diff_pixels == 0
    assert strictest.diff_pixels >= default.diff_pixels > 0
    # At 0 any colour change counts unless it is anti-aliasing; with include_aa, every
    # pixel whose blended colour changed counts.
    everything = compare(img1, img2, threshold=0.0, include_aa=True)
    assert everything.diff_pixels == int(np.count_nonzero(np.any(img1 != img2, axis=2)))


def test_include_aa_counts_what_detection_skips() -> None:
    img1, img2 = _pair()
    detected = _same(img1, img2, Options())
    included = _same(img1, img2, Options(include_aa=True))
    assert included.diff_pixels > detected.diff_pixels
    assert _colour_count(included.diff_image, (255, 255, 0, 255)) == 0
    skipped = _colour_count(detected.diff_image, (255, 255, 0, 255))
    assert detected.diff_pixels + skipped == included.diff_pixels


def test_diff_mask_draws_counted_pixels_on_transparent() -> None:
    img1, img2 = _pair()
    result = _same(img1, img2, Options(diff_mask=True))
    assert result.diff_image is not None
    red = np.all(result.diff_image == (255, 0, 0, 255), axis=2)
    assert int(red.sum()) == result.diff_pixels > 0
    assert not np.any(result.diff_image[~red])


@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.5, 1.0])
def test_alpha_fades_the_expected_image(alpha: float) -> None:
    img1, img2 = _pair()
    result = _same(img1, img2, Options(alpha=alpha))
    assert result.diff_image is not None
    unchanged = np.all(img1 == img2, axis=2)
    grey = result.diff_image[unchanged]
    assert np.all(grey[:, 0] == grey[:, 1])
    assert np.all(grey[:, 1] == grey[:, 2])
    if alpha == 0.0:
        assert np.all(grey[:, :3] == 255)
    else:
        assert grey[:, 0].min() < 255


def test_custom_colours() -> None:
    img1, img2 = _pair()
    options = Options(aa_color=(0, 128, 255), diff_color=(10, 20, 30))
    result = _same(img1, img2, options)
    assert _colour_count(result.diff_image, (10, 20, 30, 255)) == result.diff_pixels
    assert _colour_count(result.diff_image, (0, 128, 255, 255)) > 0


def test_diff_color_alt_marks_where_actual_got_darker() -> None:
    img1 = np.full((20, 30, 4), 255, dtype=np.uint8)
    img2 = img1.copy()
    img2[2:8, 2:8, :3] = 0  # darker in actual
    img1[10:16, 10:16, :3] = 0  # lighter in actual
    result = _same(img1, img2, Options(diff_color_alt=(0, 200, 0)))
    assert result.diff_image is not None
    assert np.all(result.diff_image[2:8, 2:8] == (0, 200, 0, 255))
    assert np.all(result.diff_image[10:16, 10:16] == (255, 0, 0, 255))
    assert result.diff_pixels == 72


def test_diff_color_alt_on_rendered_pages() -> None:
    img1, img2 = _pair("settings_text")
    for options in (
        Options(diff_color_alt=(0, 200, 0)),
        Options(diff_color_alt=(0, 200, 0), diff_mask=True, threshold=0.05),
    ):
        result = _same(img1, img2, options)
        assert _colour_count(result.diff_image, (0, 200, 0, 255)) > 0


def test_want_diff_image_false_gives_the_count_only() -> None:
    img1, img2 = _pair()
    with_image = compare(img1, img2)
    without = compare(img1, img2, want_diff_image=False)
    assert without.diff_image is None
    assert without == with_image  # the image is not part of equality
    assert compare(img1, img1.copy(), want_diff_image=False) == DiffResult(0, img1.shape[0] * 240)


def test_inputs_are_not_modified_and_views_work() -> None:
    img1, img2 = page("settings_base"), page("settings_button")
    before1, before2 = img1.copy(), img2.copy()
    result = compare(img1, img2)
    assert np.array_equal(img1, before1)
    assert np.array_equal(img2, before2)
    # Non-contiguous views (a strided crop, a transposed image) give the copies' answers.
    view1, view2 = img1[::2, 3::2], img2[::2, 3::2]
    assert not view1.flags.c_contiguous
    _same(np.ascontiguousarray(view1), np.ascontiguousarray(view2), Options())
    strided = compare(view1, view2)
    copied = compare(view1.copy(), view2.copy())
    assert strided.diff_pixels == copied.diff_pixels
    assert strided.diff_image is not None
    assert copied.diff_image is not None
    assert np.array_equal(strided.diff_image, copied.diff_image)
    turned = compare(img1.transpose(1, 0, 2), img2.transpose(1, 0, 2))
    assert turned.total_pixels == result.total_pixels


def test_size_mismatch_names_both_sizes() -> None:
    expected = np.zeros((720, 1280, 4), dtype=np.uint8)
    actual = np.zeros((721, 1280, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match="1280x720") as caught:
        compare(expected, actual)
    assert "1280x721" in str(caught.value)
    with pytest.raises(ValueError, match=r"expected is 3x2, actual is 2x3"):
        compare(np.zeros((2, 3, 4), np.uint8), np.zeros((3, 2, 4), np.uint8))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((4, 4, 3), dtype=np.uint8), r"\(height, width, 4\) uint8"),
        (np.zeros((4, 4, 4), dtype=np.float32), "float32"),
        (np.zeros((4, 16), dtype=np.uint8), r"\(4, 16\)"),
        ([[0, 0, 0, 0]], "numpy array"),
    ],
)
def test_bad_arrays_are_refused(image: object, message: str) -> None:
    good = np.zeros((4, 4, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match=message):
        compare(image, good)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="actual"):
        compare(good, image)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("threshold", -0.1),
        ("threshold", 1.5),
        ("threshold", float("nan")),
        ("alpha", 1.01),
        ("aa_color", (256, 0, 0)),
        ("diff_color", (1, 2)),
        ("diff_color_alt", (0.5, 0, 0)),
    ],
)
def test_bad_options_are_refused(option: str, value: object) -> None:
    img = np.zeros((4, 4, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match=option):
        compare(img, img, **{option: value})  # type: ignore[arg-type]


def test_diff_result_is_frozen_and_reports_a_ratio() -> None:
    result = compare(*_pair())
    assert result.ratio == result.diff_pixels / result.total_pixels
    assert 0 < result.ratio < 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.diff_pixels = 0  # type: ignore[misc]
    empty = compare(np.zeros((0, 7, 4), np.uint8), np.zeros((0, 7, 4), np.uint8))
    assert (empty.diff_pixels, empty.total_pixels, empty.ratio) == (0, 0, 0.0)


@pytest.mark.parametrize(("height", "width"), [(1, 1), (1, 37), (29, 1), (2, 2), (3, 40)])
def test_thin_images_follow_the_edge_rules(height: int, width: int) -> None:
    for seed in range(6):
        rng = np.random.default_rng([seed, height, width])
        colours = rng.integers(0, 256, (3, 4)).astype(np.uint8)
        colours[:, 3] = 255
        img1 = colours[rng.integers(0, 3, (height, width))]
        img2 = img1.copy()
        changed = rng.random((height, width)) < 0.4
        img2[changed] = colours[rng.integers(0, 3, int(changed.sum()))]
        _same(img1, img2, Options(threshold=0.05))


def test_many_windows_across_bands_and_column_gaps() -> None:
    # Changes on both sides of the 64-row band boundaries, and clusters whose gaps are
    # just under and over the column gap, so windows split and join in every way.
    rng = np.random.default_rng(11)
    img1 = page("settings_base")[:300].copy()
    img2 = img1.copy()
    for y in (0, 62, 63, 64, 65, 127, 128, 191, 250, 299):
        x = int(rng.integers(0, 470))
        img2[y, x : x + 8, :3] = 255 - img2[y, x : x + 8, :3]
    for x in (5, 38, 72, 140, 180, 205, 430, 479):
        img2[200:210, x, :3] = 0
    # And a block moved by 1 px, spanning two bands.
    img2[100:160, 300:420] = np.roll(img1[100:160, 300:420], 1, axis=1)
    result = _same(img1, img2, Options())
    assert result.diff_pixels > 0


def test_load_and_save_png(tmp_path: Path) -> None:
    img = page("dashboard_base")
    img[0, 0] = (1, 2, 3, 4)
    target = tmp_path / "out.png"
    save_png(img, target)
    assert np.array_equal(load_png(target), img)
    assert np.array_equal(load_png(str(target)), img)
    assert np.array_equal(load_png(target.read_bytes()), img)
    loaded = load_png(target)
    assert loaded.flags.writeable
    assert loaded.dtype == np.uint8


def test_load_png_gives_rgba_for_other_modes(tmp_path: Path) -> None:
    rgb = Image.new("RGB", (5, 3), (10, 20, 30))
    rgb.save(tmp_path / "rgb.png")
    grey = Image.new("L", (2, 2), 77)
    grey.save(tmp_path / "grey.png")
    assert load_png(tmp_path / "rgb.png").shape == (3, 5, 4)
    assert np.all(load_png(tmp_path / "rgb.png") == (10, 20, 30, 255))
    assert np.all(load_png(tmp_path / "grey.png") == (77, 77, 77, 255))


def test_save_png_refuses_what_is_not_rgba(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RGBA"):
        save_png(np.zeros((3, 3, 3), dtype=np.uint8), tmp_path / "x.png")
