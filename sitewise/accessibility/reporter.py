"""The run's accessibility report, built on the controller from every test's attachments:
`<reports_dir>/a11y.json` and the terminal's `accessibility` section, with the known
issues that matched nothing (stale) when the whole suite ran."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from sitewise.accessibility.run_summary import A11yRun
from sitewise.artifacts import attachments
from sitewise.config.plugin import RESOLVED_KEY, reports_dir_of, suite_config_of

REPORT_FILE = "a11y.json"
# Set on each test that asks for assert_accessible (report keywords reach the controller).
AXE_KEYWORD = "uses_assert_accessible"


class A11yReporter:
    """Merges the a11y attachments of every test report into a11y.json and a summary."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.run = A11yRun()
        self.without_check: dict[str, str] = {}
        self.deselected = 0
        self.summary: dict[str, Any] | None = None
        self.partial: list[str] = []

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if AXE_KEYWORD in report.keywords and report.when != "teardown" and not report.passed:
            self.without_check[report.nodeid] = report.outcome
        # The teardown report carries every attachment the test made, once.
        if report.when != "teardown":
            return
        checks = [a for a in attachments(report.user_properties) if a.kind == "a11y"]
        for found in checks:
            self.run.add(report.nodeid, found.data, found.path)
        if any(not c.data.get("passed", True) for c in checks):
            # The test failed in its check, which therefore ran.
            self.without_check.pop(report.nodeid, None)

    def partial_reasons(self, session: pytest.Session, exitstatus: int) -> list[str]:
        """Why this run may not have met every known issue (empty on a full run)."""
        config = self.config
        option = config.option
        reasons = []
        for name, label in (
            ("keyword", "-k"),
            ("markexpr", "-m"),
            ("deselect", "--deselect"),
            ("lf", "--lf"),
            ("stepwise", "--sw"),
            ("ignore", "--ignore"),
            ("ignore_glob", "--ignore-glob"),
        ):
            if getattr(option, name, None):
                reasons.append(label)
        if self.deselected:
            reasons.append(f"{self.deselected} test(s) deselected")
        resolved = config.stash.get(RESOLVED_KEY, None)
        configured = [v.name for v in suite_config_of(config).viewports]
        if resolved is not None and list(resolved.viewports) != configured:
            reasons.append("--viewport " + ", ".join(resolved.viewports))
        for arg in config.args:
            path = Path(arg.split("::")[0])
            path = path if path.is_absolute() else config.invocation_params.dir / path
            if "::" in arg or not path.is_dir():
                reasons.append(f"only {arg}")
        if self.without_check:
            reasons.append(
                f"{len(self.without_check)} test(s) using assert_accessible failed or were skipped"
                " before a check"
            )
        if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            reasons.append(f"exit status {int(exitstatus)}")
        if session.shouldstop or session.shouldfail:
            reasons.append("stopped early")
        return reasons

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.run.checks:
            return
        self.partial = self.partial_reasons(session, exitstatus)
        self.summary = self.run.summary(
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
