"""The engine's pure parts, without a browser: criteria, targets, verdicts, run merge, layout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sitewise.accessibility.axe import (
    A11yRun,
    AxeRun,
    FrameCoverage,
    criteria_of,
    evaluate,
    join_target,
    level_of,
    standard_name,
)
from sitewise.config.model import A11yConfig, KnownIssue
from sitewise.keyboard.checks import FocusStop, focus_indicators, reading_order, sequences_message

TODAY = dt.date(2026, 3, 1)


def axe_node(target: list[Any], html: str = "<img>") -> dict[str, Any]:
    return {
        "target": target,
        "html": html,
        "impact": "critical",
        "failureSummary": "Fix any of the following:\n  Element does not have an alt attribute",
    }


def axe_result(*violations: tuple[str, list[dict[str, Any]]]) -> AxeRun:
    results = {
        "testEngine": {"name": "axe-core", "version": "4.12.1"},
        "violations": [
            {
                "id": rule,
                "impact": "critical",
                "tags": ["cat.text-alternatives", "wcag2a", "wcag111", "section508"],
                "help": "Images must have alternative text",
                "description": "Ensure <img> elements have alternative text",
                "helpUrl": f"https://dequeuniversity.com/rules/axe/4.12/{rule}",
                "nodes": nodes,
            }
            for rule, nodes in violations
        ],
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
