"""Reviewing a CI run: relative manifests, merged shards, a downloaded zip, approvals."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sitewise.cli import main as sitewise_main
from sitewise.report.merge import merge_reports
from sitewise.report.model import Results
from sitewise.visual import manifest
from sitewise.visual.manifest import Manifest, RunInfo, SnapshotEntry
from sitewise.visual.review import Review, ReviewError
from sitewise.visual.review_source import open_source
from sitewise.visual.snapshot import encode_png

SUFFIX = "linux-desktop.png"


def solid(rgb: tuple[int, int, int]) -> bytes:
    image = np.zeros((10, 20, 4), dtype=np.uint8)
    image[:, :, :3] = rgb
    image[:, :, 3] = 255
    return encode_png(image)


def ci_job(where: Path, browser: str, test: str, colour: tuple[int, int, int]) -> Path:
    """A CI job's downloaded e2e-artifacts-* folder: its run happened elsewhere (gone)."""
    ci = where.parent / f"ci-{browser}-{test}"
    reports = ci / "reports"
    images = reports / "artifacts" / f"test_home-{test}-{browser}"
    images.mkdir(parents=True)
    (images / "hero-actual.png").write_bytes(solid(colour))
    (images / "hero-expected.png").write_bytes(solid((0, 0, 0)))
    (images / "hero-diff.png").write_bytes(solid((255, 0, 0)))
    baseline = ci / "baselines" / "web" / "test_home" / f"hero-{browser}-{SUFFIX}"
    entry = SnapshotEntry(
        f"e2e/test_home.py::{test}[{browser}-desktop]",
        "hero",
        "changed",
        str(baseline),
        app="web",
        spec="test_home",
        browser=browser,
        platform="linux",
        viewport="desktop",
        expected=str(images / "hero-expected.png"),
        actual=str(images / "hero-actual.png"),
        diff=str(images / "hero-diff.png"),
        diff_pixels=200,
        total_pixels=200,
        ratio=1.0,
        allowed=0,
    )
    run = RunInfo(
        root=str(ci),
        baseline_dir=str(ci / "baselines"),
        ci=True,
        browsers=[browser],
        platforms=["linux"],
        viewports=["desktop"],
        partial=[f"shard of {browser}"],
        finished="2026-12-04T10:00:00+00:00",
    )
    manifest.save(reports, Manifest(run, [entry]))
    shutil.copytree(reports, where)
    shutil.rmtree(ci)
    return where


def test_the_saved_manifest_holds_no_path_of_the_machine(tmp_path: Path) -> None:
    job = ci_job(tmp_path / "e2e-artifacts-chromium-1", "chromium", "test_a", (0, 0, 200))
    text = (job / "visual" / manifest.MANIFEST).read_text()
    assert str(tmp_path) not in text.replace(json.loads(text)["run"]["root"], "")
    stored = json.loads(text)["snapshots"][0]
    assert stored["baseline"] == f"baselines/web/test_home/hero-chromium-{SUFFIX}"
    assert stored["actual"] == "artifacts/test_home-test_a-chromium/hero-actual.png"
    # Read from where it was downloaded: images there, baselines in the given tree.
    tree = tmp_path / "tree"
    loaded = manifest.load(job, root=tree)
    entry = loaded.snapshots[0]
    assert entry.actual is not None
    assert Path(entry.actual).read_bytes() == solid((0, 0, 200))
    assert entry.baseline == str(
        tree / "baselines" / "web" / "test_home" / f"hero-chromium-{SUFFIX}"
    )
    assert loaded.run.baseline_dir == str(tree / "baselines")


def test_report_merge_merges_the_visual_manifests_of_two_shards(tmp_path: Path) -> None:
    downloaded = tmp_path / "downloaded"
    for browser, test, colour in (
        ("chromium", "test_a", (0, 0, 200)),
        ("firefox", "test_b", (0, 200, 0)),
    ):
        ci_job(downloaded / f"e2e-artifacts-{browser}-1", browser, test, colour)
        Results(title="shard").save(downloaded / f"e2e-results-{browser}-1")
    out = tmp_path / "merged"

    summary = merge_reports([downloaded], out)

    assert summary.visual_manifests == 2
    assert summary.missing == []
    merged = manifest.load(out, root=tmp_path / "tree")
    assert [(e.browser, e.nodeid.split("::")[1]) for e in merged.snapshots] == [
        ("chromium", "test_a[chromium-desktop]"),
        ("firefox", "test_b[firefox-desktop]"),
    ]
    assert merged.run.browsers == ["chromium", "firefox"]
    assert merged.run.partial == ["shard of chromium", "shard of firefox"]
    for entry, colour in zip(merged.snapshots, ((0, 0, 200), (0, 200, 0)), strict=True):
        assert entry.actual is not None
        actual = Path(entry.actual)
        # Under the label of the job's results (e2e-results-*), where its report's
        # artifacts go too: each file copied once.
        assert actual.is_relative_to(out / "artifacts" / f"e2e-results-{entry.browser}-1"), actual
        assert actual.read_bytes() == solid(colour)
    stored = json.loads((out / "visual" / manifest.MANIFEST).read_text())
    assert all(not Path(s["actual"]).is_absolute() for s in stored["snapshots"])
    # The merged report is reviewed like a run's reports folder.
    assert open_source(out, tmp_path / "work") == out


