"""Which browser binary to launch.

Playwright's own browsers are used where installed (`playwright install`, as on GitHub
CI). Where they are not, a system Chromium is found (config, `E2E_CHROMIUM`, then
`chromium`, `chromium-browser`, `google-chrome` on PATH) and launched through
`executable_path` with the flags a headless system build needs. Where none exists the
run stops with one message that says how to install one.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

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


class BrowserNotFoundError(Exception):
    """No browser binary could be found for the requested engine."""


@dataclass(frozen=True)
class BrowserChoice:
    """What to launch: `executable` None means Playwright's own build."""

    name: str
    executable: str | None
    source: str
    args: tuple[str, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        where = self.executable or "Playwright's own build"
        return f"{self.name} ({self.source}: {where})"


def install_hint(name: str) -> str:
    hint = f"run `python -m playwright install --with-deps {name}`"
    if name == "chromium":
        hint += (
            ", or install a system Chromium (`sudo apt-get install chromium` on Debian and"
            " Ubuntu) and, if it is not on PATH, set E2E_CHROMIUM or [browser] executable"
            " in playwright.config.toml"
        )
    return hint


def find_browser(
    name: str,
    *,
    playwright_executable: str | None,
    configured: str = "",
    environ: dict[str, str] | None = None,
    which: object = shutil.which,
) -> BrowserChoice:
    """Resolve the binary for `name`.

    `playwright_executable` is where Playwright expects its own build
    (`BrowserType.executable_path`); it is used when that file exists.
    """
    env = os.environ if environ is None else environ
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise BrowserNotFoundError(
                f"[browser] executable = {configured!r} in playwright.config.toml does not"
                f" exist; fix the path or remove the key, or {install_hint(name)}."
            )
        return BrowserChoice(name, str(path), "config", _args_for(name, str(path)))
    if playwright_executable and Path(playwright_executable).is_file():
        return BrowserChoice(name, None, "playwright")
    if name != "chromium":
        raise BrowserNotFoundError(
            f"No {name} browser is installed (Playwright looked for {playwright_executable});"
            f" {install_hint(name)}."
        )
    from_env = env.get("E2E_CHROMIUM", "")
    if from_env:
        if not Path(from_env).is_file():
            raise BrowserNotFoundError(
                f"E2E_CHROMIUM={from_env!r} does not exist; fix it or unset it, or"
                f" {install_hint(name)}."
            )
        return BrowserChoice(name, from_env, "E2E_CHROMIUM", SYSTEM_CHROMIUM_ARGS)
    assert callable(which)
    for candidate in SYSTEM_CHROMIUM_NAMES:
        found = which(candidate)
        if found:
            return BrowserChoice(name, str(found), "system", SYSTEM_CHROMIUM_ARGS)
    raise BrowserNotFoundError(
        "No Chromium found: Playwright's own build is not installed and none of"
        f" {', '.join(SYSTEM_CHROMIUM_NAMES)} is on PATH; {install_hint(name)}."
    )


def _args_for(name: str, executable: str) -> tuple[str, ...]:
    return SYSTEM_CHROMIUM_ARGS if name == "chromium" else ()


def main(argv: list[str] | None = None) -> int:
    """`python -m harness.browsers [NAME]`: print the browser a run would launch, or why none."""
    import sys

    from playwright.sync_api import sync_playwright

    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else os.environ.get("E2E_BROWSER", "chromium")
    if name not in ("chromium", "firefox", "webkit"):
        print(f"unknown browser {name!r}; choose chromium, firefox or webkit", file=sys.stderr)
        return 2
    with sync_playwright() as playwright:
        expected = getattr(playwright, name).executable_path
    try:
        choice = find_browser(name, playwright_executable=expected)
    except BrowserNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    print(choice.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
