"""What a run's snapshots produced, as JSON under `<reports_dir>/visual/`.

Each process (the only one, or each pytest-xdist worker) writes
`manifest-<worker>.json` when its session ends; the controller then merges them into
`manifest.json` with a description of the run (which browsers, platforms and viewports
ran, and whether the run was partial). The review page and `baselines prune` read the
merged file; the review page records approvals and rejections in it.

The merged file holds no path of the machine that ran: a baseline (and the baseline
folder) is stored relative to the repository (`run.root`), an image (expected, actual,
diff) relative to the reports folder the manifest is in. So a CI job's reports folder,
downloaded anywhere, still finds its images, and its approvals write the baselines of the
working tree it is reviewed from (`load(..., root=)`). In memory every path is absolute.
`merge_manifests` joins the manifests of several runs (CI shards and browsers) into one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
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
IMAGE_FIELDS = ("expected", "actual", "diff")


class ManifestError(Exception):
    """The manifest is missing, unreadable or from an unknown version."""


@dataclass
class SnapshotEntry:
    """One `assert_snapshot` call and what it produced. Paths are absolute or None
    (relative in the stored file: see the module's docstring)."""

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
    # The browser build that took the screenshot ("chromium 156.0.8078.114"), and the one
    # the baselines' manifest records for the baseline ("unknown" when none is recorded).
    build: str = ""
    baseline_build: str = ""
    # "screenshot" (PNG images) or "aria" (an aria snapshot: YAML text, a text diff).
    kind: str = "screenshot"

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
    # The working tree its baselines were resolved against by `load` (else run.root).
    tree: Path | None = field(default=None, compare=False, repr=False)

    @property
    def root(self) -> Path | None:
        return self.tree or (Path(self.run.root) if self.run.root else None)

    def to_json(self, reports_dir: Path | None = None) -> str:
        """The file's text; with `reports_dir` (where it is saved), paths made relative."""
        run = dataclasses.asdict(self.run)
        snapshots = [s.to_dict() for s in self.snapshots]
        if reports_dir is not None:
            root = self.root
            run["baseline_dir"] = _relative(self.run.baseline_dir, root)
            for item in snapshots:
                item["baseline"] = _relative(item["baseline"], root)
                for kind in IMAGE_FIELDS:
                    item[kind] = _relative(item[kind], reports_dir.absolute())
        payload = {"version": VERSION, "run": run, "snapshots": snapshots}
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


def _relative(value: str | None, base: Path | None) -> str | None:
    """`value` relative to `base` (POSIX separators) when it lies under it, else as is."""
    if not value or base is None:
        return value
    path = Path(value)
    for folder in (base, base.resolve()):
        if path.is_absolute() and path.is_relative_to(folder):
            return path.relative_to(folder).as_posix() or "."
    return value


def _absolute(value: str | None, base: Path) -> str | None:
    if not value:
        return value
    path = Path(value)
    return str(path if path.is_absolute() else base / path)


def save(reports_dir: Path, manifest: Manifest) -> Path:
    path = visual_dir(reports_dir) / MANIFEST
    write_atomic(path, manifest.to_json(reports_dir).encode())
    return path


def load(reports_dir: Path, root: Path | None = None) -> Manifest:
    """The manifest under `reports_dir` with absolute paths, or ManifestError saying why
    there is none.

    Images are found under `reports_dir`; baselines under `root`, or when None, the run's
    own root if it exists on this machine (a local run), else the current folder (a CI
    run's manifest reviewed from a checkout).
    """
    stored = read_stored(reports_dir)
    run = stored.run
    if root is None:
        root = Path(run.root) if run.root and Path(run.root).is_dir() else Path.cwd()
    root = root.absolute()
    stored.tree = root
    run.baseline_dir = _absolute(run.baseline_dir, root) or ""
    images = reports_dir.absolute()
    for entry in stored.snapshots:
        entry.baseline = _absolute(entry.baseline, root) or ""
        for kind in IMAGE_FIELDS:
            setattr(entry, kind, _absolute(getattr(entry, kind), images))
    return stored


def read_stored(reports_dir: Path) -> Manifest:
    """The manifest under `reports_dir` as stored: paths relative, as the file has them."""
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


def find_manifests(folder: Path) -> list[Path]:
    """The reports folders (holding visual/manifest.json) at or under `folder`."""
    if (visual_dir(folder) / MANIFEST).is_file():
        return [folder]
    return sorted(p.parent.parent for p in folder.rglob(f"visual/{MANIFEST}"))


# Places an image of a run (the reports folder, the stored path) where the merged manifest
# can reach it; returns the path to store (relative to the merged folder, or absolute).
PlaceImage = Callable[[Path, str], str | None]


def merge_manifests(
    sources: Sequence[tuple[str, Path]], out: Path, place: PlaceImage
) -> Manifest | None:
    """Join the manifests of several runs (label, reports folder) into `out`'s.

    Baselines keep their paths relative to the repository; each image is placed by
    `place`. A snapshot in several runs (a job run again) is the later run's. None when
    no source has a manifest.
    """
    merged: dict[str, SnapshotEntry] = {}
    runs: list[RunInfo] = []
    for label, folder in sources:
        stored = read_stored(folder)
        runs.append(stored.run)
        for entry in stored.snapshots:
            for kind in IMAGE_FIELDS:
                value = getattr(entry, kind)
                if value:
                    setattr(entry, kind, place(folder, value))
            merged[entry.id] = entry
        stored.run.workers = [f"{label}/{w}" for w in stored.run.workers] or [label]
    if not runs:
        return None
    first = runs[0]
    run = RunInfo(
        root="",
        baseline_dir=first.baseline_dir,
        update_mode=first.update_mode,
        ci=any(r.ci for r in runs),
        started=min((r.started for r in runs if r.started), default=""),
        finished=max((r.finished for r in runs if r.finished), default=""),
        browsers=sorted({b for r in runs for b in r.browsers}),
        platforms=sorted({p for r in runs for p in r.platforms}),
        viewports=sorted({v for r in runs for v in r.viewports}),
        partial=list(dict.fromkeys(p for r in runs for p in r.partial)),
        exitstatus=max(r.exitstatus for r in runs),
        workers=[w for r in runs for w in r.workers],
    )
    snapshots = sorted(merged.values(), key=lambda s: (s.nodeid, s.name))
    result = Manifest(run, snapshots)
    path = visual_dir(out) / MANIFEST
    # Stored as built: relative paths stay relative, nothing is resolved on this machine.
    write_atomic(path, result.to_json().encode())
    return result


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def prune(reports_dir: Path, *, delete: bool = False, force: bool = False) -> tuple[int, list[str]]:
    """Baselines the last full run did not use: listed, and deleted only when asked.

    Returns an exit code and the lines to print. A partial run (a selection, a failure,
    an interruption) did not reach every spec, so it is refused unless `force`.
    """
    from sitewise.visual.baselines import unused_aria_baselines, unused_baselines

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

    used = {Path(s.baseline) for s in last.snapshots}
    scope_sets = {
        "browsers": set(run.browsers),
        "platforms": set(run.platforms),
        "viewports": set(run.viewports),
    }
    unused = unused_baselines(baseline_dir, used, **scope_sets)
    unused += unused_aria_baselines(baseline_dir, used, **scope_sets)
    unused.sort(key=lambda found: found.path)
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
