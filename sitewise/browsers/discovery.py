"""Which browser binary to launch.

An explicit choice wins over a found one: `E2E_CHROMIUM` (for Chromium), then
`[browser] executable` in playwright.config.toml, then Playwright's own build where it
is installed (`playwright install`, as on GitHub CI), then a system Chromium on PATH.
A headless run looks for `chromium-headless-shell` first: Chromium's headless build,
which Playwright's own installs also use for headless runs. It does a spec's browser
work in half the time and CPU of the full browser (bench/bench_browser.py), and it
renders the accepted Chromium baselines. A headed run (`--headed`, or `headless = false`)
needs a full browser: `chromium`, `chromium-browser`, `google-chrome`. A system binary
is launched through `executable_path` with the flags a headless system build needs.
Where none exists the run stops with one message that says how to install one.

pytest-playwright's `--browser-channel` (`chrome`, `msedge`, ...) is a choice given on
the command line, so it wins over all of these: Playwright launches that installed
branded build itself (`channel=`), and nothing is looked for.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from playwright.sync_api import Playwright

_T = TypeVar("_T")

SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HEADLESS_SHELL_NAMES = ("chromium-headless-shell",)
BROWSER_NAMES = ("chromium", "firefox", "webkit")

# A system Chromium run as root needs --no-sandbox; the rest keep it from calling home,
# which on a closed network means refused connections at every start.
SYSTEM_CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

_SOURCES = {
    "E2E_CHROMIUM": "E2E_CHROMIUM",
    "config": "[browser] executable",
    "system": "found on PATH",
}

# Where a channel's browser comes from, for the report header.
CHANNEL_SOURCE = "--browser-channel"


class BrowserNotFoundError(Exception):
    """No browser binary could be found for the requested engine."""


@dataclass(frozen=True)
class BrowserChoice:
    """What to launch, or where to connect.

    `source` is `E2E_CHROMIUM`, `config`, `playwright`, `system`, `remote` or
    `--browser-channel`; `executable` is what goes to `executable_path` (None:
    Playwright's own build or channel, or a remote browser); `location` is the binary's
    path, or the remote endpoint; `channel` is what goes to `channel`.
    """

    name: str
    executable: str | None
    source: str
    args: tuple[str, ...] = field(default_factory=tuple)
    location: str = ""
    channel: str = ""

    def describe(self) -> str:
        if self.channel:
            return f"{self.name} (channel {self.channel}, {CHANNEL_SOURCE})"
        if self.source == "remote":
            return f"{self.name} (remote browser server {self.location})"
        if self.source == "playwright":
            where = f": {self.location}" if self.location else ""
            return f"{self.name} (Playwright's own build{where})"
        return f"{self.name} ({self.executable}, {_SOURCES.get(self.source, self.source)})"


def remote_browser(name: str, endpoint: str) -> BrowserChoice:
    """The browser of a Playwright browser server: nothing is looked for locally."""
    return BrowserChoice(name, None, "remote", location=shown_endpoint(endpoint))


def channel_browser(name: str, channel: str) -> BrowserChoice:
    """A branded build Playwright finds and launches itself (`channel=`), as
    pytest-playwright's `--browser-channel` asks: no executable, no flags of ours."""
    return BrowserChoice(name, None, CHANNEL_SOURCE, channel=channel)


def shown_endpoint(endpoint: str) -> str:
    """The endpoint without its query, which may carry a token or launch options."""
    base, sep, _ = endpoint.partition("?")
    return f"{base}?…" if sep else base


def install_hint(name: str) -> str:
    hint = f"run `python -m playwright install --with-deps {name}`"
    if name == "chromium":
        hint += (
            ", or install a system Chromium (`sudo apt-get install chromium-headless-shell"
            " chromium` on Debian) and, if it is not on PATH, set E2E_CHROMIUM or [browser]"
            " executable in playwright.config.toml"
        )
    return hint


def find_browser(
    name: str,
    *,
    playwright_executable: str | None,
    configured: str = "",
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    headless: bool = True,
) -> BrowserChoice:
    """Resolve the binary for `name`: E2E_CHROMIUM, config, Playwright's build, PATH.

    `playwright_executable` is where Playwright expects its own build
    (`BrowserType.executable_path`); it is used when that file exists. On PATH a
    headless run takes Chromium's headless shell where it is installed.
    """
    env = os.environ if environ is None else environ
    from_env = env.get("E2E_CHROMIUM", "") if name == "chromium" else ""
    if from_env:
        if not Path(from_env).is_file():
            raise BrowserNotFoundError(
                f"E2E_CHROMIUM={from_env!r} does not exist; fix it or unset it, or"
                f" {install_hint(name)}."
            )
        return BrowserChoice(name, from_env, "E2E_CHROMIUM", SYSTEM_CHROMIUM_ARGS, from_env)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise BrowserNotFoundError(
                f"[browser] executable = {configured!r} in playwright.config.toml does not"
                f" exist; fix the path or remove the key, or {install_hint(name)}."
            )
        return BrowserChoice(name, str(path), "config", _args_for(name), str(path))
    if playwright_executable and Path(playwright_executable).is_file():
        return BrowserChoice(name, None, "playwright", location=playwright_executable)
    if name != "chromium":
        raise BrowserNotFoundError(
            f"No {name} browser is installed (Playwright looked for {playwright_executable});"
            f" {install_hint(name)}."
        )
    candidates: tuple[str, ...] = SYSTEM_CHROMIUM_NAMES
    if headless:
        candidates = (*HEADLESS_SHELL_NAMES, *candidates)
    for candidate in candidates:
        found = which(candidate)
        if found:
            return BrowserChoice(name, str(found), "system", SYSTEM_CHROMIUM_ARGS, str(found))
    raise BrowserNotFoundError(
        "No Chromium found: Playwright's own build is not installed and none of"
        f" {', '.join(candidates)} is on PATH; {install_hint(name)}."
    )


def needs_playwright_path(name: str, *, configured: str = "", environ: Mapping[str, str]) -> bool:
    """Whether `find_browser` would look at Playwright's own build (an explicit choice not)."""
    return not configured and not (name == "chromium" and environ.get("E2E_CHROMIUM"))


def playwright_executables(names: tuple[str, ...]) -> dict[str, str | None]:
    """Where Playwright expects its own build of each browser (its driver knows; ~0.5 s).

    None where the driver cannot say (it does not start): the browser is then looked
    for as if Playwright's build were missing.
    """
    found: dict[str, str | None] = dict.fromkeys(names)
    asked = ask_playwright(
        lambda playwright: {name: getattr(playwright, name).executable_path for name in names}
    )
    found.update(asked or {})
    return found


def playwright_devices() -> dict[str, dict[str, Any]]:
    """Playwright's device descriptors by name (`playwright.devices`; ~0.5 s), or {}
    where its driver does not start."""
    return ask_playwright(lambda playwright: dict(playwright.devices)) or {}


def ask_playwright(question: Callable[[Playwright], _T]) -> _T | None:
    """The answer of a short-lived Playwright driver to `question`, or None if it fails.

    Asked from a thread of its own, so that it also works where Playwright's sync API is
    already running (it refuses to start inside a running event loop).
    """
    answer: list[_T] = []

    def ask() -> None:
        from playwright.sync_api import Error, sync_playwright

        try:
            with sync_playwright() as playwright:
                answer.append(question(playwright))
        except (Error, OSError):
            pass

    thread = threading.Thread(target=ask, name="playwright-question", daemon=True)
    thread.start()
    thread.join(60)
    return answer[0] if answer else None


def _args_for(name: str) -> tuple[str, ...]:
    return SYSTEM_CHROMIUM_ARGS if name == "chromium" else ()


def main(argv: list[str] | None = None) -> int:
    """`sitewise browsers [NAME]`: print the browser a run would launch, or why none.

    It reads playwright.config.toml (or E2E_CONFIG) from the current folder, as a run does.
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else os.environ.get("E2E_BROWSER", "chromium")
    if name not in BROWSER_NAMES:
        print(f"unknown browser {name!r}; choose chromium, firefox or webkit", file=sys.stderr)
        return 2
    from sitewise.config.model import CONFIG_FILE, ConfigError, load_config

    try:
        suite = load_config(Path(os.environ.get("E2E_CONFIG") or CONFIG_FILE))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    configured = suite.browser.executable if name == suite.browser.name else ""
    expected = playwright_executables((name,))[name]
    try:
        choice = find_browser(name, playwright_executable=expected, configured=configured)
    except BrowserNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    print(choice.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
