"""The vendored axe-core: the file is the pinned build, it ships in the package, and it is
the version that runs in the page."""

from __future__ import annotations

import fnmatch
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from sitewise.accessibility import axe_core
from sitewise.accessibility.axe_core import (
    LICENSE_FILES,
    PIN_FILE,
    SCRIPT_FILE,
    AxeBuildError,
    axe_pin,
    axe_script,
    file_sha256,
)
from sitewise.accessibility.runner import run_axe

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sitewise"

pytestmark = pytest.mark.viewports("desktop")


def test_vendored_script_matches_its_pinned_sha256() -> None:
    pin = axe_pin()
    assert re.fullmatch(r"[0-9a-f]{64}", pin.sha256)
    assert file_sha256(SCRIPT_FILE) == pin.sha256


def test_vendored_script_banner_names_the_pinned_version() -> None:
    pin = axe_pin()
    assert re.fullmatch(r"4\.\d+\.\d+", pin.version)
    assert SCRIPT_FILE.read_text(encoding="utf-8").startswith(f"/*! axe v{pin.version}\n")
    assert pin.source.endswith(f"/axe-core-{pin.version}.tgz")


def test_licences_ship_beside_the_script() -> None:
    assert axe_pin().license == "MPL-2.0"
    mpl, third_party = (path.read_text(encoding="utf-8") for path in LICENSE_FILES)
    assert mpl.startswith("Mozilla Public License, version 2.0")
    assert "MIT License" in third_party


def test_package_data_takes_every_vendored_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["sitewise"]
    for path in (SCRIPT_FILE, PIN_FILE, *LICENSE_FILES):
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, glob) for glob in globs), relative


@pytest.fixture
def tampered_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of axe.min.js with one character changed, in place of the vendored one."""
    copy = tmp_path / "axe.min.js"
    shutil.copyfile(SCRIPT_FILE, copy)
    source = copy.read_text(encoding="utf-8")
    copy.write_text(source.replace("axe v", "axe w", 1), encoding="utf-8")
    monkeypatch.setattr(axe_core, "SCRIPT_FILE", copy)
    axe_script.cache_clear()
    yield copy
    axe_script.cache_clear()


def test_a_build_that_does_not_match_the_pin_is_refused(tampered_script: Path) -> None:
    with pytest.raises(AxeBuildError, match=f"{tampered_script} has sha256 [0-9a-f]{{64}}, but"):
        axe_script()


def test_the_version_running_in_every_frame_is_the_pinned_one(
    open_page: Callable[[str], Page],
) -> None:
    page = open_page("clean.html")
    run = run_axe(page, tags=["wcag2a"])
    pinned = axe_pin().version
    assert run.results["testEngine"]["version"] == pinned
    assert len(page.frames) == 2  # the page and its cross-origin frame
    assert [frame.evaluate("axe.version") for frame in page.frames] == [pinned, pinned]
