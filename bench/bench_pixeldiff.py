"""Benchmark: sitewise.visual.pixeldiff.compare against the pure-Python pixelmatch.

Renders real-looking pages in Chromium (tests/visual/data/render.py), then for each
case runs each implementation in its own subprocess and measures

- time per compare (the fast one: median of repeated runs after a warm-up; the
  reference: one run, it takes seconds), from decoded pixels to count and diff image;
- peak memory: tracemalloc's peak during one compare (a separate run: it slows the
  pure-Python one down a lot), and how far the process's peak RSS (VmHWM, reset before
  the call) rose above its RSS with the inputs loaded;
- that both give the same count and the same diff image, byte for byte.

Prints a table and writes bench/results/pixeldiff.json.

    python bench/bench_pixeldiff.py [--repeat N] [--skip-reference]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitewise.visual.pixeldiff import compare, load_png, save_png  # noqa: E402
from tests.visual.data.render import PageSpec, render  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "pixeldiff.json"
THRESHOLD = 0.2  # Playwright's toHaveScreenshot default

_VIEW = PageSpec(width=1280, height=720, sections=6, seed=3)
_FULL = PageSpec(width=1280, height=6000, sections=24, seed=3)

# name -> (expected page, actual page, what it stands for)
CASES: dict[str, tuple[PageSpec, PageSpec, str]] = {
    "identical_1280x720": (_VIEW, _VIEW, "two renders of the same page"),
    "button_1280x720": (
        _VIEW,
        replace(_VIEW, button="Save all", button_colour="#1d4ed8"),
        "one button's label and colour",
    ),
    "text_1280x720": (
        _VIEW,
        replace(_VIEW, title="Notification preferences"),
        "anti-aliased heading text",
    ),
    "shift_1280x720": (_VIEW, replace(_VIEW, margin_left=1), "whole page moved 1 px right"),
    "fullpage_1280x6000": (
        _FULL,
        replace(_FULL, button="Save all", button_colour="#1d4ed8"),
        "full page, one button changed",
    ),
}


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> float:
    """Start a new peak-RSS measurement (Linux: clear_refs 5 resets VmHWM); RSS now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _rss_mb("VmRSS")


