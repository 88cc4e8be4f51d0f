"""The report engine on its own: results from pytest's reports, JUnit, vitals charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _pytest.junitxml import mangle_test_address

from sitewise.artifacts import PROPERTY, Attachment
from sitewise.report.charts import vitals_chart, vitals_pages
from sitewise.report.collector import META_ATTR, ResultsCollector
from sitewise.report.html import render
from sitewise.report.junit import collapse_retries, junit_address
from sitewise.report.model import Results, RunInfo


def report(
    nodeid: str,
    when: str,
    outcome: str,
    *,
    longrepr: object = None,
    rerun: int | None = None,
    properties: list[tuple[str, object]] | None = None,
    extra: dict[str, object] | None = None,
) -> pytest.TestReport:
    made = pytest.TestReport(
        nodeid,
        ("test_x.py", 3, nodeid),
        {},
        outcome,  # type: ignore[arg-type]
        longrepr,  # type: ignore[arg-type]
        when,  # type: ignore[arg-type]
        user_properties=properties or [],
        duration=0.5,
    )
    # What pytest-rerunfailures (rerun), xdist and our plugin add to a report.
    for name, value in {**(extra or {}), **({"rerun": rerun} if rerun is not None else {})}.items():
        setattr(made, name, value)
    return made


def attempt(
    collector: ResultsCollector,
    nodeid: str,
    call: str,
    rerun: int | None = None,
    longrepr: object = None,
    extra: dict[str, object] | None = None,
) -> None:
    collector.add(report(nodeid, "setup", "passed", rerun=rerun))
    collector.add(report(nodeid, "call", call, rerun=rerun, longrepr=longrepr, extra=extra))
    collector.add(report(nodeid, "teardown", "passed", rerun=rerun))


@pytest.fixture
def collector(tmp_path: Path) -> ResultsCollector:
    return ResultsCollector(tmp_path / "reports", tmp_path)


def test_a_test_that_passes_on_a_retry_is_flaky(collector: ResultsCollector) -> None:
    attempt(collector, "test_x.py::test_a", "rerun", rerun=0, longrepr="E   assert 1 == 2")
    attempt(collector, "test_x.py::test_a", "passed", rerun=1)
    (test,) = collector.tests()
    assert test.outcome == "flaky"
    assert [a.outcome for a in test.attempts] == ["failed", "passed"]
    assert test.attempts[0].message == "assert 1 == 2"
    assert test.duration == 3.0


def test_without_rerunfailures_a_new_setup_is_a_new_attempt(collector: ResultsCollector) -> None:
    attempt(collector, "test_x.py::test_a", "failed", longrepr="boom")
    attempt(collector, "test_x.py::test_a", "failed", longrepr="boom")
    (test,) = collector.tests()
    assert test.outcome == "failed"
    assert len(test.attempts) == 2


def test_a_crashed_worker_is_a_failed_test(collector: ResultsCollector) -> None:
    collector.add(report("test_x.py::test_a", "setup", "passed"))
    collector.add(report("test_x.py::test_a", "???", "failed", longrepr="worker 'gw0' crashed"))
    (test,) = collector.tests()
    assert test.outcome == "failed"
    assert test.attempts[0].message == "worker 'gw0' crashed"


def test_setup_and_teardown_failures_are_errors(collector: ResultsCollector) -> None:
    collector.add(report("test_x.py::test_setup", "setup", "failed", longrepr="no app"))
    collector.add(report("test_x.py::test_setup", "teardown", "passed"))
    attempt(collector, "test_x.py::test_teardown", "passed")
    collector.add(report("test_x.py::test_teardown", "teardown", "failed", longrepr="leak"))
    tests = {t.nodeid: t for t in collector.tests()}
    assert tests["test_x.py::test_setup"].outcome == "error"
    assert tests["test_x.py::test_setup"].attempts[0].phase == "setup"
    assert tests["test_x.py::test_teardown"].outcome == "error"
    assert tests["test_x.py::test_teardown"].attempts[0].message == "leak"


def test_skips_and_xfails_keep_their_reason(collector: ResultsCollector) -> None:
    collector.add(
        report("test_x.py::test_s", "setup", "skipped", longrepr=("x.py", 1, "Skipped: later"))
    )
    attempt(
        collector, "test_x.py::test_f", "skipped", longrepr="E  x", extra={"wasxfail": "bug 12"}
    )
    attempt(collector, "test_x.py::test_p", "passed", extra={"wasxfail": "bug 13"})
    tests = {t.nodeid.split("::")[1]: t for t in collector.tests()}
    assert (tests["test_s"].outcome, tests["test_s"].attempts[0].message) == ("skipped", "later")
    assert tests["test_f"].outcome == "xfailed"
    assert tests["test_f"].attempts[0].message == "xfail: bug 12"
    assert tests["test_p"].outcome == "xpassed"


def test_artifacts_are_relative_to_the_reports_folder(
    collector: ResultsCollector, tmp_path: Path
) -> None:
    visual = Attachment(
        "visual",
        "header",
        data={"diff": str(tmp_path / "reports/artifacts/t/diff.png"), "diff_pixels": 3},
    )
    properties: list[tuple[str, object]] = [
        ("playwright_trace", "reports/artifacts/t/trace.zip"),
        (PROPERTY, visual.to_json()),
        ("ticket", "E2E-1"),
    ]
    collector.add(report("test_x.py::test_a", "setup", "passed"))
    collector.add(report("test_x.py::test_a", "call", "passed"))
    collector.add(report("test_x.py::test_a", "teardown", "passed", properties=properties))
    trace, diff, ticket = collector.tests()[0].attempts[0].artifacts
    assert (trace.kind, trace.path) == ("trace", "artifacts/t/trace.zip")
    assert diff.data == {"diff": "artifacts/t/diff.png", "diff_pixels": 3}
    assert (ticket.kind, ticket.title, ticket.data) == ("property", "ticket", "E2E-1")


def test_worker_metadata_reaches_the_result(collector: ResultsCollector) -> None:
    meta = {"browser": "webkit", "viewport": "mobile", "markers": ["auth", "mobile"]}
    collector.add(report("t.py::test_a[webkit-mobile]", "setup", "passed", extra={META_ATTR: meta}))
    collector.add(report("t.py::test_a[webkit-mobile]", "call", "passed"))
    (test,) = collector.tests()
    assert (test.browser, test.viewport, test.markers) == ("webkit", "mobile", ["auth", "mobile"])


@pytest.mark.parametrize(
    "nodeid",
    [
        "test_a.py::test_b",
        "e2e/test_auth.py::TestLogin::test_x[chromium-desktop]",
        "a/b.py::t[p::q]",
    ],
)
def test_junit_addresses_match_pytests(nodeid: str) -> None:
    names = mangle_test_address(nodeid)
    assert junit_address(nodeid) == (".".join(names[:-1]), names[-1])


def test_collapse_keeps_one_case_and_the_earlier_failures(
    collector: ResultsCollector, tmp_path: Path
) -> None:
    attempt(collector, "test_x.py::test_a", "rerun", rerun=0, longrepr="E   first")
    attempt(collector, "test_x.py::test_a", "passed", rerun=1)
    path = tmp_path / "junit.xml"
    path.write_text(
        '<testsuites><testsuite name="pytest" tests="2" failures="0" errors="0" skipped="0">'
        '<testcase classname="test_x" name="test_a" time="1.0"/>'
        '<testcase classname="test_x" name="test_a" time="2.0"><system-out>hi</system-out>'
        "</testcase></testsuite></testsuites>"
    )
    assert collapse_retries(path, collector.tests()) == 1
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    (case,) = suite.findall("testcase")
    assert case.get("time") == "3.000"
    assert [child.tag for child in case] == ["flakyFailure", "system-out"]
    assert case.find("flakyFailure").get("message") == "first"  # type: ignore[union-attr]
    assert suite.get("tests") == "1"


VITALS = {
    "page": "web:/settings",
    "profile": "mobile",
    "metrics": [
        {"metric": "lcp_ms", "unit": "ms", "runs": [1000, 3000, None], "median": 2000,
         "budget": 2500, "status": "pass"},
        {"metric": "cls", "runs": [0.2, 0.3], "median": 0.25, "budget": 0.1},
    ],
}  # fmt: skip


def test_vitals_data_of_every_shape_gives_the_same_rows() -> None:
    rows = [{"page": "web:/settings", **m} for m in VITALS["metrics"]]  # type: ignore[dict-item]
    by_name = {"page": "web:/settings", "metrics": {m["metric"]: m for m in rows}}
    for data in (VITALS, {"pages": [VITALS]}, rows, by_name):
        ((_, metrics),) = vitals_pages(data)
        assert [(m.metric, m.median, m.budget) for m in metrics] == [
            ("lcp_ms", 2000.0, 2500.0),
            ("cls", 0.25, 0.1),
        ]
    ((label, metrics),) = vitals_pages(VITALS)
    assert label == "web:/settings (mobile)"
    assert metrics[1].status == "fail"  # derived: the median is over the budget
    assert metrics[1].unit == ""


def test_the_vitals_chart_draws_medians_runs_and_budgets_to_scale() -> None:
    ((label, rows),) = vitals_pages(VITALS)
    svg = vitals_chart(label, rows)
    lcp, cls = re.findall(r'<g class="metric (\w+)">(.*?)</g>', svg)
    assert lcp[0] == "pass"
    assert cls[0] == "fail"
    bar = float(re.findall(r'class="track"/><rect x="64" y="\d+" width="([\d.]+)"', lcp[1])[0])
    budget = float(re.search(r'<line x1="([\d.]+)"', lcp[1])[1])  # type: ignore[index]
    # LCP: scale 3000 * 1.15 over 250 px; median 2000 -> 145 px; budget 2500 at 64 + 181 px.
    assert bar == pytest.approx(250 * 2000 / 3450, abs=0.2)
    assert budget == pytest.approx(64 + 250 * 2500 / 3450, abs=0.2)
    assert lcp[1].count("<circle") == 2  # the run without a value is not drawn
    assert "2000 ms / 2500 ms" in lcp[1]
    assert 'aria-label="web:/settings (mobile): LCP 2000 ms against 2500 ms' in svg


def test_report_escapes_what_tests_wrote(collector: ResultsCollector) -> None:
    attempt(collector, "t.py::test_a[<script>]", "failed", longrepr="E   <img src=x onerror=1>")
    html = render(Results(runs=[RunInfo()], tests=collector.tests()))
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=1&gt;" in html
    assert "test_a[&lt;script&gt;]" in html
