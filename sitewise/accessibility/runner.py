"""Running axe-core in a page: the vendored build injected into every frame, then
`axe.run` from the top frame, so axe's own iframe support reports what it finds inside
frames with the frame path in each node's target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from sitewise.accessibility.axe_core import axe_script, axe_script_version
from sitewise.accessibility.names import (
    Selectors,
    as_axe_selectors,
    describe_selectors,
    join_target,
)
from sitewise.scripts import script

FRAME_WAIT_MS = 10_000
SETTLE_MS = 5_000
# The rule axe reports, as "incomplete", for each frame whose axe did not answer.
FRAME_TESTED = "frame-tested"

_CONFIGURE = script("sitewise.accessibility", "configure")
_HAS_AXE = "version => typeof window.axe === 'object' && window.axe.version === version"
_RUN = "([context, options]) => axe.run(context, options)"
_SETTLE = script("sitewise.accessibility", "settle")


class A11yUsageError(Exception):
    """The check was asked something it cannot do (e.g. an include selector matches nothing)."""


@dataclass(frozen=True)
class FrameCoverage:
    """Which frames axe ran in.

    `checked`: frame URLs axe was injected into; `skipped`: (URL, error) of frames that
    refused it (detached while loading); `unreached`: targets of frame elements whose axe
    never answered the top frame (a sandboxed frame without scripts, or a busy one past
    the ping wait), found by axe's frame-tested rule. Unreached frames fail the check.
    `unsettled`: URLs of frames whose animations were still running when axe ran.
    """

    checked: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    unreached: tuple[str, ...] = ()
    unsettled: tuple[str, ...] = ()


@dataclass(frozen=True)
class AxeRun:
    """The raw axe result and what was asked of it."""

    results: Mapping[str, Any]
    tags: tuple[str, ...]
    include: tuple[str | list[str], ...]
    exclude: tuple[str | list[str], ...]
    frames: FrameCoverage


def _inject(page: Page, script: str, version: str) -> FrameCoverage:
    checked: list[str] = []
    skipped: list[tuple[str, str]] = []
    origins: set[str] = set()
    injected = []
    for frame in page.frames:
        try:
            frame.wait_for_load_state("load")
            # Evaluated, not added as a <script> tag: a page's Content-Security-Policy
            # (script-src 'self') blocks inline tags but not evaluation by the driver.
            if not frame.evaluate(_HAS_AXE, version):
                frame.evaluate(script)
            origins.add(str(frame.evaluate("() => location.origin")))
        except PlaywrightError as error:
            skipped.append((frame.url, str(error).splitlines()[0]))
            continue
        injected.append(frame)
        checked.append(frame.url)
    for frame in injected:
        try:
            frame.evaluate(_CONFIGURE, sorted(origins))
        except PlaywrightError as error:
            checked.remove(frame.url)
            skipped.append((frame.url, str(error).splitlines()[0]))
    return FrameCoverage(tuple(checked), tuple(skipped))


def axe_options(tags: Sequence[str], frame_wait_ms: int) -> dict[str, Any]:
    """The options `axe.run` gets: the standard's tags, over every frame."""
    return {
        "runOnly": {"type": "tag", "values": list(tags)},
        # Reports the frames that did not answer, which axe otherwise skips silently.
        "rules": {FRAME_TESTED: {"enabled": True}},
        # Every node of these; axe keeps one node per rule of the other types (passes,
        # inapplicable), which nothing here reads.
        "resultTypes": ["violations", "incomplete"],
        "iframes": True,
        # axe asks each frame's axe for a reply within 500 ms by default: on a loaded CI
        # machine a cross-process frame can take longer, and would be left out.
        "pingWaitTime": frame_wait_ms,
    }


def run_axe(
    page: Page,
    *,
    tags: Sequence[str],
    include: Selectors | None = None,
    exclude: Selectors | None = None,
    frame_wait_ms: int = FRAME_WAIT_MS,
    settle_ms: int = SETTLE_MS,
) -> AxeRun:
    """Run the vendored axe-core with `tags` over the page and all its frames, within
    include / exclude, once their animations have settled."""
    frames = _inject(page, axe_script(), axe_script_version())
    unsettled = []
    for frame in page.frames:
        try:
            if not frame.evaluate(_SETTLE, settle_ms):
                unsettled.append(frame.url)
        except PlaywrightError:
            continue  # a frame that went away has nothing left to animate
    includes = as_axe_selectors(include)
    excludes = as_axe_selectors(exclude)
    context: dict[str, Any] = {"exclude": excludes}
    if includes:
        context["include"] = includes
    try:
        results = page.evaluate(_RUN, [context, axe_options(tags, frame_wait_ms)])
    except PlaywrightError as error:
        message = str(error).splitlines()[0]
        if "No elements found for include" in message:
            raise A11yUsageError(
                f"include {describe_selectors(includes)} matches nothing on {page.url}"
            ) from None
        raise
    unreached = tuple(
        join_target(node.get("target", []))
        for rule in results.get("incomplete", [])
        if rule.get("id") == FRAME_TESTED
        for node in rule.get("nodes", [])
    )
    frames = replace(frames, unreached=unreached, unsettled=tuple(unsettled))
    return AxeRun(results, tuple(tags), tuple(includes), tuple(excludes), frames)


def browser_label(page: Page) -> str:
    """`chromium 156.0.8078.108`: the engine and build the check ran in."""
    browser = page.context.browser
    if browser is None:
        return "unknown browser (persistent context)"
    return f"{browser.browser_type.name} {browser.version}"
