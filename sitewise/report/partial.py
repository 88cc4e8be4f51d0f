"""Whether a run was the whole suite, and why not: one rule for every report of the run.

A partial run may not have reached every page, snapshot or known issue, so what it did
not meet proves nothing: a11y.json does not call known issues stale, `baselines prune`
refuses its visual manifest, and results.json says so. Its reasons, in this order:

- a selection: `-k`, `-m`, `--deselect`, `--lf`, `--sw`, `--ignore`, `--ignore-glob`;
- node ids, files or folders given that are not the whole suite (its root or one of its
  `testpaths`);
- fewer viewports than configured (`--viewport`), or pytest-playwright's `--device`;
- one shard of several (`--shard`, or pytest-split's `--splits`/`--group`);
- tests deselected (by the options above, or by a plugin), modules that failed to be
  collected, collected tests that sent no report;
- failed tests (one may have failed before its checks or snapshots), and tests that owe a
  check and ended before making one (e.g. using `assert_accessible` but skipped);
- an exit status other than 0 or 1 (interrupted, internal error, ...), a run stopped
  early (`-x`, `--maxfail`).
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitewise.config.plugin import RESOLVED_KEY, suite_config_of

# Options that select part of the suite: (option dest, label, whether its value is shown).
_SELECTING = (
    ("keyword", "-k", True),
    ("markexpr", "-m", True),
    ("deselect", "--deselect", False),
    ("lf", "--lf", False),
    ("stepwise", "--sw", False),
    ("ignore", "--ignore", False),
    ("ignore_glob", "--ignore-glob", False),
)
_FULL_EXITS = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)


@dataclass(frozen=True)
class RunFacts:
    """What decides whether a run was whole: its selection, and what happened."""

    selected_by: tuple[str, ...] = ()  # "-k smoke", "--lf", ...
    only: tuple[str, ...] = ()  # node ids, files and folders narrower than the suite
    viewports: tuple[str, ...] = ()  # the run's, when fewer than configured
    device: str = ""
    shard: str = ""
    deselected: int = 0
    collect_errors: int = 0
    not_run: int = 0
    failed: int = 0
    # (what the tests use, how many ended before their check), e.g. ("using
    # assert_accessible", 2).
    owed: tuple[tuple[str, int], ...] = ()
    exitstatus: int = 0
    stopped: bool = False


def partial_reasons(facts: RunFacts) -> list[str]:
    """Why the run was not the whole suite, run through: empty for a full run."""
    reasons = list(facts.selected_by)
    reasons += [f"only {arg}" for arg in facts.only]
    if facts.viewports:
        reasons.append("--viewport " + ", ".join(facts.viewports))
    if facts.device:
        reasons.append(f"--device {facts.device}")
    if facts.shard:
        reasons.append(f"--shard {facts.shard}")
    for count, what in (
        (facts.deselected, "test(s) deselected"),
        (facts.collect_errors, "module(s) not collected (collection errors)"),
        (facts.not_run, "collected test(s) did not run"),
        (facts.failed, "test(s) failed"),
    ):
        if count:
            reasons.append(f"{count} {what}")
    reasons += [
        f"{count} test(s) {what} failed or were skipped before a check"
        for what, count in facts.owed
        if count
    ]
    if facts.exitstatus not in _FULL_EXITS:
        reasons.append(f"exit status {facts.exitstatus}")
    if facts.stopped:
        reasons.append("stopped early")
    return reasons


def selection_of(config: pytest.Config) -> RunFacts:
    """The facts a run's options and arguments give, before any test runs."""
    option = config.option
    selected_by = []
    for dest, label, shown in _SELECTING:
        value = getattr(option, dest, None)
        if value:
            selected_by.append(f"{label} {value}" if shown else label)
    shard = getattr(option, "shard", None) or ""
    if not shard and getattr(option, "splits", None):
        shard = f"{option.group}/{option.splits}"
    return RunFacts(
        selected_by=tuple(selected_by),
        only=tuple(narrower_arguments(config)),
        viewports=_fewer_viewports(config),
        device=str(getattr(option, "device", None) or ""),
        shard=str(shard),
    )


def narrower_arguments(config: pytest.Config) -> list[str]:
    """The run's arguments that name less than the whole suite: a node id, a file, or a
    folder other than the root and the `testpaths`."""
    root = config.rootpath.resolve()
    whole = {root}
    for pattern in config.getini("testpaths"):
        whole.update(Path(p).resolve() for p in glob.glob(str(root / pattern), recursive=True))
    narrower = []
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = (path if path.is_absolute() else config.invocation_params.dir / path).resolve()
        if "::" in arg or not path.is_dir() or path not in whole:
            narrower.append(arg)
    return narrower


def _fewer_viewports(config: pytest.Config) -> tuple[str, ...]:
    resolved = config.stash.get(RESOLVED_KEY, None)
    if resolved is None:
        return ()
    configured = {v.name for v in suite_config_of(config).viewports}
    return tuple(resolved.viewports) if set(resolved.viewports) != configured else ()
