"""The report's run-wide sections (a11y.json, vitals.json), its status when the run failed
without a failing test, and the order in which a run writes them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sitewise.config.model import KnownIssue
from sitewise.report.html import render
from sitewise.report.model import Artifact, Attempt, Results, RunFailure, RunInfo, TestResult
from sitewise.report.runwide import RunFiles, api_latency_failures, load_run_files
from tests.run.helpers import PLUGINS, Run, make_project, results_of, run_pytest, section
from tests.run.runwide_data import (
    RUNWIDE_CONFIG,
    a11y_check,
    a11y_document,
    violation,
    vitals_data,
    vitals_document,
)

RUN_PLUGINS = [
    *PLUGINS,
]

# Every test passes; the run fails on the API latency gate (p95 250 ms against 100 ms).
PASSING_PAGES = """
    import pytest
    from sitewise.artifacts import attach
    from tests.run.runwide_data import a11y_check, violation, vitals_data

    def test_settings_page_is_accessible(request, a11y_config):
        data = a11y_check(
            "http://127.0.0.1:8000/settings",
            [violation("image-alt", "critical", "#partner-logo")],
            a11y_config.known_issues,
        )
        attach(request.node, "a11y", "settings page", data=data)
        assert data["passed"]

    @pytest.mark.performance
    def test_settings_page_is_fast(request):
        attach(request.node, "vitals", "Web Vitals: web:/settings (desktop)",
               data=vitals_data("web:/settings", [30.0, 250.0, 260.0]))
