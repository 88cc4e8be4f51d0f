"""Named targets: the systems under test, each a base URL known by a name.

A run has any number of targets (`[targets.NAME]` in playwright.config.toml, `--target
NAME=URL`, `E2E_<NAME>_URL`, or pytest-base-url's `--base-url` for a single one). Reports,
budgets, known issues and baseline folders use a target's name and a route, never a URL
whose port changes from run to run: `name_of` and `route_of` turn a page's URL back into
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


class TargetError(Exception):
    """A target is unreachable, is not the expected app, or could not be started."""


@dataclass(frozen=True)
class StartedTargets:
    """What a suite's `pytest_sitewise_start_targets` started: a URL per name, and how
    to stop it."""

    urls: Mapping[str, str]
    stop: Callable[[], None]
    description: str = "started by the suite"


@dataclass(frozen=True)
class Targets(Mapping[str, str]):
    """The run's targets in one worker: name -> base URL (no trailing slash)."""

    urls: Mapping[str, str] = field(default_factory=dict)
    started: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> str:
        return self.url(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.urls)

    def __len__(self) -> int:
        return len(self.urls)

    def url(self, name: str) -> str:
        try:
            return self.urls[name]
        except KeyError:
            known = ", ".join(self.urls) or "none"
            raise TargetError(
                f"No target named {name!r} (targets of this run: {known}). Add"
                f" [targets.{name}] to playwright.config.toml or give --target {name}=URL."
            ) from None

    def name_of(self, url: str) -> str | None:
        """The target whose base URL `url` is under (the longest match), or None."""
        return self.route_of(url)[0]

    def route_of(self, url: str) -> tuple[str | None, str]:
        """(target name, path under it) for a page URL; (None, path) when no target has it."""
        page = urlsplit(url)
        best: tuple[str | None, str] = (None, page.path or "/")
        best_len = -1
        for name, base in self.urls.items():
            root = urlsplit(base)
            if (root.scheme, root.netloc) != (page.scheme, page.netloc):
                continue
            prefix = root.path.rstrip("/")
            under = not prefix or page.path == prefix or page.path.startswith(prefix + "/")
            if under and len(prefix) > best_len:
                best_len = len(prefix)
                best = (name, page.path[len(prefix) :] or "/")
        return best
