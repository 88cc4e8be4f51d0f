"""Retries, flaky tests and CI shards: what Playwright Test has built in, the pytest way.

- Retries. With CI=true and no --reruns given, pytest-rerunfailures retries a failed test
  `[report] ci_retries` times (2); locally nothing is retried unless asked. A test that
  passes on a retry is flaky: "FLAKY" in the terminal and the report, never plain green.
  pytest-playwright keeps each attempt's artifacts (the first one's, then `-retryN`
  folders), and so does the report. --fail-on-flaky (pytest-rerunfailures' flag) makes a
  run with a flaky test fail with exit code 7, as its help says, also under xdist
  (sitewise.report.run_report).
- Shards. `--shard I/N` runs part I of N: pytest-split's --splits N --group I, balanced
  by the durations in .test_durations (least_duration), disjoint and together the whole.

Loaded by sitewise.report.plugin (its `pytest_plugins`), which imports it first: it has
no assert for pytest to rewrite, and says so (PYTEST_DONT_REWRITE) so that pytest does
not warn that it could not.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from sitewise.config.plugin import suite_config_of

DURATIONS_FILE = ".test_durations"
BROWSERS = ("chromium", "firefox", "webkit")
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
RETRIES_KEY = pytest.StashKey[tuple[int, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sitewise").addoption(
        "--shard",
        default=None,
        metavar="I/N",
        help="Run shard I of N (1-based): the tests split into N disjoint parts balanced by the"
        f" durations recorded in {DURATIONS_FILE} (pytest-split's --splits N --group I,"
        " least_duration). Record durations with --store-durations.",
    )


def given(config: pytest.Config, *names: str) -> bool:
    """Whether the user gave one of these options (command line, PYTEST_ADDOPTS or addopts)."""
    args = [
        *config.invocation_params.args,
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *config.getini("addopts"),
    ]
    return any(arg == name or arg.startswith(name + "=") for arg in args for name in names)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def parse_shard(value: str) -> tuple[int, int]:
    """`I/N` as (I, N); a UsageError that says what is expected otherwise."""
    match = _SHARD.match(value)
    if not match:
        raise pytest.UsageError(
            f"--shard {value}: expected I/N, e.g. --shard 2/4 for shard 2 of 4."
        )
    index, total = int(match[1]), int(match[2])
    if total < 1 or not 1 <= index <= total:
        raise pytest.UsageError(
            f"--shard {value}: I must be between 1 and N (shards are numbered from 1)."
        )
    return index, total


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Before pytest_configure, where pytest-split decides whether to split: each xdist
    # worker runs this too, from the same arguments, and so selects the same shard.
    if hasattr(config.option, "durations_path") and not given(config, "--durations-path"):
        # pytest-split's default is the working directory's; the suite's file is at its root.
        config.option.durations_path = str(config.rootpath / DURATIONS_FILE)
    shard = config.getoption("--shard")
    if not shard:
        return
    index, total = parse_shard(shard)
    if not hasattr(config.option, "splits"):
        raise pytest.UsageError("--shard needs pytest-split: pip install pytest-split==0.11.0")
    if (config.option.splits, config.option.group) not in ((None, None), (total, index)):
        raise pytest.UsageError(f"--shard {shard} and --splits/--group: give one or the other.")
    config.option.splits, config.option.group = total, index
    if not given(config, "--splitting-algorithm"):
        # Spreads long tests over the shards, unlike the default's contiguous chunks.
        config.option.splitting_algorithm = "least_duration"


def pytest_configure(config: pytest.Config) -> None:
    # After sitewise.config.plugin (tryfirst) resolved the configuration; before
    # pytest-rerunfailures' own pytest_configure, which reads the option set here.
    config.stash[RETRIES_KEY] = _default_retries(config)


def _default_retries(config: pytest.Config) -> tuple[int, str]:
    if not hasattr(config.option, "reruns"):
        return 0, "pytest-rerunfailures not installed"
    reruns = config.option.reruns
    if reruns is None and config.getini("reruns"):
        reruns = int(config.getini("reruns"))
    if config.option.force_reruns is not None:
        return int(config.option.force_reruns), "--force-reruns"
    if reruns is not None:
        return int(reruns), "--reruns"
    if in_ci():
        retries = suite_config_of(config).report.ci_retries
        config.option.reruns = retries
        return retries, "CI=true"
    return 0, "local run; --reruns N to retry"


def pytest_report_header(config: pytest.Config) -> list[str]:
    retries, why = config.stash.get(RETRIES_KEY, (0, ""))
    lines = [f"e2e retries: {retries} ({why})"]
    shard = config.getoption("--shard")
    if shard:
        durations = Path(config.option.durations_path)
        where = durations if durations.exists() else f"{durations} missing: split by count"
        lines.append(f"e2e shard: {shard} (pytest-split least_duration; durations: {where})")
    return lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # pytest-split (trylast) balances by node id; a test recorded under one browser keeps its
    # weight under another ([chromium-desktop] -> [firefox-desktop]) instead of the average.
    split = config.pluginmanager.get_plugin("pytestsplitplugin")
    durations = getattr(split, "cached_durations", None)
    if not isinstance(durations, dict) or not durations:
        return
    for item in items:
        if item.nodeid in durations:
            continue
        other = _recorded_under_other_browser(item, durations)
        if other is not None:
            durations[item.nodeid] = other


def _recorded_under_other_browser(item: pytest.Item, durations: dict[str, float]) -> float | None:
    callspec = getattr(item, "callspec", None)
    browser = callspec.params.get("browser_name") if callspec is not None else None
    if browser not in BROWSERS:
        return None
    path, bracket, params = item.nodeid.partition("[")
    for other in BROWSERS:
        swapped = re.sub(rf"(?<![^\-\[]){browser}(?=[\-\]])", other, bracket + params)
        duration = durations.get(path + swapped)
        if other != browser and duration is not None:
            return float(duration)
    return None


def is_flaky_pass(report: pytest.TestReport) -> bool:
    """The final, passing call of a test that failed before (pytest-rerunfailures' `rerun`
    index is the attempt number, from 0)."""
    return (
        report.when == "call"
        and report.passed
        and not hasattr(report, "wasxfail")
        and isinstance(getattr(report, "rerun", None), int)
        and report.rerun > 0
    )


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(
    report: pytest.CollectReport | pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    if isinstance(report, pytest.TestReport) and is_flaky_pass(report):
        return "flaky", "K", ("FLAKY", {"yellow": True})
    return None
