"""The accessibility check: axe-core over every frame of a page, and a readable verdict.

`run_axe` injects the axe-core build that axe-playwright-python ships into every frame
and runs it from the top frame, so axe's own iframe support reports violations inside
frames with the frame path in each node's target. `evaluate` turns the raw result into
an `A11yCheck`: each violation node is failing, accepted by a known issue, or met by an
expired known issue (which fails). `A11yCheck.message()` is the AssertionError text;
`A11yCheck.to_data()` is the attachment the HTML report and `a11y.json` are built from.
`A11yRun` merges the checks of a whole run (from every xdist worker) into `a11y.json`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from sitewise.config.model import KnownIssue

CHECK_SCHEMA = "e2e.a11y.check/1"
RUN_SCHEMA = "e2e.a11y.run/1"
IMPACTS = ("critical", "serious", "moderate", "minor")
FRAME_SEPARATOR = " >> "
SHADOW_SEPARATOR = " >>> "
NODES_IN_DATA = 50
SNIPPET_CHARS = 300
FRAME_WAIT_MS = 10_000
SETTLE_MS = 5_000

# One selector, or a frame path (outer iframe selector first, element selector last).
Selector = str | Sequence[str]
Selectors = Selector | Sequence[Selector]
NodeStatus = Literal["failing", "accepted", "expired"]

_CRITERION = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
_LEVEL = re.compile(r"^wcag(2|21|22)(a{1,3})$")
_VERSIONS = {"2": "2.0", "21": "2.1", "22": "2.2"}

# axe's legacy iframe support asks each frame's axe over postMessage and, since axe 4.6,
# drops messages from other origins unless they are allowed: without this a
# cross-origin frame is skipped without a word.
_CONFIGURE = """origins => {
    const all = origins.includes("null");
    axe.configure({ allowedOrigins: all ? ["<unsafe_all_origins>"] : origins });
}"""
_HAS_AXE = "version => typeof window.axe === 'object' && window.axe.version === version"
_RUN = "([context, options]) => axe.run(context, options)"
# A dialog fading in has mid-blend colours: wait for finite animations and transitions to
# end (infinite ones, like spinners, never do), at most capMs, so contrast is measured on
# what the user ends up seeing. Returns whether everything settled.
_SETTLE = """async capMs => {
    const finite = document.getAnimations().filter((a) => a.playState === "running"
        && Number.isFinite(a.effect?.getComputedTiming().endTime));
    let timer;
    const cap = new Promise((resolve) => { timer = setTimeout(() => resolve(false), capMs); });
    const done = Promise.all(finite.map((a) => a.finished.catch(() => null))).then(() => true);
    const settled = await Promise.race([done, cap]);
    clearTimeout(timer);
    return settled;
}"""


class A11yUsageError(Exception):
    """The check was asked something it cannot do (e.g. an include selector matches nothing)."""


def axe_script() -> str:
    """The axe-core build that axe-playwright-python ships."""
    script: str = Axe().axe_script
    return script


def axe_script_version() -> str:
    """The version in the shipped build's banner (`/*! axe v4.12.1`)."""
    found = re.search(r"axe v(\d+\.\d+\.\d+)", axe_script()[:200])
    return found.group(1) if found else "unknown"


def criteria_of(tags: Iterable[str]) -> tuple[str, ...]:
    """WCAG success criteria from axe tags: `wcag143` -> `1.4.3`, `wcag1410` -> `1.4.10`."""
    found = []
    for tag in tags:
        match = _CRITERION.match(tag)
        if match:
            found.append(".".join(match.groups()))
    return tuple(sorted(set(found), key=lambda c: tuple(int(p) for p in c.split("."))))


def level_of(tags: Iterable[str]) -> str:
    """The WCAG conformance level a rule belongs to (A, AA, AAA), or "" for best practices."""
    levels = [m.group(2) for m in map(_LEVEL.match, tags) if m]
    return min(levels, key=len).upper() if levels else ""


