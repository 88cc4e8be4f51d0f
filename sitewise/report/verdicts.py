"""Verdicts judged over the whole run, reported as test cases of their own.

Some checks can only be judged once every test has run: the API latency of all the
performance specs' calls together, known accessibility issues that matched nothing in a
full run. Such a verdict is reported like a test, on the controller (or the only
process) at the end of the run, before JUnit's file is written: `run::api-latency`
passes or fails with its reason in JUnit, results.json, the HTML report, the terminal
summary and pytest's cache, so a red run always names what failed.

`--lf` after a failed verdict reruns the tests that feed it (the performance specs for
the latency), besides the other failed tests, so that the verdict is judged again.

Loaded by sitewise.report.plugin (its `pytest_plugins`), after other modules imported
it: it has no assert for pytest to rewrite (PYTEST_DONT_REWRITE).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Literal

import pytest

Outcome = Literal["passed", "failed", "skipped"]
Phase = Literal["setup", "call", "teardown"]
PREFIX = "run::"
KEYWORD = "run_verdict"
# (nodeid, location) of a verdict: pytest reports need a location; it names the verdict.
_FILE = "run"


@dataclass(frozen=True)
class Verdict:
    """A run-wide verdict: its name, whether it passed, and why (the failure's text)."""

    name: str
    passed: bool
    message: str
    # Whether a collected test feeds it (so that --lf reruns it with the failed tests).
    feeds: Callable[[pytest.Item], bool]

    @property
    def nodeid(self) -> str:
        return f"{PREFIX}{self.name}"


def report_verdict(session: pytest.Session, verdict: Verdict) -> None:
    """Report a verdict as a test's three phases, through pytest's own hooks; a failed one
    fails the run as a failed test does."""
    config = session.config
    nodeid = verdict.nodeid
    location = (_FILE, None, verdict.name)
    now = time.time()
    config.hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    call: Outcome = "passed" if verdict.passed else "failed"
    phases: tuple[tuple[Phase, Outcome], ...] = (
        ("setup", "passed"),
        ("call", call),
        ("teardown", "passed"),
    )
    for when, outcome in phases:
        report = pytest.TestReport(
            nodeid,
            location,
            {KEYWORD: 1, verdict.name: 1},
            outcome,
            None if outcome == "passed" else verdict.message,
            when,
            sections=[("run verdict", verdict.message)] if when == "call" else [],
            duration=0.0,
            start=now,
            stop=now,
            user_properties=[],
        )
        config.hook.pytest_runtest_logreport(report=report)
    config.hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
    if not verdict.passed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Verdicts a plugin can judge again: name -> which tests feed it.
FEEDS_KEY = pytest.StashKey[dict[str, Callable[[pytest.Item], bool]]]()


def register_feeds(config: pytest.Config, name: str, feeds: Callable[[pytest.Item], bool]) -> None:
    """Say which tests feed the verdict `name`, for `--lf` (at pytest_configure)."""
    config.stash.setdefault(FEEDS_KEY, {})[name] = feeds


class LastFailedVerdicts:
    """With --lf, puts back the tests that feed a verdict that failed last time.

    Registered after pytest's own last-failed plugin, so that its wrapper runs outside
    that plugin's and sees the list of items as --lf left it.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> Generator[None, None, None]:
        everything = list(items)
        result = yield
        if config.getoption("lf", False) and config.cache is not None:
            failed = set(config.cache.get("cache/lastfailed", {}))
            feeds = config.stash.get(FEEDS_KEY, {})
            wanted = [feeds[n] for n in feeds if f"{PREFIX}{n}" in failed]
            if wanted:
                # The failed tests and the verdict's own, whatever --lf chose (with only a
                # verdict failed, it would otherwise run everything).
                keep = [i for i in everything if i.nodeid in failed or any(f(i) for f in wanted)]
                kept = set(keep)
                dropped = [i for i in items if i not in kept]
                items[:] = keep
                if dropped:
                    config.hook.pytest_deselected(items=dropped)
        return result


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(LastFailedVerdicts(config), "sitewise-lastfailed-verdicts")
