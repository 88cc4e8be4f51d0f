"""The verdict of one check: what axe found, what of it is accepted, and what needs review.

`evaluate` turns a raw axe result into an `A11yCheck`. Each violation node is failing,
accepted by a known issue, or met by an expired known issue (which fails). axe's
"incomplete" results, the nodes it could not decide on (text over a gradient, say), are
kept apart as needing review: listed, and failing only when `fail_on_needs_review` asks.
A known issue accepts such a node once someone has looked at it. `A11yCheck.message()`
is the readable report; `A11yCheck.to_data()` the attachment the HTML report and
`a11y.json` are built from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sitewise.accessibility.message import check_message
from sitewise.accessibility.names import (
    SNIPPET_CHARS,
    count_impacts,
    criteria_of,
    describe_selectors,
    join_target,
    level_of,
    one_line,
    standard_name,
)
from sitewise.accessibility.runner import FRAME_TESTED, AxeRun, FrameCoverage
from sitewise.config.model import KnownIssue

CHECK_SCHEMA = "e2e.a11y.check/1"
NODES_IN_DATA = 50

NodeStatus = Literal["failing", "accepted", "expired", "needs_review"]
FAILING: tuple[NodeStatus, ...] = ("failing", "expired")


@dataclass(frozen=True)
class NodeResult:
    """One element that breaks a rule, or that axe could not decide on."""

    target: str
    html: str
    failure_summary: str
    impact: str
    status: NodeStatus
    known_issue: KnownIssue | None = None

    def to_data(self) -> dict[str, Any]:
        issue = self.known_issue
        return {
            "target": self.target,
            "html": one_line(self.html, SNIPPET_CHARS),
            "failure_summary": self.failure_summary,
            "impact": self.impact,
            "status": self.status,
            "known_issue": issue_data(issue) if issue else None,
        }


@dataclass(frozen=True)
class RuleResult:
    """One axe rule, with every node that breaks it (or that needs review for it)."""

    id: str
    impact: str
    tags: tuple[str, ...]
    help: str
    description: str
    help_url: str
    nodes: tuple[NodeResult, ...]

    @property
    def criteria(self) -> tuple[str, ...]:
        return criteria_of(self.tags)

    @property
    def level(self) -> str:
        return level_of(self.tags)

    def with_status(self, *statuses: NodeStatus) -> tuple[NodeResult, ...]:
        return tuple(n for n in self.nodes if n.status in statuses)

    @property
    def fails(self) -> bool:
        return bool(self.with_status(*FAILING))

    def to_data(self, failing: Sequence[NodeStatus] = FAILING) -> dict[str, Any]:
        return {
            "id": self.id,
            "impact": self.impact,
            "criteria": list(self.criteria),
            "level": self.level,
            "tags": list(self.tags),
            "help": self.help,
            "description": self.description,
            "help_url": self.help_url,
            "nodes_total": len(self.nodes),
            # Failing counts every node that fails the check; expired ones are among them.
            "nodes_failing": len(self.with_status(*failing)),
            "nodes_expired": len(self.with_status("expired")),
            "nodes_accepted": len(self.with_status("accepted")),
            "nodes_needs_review": len(self.with_status("needs_review")),
            "nodes": [n.to_data() for n in self.nodes[:NODES_IN_DATA]],
        }


def issue_data(issue: KnownIssue) -> dict[str, str]:
    return {
        "rule": issue.rule,
        "target": issue.target,
        "reason": issue.reason,
        "expires": issue.expires.isoformat(),
    }


def count_by_impact(nodes: Iterable[NodeResult]) -> dict[str, int]:
    return count_impacts(n.impact for n in nodes)


@dataclass(frozen=True)
class A11yCheck:
    """The verdict of one check: what axe found, what of it is accepted, what needs review."""

    url: str
    tags: tuple[str, ...]
    axe_version: str
    browser: str
    rules: tuple[RuleResult, ...]
    today: dt.date
    include: tuple[str | list[str], ...] = ()
    exclude: tuple[str | list[str], ...] = ()
    context_name: str | None = None
    frames: FrameCoverage = field(default_factory=FrameCoverage)
    result_file: str | None = None
    # axe's "incomplete" rules: nodes it could not decide on, for a person to look at.
    needs_review: tuple[RuleResult, ...] = ()
    fail_on_needs_review: bool = False

    @property
    def standard(self) -> str:
        return standard_name(self.tags)

    @property
    def review_failing(self) -> tuple[NodeStatus, ...]:
        """The statuses of needs-review nodes that fail this check."""
        return (*FAILING, "needs_review") if self.fail_on_needs_review else FAILING

    @property
    def passed(self) -> bool:
        return (
            not self.failing_rules
            and not self.review_nodes(*self.review_failing)
            and not self.frames.unreached
        )

    @property
    def failing_rules(self) -> tuple[RuleResult, ...]:
        """The violated rules that fail the check."""
        return tuple(rule for rule in self.rules if rule.fails)

    def nodes(self, *statuses: NodeStatus) -> tuple[NodeResult, ...]:
        """The violation nodes with these statuses."""
        return tuple(n for rule in self.rules for n in rule.nodes if n.status in statuses)

    def review_nodes(self, *statuses: NodeStatus) -> tuple[NodeResult, ...]:
        """The needs-review nodes with these statuses."""
        return tuple(n for rule in self.needs_review for n in rule.nodes if n.status in statuses)

    def known_issues_met(self) -> list[tuple[KnownIssue, int]]:
        """Each known issue that matched here, with how many nodes it matched."""
        matched = (*self.nodes("accepted", "expired"), *self.review_nodes("accepted", "expired"))
        counts: Counter[KnownIssue] = Counter(n.known_issue for n in matched if n.known_issue)
        return sorted(counts.items(), key=lambda item: (item[0].rule, item[0].target))

    def message(self, max_nodes: int) -> str:
        """The readable report: the AssertionError's text when the check fails."""
        return check_message(self, max_nodes)

    def _review_data(self) -> dict[str, Any]:
        waiting = self.review_nodes("needs_review")
        return {
            "fails": self.fail_on_needs_review,
            "nodes": len(waiting),
            "accepted": len(self.review_nodes("accepted")),
            "expired": len(self.review_nodes("expired")),
            "by_impact": count_by_impact(waiting),
            "rules": [rule.to_data(self.review_failing) for rule in self.needs_review],
        }

    def to_data(self) -> dict[str, Any]:
        """A self-describing summary for the report attachment and the run's a11y.json."""
        return {
            "schema": CHECK_SCHEMA,
            "url": self.url,
            "context_name": self.context_name,
            "standard": standard_name(self.tags).split(" (")[0],
            "tags": list(self.tags),
            "axe_version": self.axe_version,
            "browser": self.browser,
            "include": [describe_selectors([s]) for s in self.include],
            "exclude": [describe_selectors([s]) for s in self.exclude],
            "passed": self.passed,
            "checked_on": self.today.isoformat(),
            "frames": {
                "checked": list(self.frames.checked),
                "skipped": [{"url": u, "error": e} for u, e in self.frames.skipped],
                "unreached": list(self.frames.unreached),
                "unsettled": list(self.frames.unsettled),
            },
            "violations_by_impact": count_by_impact(self.nodes("failing", "expired", "accepted")),
            "failing_by_impact": count_by_impact(self.nodes(*FAILING)),
            "nodes": {
                "total": len(self.nodes("failing", "expired", "accepted")),
                "failing": len(self.nodes(*FAILING)),
                "expired": len(self.nodes("expired")),
                "accepted": len(self.nodes("accepted")),
            },
            "rules": [rule.to_data() for rule in self.rules],
            "needs_review": self._review_data(),
            "known_issues": [
                {**issue_data(issue), "nodes": count, "expired": issue.expires < self.today}
                for issue, count in self.known_issues_met()
            ],
            "result_file": self.result_file,
        }


