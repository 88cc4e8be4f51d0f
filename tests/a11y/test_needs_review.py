"""Nodes axe could not decide on: listed as needing review, failing only when asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from sitewise.accessibility.plugin import AccessibilityError, AssertAccessible
from sitewise.artifacts import attachments
from sitewise.config.model import A11yConfig, KnownIssue, SuiteConfig

pytestmark = pytest.mark.viewports("desktop")

OpenPage = Callable[[str], Page]
LATER = dt.date.today() + dt.timedelta(days=90)
GRADIENT = "Element's background color could not be determined due to a background gradient"


@pytest.fixture
def fail_on_needs_review() -> bool:
    return False


@pytest.fixture
def known_issues() -> tuple[KnownIssue, ...]:
    return ()


@pytest.fixture
def a11y_config(
    suite_config: SuiteConfig, fail_on_needs_review: bool, known_issues: tuple[KnownIssue, ...]
) -> A11yConfig:
    return suite_config.a11y.model_copy(
        update={"fail_on_needs_review": fail_on_needs_review, "known_issues": known_issues}
    )


def test_needs_review_is_listed_without_failing_by_default(
    open_page: OpenPage, assert_accessible: AssertAccessible, request: pytest.FixtureRequest
) -> None:
    check = assert_accessible(open_page("needs-review.html"))
    assert check.passed
    assert check.rules == ()
    assert [(r.id, [n.target for n in r.nodes]) for r in check.needs_review] == [
        ("color-contrast", ["#on-gradient"])
    ]
    lines = check.message(3).splitlines()
    assert lines[0] == "Accessibility check passed: 1 node(s) need review (not failing)"
    assert (
        "Needs review: axe could not decide on 1 node(s); a person should look at them"
        " (they do not fail the check):" in lines
    )
    assert "   - Target:  #on-gradient" in lines
    assert f"     Why:     {GRADIENT}" in lines
    (found,) = [a for a in attachments(request.node.user_properties) if a.kind == "a11y"]
    review = found.data["needs_review"]
    assert found.data["passed"] is True
    assert (review["fails"], review["nodes"], review["by_impact"]["serious"]) == (False, 1, 1)
    (rule,) = review["rules"]
    assert (rule["id"], rule["criteria"], rule["nodes_needs_review"], rule["nodes_failing"]) == (
        "color-contrast",
        ["1.4.3"],
        1,
        0,
    )
    assert [(n["target"], n["status"]) for n in rule["nodes"]] == [("#on-gradient", "needs_review")]


@pytest.mark.parametrize("fail_on_needs_review", [True])
def test_needs_review_fails_when_the_config_asks(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(open_page("needs-review.html"))
    assert not failure.value.check.passed
    lines = str(failure.value).splitlines()
    assert lines[0] == "Accessibility check failed: 1 node(s) need review (serious 1)"
    assert (
        "Needs review: axe could not decide on 1 node(s); a person should look at them"
        " (they fail the check, as [a11y] fail_on_needs_review asks):" in lines
    )
    assert f"     Why:     {GRADIENT}" in lines


@pytest.mark.parametrize("fail_on_needs_review", [True])
@pytest.mark.parametrize(
    "known_issues",
    [
        (
            KnownIssue(
                rule="color-contrast",
                target="#on-gradient",
                reason="Reviewed: dark text on a light gradient, 9:1 at its lightest",
                expires=LATER,
            ),
        )
    ],
)
def test_a_reviewed_node_is_accepted_as_a_known_issue(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = assert_accessible(open_page("needs-review.html"))
    assert check.passed
    assert [(n.target, n.status) for n in check.review_nodes("accepted")] == [
        ("#on-gradient", "accepted")
    ]
    assert [(i.rule, i.target, n) for i, n in check.known_issues_met()] == [
        ("color-contrast", "#on-gradient", 1)
    ]