def standard_name(tags: Sequence[str]) -> str:
    """`WCAG 2.2 AA (axe tags: ...)`: the highest version and level asked for, and the tags.

    axe's tags are not cumulative (wcag22aa runs only the rules new in 2.2 at AA), so the
    tags are always listed: a reader sees at once when the lower levels are missing.
    """
    matches = [m for m in map(_LEVEL.match, tags) if m]
    listed = ", ".join(tags)
    if not matches:
        return f"axe tags: {listed}"
    version = max(matches, key=lambda m: len(m.group(1)) * 10 + int(m.group(1)[-1]))
    level = max(matches, key=lambda m: len(m.group(2)))
    name = f"WCAG {_VERSIONS[version.group(1)]} {level.group(2).upper()}"
    return f"{name} (axe tags: {listed})"


def join_target(target: Sequence[Any]) -> str:
    """axe's node target as one string: frame path joined by ` >> `, shadow path by ` >>> `.

    axe gives a list with one selector per frame (outermost first); inside shadow DOM an
    item is itself a list of selectors from the light DOM host inwards.
    """
    parts = []
    for part in target:
        if isinstance(part, str):
            parts.append(part)
        else:
            parts.append(SHADOW_SEPARATOR.join(str(p) for p in part))
    return FRAME_SEPARATOR.join(parts)


def _as_axe_selectors(selectors: Selectors | None) -> list[str | list[str]]:
    if selectors is None:
        return []
    if isinstance(selectors, str):
        return [selectors]
    result: list[str | list[str]] = []
    for item in selectors:
        result.append(item if isinstance(item, str) else list(item))
    return result


def _describe_selectors(selectors: Sequence[str | list[str]]) -> str:
    return ", ".join(s if isinstance(s, str) else FRAME_SEPARATOR.join(s) for s in selectors)


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class FrameCoverage:
    """Which frames axe ran in.

    `checked`: frame URLs axe was injected into; `skipped`: (URL, error) of frames that
    refused it (detached while loading); `unreached`: targets of frame elements whose axe
    never answered the top frame (a sandboxed frame without scripts, or a busy one past
    the ping wait), found by axe's frame-tested rule. Unreached frames fail the check.
    `unsettled`: URLs of frames whose animations were still running when axe ran.
    """

    checked: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    unreached: tuple[str, ...] = ()
    unsettled: tuple[str, ...] = ()


@dataclass(frozen=True)
class AxeRun:
    """The raw axe result and what was asked of it."""

    results: Mapping[str, Any]
    tags: tuple[str, ...]
    include: tuple[str | list[str], ...]
    exclude: tuple[str | list[str], ...]
    frames: FrameCoverage


def _inject(page: Page, script: str, version: str) -> FrameCoverage:
    checked: list[str] = []
    skipped: list[tuple[str, str]] = []
    origins: set[str] = set()
    injected = []
    for frame in page.frames:
        try:
            frame.wait_for_load_state("load")
            if not frame.evaluate(_HAS_AXE, version):
                frame.evaluate(script)
            origins.add(str(frame.evaluate("() => location.origin")))
        except PlaywrightError as error:
            skipped.append((frame.url, str(error).splitlines()[0]))
            continue
        injected.append(frame)
        checked.append(frame.url)
    for frame in injected:
        try:
            frame.evaluate(_CONFIGURE, sorted(origins))
        except PlaywrightError as error:
            checked.remove(frame.url)
            skipped.append((frame.url, str(error).splitlines()[0]))
    return FrameCoverage(tuple(checked), tuple(skipped))


def run_axe(
    page: Page,
    *,
    tags: Sequence[str],
    include: Selectors | None = None,
    exclude: Selectors | None = None,
    frame_wait_ms: int = FRAME_WAIT_MS,
    settle_ms: int = SETTLE_MS,
) -> AxeRun:
    """Run axe-core with `tags` over the page and all its frames, within include/exclude.

    axe-playwright-python's `Axe.run` injects into the main frame only and writes the
    context as a Python repr into the script, so its build is used and run here instead.
    """
    script = axe_script()
    frames = _inject(page, script, axe_script_version())
    unsettled = []
    for frame in page.frames:
        try:
            if not frame.evaluate(_SETTLE, settle_ms):
                unsettled.append(frame.url)
        except PlaywrightError:
            continue  # a frame that went away has nothing left to animate
    includes = _as_axe_selectors(include)
    excludes = _as_axe_selectors(exclude)
    context: dict[str, Any] = {"exclude": excludes}
    if includes:
        context["include"] = includes
    options = {
        "runOnly": {"type": "tag", "values": list(tags)},
        # Reports the frames that did not answer, which axe otherwise skips silently.
        "rules": {"frame-tested": {"enabled": True}},
        "resultTypes": ["violations"],
        "iframes": True,
        # axe asks each frame's axe for a reply within 500 ms by default: on a loaded CI
        # machine a cross-process frame can take longer, and would be left out.
        "pingWaitTime": frame_wait_ms,
    }
    try:
        results = page.evaluate(_RUN, [context, options])
    except PlaywrightError as error:
        message = str(error).splitlines()[0]
        if "No elements found for include" in message:
            raise A11yUsageError(
                f"include {_describe_selectors(includes)} matches nothing on {page.url}"
            ) from None
        raise
    unreached = tuple(
        join_target(node.get("target", []))
        for rule in results.get("incomplete", [])
        if rule.get("id") == "frame-tested"
        for node in rule.get("nodes", [])
    )
    frames = replace(frames, unreached=unreached, unsettled=tuple(unsettled))
    return AxeRun(results, tuple(tags), tuple(includes), tuple(excludes), frames)


