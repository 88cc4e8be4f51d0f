"""Soft checks: record a failure and go on, then fail the test at the end with all of them.

Playwright Test's `expect.soft`, the pytest way:

- `assert_snapshot(page, "home", soft=True)` and `assert_accessible(page, soft=True)`
  record their failure instead of raising it;
- `with soft("the toast says saved"):` records an `AssertionError` raised inside the block
  (a failed `expect(...)`, a plain `assert`) and carries on after the block. Like any
  `with` block, it ends at its first failure: give each check that should not hide the
  next one a block of its own.

When the phase that recorded them ends (the test's call, usually), the test fails with
every soft failure listed, numbered, each with its message and the step it happened in
(sitewise.steps): in the terminal, in JUnit XML (the failure's text) and in the HTML
report (its list of soft failures, from `report.sitewise_soft`). A test that also failed
hard keeps its own error, the soft failures added below it.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import pytest

from sitewise.steps import add_to_failure, current_item, open_step

__all__ = ["SoftFailure", "record_soft_failure", "soft"]

SOFT_ATTR = "sitewise_soft"
SOFT_SECTION = "soft failures"


@dataclass(frozen=True)
class SoftFailure:
    """A check that failed without stopping the test."""

    message: str
    kind: str  # what failed: "expect" (a `soft` block), "snapshot", "a11y"
    title: str = ""  # the `soft` block's or the check's label
    step: str = ""  # the steps it was in, outermost first, joined by " > "


_SOFT_KEY = pytest.StashKey[list[SoftFailure]]()


def record_soft_failure(item: pytest.Item, message: str, *, kind: str, title: str = "") -> None:
    """Record a soft failure of `item`; the test fails at the end of the current phase."""
    failure = SoftFailure(
        message=message.strip(), kind=kind, title=title, step=" > ".join(open_step(item))
    )
    item.stash.setdefault(_SOFT_KEY, []).append(failure)


@contextmanager
def soft(title: str = "") -> Iterator[None]:
    """Record an AssertionError raised inside the block as a soft failure and go on.

    Outside a test (no test running in this process) the error is raised as usual.
    """
    item = current_item()
    try:
        yield
    except AssertionError as error:
        if item is None:
            raise
        record_soft_failure(item, str(error) or type(error).__name__, kind="expect", title=title)


def soft_report(failures: list[SoftFailure]) -> str:
    """The soft failures as the test's failure lists them."""
    lines = [f"{len(failures)} soft check(s) failed:"]
    for number, failure in enumerate(failures, start=1):
        label = f"{failure.kind}: {failure.title}" if failure.title else failure.kind
        where = f" (in step: {failure.step})" if failure.step else ""
        body = failure.message.replace("\n", "\n     ")
        lines.append(f"  {number}. [{label}]{where} {body}")
    return "\n".join(lines)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A retry (pytest-rerunfailures) starts clean.
    item.stash[_SOFT_KEY] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    failures = item.stash.get(_SOFT_KEY, [])
    if not failures:
        return report
    item.stash[_SOFT_KEY] = []
    setattr(report, SOFT_ATTR, [asdict(f) for f in failures])
    text = soft_report(failures)
    if report.passed or report.skipped:
        if hasattr(report, "wasxfail"):
            return report  # an expected failure: xfail's own verdict stands
        report.outcome = "failed"
        report.longrepr = text
    else:
        add_to_failure(report, SOFT_SECTION, text)
    return report
