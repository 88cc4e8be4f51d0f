"""The engine's pure parts, without a browser: criteria, targets, verdicts, needs review,
run merge, the report's section, layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from sitewise.accessibility.names import criteria_of, join_target, level_of, standard_name
from sitewise.accessibility.run_summary import A11yRun
from sitewise.accessibility.runner import AxeRun, FrameCoverage
from sitewise.accessibility.verdict import A11yCheck, evaluate
from sitewise.config.model import A11yConfig, KnownIssue
from sitewise.keyboard.checks import FocusStop, focus_indicators, reading_order, sequences_message
from sitewise.report.sections import a11y_section

TODAY = dt.date(2026, 3, 1)


def axe_node(target: list[Any], html: str = "<img>") -> dict[str, Any]:
    return {
        "target": target,
        "html": html,
        "impact": "critical",
        "failureSummary": "Fix any of the following:\n  Element does not have an alt attribute",
    }


def axe_rule(rule: str, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": rule,
        "impact": "critical",
        "tags": ["cat.text-alternatives", "wcag2a", "wcag111", "section508"],
        "help": "Images must have alternative text",
        "description": "Ensure <img> elements have alternative text",
        "helpUrl": f"https://dequeuniversity.com/rules/axe/4.14/{rule}",
        "nodes": nodes,
    }


def axe_result(
    *violations: tuple[str, list[dict[str, Any]]],
    incomplete: tuple[tuple[str, list[dict[str, Any]]], ...] = (),
) -> AxeRun:
    results = {
        "testEngine": {"name": "axe-core", "version": "4.14.1"},
        "violations": [axe_rule(rule, nodes) for rule, nodes in violations],
        "incomplete": [axe_rule(rule, nodes) for rule, nodes in incomplete],
    }
    return AxeRun(results, A11yConfig().tags, (), (), FrameCoverage(("http://app.test/",), ()))


def issue(target: str, expires: dt.date = TODAY, rule: str = "image-alt") -> KnownIssue:
    return KnownIssue(rule=rule, target=target, reason=f"{target} is tracked", expires=expires)


@pytest.mark.parametrize(
    ("tags", "criteria"),
    [
        (["wcag2a", "wcag111", "section508"], ("1.1.1",)),
        (["wcag2aa", "wcag1410", "wcag143"], ("1.4.3", "1.4.10")),
        (["wcag22aa", "wcag258", "EN-9.2.5.8"], ("2.5.8",)),
        (["best-practice", "cat.keyboard"], ()),
    ],
)
def test_criteria_come_from_the_rule_tags(tags: list[str], criteria: tuple[str, ...]) -> None:
    assert criteria_of(tags) == criteria


def test_level_and_standard_name_come_from_the_tags() -> None:
    assert level_of(["wcag2a", "wcag111"]) == "A"
    assert level_of(["wcag21aa", "wcag1410"]) == "AA"
    assert level_of(["best-practice"]) == ""
    assert standard_name(A11yConfig().tags) == (
        "WCAG 2.2 AA (axe tags: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa)"
    )
    assert standard_name(["wcag2a", "wcag2aa", "best-practice"]).startswith("WCAG 2.0 AA (")
    assert standard_name(["best-practice"]) == "axe tags: best-practice"


def test_targets_join_frames_and_shadow_roots() -> None:
    assert join_target(["#logo"]) == "#logo"
    assert join_target(["#embed", "a"]) == "#embed >> a"
    assert join_target(["#embed", ["my-card", "button"]]) == "#embed >> my-card >>> button"


def test_known_issues_match_rule_and_target_never_a_count() -> None:
    run = axe_result(
        ("image-alt", [axe_node(["#logo"]), axe_node(["#banner"]), axe_node(["#f", "#logo"])]),
        ("link-name", [axe_node(["#logo"])]),
    )
    check = evaluate(
        run,
        url="http://app.test/",
        browser="chromium 1",
        known_issues=[issue("#logo"), issue("#gone")],
        today=TODAY,
    )
    statuses = {(r.id, n.target): n.status for r in check.rules for n in r.nodes}
    assert statuses == {
        ("image-alt", "#logo"): "accepted",
        ("image-alt", "#banner"): "failing",
        ("image-alt", "#f >> #logo"): "failing",
        ("link-name", "#logo"): "failing",
    }
    assert [(i.target, n) for i, n in check.known_issues_met()] == [("#logo", 1)]
    assert not check.passed


def test_expired_issue_fails_and_is_named_with_its_date() -> None:
    run = axe_result(("image-alt", [axe_node(["#logo"])]))
    expired = issue("#logo", expires=TODAY - dt.timedelta(days=1))
    check = evaluate(run, url="u", browser="b", known_issues=[expired], today=TODAY)
    assert [n.status for n in check.nodes("expired")] == ["expired"]
    assert not check.passed
    assert "Known issue EXPIRED on 2026-02-28: #logo is tracked" in check.message(3)
    assert check.to_data()["known_issues"][0]["expired"] is True


def test_message_counts_the_nodes_it_does_not_show() -> None:
    nodes = [axe_node([f"#img{i}"], html=f'<img id="img{i}">') for i in range(5)]
    check = evaluate(
        axe_result(("image-alt", nodes)), url="u", browser="b", known_issues=[], today=TODAY
    )
    message = check.message(2)
    assert "#img1" in message
    assert "#img2" not in message
    assert "   ... and 3 more node(s) (see the full axe result)" in message
    assert "1. image-alt (critical) WCAG 1.1.1 level A: Images must have alternative text" in (
        message
    )


def check_data(url: str, targets: list[str], known: list[KnownIssue]) -> dict[str, Any]:
    run = axe_result(("image-alt", [axe_node([t]) for t in targets]))
    check = evaluate(run, url=url, browser="chromium 1", known_issues=known, today=TODAY)
    return check.to_data()


def test_run_merges_checks_and_finds_stale_issues_on_a_full_run() -> None:
    configured = [issue("#logo"), issue("#gone", rule="label")]
    run = A11yRun()
    # As if from two xdist workers: each test's attachment data reaches the controller.
    run.add("t.py::a", check_data("http://app.test/a", ["#logo", "#x"], configured), "a.json")
    run.add("t.py::b", check_data("http://app.test/b", [], configured), "b.json")
    summary = run.summary(configured, full_run=True, today=TODAY)
    assert (summary["checks"], summary["checks_failed"]) == (2, 1)
    assert [p["url"] for p in summary["pages"]] == ["http://app.test/a", "http://app.test/b"]
    assert summary["rules"][0]["id"] == "image-alt"
    assert (summary["nodes"], summary["nodes_failing"]) == (2, 1)
    assert summary["failing_by_impact"]["critical"] == 1
    known = summary["known_issues"]
    assert [(u["target"], u["nodes"], u["tests"]) for u in known["used"]] == [
        ("#logo", 1, ["t.py::a"])
    ]
    assert known["stale_checked"] is True
    assert [(s["rule"], s["target"]) for s in known["stale"]] == [("label", "#gone")]
    partial = run.summary(configured, full_run=False, today=TODAY)["known_issues"]
    assert (partial["stale_checked"], partial["stale"]) == (False, [])


def test_one_page_on_two_workers_ports_counts_once() -> None:
    configured = [issue("#logo")]
    run = A11yRun()
    # Each xdist worker starts the targets on a port of its own; the check names its page.
    for nodeid, port in (("t.py::a", 8001), ("t.py::b", 8002)):
        data = check_data(f"http://127.0.0.1:{port}/settings", ["#logo", "#x"], configured)
        run.add(nodeid, {**data, "page": "web:/settings"}, None)
    # A check from a run that named no pages counts by its URL.
    run.add("t.py::c", check_data("http://other.test/", [], configured), None)
    summary = run.summary(configured, full_run=True, today=TODAY)
    first, second = summary["pages"]
    assert (first["page"], first["checks"], first["failed"], first["tests"]) == (
        "http://other.test/",
        1,
        0,
        ["t.py::c"],
    )
    assert (second["page"], second["checks"], second["failed"], second["tests"]) == (
        "web:/settings",
        2,
        2,
        ["t.py::a", "t.py::b"],
    )
    assert second["urls"] == ["http://127.0.0.1:8001/settings", "http://127.0.0.1:8002/settings"]
    assert second["url"] == "http://127.0.0.1:8001/settings"
    assert summary["rules"][0]["pages"] == ["http://other.test/", "web:/settings"]
    assert summary["known_issues"]["used"][0]["pages"] == ["web:/settings"]
    assert [t["page"] for t in summary["tests"]] == [
        "web:/settings",
        "web:/settings",
        "http://other.test/",
    ]
    html = a11y_section(summary, [], {})
    assert "3 checks on 2 pages: 2 failed" in html
    pages = html[html.index("Pages checked (2)") :]
    assert (
        '<th scope=row title="http://127.0.0.1:8001/settings\nhttp://127.0.0.1:8002/settings">'
        "web:/settings</th><td>2</td><td>2</td>"
    ) in pages


def review_node(target: str) -> dict[str, Any]:
    return {
        "target": [target],
        "html": f'<p id="{target[1:]}">',
        "impact": "serious",
        "failureSummary": "Fix any of the following:\n  Background could not be determined",
    }


def review_check(*, fail: bool, known: Sequence[KnownIssue] = (), url: str = "u") -> A11yCheck:
    run = axe_result(
        incomplete=(
            ("color-contrast", [review_node("#a"), review_node("#b")]),
            # The frames that did not answer: reported as unreached, not as needing review.
            ("frame-tested", [review_node("#frame")]),
        )
    )
    return evaluate(
        run,
        url=url,
        browser="b",
        known_issues=known,
        today=TODAY,
        fail_on_needs_review=fail,
    )


def test_needs_review_nodes_are_kept_apart_and_fail_only_when_asked() -> None:
    listed = review_check(fail=False)
    assert listed.passed
    assert [r.id for r in listed.needs_review] == ["color-contrast"]
    assert [n.status for n in listed.review_nodes("needs_review")] == ["needs_review"] * 2
    assert (listed.rules, listed.to_data()["nodes"]["total"]) == ((), 0)
    assert listed.to_data()["needs_review"]["nodes"] == 2
    failing = review_check(fail=True)
    assert not failing.passed
    assert failing.message(1).splitlines()[0] == (
        "Accessibility check failed: 2 node(s) need review (serious 2)"
    )
    assert failing.to_data()["needs_review"]["rules"][0]["nodes_failing"] == 2


def test_known_issues_accept_needs_review_nodes_and_expire_like_any_other() -> None:
    accepted = review_check(fail=True, known=[issue("#a", rule="color-contrast")])
    assert [n.target for n in accepted.review_nodes("needs_review")] == ["#b"]
    assert [(i.target, n) for i, n in accepted.known_issues_met()] == [("#a", 1)]
    past = TODAY - dt.timedelta(days=1)
    expired = review_check(fail=False, known=[issue("#a", past, rule="color-contrast")])
    assert not expired.passed
    assert "1 node(s) needing review met an expired known issue" in expired.message(3)
    assert "     Known issue EXPIRED on 2026-02-28: #a is tracked" in expired.message(3)


def test_run_lists_needs_review_with_each_check_and_the_report_shows_them() -> None:
    run = A11yRun()
    run.add("t.py::a", review_check(fail=False, url="http://app.test/a").to_data(), "a.json")
    run.add("t.py::b", check_data("http://app.test/b", [], []), "b.json")
    summary = run.summary([], full_run=True, today=TODAY)
    review = summary["needs_review"]
    assert (review["fails"], review["checks"], review["nodes"]) == (False, 1, 2)
    assert [(r["id"], r["nodes"], r["tests"]) for r in review["rules"]] == [
        ("color-contrast", 2, ["t.py::a"])
    ]
    first, second = summary["tests"]
    assert [(r["id"], [n["target"] for n in r["nodes"]]) for r in first["needs_review"]] == [
        ("color-contrast", ["#a", "#b"])
    ]
    assert first["needs_review"][0]["nodes"][0]["why"] == ["Background could not be determined"]
    assert (first["passed"], second["needs_review"]) == (True, [])
    html = a11y_section(summary, [], {"t.py::a": "t1"})
    assert "2 checks on 2 pages: 0 failed, 0 failing nodes; 2 nodes need review" in html
    assert "<h3>Needs review</h3>" in html
    assert "they do not fail their checks" in html
    assert "Nodes that need review (2)" in html
    assert '<td class="pre">Background could not be determined</td>' in html
    assert '<a href="#t1" title="t.py::a">a</a>' in html


def stop(name: str, x: float, y: float, height: float = 20) -> FocusStop:
    return FocusStop(name, "button", name, "button", x, y, 60, height, "<button>", "u")


def test_reading_order_groups_rows_within_the_tolerance() -> None:
    logo = stop("logo", 10, 10, height=40)
    nav = stop("nav", 100, 22)
    below = stop("below", 10, 60)
    nudged = stop("nudged", 200, 64)
    order = reading_order([below, nudged, nav, logo], row_tolerance=8)
    assert [s.name for s in order] == ["logo", "nav", "below", "nudged"]


def test_a_tall_container_does_not_swallow_the_rows_inside_it() -> None:
    region = stop("region", 100, 300, height=270)
    cells = [
        stop(f"{name}{row}", x, y)
        for row, y in enumerate((350, 470))
        for name, x in (("role", 780), ("deactivate", 1060))
    ]
    order = reading_order([*reversed(cells), region], row_tolerance=8)
    assert [s.name for s in order] == ["region", "role0", "deactivate0", "role1", "deactivate1"]


def styles(**element: str) -> dict[str, dict[str, str]]:
    base = {
        "outline-style": "none",
        "outline-width": "0px",
        "outline-color": "rgb(0, 0, 0)",
        "outline-offset": "0px",
        "box-shadow": "none",
        "border-top-width": "1px",
        "border-top-style": "solid",
        "border-top-color": "rgb(0, 0, 0)",
    }
    return {"element": {**base, **element}, "::before": dict(base), "::after": dict(base)}


def test_focus_indicators_need_a_visible_change() -> None:
    plain = styles()
    assert focus_indicators(styles(**{"outline-style": "solid", "outline-width": "2px"}), plain)
    assert focus_indicators(styles(**{"box-shadow": "rgb(0, 0, 255) 0px 0px 0px 3px"}), plain)
    assert focus_indicators(styles(**{"border-top-color": "rgb(0, 0, 255)"}), plain)
    assert not focus_indicators(plain, plain)
    # outline: none with a width, or a transparent outline, shows nothing.
    assert not focus_indicators(styles(**{"outline-width": "3px"}), plain)
    transparent = {"outline-style": "solid", "outline-width": "2px"}
    assert not focus_indicators(
        styles(**transparent, **{"outline-color": "rgba(0, 0, 0, 0)"}), plain
    )


def test_sequences_message_marks_the_first_difference() -> None:
    message = sequences_message("Order differs.", ["a", "b", "c"], ["a", "c", "b"])
    assert message.splitlines() == [
        "Order differs.",
        "Wrong from step 2.",
        "Expected:",
        "     1. a",
        "  >  2. b",
        "     3. c",
        "Actual:",
        "     1. a",
        "  >  2. c",
        "     3. b",
    ]
