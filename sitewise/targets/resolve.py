"""Which targets a run has, and their URLs: command line, then environment, then config.

`--target NAME=URL` wins, then `E2E_<NAME>_URL`, then `[targets.NAME] url`. pytest's
`--base-url` (pytest-base-url's, or pytest-playwright's own) is the one-target case: it
sets the URL of the only target, or makes a target named `site` when the config has
none. A target left without a URL is started by the suite's
`pytest_sitewise_start_targets` hook, in every worker.
"""

from __future__ import annotations

import os
import re

import pytest

from sitewise.config.model import NAME_PATTERN, TargetConfig
from sitewise.config.plugin import suite_config_of
from sitewise.targets.model import Targets

TARGETS_KEY = pytest.StashKey[dict[str, TargetConfig]]()
STARTED_KEY = pytest.StashKey[Targets]()
SINGLE_TARGET = "site"


def env_name(name: str) -> str:
    return f"E2E_{name.upper().replace('-', '_')}_URL"


def _base_url(config: pytest.Config) -> str:
    given = config.getoption("base_url", None)
    if not given:
        try:
            given = config.getini("base_url")
        except ValueError:  # neither pytest-base-url nor pytest-playwright registered it
            given = None
    return str(given or "")


def _parse_target(value: str) -> tuple[str, str]:
    name, sep, url = value.partition("=")
    if not sep or not re.match(NAME_PATTERN, name):
        raise pytest.UsageError(
            f"--target {value}: expected NAME=URL, with a NAME such as web or admin"
            " (lower case letters, digits, - and _)."
        )
    return name, url


def configured_targets(config: pytest.Config) -> dict[str, TargetConfig]:
    """Every target of the run with its resolved URL (empty: to be started). Once a run."""
    if TARGETS_KEY in config.stash:
        return config.stash[TARGETS_KEY]
    targets = dict(suite_config_of(config).targets)
    given = dict(_parse_target(v) for v in config.getoption("--target", None) or [])
    base = _base_url(config)
    if base:
        if len(targets) > 1:
            raise pytest.UsageError(
                f"--base-url sets a single target, and this config has {len(targets)}"
                f" ({', '.join(targets)}): give --target NAME=URL for each instead."
            )
        only = next(iter(targets), SINGLE_TARGET)
        given.setdefault(only, base)
    for name in {*targets, *given}:
        url = given.get(name) or os.environ.get(env_name(name)) or ""
        entry = targets.get(name, TargetConfig())
        if url:
            try:
                entry = TargetConfig(url=url, health=entry.health, expect=entry.expect)
            except ValueError as error:
                reason = str(error).split("Value error, ")[-1].split("\n")[0]
                raise pytest.UsageError(f"target {name} = {url!r}: expected {reason}.") from None
        targets[name] = entry
    config.stash[TARGETS_KEY] = targets
    return targets


def targets_of(config: pytest.Config) -> Targets:
    """This process's targets with the URLs it knows (started ones once they are up)."""
    if STARTED_KEY in config.stash:
        return config.stash[STARTED_KEY]
    return Targets({n: t.url for n, t in configured_targets(config).items() if t.url})


def describe_targets(config: pytest.Config) -> str:
    """One line for the report header: each target and where it is, or who starts it."""
    targets = configured_targets(config)
    if not targets:
        return "none (give --base-url, --target NAME=URL or [targets.NAME])"
    given = [f"{name} {t.url}" for name, t in targets.items() if t.url]
    missing = [name for name, t in targets.items() if not t.url]
    parts = [", ".join(given)] if given else []
    if missing:
        starters = [
            name
            for impl in config.hook.pytest_sitewise_start_targets.get_hookimpls()
            if (name := config.pluginmanager.get_name(impl.plugin))
        ]
        who = f"started per worker by {', '.join(starters)}" if starters else "no URL given"
        parts.append(f"{', '.join(missing)} ({who})")
    return "; ".join(parts)