@dataclass(frozen=True)
class NodeResult:
    """One element that breaks a rule."""

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
            "html": _one_line(self.html, SNIPPET_CHARS),
            "failure_summary": self.failure_summary,
            "impact": self.impact,
            "status": self.status,
            "known_issue": _issue_data(issue) if issue else None,
        }


@dataclass(frozen=True)
class RuleResult:
    """One axe rule the page breaks, with every offending node."""

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
        return bool(self.with_status("failing", "expired"))

    def to_data(self) -> dict[str, Any]:
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
            "nodes_failing": len(self.with_status("failing", "expired")),
            "nodes_expired": len(self.with_status("expired")),
            "nodes_accepted": len(self.with_status("accepted")),
            "nodes": [n.to_data() for n in self.nodes[:NODES_IN_DATA]],
        }


def _issue_data(issue: KnownIssue) -> dict[str, str]:
    return {
        "rule": issue.rule,
        "target": issue.target,
        "reason": issue.reason,
        "expires": issue.expires.isoformat(),
    }


def _count(nodes: Iterable[NodeResult]) -> dict[str, int]:
    counts = Counter(n.impact for n in nodes)
    return {
        impact: counts.get(impact, 0) for impact in (*IMPACTS, *sorted(set(counts) - set(IMPACTS)))
    }


