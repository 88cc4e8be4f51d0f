"""`sitewise report summary`: the pull request's feedback from a merged reports folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitewise.cli import main as sitewise_main
from sitewise.report.model import Results
from sitewise.report.summary import MARKER, collect, summary_markdown
from sitewise.visual import manifest
from sitewise.visual.manifest import Manifest, RunInfo, SnapshotEntry, Status
from tests.run.runwide_data import vitals_data, vitals_document


def snapshot(name: str, status: Status, browser: str = "chromium", **extra: str) -> SnapshotEntry:
    return SnapshotEntry(
        f"e2e/t.py::test_{name}[{browser}-desktop]",
        name,
        status,
        f"/repo/baselines/web/t/{name}-{browser}-linux-desktop.png",
        browser=browser,
        viewport="desktop",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    folder = tmp_path / "merged"
    Results(title="merged").save(folder)
    entries = [
        snapshot("hero", "changed"),
        snapshot("hero", "changed", browser="firefox"),
        snapshot("menu", "size-mismatch"),
        snapshot("footer", "new"),
        snapshot("card", "passed"),
        snapshot("done", "changed", review="approved"),
    ]
    manifest.save(folder, Manifest(RunInfo(root="/repo"), entries))
    a11y = {"checks": 12, "checks_failed": 2, "nodes_failing": 5}
    (folder / "a11y.json").write_text(json.dumps(a11y))
    vitals = vitals_document([("e2e/t.py::test_a", vitals_data("/home", [500.0] * 5, lcp_ms=9e3))])
    (folder / "vitals.json").write_text(json.dumps(vitals))
    return folder


def test_counts_what_needs_review_and_what_is_over_budget(merged: Path) -> None:
    feedback = collect(merged)

    assert feedback.snapshots == 6
    assert feedback.changed == [
        "hero (chromium, desktop)",
        "hero (firefox, desktop)",
        "menu (chromium, desktop)",
    ]
    assert feedback.new == ["footer (chromium, desktop)"]
    assert (feedback.a11y_checks, feedback.a11y_failed, feedback.a11y_nodes) == (12, 2, 5)
    assert feedback.vitals_over == ["LCP of /home"]
    assert feedback.api_over == ["every API call", "GET /api/settings"]
    assert feedback.problems == []


def test_the_markdown_has_the_marker_counts_and_links(merged: Path) -> None:
    text = summary_markdown(
        collect(merged), report_url="https://ci/report", artifacts_url="https://ci/run#artifacts"
    )

    lines = text.splitlines()
    assert lines[0] == MARKER
    assert "| Visual snapshots | **3** changed: hero (chromium, desktop)," in text
    assert "; **1** new: footer (chromium, desktop) (of 6) |" in text
    assert "| Accessibility | **2** of 12 check(s) failed (5 failing node(s)) |" in text
    assert (
        "| Vitals over budget | **1** metric(s): LCP of /home; **2** API endpoint(s): every API"
        " call, GET /api/settings |"
    ) in text
    assert "comment `/approve-snapshots`" in text
    assert "[Merged report](https://ci/report) · [Artifacts](https://ci/run#artifacts)" in text


def test_a_clean_run_says_so_without_a_review_hint(tmp_path: Path) -> None:
    Results(title="clean").save(tmp_path)

    text = summary_markdown(collect(tmp_path))

    assert "| Visual snapshots | 0 changed; 0 new (of 0) |" in text
    assert "| Vitals over budget | 0 metric(s); 0 API endpoint(s) |" in text
    assert "Accessibility" not in text
    assert "approve-snapshots" not in text


def test_the_command_appends_to_a_file(merged: Path, tmp_path: Path) -> None:
    out = tmp_path / "step-summary.md"
    out.write_text("before\n")

    code = sitewise_main(["report", "summary", str(merged), "--report-url", "u", "--out", str(out)])

    assert code == 0
    text = out.read_text()
    assert text.startswith(f"before\n{MARKER}\n")
    assert "[Merged report](u)" in text


def test_the_command_refuses_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sitewise_main(["report", "summary", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err
