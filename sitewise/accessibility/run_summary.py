"""A whole run's accessibility checks, merged from every test's attachment (and from every
xdist worker) into the content of `a11y.json`.

Pages are counted by the `page` each check names, "target:/route": under pytest-xdist
each worker starts the targets on ports of its own, so one page has a URL per worker.
A check without one (from an older run, or a page on no target) counts by its URL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sitewise.accessibility.names import IMPACTS, review_reasons
from sitewise.accessibility.verdict import issue_data
from sitewise.config.model import KnownIssue

RUN_SCHEMA = "e2e.a11y.run/1"
_RULE_KEYS = ("id", "impact", "criteria", "level", "help", "help_url")


def _issue_key(data: Mapping[str, Any]) -> tuple[str, str]:
    return str(data["rule"]), str(data["target"])


def _sets_sorted(record: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v) if isinstance(v, set) else v for k, v in record.items()}


def page_of(check: Mapping[str, Any]) -> str:
    """The page a check is about: its "target:/route", else its URL."""
    return str(check.get("page") or check["url"])


def _review_of(check: Mapping[str, Any]) -> Mapping[str, Any]:
    review = check.get("needs_review")
    return review if isinstance(review, Mapping) else {}


def _waiting(check: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The check's needs-review nodes nobody accepted yet, rule by rule, for its entry."""
    listed = []
    for rule in _review_of(check).get("rules", []):
        nodes = [n for n in rule.get("nodes", []) if n.get("status") == "needs_review"]
        if nodes:
            listed.append(
                {
                    **{k: rule.get(k) for k in _RULE_KEYS},
                    "nodes": [
                        {
                            "target": n.get("target", ""),
                            "html": n.get("html", ""),
                            "impact": n.get("impact", ""),
                            "why": review_reasons(str(n.get("failure_summary") or "")),
                        }
                        for n in nodes
                    ],
                }
            )
    return listed


