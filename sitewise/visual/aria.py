"""Aria snapshots: the `assert_aria_snapshot` fixture, beside `assert_snapshot`.

`assert_aria_snapshot(locator, name)` takes Playwright's `locator.aria_snapshot()` (the
accessibility tree as YAML) and compares it, as text, with a baseline file in the same
folder scheme as screenshots, ending `.aria.yml` instead of `.png`:
`<baseline_dir>/<app>/<spec>/<name>-<browser>-<platform>-<viewport>.aria.yml`.

It follows the screenshots' rules: `--update-baselines` (missing, changed, all, none),
a missing baseline written and, in CI (CI=true), failing the test once it is done, the
[visual] snapshot_browsers policy, and the run's manifest (kind "aria"), so the review
page shows the text diff to approve or reject and `baselines prune` lists the unused
ones. A failure's message holds the unified diff; the expected, actual and diff texts
are kept in the test's artifacts folder.
"""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator

from sitewise.artifacts import attach
from sitewise.visual.baselines import (
    ARIA_SUFFIX,
    check_name,
    write_atomic,
)
from sitewise.visual.manifest import SnapshotEntry
from sitewise.visual.plugin import (
    DEFERRED_KEY,
    NOTES_KEY,
    NewBaselineWarning,
    _baseline_key,
    snapshot_test,
)
from sitewise.visual.snapshot import Earlier, Outcome, SnapshotTarget


def aria_path(target: SnapshotTarget) -> Path:
    """The aria baseline beside the screenshot one: `.png` becomes `.aria.yml`."""
    png = target.baseline
    return png.with_name(png.name.removesuffix(".png") + ARIA_SUFFIX)


def text_diff(expected: str, actual: str, name: str) -> str:
    """A unified diff of the baseline (expected) and this run's snapshot (actual)."""
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"{name} (baseline)",
        tofile=f"{name} (this run)",
    )
    return "".join(lines)


def _normal(text: str) -> str:
    return text.rstrip("\n") + "\n"


def compare_aria(actual: str, name: str, where: SnapshotTarget) -> Outcome:
    """Compare, write artifacts and baselines as the update mode says; never raises."""
    check_name(name)
    baseline = aria_path(where)
    key = where.key
    entry = SnapshotEntry(
        nodeid=where.nodeid,
        name=name,
        status="passed",
        baseline=str(baseline),
        app=key.app,
        spec=key.spec,
        browser=key.browser,
        platform=key.platform,
        viewport=key.viewport,
        build=str(where.build) if where.build else "",
        kind="aria",
    )
    text = _normal(actual)
    data = text.encode()
    found = where.earlier or _stored(baseline)
    label = f"assert_aria_snapshot({name!r})"
    folder = where.output_dir
    if found.data is None:
        entry.status = "new"
        entry.actual = str(_artifact(folder, f"{name}-actual{ARIA_SUFFIX}", data))
        if not where.mode.writes_missing:
            entry.message = f"{label}: no baseline at {baseline} (--update-baselines none)."
            return Outcome(entry, failure=entry.message)
        write_atomic(baseline, data)
        entry.written = True
        entry.message = f"{label}: a new baseline was written: {baseline}"
        if where.fail_new:
            return Outcome(entry, deferred=entry.message, replaced=Earlier(None))
        return Outcome(entry, notes=[entry.message], replaced=Earlier(None))
    expected = found.data.decode("utf-8", errors="replace")
    if _normal(expected) == text:
        if where.mode.writes_unchanged and where.earlier is None:
            write_atomic(baseline, data)
        return Outcome(entry)
    entry.status = "changed"
    diff = text_diff(_normal(expected), text, name)
    entry.expected = str(_artifact(folder, f"{name}-expected{ARIA_SUFFIX}", found.data))
    entry.actual = str(_artifact(folder, f"{name}-actual{ARIA_SUFFIX}", data))
    entry.diff = str(_artifact(folder, f"{name}-aria.diff", diff.encode()))
    entry.diff_pixels = sum(
        1 for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    )
    head = f"{label}: the accessibility tree differs from the baseline {baseline}:\n{diff}"
    if where.mode.writes_changed:
        write_atomic(baseline, data)
        entry.written = True
        entry.message = f"{head}The baseline was rewritten (--update-baselines {where.mode})."
        return Outcome(entry, notes=[entry.message], replaced=found)
    entry.message = (
        f"{head}If the change is intended, accept it with `python -m sitewise baselines"
        " review` or rerun with --update-baselines changed."
    )
    return Outcome(entry, failure=entry.message)


def _stored(baseline: Path) -> Earlier:
    try:
        return Earlier(baseline.read_bytes())
    except FileNotFoundError:
        return Earlier(None)


def _artifact(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


AssertAriaSnapshot = Callable[[Locator, str], SnapshotEntry]


@pytest.fixture
def assert_aria_snapshot(
    request: pytest.FixtureRequest, browser_name: str, pytestconfig: pytest.Config
) -> AssertAriaSnapshot:
    """A callable `(locator, name)` comparing `locator.aria_snapshot()` (the element's
    accessibility tree as YAML) with its `.aria.yml` baseline; fails with a text diff.

    Baselines are written, reviewed and pruned as `assert_snapshot`'s are.
    """
    state, item, output_dir, earlier = snapshot_test(request, pytestconfig, browser_name)

    def check(locator: Locator, name: str) -> SnapshotEntry:
        __tracebackhide__ = True
        key = _baseline_key(item, name, browser_name, locator.page.url)
        where = SnapshotTarget(
            nodeid=item.nodeid,
            key=key,
            baseline_dir=state.baseline_dir,
            output_dir=output_dir,
            mode=state.mode,
            fail_new=state.ci and not state.explicit,
        )
        path = aria_path(where)
        where = dataclasses.replace(where, earlier=earlier.get(path))
        state.claim(path, item.nodeid, name)
        outcome = compare_aria(locator.aria_snapshot(), name, where)
        if outcome.replaced is not None:
            earlier.setdefault(path, outcome.replaced)
        entry = outcome.entry
        state.entries.append(entry)
        if entry.status != "passed" or entry.written:
            data = {"status": entry.status, "baseline": entry.baseline, "written": entry.written}
            attach(item, "aria", name, path=entry.diff, data=data)
        for note in outcome.notes:
            item.stash.setdefault(NOTES_KEY, []).append(note)
            warnings.warn(NewBaselineWarning(note), stacklevel=2)
        if outcome.deferred:
            item.stash.setdefault(DEFERRED_KEY, []).append(outcome.deferred)
        if outcome.failure:
            raise AssertionError(outcome.failure)
        return entry

    return check
