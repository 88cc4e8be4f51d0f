"""Which browsers compare screenshots with baselines: `[visual] snapshot_browsers`.

A screenshot is only comparable with a baseline made by the same browser build, so a
suite compares snapshots only in the browsers it has reviewed baselines for, as
Playwright Test's `ignoreSnapshots` does per project. Elsewhere a test that takes
snapshots is skipped with the reason, never passed silently: a pass would claim a
comparison that did not happen.

A run that was asked to write baselines (`--update-baselines` or E2E_UPDATE_BASELINES,
any mode but `none`) takes them in every browser: that is how a browser's first
baselines are made, before it is added to the list.
"""

from __future__ import annotations

from collections.abc import Iterable

CONFIG_KEY = "[visual] snapshot_browsers"


def snapshot_skip_reason(
    browser_name: str, snapshot_browsers: Iterable[str], *, writing: bool = False
) -> str:
    """Why snapshots are not compared in `browser_name`, or "" when they are."""
    listed = tuple(snapshot_browsers)
    if writing or browser_name in listed:
        return ""
    shown = "[" + ", ".join(f'"{name}"' for name in listed) + "]"
    return (
        f"visual snapshots are not compared in {browser_name}: {CONFIG_KEY} = {shown} in"
        f" playwright.config.toml does not list it. Make its baselines (`pytest -m visual"
        f" --browser {browser_name} --update-baselines missing`, or the 'Update visual"
        f' baselines\' workflow), review them, then add "{browser_name}" to {CONFIG_KEY}.'
    )
