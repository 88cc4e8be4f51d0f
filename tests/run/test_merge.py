"""`python -m harness report merge`: several runs' reports into one JUnit and one HTML report."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.run.helpers import PLUGINS, ROOT, make_project, results_of, run_pytest

SUITE = """
    import pytest
    from PIL import Image
    from harness.artifacts import artifact_dir, attach

    @pytest.mark.parametrize("name", ["header", "footer", "menu", "toast"])
    def test_region_matches_its_baseline(request, reports_dir, name):
        folder = artifact_dir(reports_dir, request.node.nodeid)
        folder.mkdir(parents=True, exist_ok=True)
        diff = folder / "diff.png"
        Image.new("RGB", (20, 10), "magenta").save(diff)
        attach(request.node, "visual", name, data={"diff": str(diff), "diff_pixels": 200})
        assert name != "menu", "menu differs from its baseline"
"""


def merge(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "report", "merge", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The reports folders of two shards of one tiny suite, run side by side."""
    root = tmp_path_factory.mktemp("shards")
    projects = [make_project(root / f"shard-{i}", PLUGINS, test_suite=SUITE) for i in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(
            pool.map(
                lambda pair: run_pytest(pair[1], "--shard", f"{pair[0]}/2"),
                enumerate(projects, start=1),
            )
        )
    ran = [r.outcomes().get("passed", 0) + r.outcomes().get("failed", 0) for r in runs]
    assert ran == [2, 2], [r.stdout for r in runs]
    return [project / "reports" for project in projects]


def test_merge_makes_one_junit_and_one_report_with_every_run(
    shards: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    done = merge(*shards, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Merged 2 run(s), 4 test(s)" in done.stdout
    merged = results_of(out, ".")
    names = sorted(t["nodeid"] for t in merged["tests"])
    assert names == sorted(t["nodeid"] for s in shards for t in results_of(s, ".")["tests"])
    assert len(names) == 4
    assert len(merged["runs"]) == 2
    assert {t["outcome"] for t in merged["tests"]} == {"passed", "failed"}
    for test in merged["tests"]:
        (visual,) = test["attempts"][-1]["artifacts"]
        assert (out / visual["data"]["diff"]).is_file(), visual
        assert visual["data"]["diff"].startswith("artifacts/")
    root = ET.parse(out / "junit.xml").getroot()
    assert root.get("tests") == "4"
    assert root.get("failures") == "1"
    assert len(list(root.iter("testsuite"))) == 2
    html = (out / "report.html").read_text()
    for name in names:
        assert name.split("::")[-1] in html


def test_merge_finds_artifacts_downloaded_apart_from_their_results(
    shards: list[Path], tmp_path: Path
) -> None:
    # What the CI merge job downloads: per job, results and (on failure) artifacts apart.
    downloaded = tmp_path / "downloaded"
    for index, reports in enumerate(shards, start=1):
        results = downloaded / f"e2e-results-chromium-{index}"
        results.mkdir(parents=True)
        for name in ("junit.xml", "results.json"):
            shutil.copy(reports / name, results / name)
        shutil.copytree(reports / "artifacts", downloaded / f"e2e-artifacts-chromium-{index}")
    out = tmp_path / "merged"
    done = merge(downloaded, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "not found" not in done.stderr
    merged = results_of(out, ".")
    assert len(merged["tests"]) == 4
    for test in merged["tests"]:
        (visual,) = test["attempts"][-1]["artifacts"]
        assert (out / visual["data"]["diff"]).is_file()
    assert ET.parse(out / "junit.xml").getroot().get("tests") == "4"


def test_merge_can_link_artifacts_where_they_are(shards: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "merged"
    done = merge(*shards, "--out", out, "--link")
    assert done.returncode == 0, done.stderr
    assert not (out / "artifacts").exists()
    for test in results_of(out, ".")["tests"]:
        (visual,) = test["attempts"][-1]["artifacts"]
        assert visual["data"]["diff"].startswith("../")
        assert (out / visual["data"]["diff"]).resolve().is_file()


def test_merge_writes_a_markdown_summary(shards: list[Path], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    done = merge(*shards, "--out", tmp_path / "merged", "--summary", summary)
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert "**1** failed" in text
    assert "menu differs from its baseline" in text


def test_merge_of_folders_without_reports_says_so(tmp_path: Path) -> None:
    done = merge(tmp_path, "--out", tmp_path / "merged")
    assert done.returncode == 1
    assert "no results.json or JUnit XML file under" in done.stderr


def test_merge_refuses_a_results_file_of_another_shape(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "results.json").write_text('{"tests": []}')
    done = merge(tmp_path / "run", "--out", tmp_path / "merged")
    assert done.returncode == 1
    assert "not a results file of this suite" in done.stderr


def test_render_draws_the_report_again(shards: list[Path], tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.report",
            "render",
            str(shards[0] / "results.json"),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.html").read_text().count('class="test"') == 2
