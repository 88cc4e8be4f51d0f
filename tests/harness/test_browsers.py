"""Browser discovery: Playwright's own build, else a system Chromium, else one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.browsers import SYSTEM_CHROMIUM_ARGS, BrowserNotFoundError, find_browser


def no_which(name: str) -> str | None:
    return None


def test_playwright_build_wins_when_installed(tmp_path: Path) -> None:
    own = tmp_path / "chrome"
    own.write_text("")
    choice = find_browser("chromium", playwright_executable=str(own), environ={}, which=no_which)
    assert choice.executable is None
    assert choice.source == "playwright"


def test_configured_executable_is_used(tmp_path: Path) -> None:
    binary = tmp_path / "my-chromium"
    binary.write_text("")
    choice = find_browser("chromium", playwright_executable=None, configured=str(binary))
    assert choice.executable == str(binary)
    assert choice.args == SYSTEM_CHROMIUM_ARGS


def test_configured_executable_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="does not exist; fix the path"):
        find_browser("chromium", playwright_executable=None, configured=str(tmp_path / "nope"))


def test_environment_variable_before_path(tmp_path: Path) -> None:
    binary = tmp_path / "env-chromium"
    binary.write_text("")
    choice = find_browser(
        "chromium",
        playwright_executable=str(tmp_path / "missing"),
        environ={"E2E_CHROMIUM": str(binary)},
        which=lambda name: "/usr/bin/chromium",
    )
    assert (choice.executable, choice.source) == (str(binary), "E2E_CHROMIUM")


def test_system_chromium_on_path(tmp_path: Path) -> None:
    found = {"chromium-browser": "/opt/bin/chromium-browser"}
    choice = find_browser(
        "chromium", playwright_executable=None, environ={}, which=lambda n: found.get(n)
    )
    assert (choice.executable, choice.source) == ("/opt/bin/chromium-browser", "system")
    assert "--no-sandbox" in choice.args


def test_no_chromium_anywhere_says_how_to_install() -> None:
    with pytest.raises(BrowserNotFoundError) as error:
        find_browser("chromium", playwright_executable=None, environ={}, which=no_which)
    message = str(error.value)
    assert "python -m playwright install --with-deps chromium" in message
    assert "apt-get install chromium" in message


def test_firefox_has_no_system_fallback(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="No firefox browser is installed"):
        find_browser("firefox", playwright_executable=str(tmp_path / "ff"), which=no_which)