@dataclass(frozen=True)
class A11yCheck:
    """The verdict of one check: what axe found, and what of it is accepted."""

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

    @property
    def standard(self) -> str:
        return standard_name(self.tags)

    @property
    def passed(self) -> bool:
        return not any(rule.fails for rule in self.rules) and not self.frames.unreached

    @property
    def failing_rules(self) -> tuple[RuleResult, ...]:
        return tuple(rule for rule in self.rules if rule.fails)

    def nodes(self, *statuses: NodeStatus) -> tuple[NodeResult, ...]:
        return tuple(n for rule in self.rules for n in rule.nodes if n.status in statuses)

    def known_issues_met(self) -> list[tuple[KnownIssue, int]]:
        """Each known issue that matched here, with how many nodes it matched."""
        counts: Counter[KnownIssue] = Counter(
            n.known_issue for n in self.nodes("accepted", "expired") if n.known_issue
        )
        return sorted(counts.items(), key=lambda item: (item[0].rule, item[0].target))

    def message(self, max_nodes: int) -> str:
        """The readable report an AssertionError carries."""
        failing = self.nodes("failing", "expired")
        counts = ", ".join(f"{k} {v}" for k, v in _count(failing).items() if v)
        problems = []
        if failing:
            problems.append(
                f"{len(self.failing_rules)} rule(s) broken by {len(failing)} node(s) ({counts})"
            )
        if self.frames.unreached:
            problems.append(f"{len(self.frames.unreached)} frame(s) not checked")
        lines = [
            f"Accessibility check failed: {'; '.join(problems)}",
            f"  URL:       {self.url}",
        ]
        if self.context_name:
            lines.append(f"  Context:   {self.context_name}")
        lines += [
            f"  Standard:  {self.standard}",
            f"  axe-core:  {self.axe_version}",
            f"  Browser:   {self.browser}",
        ]
        if self.include or self.exclude:
            scope = []
            if self.include:
                scope.append(f"include {_describe_selectors(self.include)}")
            if self.exclude:
                scope.append(f"exclude {_describe_selectors(self.exclude)}")
            lines.append(f"  Scope:     {'; '.join(scope)}")
        if self.frames.skipped:
            skipped = ", ".join(f"{url} ({why})" for url, why in self.frames.skipped)
            lines.append(f"  Not checked (axe could not be injected): {skipped}")
        if self.frames.unsettled:
            lines.append(
                "  Animations still running when axe ran (colours may be mid-transition) in:"
                f" {', '.join(self.frames.unsettled)}"
            )
        if self.frames.unreached:
            lines.append(
                "  Frames NOT CHECKED (their axe did not answer):"
                f" {', '.join(self.frames.unreached)}; a frame that cannot run scripts (sandbox"
                " without allow-scripts) can be left out with exclude=[...]"
            )
        if self.result_file:
            lines.append(f"  Full axe result: {self.result_file}")
        for number, rule in enumerate(self.failing_rules, start=1):
            lines += ["", *self._rule_lines(number, rule, max_nodes)]
        accepted = self.nodes("accepted")
        if accepted:
            lines += ["", f"Accepted as known issues here ({len(accepted)} node(s)):"]
            for issue, count in self.known_issues_met():
                if issue.expires >= self.today:
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
        return "\n".join(lines)

    def _rule_lines(self, number: int, rule: RuleResult, max_nodes: int) -> list[str]:
        criteria = ", ".join(rule.criteria) or "none (best practice)"
        level = f" level {rule.level}" if rule.level else ""
        nodes = rule.with_status("failing", "expired")
        lines = [
            f"{number}. {rule.id} ({rule.impact}) WCAG {criteria}{level}: {rule.help}",
            f"   {rule.help_url}",
        ]
        for node in nodes[:max_nodes]:
            lines.append(f"   - Target:  {node.target}")
            lines.append(f"     Snippet: {_one_line(node.html, SNIPPET_CHARS)}")
            summary = [s.strip() for s in node.failure_summary.splitlines() if s.strip()]
            lines.append(f"     Summary: {summary[0] if summary else '(none)'}")
            # axe's summary is "Fix any/all of the following:" headings, each with checks.
            lines += [
                f"              {'' if line.startswith('Fix ') else '  '}{line}"
                for line in summary[1:]
            ]
            if node.status == "expired" and node.known_issue:
                issue = node.known_issue
                lines.append(
                    f"     Known issue EXPIRED on {issue.expires.isoformat()}: {issue.reason}"
                    " (fix it, or renew the entry's expiry date with a reason)"
                )
        rest = len(nodes) - max_nodes
        if rest > 0:
            lines.append(f"   ... and {rest} more node(s) (see the full axe result)")
        accepted = len(rule.with_status("accepted"))
        if accepted:
            lines.append(f"   ({accepted} more node(s) accepted as known issues)")
        return lines

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
            "include": [_describe_selectors([s]) for s in self.include],
            "exclude": [_describe_selectors([s]) for s in self.exclude],
            "passed": self.passed,
            "checked_on": self.today.isoformat(),
            "frames": {
                "checked": list(self.frames.checked),
                "skipped": [{"url": u, "error": e} for u, e in self.frames.skipped],
                "unreached": list(self.frames.unreached),
                "unsettled": list(self.frames.unsettled),
            },
            "violations_by_impact": _count(self.nodes("failing", "expired", "accepted")),
            "failing_by_impact": _count(self.nodes("failing", "expired")),
            "nodes": {
                "total": len(self.nodes("failing", "expired", "accepted")),
                "failing": len(self.nodes("failing", "expired")),
                "expired": len(self.nodes("expired")),
                "accepted": len(self.nodes("accepted")),
            },
            "rules": [rule.to_data() for rule in self.rules],
            "known_issues": [
                {**_issue_data(issue), "nodes": count, "expired": issue.expires < self.today}
                for issue, count in self.known_issues_met()
            ],
            "result_file": self.result_file,
        }


def _node_status(
    rule: str, target: str, issues: Mapping[tuple[str, str], KnownIssue], today: dt.date
) -> tuple[NodeStatus, KnownIssue | None]:
    issue = issues.get((rule, target))
    if issue is None:
        return "failing", None
    # An entry is good through its expiry date.
    return ("expired" if issue.expires < today else "accepted"), issue