@dataclass
class A11yRun:
    """Every check of a run, merged from the attachments of every test (and worker)."""

    checks: list[dict[str, Any]] = field(default_factory=list)

    def add(self, nodeid: str, data: Mapping[str, Any], path: str | None) -> None:
        self.checks.append({**data, "nodeid": nodeid, "result_file": path})

    def stale(self, configured: Iterable[KnownIssue]) -> list[KnownIssue]:
        """Configured known issues that matched no node in any check of the run."""
        used = {_issue_key(i) for check in self.checks for i in check.get("known_issues", [])}
        return [issue for issue in configured if (issue.rule, issue.target) not in used]

    def _needs_review(self) -> dict[str, Any]:
        rules: dict[str, dict[str, Any]] = {}
        by_impact: Counter[str] = Counter()
        for check in self.checks:
            review = _review_of(check)
            by_impact.update(review.get("by_impact") or {})
            for rule in review.get("rules", []):
                entry = rules.setdefault(
                    rule["id"],
                    {
                        **{k: rule[k] for k in _RULE_KEYS},
                        "nodes": 0,
                        "nodes_accepted": 0,
                        "pages": set(),
                        "tests": set(),
                    },
                )
                entry["nodes"] += rule.get("nodes_needs_review", 0)
                entry["nodes_accepted"] += rule.get("nodes_accepted", 0)
                if rule.get("nodes_needs_review"):
                    entry["pages"].add(page_of(check))
                    entry["tests"].add(check["nodeid"])
        return {
            "fails": any(_review_of(c).get("fails") for c in self.checks),
            "checks": sum(1 for c in self.checks if _review_of(c).get("nodes")),
            "nodes": sum(int(_review_of(c).get("nodes", 0)) for c in self.checks),
            "by_impact": {i: by_impact.get(i, 0) for i in IMPACTS},
            "rules": [_sets_sorted(r) for r in sorted(rules.values(), key=lambda r: r["id"])],
        }

    def summary(
        self, configured: Sequence[KnownIssue], *, full_run: bool, today: dt.date
    ) -> dict[str, Any]:
        """The content of a11y.json."""
        pages: dict[str, dict[str, Any]] = {}
        rules: dict[str, dict[str, Any]] = {}
        by_impact: Counter[str] = Counter()
        failing_by_impact: Counter[str] = Counter()
        used: dict[tuple[str, str], dict[str, Any]] = {}
        for check in self.checks:
            url, name = str(check["url"]), page_of(check)
            page = pages.setdefault(
                name,
                {
                    "page": name,
                    # The first URL it was checked at; every one of them in "urls".
                    "url": url,
                    "urls": set(),
                    "checks": 0,
                    "failed": 0,
                    "rules": set(),
                    "nodes": 0,
                    "tests": set(),
                },
            )
            page["urls"].add(url)
            page["checks"] += 1
            page["failed"] += 0 if check["passed"] else 1
            page["tests"].add(check["nodeid"])
            page["nodes"] += check["nodes"]["total"]
            by_impact.update(check["violations_by_impact"])
            failing_by_impact.update(check["failing_by_impact"])
            for rule in check["rules"]:
                page["rules"].add(rule["id"])
                entry = rules.setdefault(
                    rule["id"],
                    {
                        **{k: rule[k] for k in _RULE_KEYS},
                        "nodes": 0,
                        "nodes_failing": 0,
                        "nodes_accepted": 0,
                        "pages": set(),
                    },
                )
                entry["nodes"] += rule["nodes_total"]
                entry["nodes_failing"] += rule["nodes_failing"]
                entry["nodes_accepted"] += rule["nodes_accepted"]
                entry["pages"].add(name)
            for issue in check["known_issues"]:
                record = used.setdefault(
                    _issue_key(issue), {**issue, "nodes": 0, "tests": set(), "pages": set()}
                )
                record["nodes"] += issue["nodes"]
                record["tests"].add(check["nodeid"])
                record["pages"].add(name)
        checked_stale = full_run and bool(self.checks)
        in_config = {(i.rule, i.target) for i in configured}
        for key, record in used.items():
            record["configured"] = key in in_config
        return {
            "schema": RUN_SCHEMA,
            "generated_on": today.isoformat(),
            "full_run": full_run,
            "checks": len(self.checks),
            "checks_failed": sum(1 for c in self.checks if not c["passed"]),
            "standards": sorted({str(c["standard"]) for c in self.checks}),
            "axe_versions": sorted({str(c["axe_version"]) for c in self.checks}),
            "browsers": sorted({str(c["browser"]) for c in self.checks}),
            "pages": [_sets_sorted(p) for _, p in sorted(pages.items())],
            "rules": [_sets_sorted(r) for r in sorted(rules.values(), key=lambda r: r["id"])],
            "nodes": sum(by_impact.values()),
            "nodes_failing": sum(failing_by_impact.values()),
            "violations_by_impact": {i: by_impact.get(i, 0) for i in IMPACTS},
            "failing_by_impact": {i: failing_by_impact.get(i, 0) for i in IMPACTS},
            "needs_review": self._needs_review(),
            "known_issues": {
                "configured": len(configured),
                "used": [_sets_sorted(u) for _, u in sorted(used.items())],
                "stale_checked": checked_stale,
                "stale": (
                    [
                        {**issue_data(i), "expired": i.expires < today}
                        for i in self.stale(configured)
                    ]
                    if checked_stale
                    else []
                ),
            },
            "tests": [
                {
                    "nodeid": c["nodeid"],
                    "page": page_of(c),
                    "url": c["url"],
                    "context_name": c["context_name"],
                    "passed": c["passed"],
                    "result_file": c["result_file"],
                    # Listed with each check, so a merge of several runs' a11y.json (which
                    # keeps every check) still shows them.
                    "needs_review": _waiting(c),
                }
                for c in self.checks
            ],
        }
