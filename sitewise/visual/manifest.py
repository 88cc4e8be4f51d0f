"""What a run's snapshots produced, as JSON under `<reports_dir>/visual/`.

Each process (the only one, or each pytest-xdist worker) writes
`manifest-<worker>.json` when its session ends; the controller then merges them into
`manifest.json` with a description of the run (which browsers, platforms and viewports
ran, and whether the run was partial). The review page and `baselines prune` read the
merged file; the review page records approvals and rejections in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sitewise.visual.baselines import write_atomic

VERSION = 1
MANIFEST = "manifest.json"

Status = Literal["passed", "changed", "new", "size-mismatch", "corrupt", "unstable"]
Review = Literal["approved", "rejected"]
# Statuses a designer can review: there is an actual image to accept as the baseline.
REVIEWABLE: tuple[Status, ...] = ("changed", "new", "size-mismatch", "corrupt")


class ManifestError(Exception):
    """The manifest is missing, unreadable or from an unknown version."""


@dataclass
class SnapshotEntry:
    """One `assert_snapshot` call and what it produced. Paths are absolute or None."""

    nodeid: str
    name: str
    status: Status
    baseline: str
    app: str = "common"
    spec: str = ""
    browser: str = ""
    platform: str = ""
    viewport: str = ""
    expected: str | None = None
    actual: str | None = None
    diff: str | None = None
    diff_pixels: int | None = None
    total_pixels: int | None = None
    ratio: float | None = None
    allowed: int | None = None
    expected_size: tuple[int, int] | None = None
    actual_size: tuple[int, int] | None = None
    written: bool = False
    message: str = ""
    review: Review | None = None
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            digest = hashlib.sha256(f"{self.nodeid}\0{self.name}\0{self.baseline}".encode())
            self.id = digest.hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotEntry:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for size in ("expected_size", "actual_size"):
            if values.get(size) is not None:
                values[size] = tuple(values[size])
        return cls(**values)


@dataclass
class RunInfo:
    """The run that produced a manifest: what `prune` needs to trust it."""

    root: str = ""
    baseline_dir: str = ""
    update_mode: str = "missing"
    ci: bool = False
    started: str = ""
    finished: str = ""
    args: list[str] = field(default_factory=list)
    browsers: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    viewports: list[str] = field(default_factory=list)
    # Why the run was not the whole suite: the run's one verdict (sitewise.report.partial),
    # which a11y.json's partial_reasons and results.json give too. Empty: a full run.
    partial: list[str] = field(default_factory=list)
    exitstatus: int = 0
    workers: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    run: RunInfo
    snapshots: list[SnapshotEntry]

    def to_json(self) -> str:
        payload = {
            "version": VERSION,
            "run": dataclasses.asdict(self.run),
            "snapshots": [s.to_dict() for s in self.snapshots],
        }
        return json.dumps(payload, indent=2, sort_keys=False) + "\n"

    def entry(self, entry_id: str) -> SnapshotEntry:
        for snapshot in self.snapshots:
            if snapshot.id == entry_id:
                return snapshot
        raise KeyError(entry_id)

    def reviewable(self) -> list[SnapshotEntry]:
        return [s for s in self.snapshots if s.status in REVIEWABLE and s.actual]


def visual_dir(reports_dir: Path) -> Path:
    return reports_dir / "visual"


def worker_manifest_path(reports_dir: Path, worker: str) -> Path:
    return visual_dir(reports_dir) / f"manifest-{worker}.json"


def write_worker_manifest(reports_dir: Path, worker: str, entries: Iterable[SnapshotEntry]) -> Path:
    path = worker_manifest_path(reports_dir, worker)
    payload = {"version": VERSION, "worker": worker, "snapshots": [e.to_dict() for e in entries]}
    write_atomic(path, (json.dumps(payload, indent=2) + "\n").encode())
    return path


def worker_manifests(reports_dir: Path) -> list[Path]:
    """This run's per-worker manifests (the controller cleared older ones at start)."""
    return sorted(visual_dir(reports_dir).glob("manifest-*.json"))