def _node_status(
    rule: str,
    target: str,
    issues: Mapping[tuple[str, str], KnownIssue],
    today: dt.date,
    unmatched: NodeStatus,
) -> tuple[NodeStatus, KnownIssue | None]:
    issue = issues.get((rule, target))
    if issue is None:
        return unmatched, None
    # An entry is good through its expiry date.
    return ("expired" if issue.expires < today else "accepted"), issue


def _rules(
    found: Iterable[Mapping[str, Any]],
    issues: Mapping[tuple[str, str], KnownIssue],
    today: dt.date,
    unmatched: NodeStatus,
) -> tuple[RuleResult, ...]:
    rules = []
    for entry in found:
        rule_id = str(entry["id"])
        nodes = []
        for node in entry.get("nodes", []):
            target = join_target(node.get("target", []))
            status, issue = _node_status(rule_id, target, issues, today, unmatched)
            nodes.append(
                NodeResult(
                    target=target,
                    html=str(node.get("html", "")),
                    failure_summary=str(node.get("failureSummary") or ""),
                    impact=str(node.get("impact") or entry.get("impact") or "unknown"),
                    status=status,
                    known_issue=issue,
                )
            )
        rules.append(
            RuleResult(
                id=rule_id,
                impact=str(entry.get("impact") or "unknown"),
                tags=tuple(entry.get("tags", [])),
                help=str(entry.get("help", "")),
                description=str(entry.get("description", "")),
                help_url=str(entry.get("helpUrl", "")),
                nodes=tuple(nodes),
            )
        )
    return tuple(rules)


def evaluate(
    run: AxeRun,
    *,
    url: str,
    browser: str,
    known_issues: Iterable[KnownIssue],
    today: dt.date,
    context_name: str | None = None,
    result_file: str | None = None,
    fail_on_needs_review: bool = False,
) -> A11yCheck:
    """Classify each violation node (failing, accepted by a known issue, or expired) and
    each node axe left for review (needs review, accepted, or expired)."""
    issues = {(issue.rule, issue.target): issue for issue in known_issues}
    # frame-tested's incomplete nodes are the frames that did not answer: FrameCoverage
    # reports them, and they fail the check whatever fail_on_needs_review says.
    incomplete = [r for r in run.results.get("incomplete", []) if r.get("id") != FRAME_TESTED]
    engine = run.results.get("testEngine", {})
    return A11yCheck(
        url=url,
        tags=run.tags,
        axe_version=str(engine.get("version", "unknown")),
        browser=browser,
        rules=_rules(run.results.get("violations", []), issues, today, "failing"),
        today=today,
        include=run.include,
        exclude=run.exclude,
        context_name=context_name,
        frames=run.frames,
        result_file=result_file,
        needs_review=_rules(incomplete, issues, today, "needs_review"),
        fail_on_needs_review=fail_on_needs_review,
    )