def evaluate(
    run: AxeRun,
    *,
    url: str,
    browser: str,
    known_issues: Iterable[KnownIssue],
    today: dt.date,
    context_name: str | None = None,
    result_file: str | None = None,
) -> A11yCheck:
    """Classify each violation node: failing, accepted by a known issue, or expired."""
    issues = {(issue.rule, issue.target): issue for issue in known_issues}
    rules = []
    for violation in run.results.get("violations", []):
        rule_id = str(violation["id"])
        nodes = []
        for node in violation.get("nodes", []):
            target = join_target(node.get("target", []))
            status, issue = _node_status(rule_id, target, issues, today)
            nodes.append(
                NodeResult(
                    target=target,
                    html=str(node.get("html", "")),
                    failure_summary=str(node.get("failureSummary") or ""),
                    impact=str(node.get("impact") or violation.get("impact") or "unknown"),
                    status=status,
                    known_issue=issue,
                )
            )
        rules.append(
            RuleResult(
                id=rule_id,
                impact=str(violation.get("impact") or "unknown"),
                tags=tuple(violation.get("tags", [])),
                help=str(violation.get("help", "")),
                description=str(violation.get("description", "")),
                help_url=str(violation.get("helpUrl", "")),
                nodes=tuple(nodes),
            )
        )
    engine = run.results.get("testEngine", {})
    return A11yCheck(
        url=url,
        tags=run.tags,
        axe_version=str(engine.get("version", "unknown")),
        browser=browser,
        rules=tuple(rules),
        today=today,
        include=run.include,
        exclude=run.exclude,
        context_name=context_name,
        frames=run.frames,
        result_file=result_file,
    )


def browser_label(page: Page) -> str:
    """`chromium 156.0.8078.108`: the engine and build the check ran in."""
    browser = page.context.browser
    if browser is None:
        return "unknown browser (persistent context)"
    return f"{browser.browser_type.name} {browser.version}"


def _issue_key(data: Mapping[str, Any]) -> tuple[str, str]:
    return str(data["rule"]), str(data["target"])


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
            url = str(check["url"])
            page = pages.setdefault(
                url,
                {"url": url, "checks": 0, "failed": 0, "rules": set(), "nodes": 0, "tests": set()},
            )
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
                        **{k: rule[k] for k in ("id", "impact", "criteria", "level", "help")},
                        "help_url": rule["help_url"],
                        "nodes": 0,
                        "nodes_failing": 0,
                        "nodes_accepted": 0,
                        "pages": set(),
                    },
                )
                entry["nodes"] += rule["nodes_total"]
                entry["nodes_failing"] += rule["nodes_failing"]
                entry["nodes_accepted"] += rule["nodes_accepted"]
                entry["pages"].add(url)
            for issue in check["known_issues"]:
                record = used.setdefault(
                    _issue_key(issue), {**issue, "nodes": 0, "tests": set(), "pages": set()}
                )
                record["nodes"] += issue["nodes"]
                record["tests"].add(check["nodeid"])
                record["pages"].add(url)
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
            "pages": [_sets_sorted(p) for p in sorted(pages.values(), key=lambda p: p["url"])],
            "rules": [_sets_sorted(r) for r in sorted(rules.values(), key=lambda r: r["id"])],
            "nodes": sum(by_impact.values()),
            "nodes_failing": sum(failing_by_impact.values()),
            "violations_by_impact": {i: by_impact.get(i, 0) for i in IMPACTS},
            "failing_by_impact": {i: failing_by_impact.get(i, 0) for i in IMPACTS},
            "known_issues": {
                "configured": len(configured),
                "used": [_sets_sorted(u) for _, u in sorted(used.items())],
                "stale_checked": checked_stale,
                "stale": (
                    [
                        {**_issue_data(i), "expired": i.expires < today}
                        for i in self.stale(configured)
                    ]
                    if checked_stale
                    else []
                ),
            },
            "tests": [
                {
                    "nodeid": c["nodeid"],
                    "url": c["url"],
                    "context_name": c["context_name"],
                    "passed": c["passed"],
                    "result_file": c["result_file"],
                }
                for c in self.checks
            ],
        }


def _sets_sorted(record: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v) if isinstance(v, set) else v for k, v in record.items()}