def zipped(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def test_review_opens_a_zip_and_approve_writes_the_browsers_baseline(tmp_path: Path) -> None:
    job = ci_job(tmp_path / "job", "firefox", "test_a", (9, 99, 199))
    artifact = zipped(job, tmp_path / "e2e-artifacts-firefox-1.zip")
    tree = tmp_path / "tree"
    (tree / "baselines").mkdir(parents=True)

    reports = open_source(artifact, tmp_path / "work")
    review = Review(reports, tree)
    [entry] = review.entries()
    assert entry.browser == "firefox"
    review.decide([entry.id], "approved")

    written = tree / "baselines" / "web" / "test_home" / f"hero-firefox-{SUFFIX}"
    assert written.read_bytes() == solid((9, 99, 199))
    assert [p.name for p in (tree / "baselines").rglob("*.png")] == [written.name]
    assert manifest.load(reports, tree).snapshots[0].review == "approved"


def test_review_merges_a_folder_of_several_artifacts(tmp_path: Path) -> None:
    ci_job(tmp_path / "all" / "a", "chromium", "test_a", (1, 1, 1))
    ci_job(tmp_path / "all" / "b", "webkit", "test_b", (2, 2, 2))

    reports = open_source(tmp_path / "all", tmp_path / "work")

    entries = Review(reports, tmp_path / "tree").entries()
    assert sorted(e.browser for e in entries) == ["chromium", "webkit"]
    assert all(e.actual and Path(e.actual).is_file() for e in entries)


def test_approve_all_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = ci_job(tmp_path / "job", "chromium", "test_a", (5, 6, 7))
    artifact = zipped(job, tmp_path / "artifact.zip")
    tree = tmp_path / "tree"

    code = sitewise_main(
        ["baselines", "review", str(artifact), "--root", str(tree), "--approve-all"]
    )

    assert code == 0, capsys.readouterr().err
    written = tree / "baselines" / "web" / "test_home" / f"hero-chromium-{SUFFIX}"
    assert written.read_bytes() == solid((5, 6, 7))
    assert "Approved 1 snapshot(s)" in capsys.readouterr().out


def test_review_says_what_is_wrong_with_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hello")

    assert sitewise_main(["baselines", "review", str(tmp_path / "empty"), "--approve-all"]) == 2
    assert "no visual/manifest.json in it" in capsys.readouterr().err
    assert sitewise_main(["baselines", "review", str(tmp_path / "notes.txt")]) == 2
    assert "not a zip file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "baseline",
    ["../outside/hero-chromium-linux-desktop.png", "baselines/web/notes.txt", ".github/x.png"],
)
def test_approving_never_writes_outside_the_baseline_folder(tmp_path: Path, baseline: str) -> None:
    job = ci_job(tmp_path / "job", "chromium", "test_a", (5, 6, 7))
    path = job / "visual" / manifest.MANIFEST
    data = json.loads(path.read_text())
    data["snapshots"][0]["baseline"] = baseline
    path.write_text(json.dumps(data))
    tree = tmp_path / "tree"
    review = Review(job, tree)

    with pytest.raises(ReviewError, match="is not a baseline file under the baseline folder"):
        review.decide(None, "approved")

    assert not (tmp_path / "outside").exists()
    assert not (tree.exists() and any(p.is_file() for p in tree.rglob("*")))


def test_undo_puts_back_the_baseline_and_its_recorded_build(tmp_path: Path) -> None:
    job = ci_job(tmp_path / "job", "chromium", "test_a", (5, 6, 7))
    path = job / "visual" / manifest.MANIFEST
    data = json.loads(path.read_text())
    data["snapshots"][0].update(build="chromium 156.0.1", baseline_build="chromium 155.0.9")
    path.write_text(json.dumps(data))
    tree = tmp_path / "tree"
    baseline = tree / "baselines" / "web" / "test_home" / f"hero-chromium-{SUFFIX}"
    baseline.parent.mkdir(parents=True)
    baseline.write_bytes(solid((1, 1, 1)))
    review = Review(job, tree)

    def recorded() -> object:
        builds = json.loads((tree / "baselines" / "manifest.json").read_text())["baselines"]
        return builds[f"web/test_home/hero-chromium-{SUFFIX}"]["browser"]["version"]

    review.decide(None, "approved")
    assert baseline.read_bytes() == solid((5, 6, 7))
    assert recorded() == "156.0.1"

    assert [e.review for e in review.undo()] == [None]
    assert baseline.read_bytes() == solid((1, 1, 1))
    assert recorded() == "155.0.9"
    with pytest.raises(ReviewError, match="nothing to undo"):
        review.undo()
