"""`python -m sitewise report merge`: several runs' reports into one JUnit and one HTML report."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sitewise.config.model import KnownIssue
from sitewise.report.html import render
from sitewise.report.model import Results
from sitewise.report.runwide import RunFiles, api_latency_failures, merge_a11y, merge_vitals
from tests.run.helpers import PLUGINS, ROOT, make_project, results_of, run_pytest, section
from tests.run.runwide_data import (
    RUNWIDE_CONFIG,
    a11y_check,
    a11y_document,
    violation,
    vitals_data,
    vitals_document,
)

SUITE = """
    import pytest
    from PIL import Image
    from sitewise.artifacts import artifact_dir, attach

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
        [sys.executable, "-m", "sitewise", "report", "merge", *map(str, args)],
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
            "sitewise.report",
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


# --- a11y.json and vitals.json over every shard ---

# Shard 1 fails its own API latency gate: two slow calls of three (median 250 ms).
SHARD_1 = """
    import pytest
    from sitewise.artifacts import attach
    from tests.run.runwide_data import a11y_check, violation, vitals_data

    def test_settings_page_is_accessible(request, a11y_config):
        data = a11y_check("http://127.0.0.1:8000/settings",
                          [violation("image-alt", "critical", "#partner-logo")],
                          a11y_config.known_issues)
        attach(request.node, "a11y", "settings page", data=data)

    @pytest.mark.performance
    def test_settings_page_is_fast(request):
        attach(request.node, "vitals", "web:/settings",
               data=vitals_data("web:/settings", [30.0, 250.0, 260.0]))
"""

# Shard 2: forty fast calls, so over both shards those slow calls are above p95; a slow
# call outside the performance specs is not judged; an accessibility check fails.
SHARD_2 = """
    import pytest
    from sitewise.artifacts import attach
    from tests.run.runwide_data import a11y_check, violation, vitals_data

    def test_users_page_is_accessible(request, a11y_config):
        data = a11y_check("http://127.0.0.1:8000/users",
                          [violation("label", "serious", "#search")],
                          a11y_config.known_issues)
        attach(request.node, "a11y", "users page", data=data)
        assert data["passed"], "label broken by #search"

    @pytest.mark.performance
    def test_users_page_is_fast(request):
        attach(request.node, "vitals", "web:/users",
               data=vitals_data("web:/users", [10.0] * 40))

    def test_a_fixture_page_is_measured(request):
        attach(request.node, "vitals", "fixture page",
               data=vitals_data("fixture:/slow", [500.0]))
"""


@pytest.fixture(scope="module")
def measured_shards(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two jobs' reports with a11y.json and vitals.json, as the CI merge job gets them."""
    root = tmp_path_factory.mktemp("measured")
    plugins = [
        *PLUGINS,
    ]
    projects = [
        make_project(root / f"e2e-results-chromium-{i}", plugins, test_shard=source)
        for i, source in ((1, SHARD_1), (2, SHARD_2))
    ]
    for project in projects:
        (project / "playwright.config.toml").write_text(RUNWIDE_CONFIG)
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(run_pytest, projects))
    assert [r.ret for r in runs] == [1, 1], [r.stdout for r in runs]
    assert "FAILED: API latency over the budget" in runs[0].stdout
    assert "FAILED: API latency" not in runs[1].stdout
    for project in projects:
        assert (project / "reports" / "a11y.json").is_file()
        assert (project / "reports" / "vitals.json").is_file()
    return [project / "reports" for project in projects]


