"""Browser discovery: an explicit choice (E2E_CHROMIUM, then [browser] executable), else
Playwright's own build, else a system Chromium on PATH, else one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitewise.browsers.discovery import (
    SYSTEM_CHROMIUM_ARGS,
    BrowserNotFoundError,
    find_browser,
    remote_browser,
    shown_endpoint,
)


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
    choice = find_browser(
        "chromium", playwright_executable=None, configured=str(binary), environ={}
    )
    assert choice.executable == str(binary)
    assert choice.args == SYSTEM_CHROMIUM_ARGS


def test_configured_executable_wins_over_playwrights_build(tmp_path: Path) -> None:
    own, binary = tmp_path / "chrome", tmp_path / "my-chromium"
    own.write_text("")
    binary.write_text("")
    choice = find_browser(
        "chromium", playwright_executable=str(own), configured=str(binary), environ={}
    )
    assert (choice.executable, choice.source) == (str(binary), "config")
    assert choice.describe() == f"chromium ({binary}, [browser] executable)"


def test_e2e_chromium_wins_over_playwrights_build_and_the_config(tmp_path: Path) -> None:
    own, configured, binary = tmp_path / "chrome", tmp_path / "cfg", tmp_path / "env"
    for path in (own, configured, binary):
        path.write_text("")
    choice = find_browser(
        "chromium",
        playwright_executable=str(own),
        configured=str(configured),
        environ={"E2E_CHROMIUM": str(binary)},
    )
    assert (choice.executable, choice.source) == (str(binary), "E2E_CHROMIUM")
    assert choice.args == SYSTEM_CHROMIUM_ARGS
    assert choice.describe() == f"chromium ({binary}, E2E_CHROMIUM)"


def test_e2e_chromium_is_for_chromium_only(tmp_path: Path) -> None:
    own = tmp_path / "firefox"
    own.write_text("")
    choice = find_browser(
        "firefox", playwright_executable=str(own), environ={"E2E_CHROMIUM": "/nope"}
    )
    assert choice.source == "playwright"
    assert choice.describe() == f"firefox (Playwright's own build: {own})"


def test_configured_executable_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="does not exist; fix the path"):
        find_browser(
            "chromium", playwright_executable=None, configured=str(tmp_path / "nope"), environ={}
        )


def test_e2e_chromium_that_does_not_exist_is_not_passed_over(tmp_path: Path) -> None:
    own = tmp_path / "chrome"
    own.write_text("")
    with pytest.raises(BrowserNotFoundError, match=r"E2E_CHROMIUM='/nope' does not exist"):
        find_browser("chromium", playwright_executable=str(own), environ={"E2E_CHROMIUM": "/nope"})


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
    assert choice.describe() == "chromium (/opt/bin/chromium-browser, found on PATH)"


def test_a_headless_run_takes_the_headless_shell_and_a_headed_one_the_full_browser() -> None:
    found = {"chromium": "/usr/bin/chromium", "chromium-headless-shell": "/usr/bin/shell"}
    headless = find_browser(
        "chromium", playwright_executable=None, environ={}, which=lambda n: found.get(n)
    )
    assert (headless.executable, headless.source) == ("/usr/bin/shell", "system")
    assert headless.args == SYSTEM_CHROMIUM_ARGS
    headed = find_browser(
        "chromium",
        playwright_executable=None,
        environ={},
        which=lambda n: found.get(n),
        headless=False,
    )
    assert headed.executable == "/usr/bin/chromium"


def test_a_headed_run_does_not_take_the_headless_shell_alone() -> None:
    found = {"chromium-headless-shell": "/usr/bin/shell"}
    with pytest.raises(BrowserNotFoundError, match="none of chromium, chromium-browser"):
        find_browser(
            "chromium",
            playwright_executable=None,
            environ={},
            which=lambda n: found.get(n),
            headless=False,
        )


def test_no_chromium_anywhere_says_how_to_install() -> None:
    with pytest.raises(BrowserNotFoundError) as error:
        find_browser("chromium", playwright_executable=None, environ={}, which=no_which)
    message = str(error.value)
    assert "python -m playwright install --with-deps chromium" in message
    assert "apt-get install chromium-headless-shell chromium" in message


def test_firefox_has_no_system_fallback(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFoundError, match="No firefox browser is installed"):
        find_browser("firefox", playwright_executable=str(tmp_path / "ff"), which=no_which)


def test_a_remote_browser_is_shown_without_the_endpoints_query() -> None:
    choice = remote_browser("chromium", "ws://grid:3000/pw?token=secret")
    assert (choice.executable, choice.source) == (None, "remote")
    assert choice.describe() == "chromium (remote browser server ws://grid:3000/pw?…)"
    assert shown_endpoint("ws://127.0.0.1:4000/abc") == "ws://127.0.0.1:4000/abc"
