"""The run's journal: what every test did, recorded once for every file the run writes.

Under pytest-xdist only the controller sees every test, through the reports the workers
send; without it the only process does. There the journal records each test's attempts,
outcome, keywords and attachments (sitewise.report.records), what was collected and
deselected, and, when the session finishes, decides once whether the run was partial
(sitewise.report.partial). The run's writers read it at the end instead of each keeping
its own record: results.json and the HTML report (sitewise.report.run_report), a11y.json
(sitewise.accessibility.reporter), vitals.json (sitewise.vitals.plugin) and the visual
manifest (sitewise.visual.plugin). So they agree on how each test ended and on whether
the run was whole.

What is not a run. A run that runs no test (`--collect-only`, as an editor's test
discovery does; `--fixtures`, `--fixtures-per-test`) and a run of pytest plugins'
self-tests (one with `pytester`, whose tests are runs of tiny suites of their own)
leave the reports folder as the last run of the suite wrote it: `RunJournal.keeps` says
why, and every writer checks it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from sitewise.report.partial import partial_reasons, selection_of
from sitewise.report.records import TestLog, TestRecord

JOURNAL_PLUGIN = "sitewise-run-journal"
# What a worker sends back to the controller at its end (pytest-xdist's workeroutput).
_DESELECTED_OUTPUT = "sitewise_deselected"
_PASSED = ("passed", "flaky", "xpassed")


def runs_tests(config: pytest.Config) -> bool:
    """Whether this run runs tests: not `--collect-only`, `--fixtures`, `--fixtures-per-test`."""
    option = config.option
    return not (
        option.collectonly
        or getattr(option, "showfixtures", False)
        or getattr(option, "show_fixtures_per_test", False)
    )


def keeps_reports(config: pytest.Config) -> str:
    """Why this run leaves the reports folder as the last run wrote it, or "" (it writes it)."""
    if not runs_tests(config):
        return "it runs no test"
    if config.pluginmanager.has_plugin("pytester"):
        return "a run of plugins' self-tests, with pytester"
    return ""


@dataclass(frozen=True)
class OwedCheck:
    """Tests with `keyword` owe an attachment of `kind`: one that ended (failed or skipped)
    before making it leaves the run partial, unless a failing one explains its failure."""

    keyword: str
    kind: str
    what: str  # how the reason names those tests, e.g. "using assert_accessible"


class RunJournal:
    """Records the run on the controller or the only process; a worker only sends back
    how many tests it deselected. Registered once, by the first plugin that asks for it
    (`journal_of`)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.worker = hasattr(config, "workerinput")
        # Decided when the run is configured, so that every writer decides the same.
        self.keeps = keeps_reports(config)
        self.log = TestLog()
        self.deselected = 0
        # Node ids of the tests collected to run; None until a collection is seen.
        self.collected: set[str] | None = None
        self.owed: list[OwedCheck] = []
        self._partial: list[str] | None = None

    def owe_check(self, keyword: str, kind: str, what: str) -> None:
        check = OwedCheck(keyword, kind, what)
        if check not in self.owed:
            self.owed.append(check)

    def tests(self) -> list[TestRecord]:
        """Every test that sent a report, in the order they first did (no collection errors)."""
        return [test for test in self.log.tests() if not test.collect_error]

    # --- pytest hooks ---

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.deselected += len(items)
        if self.worker:
            # The controller of pytest-xdist collects nothing: each worker tells it.
            workeroutput: dict[str, Any] = self.config.workeroutput  # type: ignore[attr-defined]
            workeroutput[_DESELECTED_OUTPUT] = self.deselected

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not self.worker:
            self.collected = {item.nodeid for item in session.items}

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: Sequence[str]) -> None:
        self.collected = (self.collected or set()) | set(ids)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        output = getattr(node, "workeroutput", None)
        if isinstance(output, dict):
            # Every worker collects, and so deselects, the same tests.
            self.deselected = max(self.deselected, int(output.get(_DESELECTED_OUTPUT, 0)))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.worker:
            self.log.add(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not self.worker and report.failed:
            self.log.add_collect_error(report)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(
        self, session: pytest.Session, exitstatus: int
    ) -> Generator[None, None, None]:
        # Before every writer, with the exit status pytest gives them all (a plugin may
        # change session.exitstatus later, e.g. the API latency gate).
        if not self.worker:
            self.partial_reasons(session, exitstatus)
        return (yield)

    # --- the verdict ---

    def partial_reasons(self, session: pytest.Session, exitstatus: int) -> list[str]:
        """Why the run was not the whole suite (empty on a full run); decided once."""
        if self._partial is None:
            tests = self.tests()
            facts = dataclasses.replace(
                selection_of(self.config),
                deselected=self.deselected,
                collect_errors=sum(1 for t in self.log.tests() if t.collect_error),
                not_run=len((self.collected or set()) - {t.nodeid for t in tests}),
                failed=sum(1 for t in tests if t.outcome in ("failed", "error")),
                owed=tuple((c.what, self._owing(c, tests)) for c in self.owed),
                exitstatus=int(exitstatus),
                stopped=bool(session.shouldstop or session.shouldfail),
            )
            self._partial = partial_reasons(facts)
        return list(self._partial)

    @staticmethod
    def _owing(check: OwedCheck, tests: Sequence[TestRecord]) -> int:
        owing = 0
        for test in tests:
            if check.keyword not in test.keywords or test.outcome in _PASSED:
                continue
            final = test.final
            explained = any(
                isinstance(a.data, dict) and a.data.get("passed") is False
                for a in final.attachments(check.kind)
            )
            if final.ended_before_teardown() and not explained:
                owing += 1
        return owing


def journal_of(config: pytest.Config) -> RunJournal:
    """The run's journal, registered by the first plugin that asks (at pytest_configure,
    so that it sees every report)."""
    found = config.pluginmanager.get_plugin(JOURNAL_PLUGIN)
    if isinstance(found, RunJournal):
        return found
    journal = RunJournal(config)
    config.pluginmanager.register(journal, JOURNAL_PLUGIN)
    return journal