def test_merge_combines_every_shards_a11y_json(measured_shards: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "merged"
    done = merge(*measured_shards, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "2 a11y.json and 2 vitals.json" in done.stdout
    a11y = json.loads((out / "a11y.json").read_text())
    assert a11y["checks"] == 2
    assert a11y["checks_failed"] == 1
    assert [p["url"] for p in a11y["pages"]] == [
        "http://127.0.0.1:8000/settings",
        "http://127.0.0.1:8000/users",
    ]
    assert {r["id"]: r["nodes_failing"] for r in a11y["rules"]} == {"image-alt": 0, "label": 1}
    assert a11y["failing_by_impact"]["serious"] == 1
    known = a11y["known_issues"]
    assert known["configured"] == 2
    assert [(i["rule"], i["configured"]) for i in known["used"]] == [("image-alt", True)]
    # Each shard here is a whole run, so it checked stale entries: shard 2 found both
    # stale, but shard 1 matched the image-alt one; only the label one is stale overall.
    assert known["stale_checked"]
    assert [(i["rule"], i["target"]) for i in known["stale"]] == [("label", "#newsletter")]
    assert {t["run"] for t in a11y["tests"]} == {"e2e-results-chromium-1", "e2e-results-chromium-2"}
    html = (out / "report.html").read_text()
    part = section(html, "accessibility")
    assert "2 checks on 2 pages: 1 failed, 1 failing node (serious 1); 1 stale" in part
    assert "<code>#search</code>" in part


def test_merge_judges_api_latency_again_over_every_shards_calls(
    measured_shards: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    summary = tmp_path / "summary.md"
    done = merge(*measured_shards, "--out", out, "--summary", summary)
    assert done.returncode == 0, done.stderr
    vitals = json.loads((out / "vitals.json").read_text())
    measured = {(m["run"], m["page"], m["judged"]) for m in vitals["measurements"]}
    assert measured == {
        ("e2e-results-chromium-1", "web:/settings", True),
        ("e2e-results-chromium-2", "web:/users", True),
        ("e2e-results-chromium-2", "fixture:/slow", False),
    }
    every, endpoint = vitals["api_latency"]["endpoints"]
    assert (every["endpoint"], every["count"], every["status"]) == ("every API call", 43, "pass")
    # 43 calls of the performance specs: the two slow ones are above the 95th percentile.
    assert (endpoint["endpoint"], endpoint["count"]) == ("GET /api/settings", 43)
    assert (endpoint["statistic"], endpoint["p95_ms"]) == ("p95", 30.0)
    assert endpoint["status"] == "pass"
    assert endpoint["slowest"][0] == {
        "duration_ms": 260.0,
        "server_ms": None,  # these shards' calls carry no Server-Timing
        "page": "web:/settings",
        "nodeid": "test_shard.py::test_settings_page_is_fast",
    }
    merged = results_of(out, ".")
    assert merged["failures"] == []  # over the whole run, the API is fast enough
    html = (out / "report.html").read_text()
    performance = section(html, "performance")
    assert performance.count('class="vitals-chart"') == 3
    assert "over every call of the performance specs of 2 run(s)" in performance
    # Shard 1's job failed on its own calls, and the merged report says so.
    header = html[: html.index("</header>")]
    assert "The run also failed because of:" in header
    assert "e2e-results-chromium-1: API latency ([performance] api_p95_ms): GET" in header
    text = summary.read_text()
    assert "API latency: 2 endpoint(s), 0 over the p95 budget of 100 ms." in text
    assert "Accessibility: 2 check(s) on 2 page(s), 1 failed, 1 failing node(s)." in text
    assert "- e2e-results-chromium-1: API latency" in text


def test_a_merge_without_run_files_removes_an_earlier_merges(
    shards: list[Path], measured_shards: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    assert merge(*measured_shards, "--out", out).returncode == 0
    assert (out / "vitals.json").is_file()
    done = merge(*shards, "--out", out)
    assert done.returncode == 0, done.stderr
    assert not (out / "a11y.json").exists()
    assert not (out / "vitals.json").exists()
    assert 'id="performance"' not in (out / "report.html").read_text()


def test_merged_vitals_keep_a_rerun_jobs_measurements_and_the_strictest_budget() -> None:
    first = vitals_document([("t.py::test_a", vitals_data("web:/", [300.0]))], budget_ms=200)
    rerun = vitals_document([("t.py::test_a", vitals_data("web:/", [40.0]))], budget_ms=200)
    other = vitals_document([("t.py::test_b", vitals_data("web:/x", [60.0]))], budget_ms=50)
    merged = merge_vitals([("job-1", first), ("job-1-2", rerun), ("job-2", other)])
    assert [(m["nodeid"], m["run"]) for m in merged["measurements"]] == [
        ("t.py::test_a", "job-1-2"),
        ("t.py::test_b", "job-2"),
    ]
    assert merged["api_p95_ms"] == 50
    assert "judged against the strictest, 50 ms" in merged["notes"][0]
    every, endpoint = merged["api_latency"]["endpoints"]
    # Two calls: judged by their median (50 ms), over the strictest budget.
    assert (endpoint["count"], endpoint["median_ms"], endpoint["status"]) == (2, 50.0, "fail")
    assert every["status"] == "fail"
    failures = api_latency_failures(merged, " over all runs")
    assert failures[0].message.startswith("API latency over all runs ([performance] api_p95_ms)")


def test_merged_a11y_of_shards_does_not_check_stale_entries() -> None:
    issue = KnownIssue(rule="label", target="#newsletter", reason="r", expires=dt.date.max)
    check = a11y_check("http://x/", [violation("image-alt", "critical", "#logo")])
    shards = [
        (
            f"chromium-{i}",
            a11y_document(
                [(f"t.py::test_{i}", check)],
                [issue],
                full_run=False,
                partial_reasons=[f"{i} test(s) deselected"],
            ),
        )
        for i in (1, 2)
    ]
    merged = merge_a11y(shards)
    assert merged["checks"] == 2
    assert merged["nodes_failing"] == 2
    (page,) = merged["pages"]
    assert (page["checks"], page["tests"]) == (2, ["t.py::test_1", "t.py::test_2"])
    assert not merged["full_run"]
    assert not merged["known_issues"]["stale_checked"]
    assert merged["partial_reasons"] == [
        "chromium-1: 1 test(s) deselected",
        "chromium-2: 2 test(s) deselected",
    ]
    html = render(Results(), RunFiles(a11y=merged))
    assert "Stale entries not checked: chromium-1: 1 test(s) deselected; chromium-2" in html
