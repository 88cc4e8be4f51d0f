"""The run's a11y.json and terminal summary, seen from a pytest run of a tiny suite."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.a11y.conftest import PAGES

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
LATER = dt.date.today() + dt.timedelta(days=180)

CONFTEST = f"""
from pathlib import Path

import pytest

from sitewise.targets import StartedTargets
from tests.conftest import serve_directory

pytest_plugins = []


def pytest_sitewise_start_targets(config, names, workdir, log_dir):
    # Each worker serves the pages on a port of its own, as a suite's bundled apps are.
    url, stop = serve_directory(Path({str(PAGES)!r}))
    return StartedTargets({{"pages": url}}, stop)


@pytest.fixture(scope="session")
def pages(target_urls):
    return target_urls.url("pages")
"""

TESTS = """
import pytest


def test_violations(page, pages, assert_accessible):
    page.goto(pages + "/violations.html")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, include="#images")


def test_clean(page, pages, assert_accessible):
    page.goto(pages + "/clean.html")
    assert assert_accessible(page).passed
"""

CONFIG = f"""
[targets.pages]

[[viewports]]
name = "desktop"
width = 1280
height = 720

[[a11y.known_issues]]
rule = "image-alt"
target = "#logo"
reason = "Logo alt text ships with the rebrand"
expires = {LATER.isoformat()}

[[a11y.known_issues]]
rule = "label"
target = "#newsletter"
reason = "Newsletter form is being replaced"
expires = {LATER.isoformat()}
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A tiny suite using the accessibility plugin, with two known issues: one used, one stale."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for name in ("E2E_WEB_URL", "E2E_ADMIN_URL", "E2E_CONFIG", "CI"):
        monkeypatch.delenv(name, raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_pages=textwrap.dedent(TESTS))
    (pytester.path / "playwright.config.toml").write_text(CONFIG)
    return pytester


def run_report(suite: pytest.Pytester) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((suite.path / "reports" / "a11y.json").read_text())
    return data


def test_full_run_over_workers_merges_checks_and_reports_stale_issues(
    suite: pytest.Pytester,
) -> None:
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", timeout=240)
    # The two tests pass; the stale known issue fails the run as a test case of its own.
    result.assert_outcomes(passed=2, failed=1, warnings=0)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        ["FAILED run::a11y-known-issues - 1 known issue(s) of *a11y* matched nothing*"]
    )
    result.stdout.fnmatch_lines(
        [
            "*= accessibility =*",
            "2 check(s) on 2 page(s): 1 failed, 1 failing node(s) (critical 1); WCAG 2.2 AA;"
            " axe-core 4.*",
            "known issues: 2 configured, 1 of them matched",
            "STALE known issue (matched nothing in this run): label at #newsletter: Newsletter"
            f" form is being replaced (expires {LATER}); remove it from playwright.config.toml",
            f"report: {suite.path / 'reports' / 'a11y.json'}",
        ]
    )
    report = run_report(suite)
    assert report["full_run"] is True
    assert (report["checks"], report["checks_failed"]) == (2, 1)
    # Each worker serves the pages on its own port: a page is named by target and route.
    assert [p["page"] for p in report["pages"]] == ["pages:/clean.html", "pages:/violations.html"]
    assert {t["page"]: t["url"].rsplit("/", 1)[1] for t in report["tests"]} == {
        "pages:/clean.html": "clean.html",
        "pages:/violations.html": "violations.html",
    }
    assert [(r["id"], r["nodes"], r["nodes_accepted"]) for r in report["rules"]] == [
        ("image-alt", 2, 1)
    ]
    assert report["failing_by_impact"] == {"critical": 1, "serious": 0, "moderate": 0, "minor": 0}
    known = report["known_issues"]
    assert [(u["rule"], u["target"], u["nodes"]) for u in known["used"]] == [
        ("image-alt", "#logo", 1)
    ]
    assert [(s["rule"], s["target"]) for s in known["stale"]] == [("label", "#newsletter")]
    assert {t["nodeid"].split("::")[1] for t in report["tests"]} == {
        "test_violations[chromium-desktop]",
        "test_clean[chromium-desktop]",
    }
    for test in report["tests"]:
        assert Path(test["result_file"]).is_file()


def test_partial_run_does_not_call_issues_stale(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "-k", "clean", timeout=240)
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(
        ["stale known issues not checked: not a full run (-k clean; 1 test(s) deselected)"]
    )
    result.stdout.no_fnmatch_line("*STALE*")
    report = run_report(suite)
    assert (report["known_issues"]["stale_checked"], report["known_issues"]["stale"]) == (
        False,
        [],
    )
    assert report["partial_reasons"] == ["-k clean", "1 test(s) deselected"]
    # results.json tells the same of the run.
    results = json.loads((suite.path / "reports" / "results.json").read_text())
    assert results["runs"][0]["partial_reasons"] == report["partial_reasons"]


def test_a_check_that_did_not_run_makes_the_run_partial(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_broken=(
            "def test_broken(assert_accessible):\n"
            "    raise RuntimeError('failed before its check')\n"
        )
    )
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "stale known issues not checked: not a full run (1 test(s) failed; 1 test(s) using"
            " assert_accessible failed or were skipped before a check)"
        ]
    )
    assert run_report(suite)["known_issues"]["stale_checked"] is False


def test_a_check_skipped_before_it_ran_makes_the_run_partial(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_later=(
            "import pytest\n\n\n"
            "def test_later(assert_accessible):\n"
            "    pytest.skip('the page is not there yet')\n"
        )
    )
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=2, skipped=1)
    assert run_report(suite)["partial_reasons"] == [
        "1 test(s) using assert_accessible failed or were skipped before a check"
    ]


REVIEW_TESTS = """
def test_gradient(page, pages, assert_accessible):
    page.goto(pages + "/needs-review.html")
    assert_accessible(page)
"""

REVIEW_CONFIG = """
[targets.pages]

[[viewports]]
name = "desktop"
width = 1280
height = 720

[a11y]
fail_on_needs_review = {option}
"""


@pytest.mark.parametrize("fail_on_needs_review", [False, True])
def test_needs_review_is_listed_per_check_and_fails_only_when_configured(
    suite: pytest.Pytester, fail_on_needs_review: bool
) -> None:
    suite.makepyfile(test_pages=REVIEW_TESTS)
    option = str(fail_on_needs_review).lower()
    (suite.path / "playwright.config.toml").write_text(REVIEW_CONFIG.format(option=option))
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", timeout=240)
    verdict = "failing their checks" if fail_on_needs_review else "not failing"
    result.stdout.fnmatch_lines(
        [f"needs review ({verdict}): 1 node(s) in 1 check(s): color-contrast 1"]
    )
    if fail_on_needs_review:
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(
            [
                "E * Accessibility check failed: 1 node(s) need review (serious 1)",
                "E *   - Target:  #on-gradient",
            ]
        )
    else:
        result.assert_outcomes(passed=1)
    report = run_report(suite)
    assert report["checks_failed"] == int(fail_on_needs_review)
    assert report["needs_review"]["fails"] is fail_on_needs_review
    (check,) = report["tests"]
    assert [(r["id"], [n["target"] for n in r["nodes"]]) for r in check["needs_review"]] == [
        ("color-contrast", ["#on-gradient"])
    ]
