"""Which browser build made each baseline: `<baseline_dir>/manifest.json`.

A screenshot is only comparable with a baseline made by the same browser build: a new
Chromium may place a glyph a pixel apart. Each baseline a run writes is recorded with
the build that wrote it (the browser's name and `Browser.version`), so a comparison that
fails against a baseline made by another build says so in its message, and the
baselines' build is visible in review. A build that differs never fails a test that
matches.

The file is committed beside the baselines:

    {"version": 1,
     "baselines": {"web/test_visual/home-chromium-linux-desktop.png":
                   {"browser": {"name": "chromium", "version": "156.0.8078.114"}}}}

A baseline without an entry (made before builds were recorded), or an entry without
`browser`, is of an unknown build. Only the process that ends the run writes the file
(the controller under pytest-xdist, from what its workers report), so workers never
write it at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from sitewise.visual.baselines import write_atomic

BUILDS_FILE = "manifest.json"
VERSION = 1


class BuildsFileError(Exception):
    """The baselines' manifest exists but cannot be read."""


@dataclass(frozen=True)
class BrowserBuild:
    """A browser build: its engine and version (`Browser.version`, "" when unknown)."""

    name: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version else f"{self.name} (version unknown)"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}

    @classmethod
    def parse(cls, text: str) -> BrowserBuild | None:
        """The build `str(build)` printed ("chromium 156.0.8078.114"); None for "" or "unknown"."""
        name, _, version = text.strip().partition(" ")
        if not name or name == "unknown":
            return None
        return cls(name, "" if version.startswith("(") else version)

    @classmethod
    def from_dict(cls, data: Any) -> BrowserBuild | None:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return None
        return cls(data["name"], str(data.get("version") or ""))


def build_of_page(page: Page, browser_name: str) -> BrowserBuild:
    """The build that renders `page`; a persistent context has no Browser to ask."""
    browser = page.context.browser
    if browser is None:
        return BrowserBuild(browser_name)
    return BrowserBuild(browser.browser_type.name, browser.version)


def builds_path(baseline_dir: Path) -> Path:
    return baseline_dir / BUILDS_FILE


def _key(baseline_dir: Path, baseline: Path) -> str:
    try:
        return baseline.resolve().relative_to(baseline_dir.resolve()).as_posix()
    except ValueError:
        return baseline.as_posix()


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BuildsFileError(
            f"{path}: cannot be read as JSON ({error}); restore it from version control."
        ) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BuildsFileError(
            f"{path}: not a version {VERSION} baselines manifest"
            ' ({"version": 1, "baselines": {...}}); restore it from version control.'
        )
    baselines = data.get("baselines", {})
    return baselines if isinstance(baselines, dict) else {}


@dataclass(frozen=True)
class BaselineBuilds:
    """The builds recorded for a baseline folder when the run started."""

    baseline_dir: Path
    entries: Mapping[str, Any]

    @classmethod
    def read(cls, baseline_dir: Path) -> BaselineBuilds:
        return cls(baseline_dir, _load(builds_path(baseline_dir)))

    def build_of(self, baseline: Path) -> BrowserBuild | None:
        """The build that made `baseline`, or None when it is not recorded (unknown)."""
        entry = self.entries.get(_key(self.baseline_dir, baseline))
        return BrowserBuild.from_dict(entry.get("browser")) if isinstance(entry, dict) else None


def record_builds(baseline_dir: Path, written: Mapping[str, BrowserBuild | None]) -> Path | None:
    """Record the build of each baseline written (keys: paths; None: an unknown build,
    which removes what was recorded); keeps every other entry."""
    if not written:
        return None
    path = builds_path(baseline_dir)
    entries = dict(_load(path))
    for baseline, build in written.items():
        key = _key(baseline_dir, Path(baseline))
        old = entries.get(key)
        entry = dict(old) if isinstance(old, dict) else {}
        if build is None:
            entry.pop("browser", None)
        else:
            entry["browser"] = build.to_dict()
        entries[key] = entry
    payload = {"version": VERSION, "baselines": dict(sorted(entries.items()))}
    write_atomic(path, (json.dumps(payload, indent=2) + "\n").encode())
    return path


def build_note(baseline_build: BrowserBuild | None, this_run: BrowserBuild) -> str:
    """What a failure adds when the baseline may come from another build, or ""."""
    if baseline_build == this_run:
        return ""
    if baseline_build is None:
        made = f"an unknown build (not recorded in the baselines' {BUILDS_FILE})"
    else:
        made = str(baseline_build)
    # The same engine is named once: "chromium 150.0.x, this run is 156.0.y".
    same_engine = baseline_build is not None and baseline_build.name == this_run.name
    now = this_run.version if same_engine and this_run.version else str(this_run)
    return (
        f"baseline made with {made}, this run is {now}: the difference may come from the"
        " browser build rather than the page (docs/visual.md, 'Browser builds')"
    )
