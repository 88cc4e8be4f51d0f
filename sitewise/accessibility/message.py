"""The readable report of one check: what an AssertionError carries when it fails.

A header (where, against what, with which axe and browser, what was not checked), each
broken rule with its first nodes, the nodes that need review, and the known issues that
accepted something here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sitewise.accessibility.names import (
    SNIPPET_CHARS,
    count_impacts,
    describe_selectors,
    one_line,
    review_reasons,
)

if TYPE_CHECKING:
    from sitewise.accessibility.verdict import A11yCheck, NodeResult, NodeStatus, RuleResult

_FAILING: tuple[NodeStatus, ...] = ("failing", "expired")


def _counts(nodes: Sequence[NodeResult]) -> str:
    counts = count_impacts(n.impact for n in nodes)
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v)


def _problems(check: A11yCheck) -> list[str]:
    problems = []
    failing = check.nodes(*_FAILING)
    if failing:
        problems.append(
            f"{len(check.failing_rules)} rule(s) broken by {len(failing)} node(s)"
            f" ({_counts(failing)})"
        )
    waiting = check.review_nodes("needs_review")
    if check.fail_on_needs_review and waiting:
        problems.append(f"{len(waiting)} node(s) need review ({_counts(waiting)})")
    expired = check.review_nodes("expired")
    if expired:
        problems.append(f"{len(expired)} node(s) needing review met an expired known issue")
    if check.frames.unreached:
        problems.append(f"{len(check.frames.unreached)} frame(s) not checked")
    return problems


def _title(check: A11yCheck) -> str:
    if not check.passed:
        return f"Accessibility check failed: {'; '.join(_problems(check))}"
    waiting = check.review_nodes("needs_review")
    if waiting:
        return f"Accessibility check passed: {len(waiting)} node(s) need review (not failing)"
    return "Accessibility check passed"


def _header(check: A11yCheck) -> list[str]:
    lines = [_title(check), f"  URL:       {check.url}"]
    if check.context_name:
        lines.append(f"  Context:   {check.context_name}")
    lines += [
        f"  Standard:  {check.standard}",
        f"  axe-core:  {check.axe_version}",
        f"  Browser:   {check.browser}",
    ]
    if check.include or check.exclude:
        scope = []
        if check.include:
            scope.append(f"include {describe_selectors(check.include)}")
        if check.exclude:
            scope.append(f"exclude {describe_selectors(check.exclude)}")
        lines.append(f"  Scope:     {'; '.join(scope)}")
    frames = check.frames
    if frames.skipped:
        skipped = ", ".join(f"{url} ({why})" for url, why in frames.skipped)
        lines.append(f"  Not checked (axe could not be injected): {skipped}")
    if frames.unsettled:
        lines.append(
            "  Animations still running when axe ran (colours may be mid-transition) in:"
            f" {', '.join(frames.unsettled)}"
        )
    if frames.unreached:
        lines.append(
            "  Frames NOT CHECKED (their axe did not answer):"
            f" {', '.join(frames.unreached)}; a frame that cannot run scripts (sandbox"
            " without allow-scripts) can be left out with exclude=[...]"
        )
    if check.result_file:
        lines.append(f"  Full axe result: {check.result_file}")
    return lines


def _node_lines(node: NodeResult, review: bool) -> list[str]:
    summary = [s.strip() for s in node.failure_summary.splitlines() if s.strip()]
    lines = [
        f"   - Target:  {node.target}",
        f"     Snippet: {one_line(node.html, SNIPPET_CHARS)}",
    ]
    if review:
        why = review_reasons(node.failure_summary) or ["(none)"]
        lines.append(f"     Why:     {why[0]}")
        lines += [f"              {line}" for line in why[1:]]
    else:
        lines.append(f"     Summary: {summary[0] if summary else '(none)'}")
        # axe's summary is "Fix any/all of the following:" headings, each with checks.
        lines += [
            f"              {'' if line.startswith('Fix ') else '  '}{line}" for line in summary[1:]
        ]
    issue = node.known_issue
    if node.status == "expired" and issue:
        lines.append(
            f"     Known issue EXPIRED on {issue.expires.isoformat()}: {issue.reason}"
            " (fix it, or renew the entry's expiry date with a reason)"
        )
    return lines


def _rule_lines(
    number: int, rule: RuleResult, nodes: Sequence[NodeResult], max_nodes: int, review: bool
) -> list[str]:
    criteria = ", ".join(rule.criteria) or "none (best practice)"
    level = f" level {rule.level}" if rule.level else ""
    lines = [
        f"{number}. {rule.id} ({rule.impact}) WCAG {criteria}{level}: {rule.help}",
        f"   {rule.help_url}",
    ]
    for node in nodes[:max_nodes]:
        lines += _node_lines(node, review)
    rest = len(nodes) - max_nodes
    if rest > 0:
        lines.append(f"   ... and {rest} more node(s) (see the full axe result)")
    accepted = len(rule.with_status("accepted"))
    if accepted:
        lines.append(f"   ({accepted} more node(s) accepted as known issues)")
    return lines


def _review_lines(check: A11yCheck, max_nodes: int) -> list[str]:
    waiting = check.review_nodes("needs_review")
    shown = [r for r in check.needs_review if r.with_status("needs_review", "expired")]
    if not shown:
        return []
    verdict = (
        "they fail the check, as [a11y] fail_on_needs_review asks"
        if check.fail_on_needs_review
        else "they do not fail the check"
    )
    lines = [
        "",
        f"Needs review: axe could not decide on {len(waiting)} node(s); a person should look"
        f" at them ({verdict}):",
    ]
    for number, rule in enumerate(shown, start=1):
        nodes = rule.with_status("needs_review", "expired")
        lines += ["", *_rule_lines(number, rule, nodes, max_nodes, review=True)]
    return lines


def check_message(check: A11yCheck, max_nodes: int) -> str:
    """The readable report of `check`, showing at most `max_nodes` nodes per rule."""
    lines = _header(check)
    for number, rule in enumerate(check.failing_rules, start=1):
        nodes = rule.with_status(*_FAILING)
        lines += ["", *_rule_lines(number, rule, nodes, max_nodes, review=False)]
    lines += _review_lines(check, max_nodes)
    accepted = len(check.nodes("accepted")) + len(check.review_nodes("accepted"))
    if accepted:
        lines += ["", f"Accepted as known issues here ({accepted} node(s)):"]
        for issue, count in check.known_issues_met():
            if issue.expires >= check.today:
                lines.append(
                    f"  - {issue.rule} at {issue.target}: {issue.reason}"
                    f" (expires {issue.expires.isoformat()}; {count} node(s))"
                )
    lines += [
        "",
        "To accept a violation for now, add an [[a11y.known_issues]] entry with its rule,"
        " target (as printed after 'Target:'), reason and expiry date to"
        " playwright.config.toml (see docs/accessibility.md).",
    ]
    if check.review_nodes("needs_review"):
        lines.append(
            "A node that needs review, once a person has checked it, is accepted the same way."
        )
    return "\n".join(lines)
