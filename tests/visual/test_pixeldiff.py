"""compare() against the pure-Python pixelmatch: equal counts and byte-equal diff images.

The pairs are Chromium renders of real-looking pages (tests/visual/data/*.png) and
seeded edits of them, plus Pillow-drawn anti-aliased shapes and few-colour noise.
A failing case is reproduced by its kind and seed: `make_case(kind, seed)`.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest

from sitewise.visual.pixeldiff import compare
from tests.visual.data.cases import (
    BROWSER_PAIRS,
    GENERATORS,
    Image8,
    Options,
    make_case,
    page,
    reference,
)

SEEDS_PER_KIND = 50


def assert_same_as_reference(img1: Image8, img2: Image8, options: Options) -> int:
    expected_count, expected_image = reference(img1, img2, options)
    result = compare(img1, img2, **options.kwargs())
    assert result.diff_pixels == expected_count
    assert result.total_pixels == img1.shape[0] * img1.shape[1]
    assert result.diff_image is not None
    assert result.diff_image.dtype == np.uint8
    assert result.diff_image.shape == img1.shape
    mismatched = np.argwhere(np.any(result.diff_image != expected_image, axis=2))
    assert mismatched.shape[0] == 0, f"diff image differs at (y, x) {mismatched[:5].tolist()}"
    return expected_count


@pytest.mark.parametrize(("base", "variant"), BROWSER_PAIRS)
def test_browser_renders_match_reference(base: str, variant: str) -> None:
    img1, img2 = page(base), page(variant)
    assert np.any(img1 != img2), "the variant must differ from its base"
    count = assert_same_as_reference(img1, img2, Options())
    assert count > 0


@pytest.mark.parametrize("kind", list(GENERATORS))
@pytest.mark.parametrize("seed", range(SEEDS_PER_KIND))
def test_generated_pairs_match_reference(kind: str, seed: int) -> None:
    case = make_case(kind, seed)
    assert_same_as_reference(case.img1, case.img2, case.options)


def test_generated_pairs_exercise_counting_and_anti_aliasing() -> None:
    # The equivalence above only means something if the pairs produce both verdicts.
    counted = skipped = 0
    for kind in GENERATORS:
        for seed in range(0, SEEDS_PER_KIND, 5):
            case = make_case(kind, seed)
            result = compare(case.img1, case.img2, aa_color=(1, 2, 3))
            assert result.diff_image is not None
            skipped += int(np.count_nonzero(np.all(result.diff_image == (1, 2, 3, 255), axis=2)))
            counted += result.diff_pixels
    assert counted > 1000
    assert skipped > 1000


def test_identical_images_give_zero_and_the_faded_expected_image() -> None:
    img = page("settings_base")
    count, image = reference(img, img.copy())
    result = compare(img, img.copy())
    assert count == result.diff_pixels == 0
    assert result.diff_image is not None
    assert np.array_equal(result.diff_image, image)
    assert result.ratio == 0.0


# ---------------------------------------------------------------------------------------
# The locality claim the windows rest on, checked with the reference itself: a differing
# pixel's verdict reads nothing farther than 2 px away, so crops with a 2 px margin
# (clamped at the image edge) give the full image's count, and 1 px is not enough.


def _groups(differs: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Inner boxes (y0, y1, x0, x1) of differing pixels, merged while their 2 px margins meet."""
    height, width = differs.shape
    seen = np.zeros_like(differs)
    boxes = []
    for start in zip(*np.nonzero(differs), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        queue = deque([start])
        y0, y1, x0, x1 = start[0], start[0] + 1, start[1], start[1] + 1
        while queue:
            y, x = queue.popleft()
            y0, y1, x0, x1 = min(y0, y), max(y1, y + 1), min(x0, x), max(x1, x + 1)
            # Pixels up to 4 apart share margin pixels: same group.
            for ny in range(max(y - 4, 0), min(y + 5, height)):
                for nx in range(max(x - 4, 0), min(x + 5, width)):
                    if differs[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        queue.append((ny, nx))
        boxes.append((int(y0), int(y1), int(x0), int(x1)))
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] - 4 < b[1] and b[0] - 4 < a[1] and a[2] - 4 < b[3] and b[2] - 4 < a[3]:
                    boxes[i] = (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


@pytest.mark.parametrize(
    ("kind", "seed"),
    [(kind, seed) for kind in GENERATORS for seed in range(4)],
)
def test_crops_with_two_pixel_margin_add_up_to_the_full_count(kind: str, seed: int) -> None:
    case = make_case(kind, seed)
    img1, img2 = case.img1, case.img2
    height, width = img1.shape[:2]
    full_count, full_image = reference(img1, img2)
    differs = np.any(img1 != img2, axis=2)
    total = 0
    for y0, y1, x0, x1 in _groups(differs):
        cy0, cy1 = max(y0 - 2, 0), min(y1 + 2, height)
        cx0, cx1 = max(x0 - 2, 0), min(x1 + 2, width)
        crop1 = img1[cy0:cy1, cx0:cx1].copy()
        crop2 = img2[cy0:cy1, cx0:cx1].copy()
        count, image = reference(crop1, crop2)
        total += count
        inner = (slice(y0 - cy0, y1 - cy0), slice(x0 - cx0, x1 - cx0))
        assert np.array_equal(image[inner], full_image[y0:y1, x0:x1])
        assert compare(crop1, crop2).diff_pixels == count
    assert total == full_count


W, K, G, D = (255, 255, 255, 255), (0, 0, 0, 255), (128, 128, 128, 255), (60, 60, 60, 255)

# The centre pixel (2, 2) is grey in img1 and white in img2. In img1 its darkest
# neighbour is the black one at (1, 1), which has exactly 2 black neighbours: not "many
# siblings", so the centre is a real difference. Cut at (1, 1) (a 1 px margin), that
# black pixel sits on the crop's edge, which the reference counts as one more sibling.
TRAP = [
    [W, W, W, D, D],
    [W, K, K, D, D],
    [W, K, G, D, D],
    [W, G, G, W, D],
    [W, D, D, D, D],
]


def _trap() -> tuple[Image8, Image8]:
    img1 = np.array(TRAP, dtype=np.uint8)
    img2 = img1.copy()
    img2[2, 2] = W
    return img1, img2


def test_one_pixel_margin_changes_the_verdict_and_two_do_not() -> None:
    img1, img2 = _trap()
    assert reference(img1, img2)[0] == 1
    assert compare(img1, img2).diff_pixels == 1
    assert reference(img1[1:4, 1:4].copy(), img2[1:4, 1:4].copy())[0] == 0
    assert reference(img1[0:5, 0:5].copy(), img2[0:5, 0:5].copy())[0] == 1


def test_trap_embedded_in_a_large_image_keeps_its_verdict() -> None:
    # Inside a big image the window around the pixel is a crop whose border is not the
    # image's edge: it must not be taken for one.
    img1 = np.full((90, 300, 4), 255, dtype=np.uint8)
    img1[40:45, 150:155] = np.array(TRAP, dtype=np.uint8)
    img2 = img1.copy()
    img2[42, 152] = W
    assert reference(img1, img2)[0] == 1
    assert compare(img1, img2).diff_pixels == 1


def test_trap_at_the_image_corner_follows_the_real_edge_rule() -> None:
    # With the first row and column gone, the black pixel is at the image's corner: the
    # edge rule now applies for real and the centre is anti-aliasing.
    img1, img2 = _trap()
    img1, img2 = img1[1:, 1:].copy(), img2[1:, 1:].copy()
    assert reference(img1, img2)[0] == 0
    assert compare(img1, img2).diff_pixels == 0
    big1 = np.full((60, 80, 4), 255, dtype=np.uint8)
    big1[:4, :4] = img1
    big2 = big1.copy()
    big2[:4, :4] = img2
    assert reference(big1, big2)[0] == compare(big1, big2).diff_pixels == 0
