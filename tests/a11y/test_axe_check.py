"""assert_accessible on fixture pages: exact rules found, scope, frames, known issues, output."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from sitewise.accessibility.axe import A11yCheck, axe_script_version
from sitewise.accessibility.plugin import AccessibilityError, AssertAccessible
from sitewise.artifacts import artifact_dir, attachments
from sitewise.config.model import A11yConfig, KnownIssue, SuiteConfig

pytestmark = pytest.mark.viewports("desktop")

OpenPage = Callable[[str], Page]
# Deque's rule pages are per minor version: 4.14.1 links to .../axe/4.14/...
AXE_DOCS = ".".join(axe_script_version().split(".")[:2])
TODAY = dt.date.today()
LATER = TODAY + dt.timedelta(days=90)

VIOLATIONS = {
    "button-name": ["#icon-button"],
    "color-contrast": ["#faint"],
    "html-has-lang": ["html"],
    "image-alt": ["#logo", "#banner"],
    "label": ["#email"],
    "link-name": ["#embed >> #empty-link"],
}


def accepting_everything_but(*skipped: tuple[str, str]) -> tuple[KnownIssue, ...]:
    """Known issues for every violation of violations.html except the `skipped` nodes."""
    return tuple(
        KnownIssue(rule=rule, target=target, reason=f"{rule} is tracked", expires=LATER)
        for rule, targets in VIOLATIONS.items()
        for target in targets
        if (rule, target) not in skipped
    )


@pytest.fixture
def known_issues() -> tuple[KnownIssue, ...]:
    return ()


@pytest.fixture
def max_nodes_shown() -> int:
    return 3


@pytest.fixture
def frame_wait_ms(suite_config: SuiteConfig) -> int:
    return suite_config.a11y.frame_wait_ms


@pytest.fixture
def settle_ms(suite_config: SuiteConfig) -> int:
    return suite_config.a11y.settle_ms


@pytest.fixture
def a11y_config(
    suite_config: SuiteConfig,
    known_issues: tuple[KnownIssue, ...],
    max_nodes_shown: int,
    frame_wait_ms: int,
    settle_ms: int,
) -> A11yConfig:
    """The configured [a11y] with this test's known issues (the default tags are kept)."""
    return A11yConfig(
        tags=suite_config.a11y.tags,
        known_issues=known_issues,
        max_nodes_shown=max_nodes_shown,
        frame_wait_ms=frame_wait_ms,
        settle_ms=settle_ms,
    )


def failing(check: A11yCheck) -> dict[str, list[str]]:
    return {
        rule.id: [node.target for node in rule.with_status("failing", "expired")]
        for rule in check.failing_rules
    }


def check_failure(assert_accessible: AssertAccessible, page: Page, **kwargs: Any) -> A11yCheck:
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(page, **kwargs)
    return failure.value.check


