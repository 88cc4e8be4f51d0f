"""Shared by the visual self-tests: a tiny suite run by pytester against tests/visual/pages."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).resolve().parent / "pages"

_CONFTEST = f"""
import mimetypes
from pathlib import Path

import pytest

pytest_plugins = []
PAGES = Path({str(PAGES)!r})


@pytest.fixture
def fixture_page(page):
    def serve(route):
        path = PAGES / route.request.url.split("?")[0].removeprefix("http://visual.test/")
        route.fulfill(path=str(path), content_type=mimetypes.guess_type(path.name)[0])

    page.route("http://visual.test/**", serve)
    return page
"""

_CONFIG = """
[[viewports]]
name = "desktop"
width = 400
height = 300

[visual]
stabilise_timeout_ms = {timeout}
"""


@dataclass
class VisualSuite:
    """A pytester folder set up as a suite using sitewise/visual/plugin.py."""

    pytester: pytest.Pytester
    monkeypatch: pytest.MonkeyPatch

    @property
    def baselines(self) -> Path:
        return self.pytester.path / "baselines"

    @property
    def reports(self) -> Path:
        return self.pytester.path / "reports"

    def write_test(self, body: str, name: str = "test_shots") -> None:
        self.pytester.makepyfile(**{name: textwrap.dedent(body)})

    def configure(self, *, timeout_ms: int = 5000, extra: str = "") -> None:
        config = _CONFIG.format(timeout=timeout_ms) + extra
        (self.pytester.path / "playwright.config.toml").write_text(config)

    def run(self, *args: str, ci: bool = False, timeout: float = 180) -> pytest.RunResult:
        if ci:
            self.monkeypatch.setenv("CI", "true")
        else:
            self.monkeypatch.delenv("CI", raising=False)
        return self.pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=timeout)

    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.reports / "visual" / "manifest.json").read_text())
        return data


@pytest.fixture
def visual_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> VisualSuite:
    """A fresh suite folder with the visual plugin and a 400x300 desktop viewport."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.delenv("E2E_UPDATE_BASELINES", raising=False)
    pytester.makeconftest(_CONFTEST)
    suite = VisualSuite(pytester, monkeypatch)
    suite.configure()
    return suite
