"""What `sitewise baselines review` opens, and its page-less approval for CI.

A run to review is a local reports folder, a CI job's downloaded artifact (a zip, or the
folder it was extracted to), a folder holding several (merged on the fly), or a merged
report (`sitewise report merge`): `open_source` finds the reports folder in each.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sitewise.visual import manifest
from sitewise.visual.review import Review, ReviewError


def open_source(source: Path, workdir: Path) -> Path:
    """The reports folder to review for `source`, using `workdir` for what must be made.

    `source` is a reports folder (a local run's, a downloaded CI artifact's, a merged
    report), a zip of one (a CI artifact as downloaded), or a folder holding several
    (every artifact of a CI run): several are merged into one under `workdir`.
    ManifestError says what is wrong.
    """
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise manifest.ManifestError(
                f"{source}: not a zip file; give a reports folder, a CI artifact's zip or"
                " the folder it was extracted to."
            )
        folder = workdir / "extracted"
        with zipfile.ZipFile(source) as archive:
            # extractall drops absolute paths and `..` from member names.
            archive.extractall(folder)
        for inner in sorted(folder.rglob("*.zip")):
            with zipfile.ZipFile(inner) as archive:
                archive.extractall(inner.with_suffix(""))
        source = folder
    if not source.is_dir():
        raise manifest.ManifestError(f"{source}: no such file or folder.")
    found = manifest.find_manifests(source)
    if not found:
        raise manifest.ManifestError(
            f"{source}: no visual/{manifest.MANIFEST} in it; give a run's reports folder, a CI"
            " run's e2e-artifacts-* download or its merged report (e2e-report)."
        )
    if len(found) == 1:
        return found[0]
    merged = workdir / "merged"
    sources = [(f"run-{n}", folder) for n, folder in enumerate(found, 1)]
    manifest.merge_manifests(sources, merged, lambda folder, path: _absolute(folder, path))
    return merged


def _absolute(folder: Path, path: str) -> str:
    return str((folder / path).absolute())


def approve_all(review: Review) -> tuple[int, list[str]]:
    """Approve every changed and new snapshot (no page): an exit code and lines to print."""
    try:
        chosen = review.entries()
        if not chosen:
            return 0, ["Nothing to approve: no changed or new snapshot in this run."]
        done = review.decide(None, "approved")
    except ReviewError as error:
        lines = [f"  approved {e.baseline}" for e in error.done]
        return 1, [*lines, f"Could not approve: {error}"]
    lines = [f"  approved {e.baseline}" for e in done]
    return 0, [*lines, f"Approved {len(done)} snapshot(s): their baselines are written."]
