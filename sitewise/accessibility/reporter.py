"""The run's accessibility report, built on the controller from every test's attachments:
`<reports_dir>/a11y.json` and the terminal's `accessibility` section, with the known
issues that matched nothing (stale) when the whole suite ran.

The tests and whether the run was whole come from the run's journal
(sitewise.report.journal), which the run's other reports read too: a11y.json's
`partial_reasons` are those of results.json and of the visual manifest."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from sitewise.accessibility.run_summary import A11yRun
from sitewise.config.plugin import reports_dir_of, suite_config_of
from sitewise.report.journal import RunJournal
from sitewise.report.verdicts import Verdict, report_verdict

REPORT_FILE = "a11y.json"
# Set on each test that asks for assert_accessible (report keywords reach the controller).
AXE_KEYWORD = "uses_assert_accessible"
A11Y_KIND = "a11y"


class A11yReporter:
    """Merges the a11y attachments of every test, as the run's journal recorded them, into
    a11y.json and a summary at the end of the session."""

    def __init__(self, config: pytest.Config, journal: RunJournal) -> None:
        self.config = config
        self.journal = journal
        self.summary: dict[str, Any] | None = None
        self.partial: list[str] = []
        self._run: A11yRun | None = None
        # A test that asked for assert_accessible and ended before its check leaves the
        # run partial: the known issues of the page it did not check may still be needed.
        journal.owe_check(AXE_KEYWORD, A11Y_KIND, "using assert_accessible")

    def checks(self) -> A11yRun:
        """Every check of the run: each attempt's (a retried test's earlier ones too).

        Read once, at the end of the session (the verdict and the report both ask)."""
        if self._run is None:
            self._run = A11yRun()
            for test in self.journal.tests():
                for found in test.attachments(A11Y_KIND):
                    self._run.add(test.nodeid, found.data, found.path)
        return self._run

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.journal.keeps:
            return
        run = self.checks()
        if not run.checks:
            return
        self.partial = self.journal.partial_reasons(session, exitstatus)
        self.summary = run.summary(
            suite_config_of(self.config).a11y.known_issues,
            full_run=not self.partial,
            today=dt.date.today(),
        )
        self.summary["partial_reasons"] = self.partial
        path = reports_dir_of(self.config) / REPORT_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.summary, indent=2), encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        summary = self.summary
        if summary is None:
            return
        write = terminalreporter.write_line
        terminalreporter.section("accessibility")
        impacts = ", ".join(f"{k} {v}" for k, v in summary["failing_by_impact"].items() if v)
        write(
            f"{summary['checks']} check(s) on {len(summary['pages'])} page(s):"
            f" {summary['checks_failed']} failed, {summary['nodes_failing']} failing node(s)"
            + (f" ({impacts})" if impacts else "")
            + f"; {', '.join(summary['standards'])}; axe-core {', '.join(summary['axe_versions'])}"
        )
        review = summary["needs_review"]
        if review["nodes"]:
            rules = ", ".join(f"{r['id']} {r['nodes']}" for r in review["rules"] if r["nodes"])
            verdict = "failing their checks" if review["fails"] else "not failing"
            write(
                f"needs review ({verdict}): {review['nodes']} node(s) in {review['checks']}"
                f" check(s): {rules}",
                yellow=True,
            )
        known = summary["known_issues"]
        matched = sum(1 for issue in known["used"] if issue["configured"])
        if known["configured"]:
            write(f"known issues: {known['configured']} configured, {matched} of them matched")
        for issue in known["used"]:
            if issue["expired"]:
                write(
                    f"EXPIRED known issue: {issue['rule']} at {issue['target']}: {issue['reason']}"
                    f" (expired {issue['expires']})",
                    red=True,
                )
        if known["stale_checked"]:
            for issue in known["stale"]:
                write(
                    f"STALE known issue (matched nothing in this run): {issue['rule']} at"
                    f" {issue['target']}: {issue['reason']} (expires {issue['expires']});"
                    " remove it from playwright.config.toml",
                    yellow=True,
                )
        elif known["configured"]:
            write(f"stale known issues not checked: not a full run ({'; '.join(self.partial)})")
        write(f"report: {reports_dir_of(self.config) / REPORT_FILE}")


KNOWN_ISSUES = "a11y-known-issues"


def uses_axe(item: pytest.Item) -> bool:
    return "assert_accessible" in getattr(item, "fixturenames", ())


class KnownIssuesVerdict:
    """Whether every known issue of [a11y] still matched a node, judged on a full run and
    reported as a test case of its own (sitewise.report.verdicts)."""

    def __init__(self, config: pytest.Config, reporter: A11yReporter) -> None:
        self.config = config
        self.reporter = reporter
        self.journal = reporter.journal

    def checks(self) -> A11yRun:
        return self.reporter.checks()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """The run-wide verdict on the known issues (before JUnit's file is written)."""
        known = suite_config_of(self.config).a11y.known_issues
        if not known:
            return
        run = self.checks()
        if not run.checks or self.journal.partial_reasons(session, exitstatus):
            return  # only a full run can tell that a known issue matched nothing
        summary = run.summary(known, full_run=True, today=dt.date.today())
        stale = summary["known_issues"]["stale"]
        lines = [
            f"{i['rule']} at {i['target']}: {i['reason']} (expires {i['expires']})" for i in stale
        ]
        message = (
            f"{len(stale)} known issue(s) of [a11y] matched nothing in this full run; remove"
            " them from playwright.config.toml:\n" + "\n".join(lines)
            if stale
            else f"every one of the {len(known)} known issue(s) matched a node"
        )
        report_verdict(session, Verdict(KNOWN_ISSUES, not stale, message, uses_axe))
