"""Trace modes for hunting flakes: `--trace-mode`, Playwright Test's `trace` modes that
pytest-playwright's `--tracing on|off|retain-on-failure` does not have.

- `on-first-retry`: record a trace only on a test's first retry (pytest-rerunfailures'
  second attempt), so a flaky test's trace shows the run that passed or failed again;
- `on-all-retries`: on every retry;
- `retain-on-first-failure`: the first attempt's trace, kept when it fails; retries none;
- `retain-on-failure-and-retries`: the first attempt's trace kept when it fails, and every
  retry's.

Each attempt is pytest-playwright's own recording: before a test's fixtures are set up,
this sets the attempt's `--tracing` (`on`, `retain-on-failure` or `off`), which
pytest-playwright reads when it makes the test's artifacts recorder; traces land where
`--tracing` puts them (`<output>/<test>/trace.zip`, retries in `<test>-retryN/`) and the
report links them per attempt. The retry number is pytest-rerunfailures'
`item.execution_count` (an at-end retry, `--retry-failed-at-end`, counts as a retry too).
Traces of `playwright.request` contexts (no page) follow the first test's mode.
"""

from __future__ import annotations

import pytest

TRACE_MODES = (
    "on-first-retry",
    "on-all-retries",
    "retain-on-first-failure",
    "retain-on-failure-and-retries",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sitewise").addoption(
        "--trace-mode",
        default=None,
        choices=TRACE_MODES,
        help="Record Playwright traces by attempt, as Playwright Test's trace option: only on"
        " the first retry, on all retries, the first attempt's kept on failure, or that and"
        " every retry's. Instead of pytest-playwright's --tracing; retries are"
        " pytest-rerunfailures' --reruns N (or --retry-failed-at-end).",
    )


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("--trace-mode")
    if mode and getattr(config.option, "tracing", "off") not in ("off", None):
        raise pytest.UsageError(
            f"--trace-mode {mode} and --tracing {config.option.tracing}: give one of them"
            " (--trace-mode decides --tracing for each attempt)."
        )


def tracing_for(mode: str, attempt: int) -> str:
    """pytest-playwright's --tracing for attempt number `attempt` (1: the first run)."""
    retry = attempt > 1
    if mode == "on-first-retry":
        return "on" if attempt == 2 else "off"
    if mode == "on-all-retries":
        return "on" if retry else "off"
    if mode == "retain-on-first-failure":
        return "off" if retry else "retain-on-failure"
    if mode == "retain-on-failure-and-retries":
        return "on" if retry else "retain-on-failure"
    raise ValueError(f"unknown trace mode {mode!r}; expected one of {', '.join(TRACE_MODES)}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    mode = item.config.getoption("--trace-mode")
    if mode:
        attempt = int(getattr(item, "execution_count", 1) or 1)
        item.config.option.tracing = tracing_for(mode, attempt)


def pytest_report_header(config: pytest.Config) -> list[str]:
    mode = config.getoption("--trace-mode")
    if not mode:
        return []
    retries = getattr(config.option, "reruns", None) or 0
    at_end = getattr(config.option, "retry_failed_at_end", False)
    note = "" if retries or at_end or "first-failure" in mode else "; no retries asked"
    return [f"e2e traces: --trace-mode {mode}{note}"]
