"""Time limits: per test (pytest-timeout) and for the whole run (`--max-duration`).

- A test's limit is pytest-timeout's: `@pytest.mark.timeout(S)` on the test (or module),
  else `--timeout S`, else `PYTEST_TIMEOUT`, else the ini option `timeout`, as pytest-timeout
  users expect; else `[timeouts] test_s` of playwright.config.toml, given to each test
  with no marker of its own as a `timeout` marker. pytest-timeout's `signal` method (its
  default where SIGALRM exists) fails the test where it is: its steps record where
  (sitewise.steps names the step in the failure), its fixtures tear down, and
  pytest-playwright keeps the trace as it keeps any failed test's (`--tracing
  retain-on-failure`). The `thread` method ends the whole process instead: no report,
  no trace; under xdist the worker is reported crashed and replaced.
- The run's limit: `--max-duration S`, else `[timeouts] run_s`. Once it is passed, no
  further test starts (each process checks after each test; tests already running
  finish, within their own limits), the reports are written with the tests not started
  counted, the terminal says why, and the exit status is 2 (interrupted), with a
  `time-limit` failure in results.json.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from typing import Any

import pytest

from sitewise.config.plugin import suite_config_of

TIMEOUT_MARKER = "timeout"
# A worker's deadline, from the controller (workerinput), so that all share one clock.
_DEADLINE_INPUT = "sitewise_deadline"
DEADLINE_KEY = pytest.StashKey[float | None]()
LIMIT_KEY = pytest.StashKey[float | None]()
STOPPED_KEY = pytest.StashKey[str]()
STOP_PREFIX = "time limit of the run"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sitewise").addoption(
        "--max-duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="Stop the run once it has taken this long: no further test starts, the reports"
        " are written, exit status 2. Default: [timeouts] run_s of playwright.config.toml"
        " (no limit). A test's own limit is pytest-timeout's --timeout.",
    )


def _timeout_given(config: pytest.Config) -> bool:
    """Whether pytest-timeout has a timeout from its own sources (option, env, ini)."""
    if config.getoption("timeout", None) is not None:
        return True
    if os.environ.get("PYTEST_TIMEOUT"):
        return True
    try:
        return bool(config.getini("timeout"))
    except ValueError:
        return False


def default_test_timeout(config: pytest.Config) -> tuple[float | None, str]:
    """The default time limit of a test and where it comes from (None: no limit)."""
    if not config.pluginmanager.has_plugin("timeout"):
        return None, "pytest-timeout not installed"
    if _timeout_given(config):
        return None, "pytest-timeout's --timeout, PYTEST_TIMEOUT or ini timeout"
    return suite_config_of(config).timeouts.test_s, "[timeouts] test_s"


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    limit = config.getoption("--max-duration")
    if limit is not None and limit <= 0:
        raise pytest.UsageError(
            f"--max-duration {limit:g}: give the run's limit in seconds, more than 0."
        )
    if limit is None:
        limit = suite_config_of(config).timeouts.run_s
    config.stash[LIMIT_KEY] = limit
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        deadline = workerinput.get(_DEADLINE_INPUT)
        config.stash[DEADLINE_KEY] = float(deadline) if deadline else None
    else:
        config.stash[DEADLINE_KEY] = time.time() + limit if limit else None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput[_DEADLINE_INPUT] = node.config.stash.get(DEADLINE_KEY, None)


def pytest_report_header(config: pytest.Config) -> list[str]:
    test_s, source = default_test_timeout(config)
    if test_s is not None:
        test = f"{test_s:g} s per test ({source}; --timeout or @pytest.mark.timeout win)"
    elif source == "[timeouts] test_s":
        test = "no limit per test (--timeout S, or [timeouts] test_s)"
    else:
        test = f"per test from {source}"
    limit = config.stash.get(LIMIT_KEY, None)
    run = f"{limit:g} s for the run" if limit else "no limit for the run (--max-duration S)"
    return [f"e2e time limits: {test}; {run}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    test_s, _ = default_test_timeout(config)
    if test_s is None:
        return
    for item in items:
        # A marker of the test, its class or module wins, as with pytest-timeout's --timeout.
        if item.get_closest_marker(TIMEOUT_MARKER) is None:
            item.add_marker(pytest.mark.timeout(test_s))


def _stop_message(config: pytest.Config) -> str:
    limit = config.stash.get(LIMIT_KEY, None) or 0
    source = "--max-duration" if config.getoption("--max-duration") else "[timeouts] run_s"
    return f"{STOP_PREFIX} ({limit:g} s, {source}) passed: no further test was started"


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    result = yield
    deadline = item.config.stash.get(DEADLINE_KEY, None)
    if deadline is not None and time.time() >= deadline and not item.session.shouldstop:
        # pytest (and an xdist worker's loop) start no further test; xdist's controller
        # hears it from the worker at its end and stops the run with the same reason.
        item.session.shouldstop = _stop_message(item.config)
        item.config.stash[STOPPED_KEY] = item.session.shouldstop
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """xdist controller: a worker that stopped for the run's limit says so at its end."""
    output = getattr(node, "workeroutput", None) or {}
    reason = output.get("shouldstop")
    if isinstance(reason, str) and reason.startswith(STOP_PREFIX):
        node.config.stash[STOPPED_KEY] = reason


def stopped_by_limit(config: pytest.Config) -> str:
    """Why the run stopped early for its time limit, or "" (it did not)."""
    return config.stash.get(STOPPED_KEY, "")