def clear_worker_manifests(reports_dir: Path) -> None:
    """Remove the previous run's per-worker files, so a merge sees this run's only."""
    folder = visual_dir(reports_dir)
    if folder.is_dir():
        for stale in folder.glob("manifest-*.json"):
            stale.unlink(missing_ok=True)


def merge_worker_manifests(reports_dir: Path, run: RunInfo) -> Manifest:
    """Merge every per-worker manifest of this run into `manifest.json` and return it."""
    snapshots: list[SnapshotEntry] = []
    workers: list[str] = []
    for path in worker_manifests(reports_dir):
        data = json.loads(path.read_text(encoding="utf-8"))
        workers.append(str(data.get("worker", path.stem.removeprefix("manifest-"))))
        snapshots.extend(SnapshotEntry.from_dict(item) for item in data.get("snapshots", []))
    snapshots.sort(key=lambda s: (s.nodeid, s.name))
    run.workers = workers
    run.browsers = sorted({s.browser for s in snapshots if s.browser} | set(run.browsers))
    run.platforms = sorted({s.platform for s in snapshots if s.platform} | set(run.platforms))
    run.viewports = sorted({s.viewport for s in snapshots if s.viewport} | set(run.viewports))
    run.finished = now()
    manifest = Manifest(run, snapshots)
    save(reports_dir, manifest)
    return manifest


def save(reports_dir: Path, manifest: Manifest) -> Path:
    path = visual_dir(reports_dir) / MANIFEST
    write_atomic(path, manifest.to_json().encode())
    return path


def load(reports_dir: Path) -> Manifest:
    """The last run's merged manifest, or ManifestError saying why there is none."""
    path = visual_dir(reports_dir) / MANIFEST
    if not path.is_file():
        raise ManifestError(
            f"{path}: no visual manifest; run the visual specs first (e.g. `pytest -m visual`)"
            " or pass the --reports-dir that run used."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: cannot be read as JSON ({error}).") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ManifestError(f"{path}: not a version {VERSION} visual manifest.")
    run_fields = {f.name for f in dataclasses.fields(RunInfo)}
    run = RunInfo(**{k: v for k, v in data.get("run", {}).items() if k in run_fields})
    return Manifest(run, [SnapshotEntry.from_dict(s) for s in data.get("snapshots", [])])


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def prune(reports_dir: Path, *, delete: bool = False, force: bool = False) -> tuple[int, list[str]]:
    """Baselines the last full run did not use: listed, and deleted only when asked.

    Returns an exit code and the lines to print. A partial run (a selection, a failure,
    an interruption) did not reach every spec, so it is refused unless `force`.
    """
    from sitewise.visual.baselines import unused_baselines

    try:
        last = load(reports_dir)
    except ManifestError as error:
        return 2, [str(error)]
    run = last.run
    if run.partial and not force:
        return 2, [
            f"The last run (finished {run.finished}) was partial: {'; '.join(run.partial)}.",
            "Baselines it did not reach may still be in use. Run the whole suite without a"
            " selection until it passes (e.g. `pytest e2e/`), or pass --force to use this run.",
        ]
    if not run.baseline_dir:
        return 2, [f"{visual_dir(reports_dir) / MANIFEST}: the run does not name its baseline_dir."]
    baseline_dir = Path(run.baseline_dir)
    unused = unused_baselines(
        baseline_dir,
        {Path(s.baseline) for s in last.snapshots},
        browsers=set(run.browsers),
        platforms=set(run.platforms),
        viewports=set(run.viewports),
    )
    scope = (
        f"browsers {', '.join(run.browsers) or '-'}; platforms {', '.join(run.platforms) or '-'};"
        f" viewports {', '.join(run.viewports) or '-'}"
    )
    if not unused:
        return 0, [f"No unused baselines under {baseline_dir} ({scope})."]
    lines = [f"Baselines under {baseline_dir} that no spec used in the last run ({scope}):"]
    lines += [f"  {found.path}" for found in unused]
    if delete:
        for found in unused:
            found.path.unlink(missing_ok=True)
        lines.append(f"Deleted {len(unused)} unused baseline(s).")
    else:
        lines.append(f"{len(unused)} unused baseline(s); run again with --delete to delete them.")
    return 0, lines