class _Clock:
    """Wall and CPU milliseconds of each timed call (CPU time is what a busy machine keeps)."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __enter__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def __exit__(self, *exc: object) -> None:
        self.cpu.append((time.process_time() - self._cpu) * 1000)
        self.wall.append((time.perf_counter() - self._wall) * 1000)


def worker(kind: str, png1: str, png2: str, out: str, repeat: int) -> dict[str, Any]:
    """Runs in a subprocess: one implementation on one pair."""
    img1, img2 = load_png(png1), load_png(png2)
    height, width = img1.shape[:2]
    clock = _Clock()
    if kind == "reference":
        from pixelmatch import pixelmatch

        data1, data2 = img1.tobytes(), img2.tobytes()
        rss_before = _reset_peak_rss()
        with clock:
            output = bytearray(len(data1))
            # Its hints ask for a sequence of numbers; a bytearray is what it indexes fastest.
            count = pixelmatch(data1, data2, width, height, cast(Any, output), threshold=THRESHOLD)
        rss_growth = _rss_mb("VmHWM") - rss_before
        image = np.frombuffer(bytes(output), dtype=np.uint8).reshape(img1.shape)
        save_png(image, out)
        # Again under tracemalloc, which slows it down: memory only.
        tracemalloc.start()
        pixelmatch(
            data1, data2, width, height, cast(Any, bytearray(len(data1))), threshold=THRESHOLD
        )
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {
            "count": count,
            "wall": clock.wall,
            "cpu": clock.cpu,
            "tracemalloc_peak_mb": peak / 2**20,
            "rss_growth_mb": rss_growth,
        }

    rss_before = _reset_peak_rss()
    result = compare(img1, img2, threshold=THRESHOLD)
    rss_growth = _rss_mb("VmHWM") - rss_before
    assert result.diff_image is not None
    save_png(result.diff_image, out)
    for _ in range(repeat):
        with clock:
            compare(img1, img2, threshold=THRESHOLD)
    count_only = _Clock()
    for _ in range(repeat):
        with count_only:
            compare(img1, img2, threshold=THRESHOLD, want_diff_image=False)
    tracemalloc.start()
    compare(img1, img2, threshold=THRESHOLD)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "count": result.diff_pixels,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "count_only_wall": count_only.wall,
        "count_only_cpu": count_only.cpu,
        "tracemalloc_peak_mb": peak / 2**20,
        "rss_growth_mb": rss_growth,
    }


def _run_worker(kind: str, png1: Path, png2: Path, out: Path, repeat: int) -> dict[str, Any]:
    files = (png1, png2, out)
    # A fixed mmap threshold makes glibc give large freed blocks (the PNG decoding's) back
    # at once, so the peak RSS growth shows what the comparison itself touches.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}
    proc = subprocess.run(
        [sys.executable, __file__, "--repeat", str(repeat), "--worker", kind, *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed runs of the fast compare")
    parser.add_argument("--skip-reference", action="store_true", help="time the fast one only")
    parser.add_argument("--worker", nargs=4, metavar=("KIND", "PNG1", "PNG2", "OUT"))
    args = parser.parse_args()
    if args.worker:
        kind, png1, png2, out = args.worker
        print(json.dumps(worker(kind, png1, png2, out, args.repeat)))
        return

    specs = sorted({spec for pair in CASES.values() for spec in pair[:2]}, key=repr)
    print(f"rendering {len(specs)} pages in Chromium ...", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pixeldiff-") as tmp:
        work = Path(tmp)
        # The identical case renders its page twice, as two screenshots would be.
        shots = render([*specs, _VIEW])
        paths = {}
        for i, (spec, shot) in enumerate(zip(specs, shots, strict=False)):
            paths[spec] = work / f"page{i}.png"
            save_png(shot, paths[spec])
        second_view = work / "view_again.png"
        save_png(shots[-1], second_view)

        for name, (spec1, spec2, what) in CASES.items():
            png1 = paths[spec1]
            png2 = second_view if name.startswith("identical") else paths[spec2]
            img1, img2 = load_png(png1), load_png(png2)
            raw = int(np.count_nonzero(np.any(img1 != img2, axis=2)))
            repeat = args.repeat if img1.shape[0] <= 1000 else max(5, args.repeat // 3)
            fast = _run_worker("fast", png1, png2, work / f"{name}.fast.png", repeat)
            med = statistics.median
            row: dict[str, Any] = {
                "case": name,
                "what": what,
                "size": f"{img1.shape[1]}x{img1.shape[0]}",
                "raw_differing_pixels": raw,
                "diff_pixels": fast["count"],
                "fast_ms": med(fast["wall"]),
                "fast_ms_min": min(fast["wall"]),
                "fast_cpu_ms": med(fast["cpu"]),
                "fast_count_only_ms": med(fast["count_only_wall"]),
                "fast_count_only_cpu_ms": med(fast["count_only_cpu"]),
                "fast_tracemalloc_peak_mb": fast["tracemalloc_peak_mb"],
                "fast_rss_growth_mb": fast["rss_growth_mb"],
            }
            if not args.skip_reference:
                ref = _run_worker("reference", png1, png2, work / f"{name}.ref.png", 1)
                same_image = np.array_equal(
                    load_png(work / f"{name}.fast.png"), load_png(work / f"{name}.ref.png")
                )
                row.update(
                    reference_ms=ref["wall"][0],
                    reference_cpu_ms=ref["cpu"][0],
                    reference_tracemalloc_peak_mb=ref["tracemalloc_peak_mb"],
                    reference_rss_growth_mb=ref["rss_growth_mb"],
                    reference_diff_pixels=ref["count"],
                    speedup=ref["wall"][0] / row["fast_ms"],
                    speedup_cpu=ref["cpu"][0] / row["fast_cpu_ms"],
                    equal=ref["count"] == fast["count"] and same_image,
                )
            rows.append(row)
            _print_row(row)

    report = {
        "threshold": THRESHOLD,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cases": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    if not args.skip_reference and not all(row["equal"] for row in rows):
        sys.exit("counts or diff images differ from the reference")


# (title, width, format, key). ms: median wall time; cpu: median CPU time; count: the
# count alone (want_diff_image=False); speed-up: reference / fast, by wall and by CPU
# time; MB: tracemalloc's peak; RSS+: growth of the peak RSS in MB.
_COLUMNS = (
    ("case", -19, "", "case"),
    ("size", 9, "", "size"),
    ("raw", 6, "", "raw_differing_pixels"),
    ("diff", 5, "", "diff_pixels"),
    ("fast ms", 8, ".2f", "fast_ms"),
    ("cpu ms", 7, ".2f", "fast_cpu_ms"),
    ("count ms", 8, ".2f", "fast_count_only_ms"),
    ("ref ms", 7, ".0f", "reference_ms"),
    ("ref cpu", 7, ".0f", "reference_cpu_ms"),
    ("speed-up", 8, ".0f", "speedup"),
    ("cpu x", 5, ".0f", "speedup_cpu"),
    ("fast MB", 7, ".1f", "fast_tracemalloc_peak_mb"),
    ("fast RSS+", 9, ".1f", "fast_rss_growth_mb"),
    ("ref MB", 7, ".1f", "reference_tracemalloc_peak_mb"),
    ("ref RSS+", 8, ".1f", "reference_rss_growth_mb"),
    ("equal", 5, "", "equal"),
)
_header_printed = False


def _cell(value: object, width: int, spec: str) -> str:
    text = "-" if value is None else format(value, spec) if spec else str(value)
    return text.ljust(-width) if width < 0 else text.rjust(width)


def _print_row(row: dict[str, Any]) -> None:
    global _header_printed
    if not _header_printed:
        print(" ".join(_cell(title, width, "") for title, width, _, _ in _COLUMNS))
        _header_printed = True
    print(
        " ".join(_cell(row.get(key), width, spec) for _, width, spec, key in _COLUMNS), flush=True
    )


if __name__ == "__main__":
    main()