def test_page_with_known_violations_fails_with_exactly_those_rules(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(assert_accessible, open_page("violations.html"))
    assert failing(check) == VIOLATIONS


def test_failure_message_reads_as_a_report(
    open_page: OpenPage, assert_accessible: AssertAccessible, page: Page
) -> None:
    url = open_page("violations.html").url
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    browser = page.context.browser
    assert browser is not None
    expected_lines = [
        "Accessibility check failed: 6 rule(s) broken by 7 node(s) (critical 4, serious 3)",
        f"  URL:       {url}",
        "  Standard:  WCAG 2.2 AA (axe tags: wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa)",
        f"  axe-core:  {axe_script_version()}",
        f"  Browser:   chromium {browser.version}",
        "4. image-alt (critical) WCAG 1.1.1 level A: Images must have alternative text",
        f"   https://dequeuniversity.com/rules/axe/{AXE_DOCS}/image-alt?application=axeAPI",
        "   - Target:  #logo",
        '     Snippet: <img id="logo" src="pixel.svg" width="40" height="40">',
        "     Summary: Fix any of the following:",
        "                Element does not have an alt attribute",
        "2. color-contrast (serious) WCAG 1.4.3 level AA: Elements must meet minimum color"
        " contrast ratio thresholds",
        "   - Target:  #embed >> #empty-link",
    ]
    lines = message.splitlines()
    for line in expected_lines:
        assert line in lines, f"{line!r} missing from:\n{message}"
    assert axe_script_version().startswith("4.")


@pytest.mark.parametrize("max_nodes_shown", [1])
def test_message_shows_the_first_nodes_and_counts_the_rest(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(open_page("violations.html"))
    message = str(failure.value)
    assert "   - Target:  #logo" in message
    assert "#banner" not in message
    assert "   ... and 1 more node(s) (see the full axe result)" in message


def test_clean_page_passes_with_its_frames_checked(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = assert_accessible(open_page("clean.html"))
    assert check.passed
    assert check.rules == ()
    assert [url.split("/")[-1] for url in check.frames.checked] == [
        "clean.html",
        "frame-clean.html",
    ]
    assert check.frames.checked[1].startswith("http://localhost:")
    assert check.frames.skipped == ()


def test_check_waits_for_a_fade_in_to_end(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    page = open_page("fade-in.html")
    page.get_by_role("button", name="Show details").click()
    check = assert_accessible(page)
    assert check.passed
    assert check.frames.unsettled == ()
    assert page.locator("#panel").evaluate("el => getComputedStyle(el).opacity") == "1"


@pytest.mark.parametrize("settle_ms", [300])
def test_animation_outlasting_the_wait_is_named_in_the_failure(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    page = open_page("fade-in.html?duration=60s")
    page.get_by_role("button", name="Show details").click()
    # Mid-fade: the transition has begun (a busy machine may take a while to paint its
    # first frame, and before it the panel is still fully transparent, which axe skips).
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.getElementById('panel')).opacity) > 0"
    )
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(page)
    assert failure.value.check.frames.unsettled == (page.url,)
    assert "color-contrast" in [rule.id for rule in failure.value.check.failing_rules]
    assert (
        "  Animations still running when axe ran (colours may be mid-transition) in:"
        f" {page.url}" in str(failure.value).splitlines()
    )


def test_violations_in_nested_frames_name_the_frame_path(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(assert_accessible, open_page("nested-frames.html"))
    assert failing(check) == {
        "image-alt": ["#outer >> #outer-image"],
        "link-name": ["#outer >> #inner >> #empty-link"],
    }


@pytest.mark.parametrize("frame_wait_ms", [1_000])
def test_frame_whose_axe_never_answers_fails_until_excluded(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    page = open_page("sandboxed.html")
    with pytest.raises(AccessibilityError) as failure:
        assert_accessible(page)
    assert failure.value.check.frames.unreached == ("#sandboxed",)
    assert failure.value.check.rules == ()
    lines = str(failure.value).splitlines()
    assert lines[0] == "Accessibility check failed: 1 frame(s) not checked"
    assert lines[5].startswith("  Frames NOT CHECKED (their axe did not answer): #sandboxed;")
    assert assert_accessible(page, exclude="#sandboxed").passed


def test_include_limits_the_check_to_its_selectors(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    page = open_page("violations.html")
    assert failing(check_failure(assert_accessible, page, include="#form")) == {"label": ["#email"]}
    in_frame = check_failure(assert_accessible, page, include=[["#embed", "#empty-link"]])
    assert failing(in_frame) == {"link-name": ["#embed >> #empty-link"]}
    assert "Scope:     include #embed >> #empty-link" in in_frame.message(3)


def test_exclude_leaves_out_its_selectors(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(
        assert_accessible, open_page("violations.html"), exclude=["#images", "#embed"]
    )
    assert failing(check) == {
        k: v for k, v in VIOLATIONS.items() if k not in ("image-alt", "link-name")
    }


def test_tags_choose_the_rules(open_page: OpenPage, assert_accessible: AssertAccessible) -> None:
    # axe's tags are not cumulative: wcag2aa alone is the AA rules of WCAG 2.0 only.
    check = check_failure(assert_accessible, open_page("violations.html"), tags=["wcag2aa"])
    assert failing(check) == {"color-contrast": ["#faint"]}
    assert check.standard == "WCAG 2.0 AA (axe tags: wcag2aa)"


def test_include_that_matches_nothing_says_so(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    page = open_page("clean.html")
    with pytest.raises(AssertionError, match=r"include #missing matches nothing on http://"):
        assert_accessible(page, include="#missing")


@pytest.mark.parametrize(
    "known_issues",
    [
        (
            KnownIssue(
                rule="image-alt", target="#logo", reason="Logo alt with rebrand", expires=LATER
            ),
        )
    ],
)
def test_known_issue_accepts_exactly_its_node(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(assert_accessible, open_page("violations.html"))
    assert failing(check) == {**VIOLATIONS, "image-alt": ["#banner"]}
    assert [(n.target, n.status) for n in check.nodes("accepted")] == [("#logo", "accepted")]
    message = check.message(3)
    assert "   (1 more node(s) accepted as known issues)" in message
    assert f"  - image-alt at #logo: Logo alt with rebrand (expires {LATER}; 1 node(s))" in message


@pytest.mark.parametrize("known_issues", [accepting_everything_but()])
def test_page_whose_violations_are_all_known_passes(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = assert_accessible(open_page("violations.html"))
    assert check.passed
    assert len(check.nodes("accepted")) == 7
    assert {(i.rule, i.target) for i, _ in check.known_issues_met()} == {
        (rule, target) for rule, targets in VIOLATIONS.items() for target in targets
    }


@pytest.mark.parametrize(
    "known_issues",
    [
        (
            *accepting_everything_but(("image-alt", "#logo")),
            KnownIssue(
                rule="image-alt",
                target="#logo",
                reason="Logo alt with rebrand",
                expires=TODAY - dt.timedelta(days=1),
            ),
        )
    ],
)
def test_expired_known_issue_fails_with_its_reason_and_expiry(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(assert_accessible, open_page("violations.html"))
    assert failing(check) == {"image-alt": ["#logo"]}
    assert [n.status for n in check.nodes("expired")] == ["expired"]
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert f"     Known issue EXPIRED on {yesterday}: Logo alt with rebrand" in check.message(3)


@pytest.mark.parametrize(
    "known_issues",
    [(KnownIssue(rule="image-alt", target="#logo", reason="Good through today", expires=TODAY),)],
)
def test_known_issue_holds_through_its_expiry_date(
    open_page: OpenPage, assert_accessible: AssertAccessible
) -> None:
    check = check_failure(assert_accessible, open_page("violations.html"), include="#images")
    assert failing(check) == {"image-alt": ["#banner"]}


def test_each_check_writes_its_axe_result_and_attaches_a_summary(
    open_page: OpenPage,
    assert_accessible: AssertAccessible,
    request: pytest.FixtureRequest,
    reports_dir: Path,
) -> None:
    page = open_page("clean.html")
    assert_accessible(page)
    open_page("violations.html")
    with pytest.raises(AccessibilityError):
        assert_accessible(page, context_name="violations, images only", include="#images")
    folder = artifact_dir(reports_dir, request.node.nodeid)
    first, second = folder / "a11y-1.json", folder / "a11y-2-violations-images-only.json"
    written = json.loads(second.read_text())
    assert written["axe"]["testEngine"]["version"] == axe_script_version()
    assert [v["id"] for v in written["axe"]["violations"]] == ["image-alt"]
    assert first.exists()
    found = [a for a in attachments(request.node.user_properties) if a.kind == "a11y"]
    assert [a.path for a in found] == [str(first), str(second)]
    data = found[1].data
    assert data["schema"] == "e2e.a11y.check/1"
    assert data["context_name"] == "violations, images only"
    assert data["url"].endswith("/violations.html")
    assert data["standard"] == "WCAG 2.2 AA"
    assert data["passed"] is False
    assert data["failing_by_impact"] == {"critical": 2, "serious": 0, "moderate": 0, "minor": 0}
    rule = data["rules"][0]
    assert (rule["id"], rule["criteria"], rule["level"], rule["nodes_failing"]) == (
        "image-alt",
        ["1.1.1"],
        "A",
        2,
    )
    assert [n["target"] for n in rule["nodes"]] == ["#logo", "#banner"]
    assert found[0].data["passed"] is True
