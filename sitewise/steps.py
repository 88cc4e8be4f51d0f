"""Steps: `with step("sign in"):` groups a test's actions, as Playwright Test's `test.step`.

A step times what runs inside it and may nest. When the test's browser context records a
trace (pytest-playwright's `--tracing`, or `--trace-mode`), the step is also a group in the
trace (`BrowserContext.tracing.group`), so the trace viewer shows the actions under it. A
step that raises is marked failed with the error's first line, and the failure of the test
names the innermost step it was in (`Failed in step: sign in > submit the form`); so does a
per-test timeout (sitewise.run.timeouts).

Each phase's report carries the steps that ran in it (`report.sitewise_steps`, plain dicts
that travel from an xdist worker to the controller); results.json and the HTML report show
the tree of each attempt with durations and the failing step marked.

Outside a test (no test running in this process) a step only runs its body.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

__all__ = ["StepRecord", "add_to_failure", "current_item", "failing_step", "open_step", "step"]

STEPS_ATTR = "sitewise_steps"
FAILED_STEP_SECTION = "step"


@dataclass
class StepRecord:
    """One step: its title, when it started, how long it took, whether it failed and why."""

    title: str
    start: float = field(default_factory=time.time)
    duration: float = 0.0
    failed: bool = False
    error: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    done: bool = False

    def to_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "start": round(self.start, 3),
            "duration": round(self.duration, 3),
            "failed": self.failed,
            "error": self.error,
            "steps": [s.to_data() for s in self.steps],
        }


@dataclass
class _ItemSteps:
    roots: list[StepRecord] = field(default_factory=list)
    stack: list[StepRecord] = field(default_factory=list)
    # Titles from the outermost to the innermost step of the first failure.
    failed_path: list[str] = field(default_factory=list)


_STEPS_KEY = pytest.StashKey[_ItemSteps]()
_current: list[pytest.Item] = []


def current_item() -> pytest.Item | None:
    """The test running in this process (one at a time per process, also per xdist worker)."""
    return _current[-1] if _current else None


def _state(item: pytest.Item) -> _ItemSteps:
    return item.stash.setdefault(_STEPS_KEY, _ItemSteps())


def open_step(item: pytest.Item) -> list[str]:
    """The titles of the steps open now, outermost first (what a timeout interrupted)."""
    state = item.stash.get(_STEPS_KEY, None)
    return [s.title for s in state.stack] if state else []


def failing_step(item: pytest.Item) -> list[str]:
    """The titles of the steps the test's first failure was in, outermost first."""
    state = item.stash.get(_STEPS_KEY, None)
    return list(state.failed_path) if state else []


def _tracing_context(item: pytest.Item, target: Any) -> Any:
    """The browser context whose trace records this test, or None when none does."""
    option = getattr(item.config.option, "tracing", "off")
    if option in (None, "off"):
        return None
    if target is None:
        funcargs = getattr(item, "funcargs", {})
        target = funcargs.get("page") or funcargs.get("context")
    context = getattr(target, "context", target)
    tracing = getattr(context, "tracing", None)
    return context if hasattr(tracing, "group") else None


def _caller() -> dict[str, Any] | None:
    """Where the test opened the step (the trace viewer shows it), past contextlib's frames."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in (__file__, contextlib.__file__):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return None
    return {"file": frame.f_code.co_filename, "line": frame.f_lineno}


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line[:500]


@contextmanager
def step(title: str, page: Any = None) -> Iterator[StepRecord]:
    """Group what runs inside as one step of the test, timed, nested under an open step.

    `page` (a Page or BrowserContext) names the context whose trace gets the group; by
    default it is the test's `page` or `context` fixture.
    """
    __tracebackhide__ = True
    item = current_item()
    record = StepRecord(title=str(title))
    if item is None:
        started = time.monotonic()
        try:
            yield record
        finally:
            record.duration = time.monotonic() - started
            record.done = True
        return
    state = _state(item)
    (state.stack[-1].steps if state.stack else state.roots).append(record)
    state.stack.append(record)
    context = _tracing_context(item, page)
    grouped = False
    if context is not None:
        try:
            context.tracing.group(record.title, location=_caller())
            grouped = True
        except PlaywrightError:  # a closed context: the step still runs and is timed
            grouped = False
    started = time.monotonic()
    try:
        yield record
        if len(state.stack) == 1:
            # A failure inside that the test caught (pytest.raises) is not the test's.
            state.failed_path = []
    except BaseException as error:
        record.failed = True
        record.error = _first_line(error)
        if not state.failed_path:
            state.failed_path = [s.title for s in state.stack]
        raise
    finally:
        record.duration = time.monotonic() - started
        record.done = True
        if state.stack and state.stack[-1] is record:
            state.stack.pop()
        if grouped:
            with suppress(PlaywrightError):  # the context closed inside the step
                context.tracing.group_end()


def add_to_failure(report: pytest.TestReport, title: str, text: str) -> None:
    """Add a titled section to a failed report's error (terminal, JUnit, results.json)."""
    addsection = getattr(report.longrepr, "addsection", None)
    if callable(addsection):  # pytest's ExceptionRepr: shown below the traceback
        addsection(title, text)
    else:
        report.longrepr = f"{report.longrepr}\n\n{text}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    _current.append(item)
    try:
        return (yield)
    finally:
        _current.remove(item)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A retry (pytest-rerunfailures runs the same item again) starts with no steps.
    item.stash[_STEPS_KEY] = _ItemSteps()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    state = item.stash.get(_STEPS_KEY, None)
    if state is None:
        return report
    roots, state.roots = state.roots, []
    if roots:
        setattr(report, STEPS_ATTR, [r.to_data() for r in roots])
    if report.failed and state.failed_path:
        where = " > ".join(state.failed_path)
        add_to_failure(report, FAILED_STEP_SECTION, f"Failed in step: {where}")
        state.failed_path = []
    return report