"""


def html_of(project: Path) -> str:
    return (project / "reports" / "report.html").read_text()


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    """A run of the real accessibility and performance plugins: both tests pass, the API
    latency gate fails the run."""
    project = make_project(tmp_path_factory.mktemp("gated"), RUN_PLUGINS, test_pages=PASSING_PAGES)
    (project / "playwright.config.toml").write_text(RUNWIDE_CONFIG)
    run = run_pytest(project)
    # The two tests pass; the run-wide verdicts fail as test cases of their own: the API
    # latency, and the known issue that matched nothing (RUNWIDE_CONFIG has a stale one).
    assert run.outcomes() == {"passed": 2, "failed": 2}, run.stdout
    assert "FAILED run::api-latency" in run.stdout
    assert "FAILED run::a11y-known-issues" in run.stdout
    return project, run


def test_a_run_failed_by_the_api_latency_gate_is_failed_in_the_report(
    gated: tuple[Path, Run],
) -> None:
    project, run = gated
    assert run.ret == 1, run.stdout
    (info,) = results_of(project)["runs"]
    assert info["exit_status"] == 1
    every, failure = info["failures"]
    assert (every["kind"], failure["kind"]) == ("api-latency", "api-latency")
    assert "every API call: median 250 ms over 3 calls" in every["message"]
    assert (
        "GET /api/settings: median 250 ms over 3 calls (p95 260 ms; under 20 calls, too few"
        " for a p95 of its own) is not under the budget of 100 ms" in failure["message"]
    )
    html = html_of(project)
    assert '<html lang="en" data-status="failed">' in html
    # The verdicts are failed tests (run::api-latency, run::a11y-known-issues) and the
    # header names the gate's reasons too.
    assert "<title>End-to-end report: 2 failed, 2 passed</title>" in html
    assert "<dd><code>run::api-latency</code></dd>" in html
    header = html[html.index("<header") : html.index("</header>")]
    assert "The run also failed because of:" in header
    assert "GET /api/settings: median 250 ms over 3 calls" in header


def test_the_report_is_drawn_after_a11y_json_and_vitals_json(gated: tuple[Path, Run]) -> None:
    # sitewise/vitals/plugin.py writes vitals.json at a tryfirst pytest_sessionfinish,
    # sitewise/accessibility/plugin.py writes a11y.json at a trylast one: the report sees both.
    project, _ = gated
    reports = project / "reports"
    assert (reports / "a11y.json").is_file()
    assert (reports / "vitals.json").is_file()
    html = html_of(project)
    a11y = section(html, "accessibility")
    assert "1 check on 1 page: 0 failed, 0 failing nodes; 1 stale" in a11y
    assert "http://127.0.0.1:8000/settings" in a11y
    assert "WCAG 2.2 AA" in a11y
    assert "4.12.1" in a11y
    assert "Partner widget; fix requested in PARTNER-142" in a11y  # matched, accepted
    assert "Newsletter form is being replaced" in a11y  # stale on this full run
    assert "STALE: matched nothing in this run" in a11y
    performance = section(html, "performance")
    assert performance.count('class="vitals-chart"') == 1
    assert "GET /api/settings" in performance
    assert "over budget" in performance
    assert "250 ms on web:/settings" in performance


def test_run_files_written_after_the_report_are_drawn_again(tmp_path: Path) -> None:
    # The worst order: a plugin's outermost sessionfinish wrapper writes both files and
    # fails the run after the report was first drawn.
    a11y = a11y_document(
        [("test_late.py::test_page", a11y_check("http://127.0.0.1:8000/", []))],
    )
    vitals = vitals_document([("test_late.py::test_page", vitals_data("web:/", [5.0, 6.0]))])
    late = f"""
        import json
        import pytest

        class LateWriter:
            @pytest.hookimpl(wrapper=True, tryfirst=True)
            def pytest_sessionfinish(self, session):
                result = yield
                reports = session.config.rootpath / "reports"
                (reports / "a11y.json").write_text(json.dumps({a11y!r}))
                (reports / "vitals.json").write_text(json.dumps({vitals!r}))
                session.exitstatus = 1
                return result

        def pytest_configure(config):
            config.pluginmanager.register(LateWriter(), "late-writer")
    """
    project = make_project(
        tmp_path, PLUGINS, late_plugin=late, test_late="def test_page():\n    pass\n"
    )
    (project / "conftest.py").write_text(f"pytest_plugins = {[*PLUGINS, 'late_plugin']!r}\n")
    run = run_pytest(project)
    assert run.ret == 1, run.stdout + run.stderr
    html = html_of(project)
    assert "1 check on 1 page: 0 failed" in section(html, "accessibility")
    assert "GET /api/settings" in section(html, "performance")
    assert 'data-status="failed"' in html
    assert "exit status 1 (tests failed) though no test failed: a plugin failed the run" in html
    (info,) = results_of(project)["runs"]
    assert info["exit_status"] == 1
    assert [f["kind"] for f in info["failures"]] == ["exit-status"]


def test_run_files_of_an_earlier_run_are_not_this_runs(tmp_path: Path) -> None:
    project = make_project(tmp_path, PLUGINS, test_plain="def test_plain():\n    pass\n")
    reports = project / "reports"
    reports.mkdir()
    earlier = a11y_document([("old.py::test_old", a11y_check("http://old/", []))])
    (reports / "a11y.json").write_text(json.dumps(earlier))
    (reports / "vitals.json").write_text(json.dumps(vitals_document([])))
    run = run_pytest(project)
    assert run.ret == 0, run.stdout
    assert not (reports / "a11y.json").exists()
    assert not (reports / "vitals.json").exists()
    html = html_of(project)
    assert 'id="accessibility"' not in html
    assert 'id="performance"' not in html
    assert 'data-status="passed"' in html


@pytest.mark.viewports("desktop")
def test_the_sections_open_from_a_file_and_link_to_their_tests(
    gated: tuple[Path, Run], page: Page
) -> None:
    project, _ = gated
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((project / "reports" / "report.html").as_uri())
    expect(page.locator(".run-failed")).to_contain_text("also failed because of")
    performance = page.locator("#performance")
    expect(performance.get_by_role("heading", name="Performance")).to_be_visible()
    chart = performance.locator(".vitals-chart")
    expect(chart).to_be_visible()  # open: something in it failed
    expect(chart.locator("g.metric")).to_have_count(2)
    expect(chart.locator("line.budget")).to_have_count(2)
    accessibility = page.locator("#accessibility")
    stale = accessibility.get_by_text("STALE: matched nothing in this run")
    expect(stale).to_be_hidden()  # closed: nothing failed
    accessibility.get_by_role("heading", name="Accessibility").click()
    expect(stale).to_be_visible()
    link = performance.locator("table").last.get_by_role("link").first
    name = link.inner_text()
    link.click()
    opened = page.locator("#tests > li.test", has_text=name).locator("details")
    expect(opened).to_have_attribute("open", "")
    assert all(url.startswith("file://") for url in requested), requested


# --- the engine on its own ---


def failing_a11y_test() -> TestResult:
    data = a11y_check(
        "http://127.0.0.1:8000/users",
        [
            violation("image-alt", "critical", "#logo", "#partner-logo"),
            violation("label", "serious", "#search"),
        ],
        [KnownIssue(rule="image-alt", target="#partner-logo", reason="r", expires=dt.date.max)],
    )
    artifact = Artifact(kind="a11y", title="users page", data=data)
    return TestResult(
        nodeid="e2e/test_a11y.py::test_users_page[chromium-desktop]",
        outcome="failed",
        attempts=[Attempt(outcome="failed", message="2 nodes", artifacts=[artifact])],
    )


def passing_test(name: str = "test_ok") -> TestResult:
    return TestResult(
        nodeid=f"t.py::{name}", outcome="passed", attempts=[Attempt(outcome="passed")]
    )


def test_the_accessibility_section_lists_rules_impacts_and_failing_nodes() -> None:
    failing = failing_a11y_test()
    a11y = a11y_document([(failing.nodeid, failing.attempts[0].artifacts[0].data)])
    results = Results(runs=[RunInfo(exit_status=1)], tests=[passing_test(), failing])
    html = render(results, RunFiles(a11y=a11y))
    part = section(html, "accessibility")
    assert "1 check on 1 page: 1 failed, 2 failing nodes (critical 1, serious 1)" in part
    assert "<details open>" in part  # a failure opens it
    # Nodes by impact: critical 2 found (one accepted), 1 failing.
    assert "<th scope=row>critical</th><td>2</td><td>1</td>" in part
    assert 'href="https://dequeuniversity.com/rules/axe/4.12/image-alt">image-alt</a>' in part
    nodes = part[part.index("Failing nodes (2)") :]
    assert "<code>#logo</code>" in nodes
    assert "<code>#search</code>" in nodes
    assert "#partner-logo" not in nodes.split("Pages checked")[0]  # accepted, not failing
    assert "&lt;img id=&quot;logo&quot; src=&quot;logo.png&quot;&gt;" in nodes
    assert "Element has no alt attribute" in nodes
    # The failing test comes first in the list, and the section links to it.
    assert '<li class="test" id="t0" data-status="failed"' in html
    assert f'<a href="#t0" title="{failing.nodeid}">' in nodes
    assert "Stale entries not checked" not in part  # nothing configured here


def test_the_performance_section_charts_each_page_and_judges_api_latency() -> None:
    vitals = vitals_document(
        [
            ("t.py::test_ok", vitals_data("web:/settings", [250.0, 260.0], lcp_ms=3000)),
            ("t.py::test_ok", vitals_data("web:/settings", [30.0], profile="mobile")),
            ("t.py::test_two", vitals_data("admin:/users", [5.0], endpoint="GET /api/users")),
        ]
    )
    results = Results(runs=[RunInfo()], tests=[passing_test(), passing_test("test_two")])
    html = render(results, RunFiles(vitals=vitals))
    part = section(html, "performance")
    assert "3 measurements over 3 pages and profiles: 1 over budget; API: 3 endpoints, 2 over" in (
        part
    )
    assert part.count('class="vitals-chart"') == 3
    assert re.search(r"<h4>web:/settings <span class=\"muted\">mobile</span></h4>", part)
    assert "LCP 3000 ms over 2500 ms" in part
    assert '<td class="fail" title="fail">3000 ms</td>' in part  # the overview's median
    api = part[part.index("<h3>API latency</h3>") :]
    rows = re.findall(r'<tr class="(\w+)"><th scope=row>([^<]+)</th><td>(\d+)</td>', api)
    assert rows == [
        ("fail", "every API call", "4"),
        ("fail", "GET /api/settings", "3"),
        ("pass", "GET /api/users", "1"),
    ]
    # Three calls: too few for a p95, judged by their median.
    assert "<td>260 ms</td><td>250 ms</td><td>median</td><td>100 ms</td><td>over budget</td>" in api
    assert "260 ms on web:/settings" in api
    assert '<a href="#t0" title="t.py::test_ok">test_ok</a>' in api
    # vitals.json's verdict alone does not fail the report: the run's exit status and
    # failures do (the plugin fails the run, and the run records why).
    assert 'data-status="passed"' in html


def test_a_run_that_failed_without_a_failing_test_is_failed() -> None:
    gate = RunFailure(kind="api-latency", message="API latency: GET /api/x: p95 300 ms")
    results = Results(runs=[RunInfo(exit_status=1, failures=[gate])], tests=[passing_test()])
    assert results.failed()
    assert not results.tests_failed()
    assert results.failure_reasons() == ["API latency: GET /api/x: p95 300 ms"]
    html = render(results)
    assert 'data-status="failed"' in html
    assert "The run failed with exit status 1 though no test failed:" in html
    interrupted = Results(runs=[RunInfo(exit_status=2)], tests=[passing_test()])
    assert interrupted.failure_reasons() == ["exit status 2"]
    assert 'data-status="failed"' in render(interrupted)
    assert not Results(runs=[RunInfo()], tests=[passing_test()]).failed()
    # With a failing test too, the other reasons are still given.
    both = Results(runs=[RunInfo(exit_status=1, failures=[gate])], tests=[failing_a11y_test()])
    assert "The run also failed because of:" in render(both)


def test_api_latency_failures_name_each_endpoint_over_budget() -> None:
    vitals = vitals_document(
        [
            ("t.py::a", vitals_data("web:/", [10.0, 250.0, 300.0])),
            ("t.py::b", vitals_data("web:/", [10.0], endpoint="GET /api/me")),
        ]
    )
    every, failure = api_latency_failures(vitals)
    assert (every.kind, failure.kind) == ("api-latency", "api-latency")
    assert failure.message == (
        "API latency ([performance] api_p95_ms): GET /api/settings: median 250 ms over 3"
        " calls (p95 300 ms; under 20 calls, too few for a p95 of its own) is not under the"
        " budget of 100 ms; slowest: 300 ms on web:/, 250 ms on web:/, 10 ms on web:/"
    )
    assert api_latency_failures(None) == []
    assert api_latency_failures({"api_latency": {"endpoints": "?"}}) == []


def test_unreadable_run_files_are_named_in_the_report(tmp_path: Path) -> None:
    (tmp_path / "a11y.json").write_text("{not json")
    files = load_run_files(tmp_path)
    assert files.a11y is None
    assert files.vitals is None
    (problem,) = files.problems
    assert "a11y.json: not JSON" in problem
    assert "a11y.json: not JSON" in render(Results(), files)


def test_measurements_outside_the_performance_specs_are_not_judged() -> None:
    vitals = vitals_document([("t.py::test_ok", vitals_data("fixture:/slow", [500.0]))])
    vitals["api_latency"]["endpoints"] = []  # as the plugin writes it: no performance spec
    part = section(render(Results(tests=[passing_test()]), RunFiles(vitals=vitals)), "performance")
    assert "API: 0 endpoints, 0 over the p95 budget" in part
    assert "Nothing judged: no API call was measured by a performance spec" in part
    assert part.count('class="vitals-chart"') == 1
