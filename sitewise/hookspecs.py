"""The hooks a suite implements to teach the engine about its system (pytest_addhooks).

A suite implements them in a conftest.py or a plugin module of its own, as any pytest
hook; each is optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pydantic import BaseModel

    from sitewise.targets.model import StartedTargets


@pytest.hookspec(firstresult=True)
def pytest_sitewise_start_targets(
    config: pytest.Config, names: tuple[str, ...], workdir: Path, log_dir: Path
) -> StartedTargets | None:
    """Start the targets that have no URL, once per worker, and say where they listen.

    `names` are the targets of [targets] with no URL given; `workdir` is a fresh folder
    of this worker's (removed with the run, however it ends) for databases and the like;
    `log_dir` is where the servers' logs belong. Return a StartedTargets with a URL for
    every name and a `stop` callable, or raise sitewise.targets.TargetError with a
    message that says what went wrong. Not implemented: a target with no URL stops the
    run with a message saying how to give one.
    """


@pytest.hookspec
def pytest_sitewise_config_sections() -> Mapping[str, type[BaseModel]]:  # type: ignore[empty-body]
    """Config sections of the suite's own: `{name: pydantic model}`.

    The engine validates `[name]` of playwright.config.toml with the model, with the
    same one-message errors as its own sections, and the suite reads it back with
    `sitewise.config.section(config, name)`. A name the engine uses is refused.
    """
