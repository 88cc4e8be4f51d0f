"""How axe's tags, targets and selectors read in a report: WCAG criteria and levels,
the standard's name, frame paths and one-line snippets."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

FRAME_SEPARATOR = " >> "
SHADOW_SEPARATOR = " >>> "
IMPACTS = ("critical", "serious", "moderate", "minor")
# How much of a node's HTML a report shows.
SNIPPET_CHARS = 300

# One selector, or a frame path (outer iframe selector first, element selector last).
Selector = str | Sequence[str]
Selectors = Selector | Sequence[Selector]

_CRITERION = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
_LEVEL = re.compile(r"^wcag(2|21|22)(a{1,3})$")
_VERSIONS = {"2": "2.0", "21": "2.1", "22": "2.2"}


def criteria_of(tags: Iterable[str]) -> tuple[str, ...]:
    """WCAG success criteria from axe tags: `wcag143` -> `1.4.3`, `wcag1410` -> `1.4.10`."""
    found = []
    for tag in tags:
        match = _CRITERION.match(tag)
        if match:
            found.append(".".join(match.groups()))
    return tuple(sorted(set(found), key=lambda c: tuple(int(p) for p in c.split("."))))


def level_of(tags: Iterable[str]) -> str:
    """The WCAG conformance level a rule belongs to (A, AA, AAA), or "" for best practices."""
    levels = [m.group(2) for m in map(_LEVEL.match, tags) if m]
    return min(levels, key=len).upper() if levels else ""


def standard_name(tags: Sequence[str]) -> str:
    """`WCAG 2.2 AA (axe tags: ...)`: the highest version and level asked for, and the tags.

    axe's tags are not cumulative (wcag22aa runs only the rules new in 2.2 at AA), so the
    tags are always listed: a reader sees at once when the lower levels are missing.
    """
    matches = [m for m in map(_LEVEL.match, tags) if m]
    listed = ", ".join(tags)
    if not matches:
        return f"axe tags: {listed}"
    version = max(matches, key=lambda m: len(m.group(1)) * 10 + int(m.group(1)[-1]))
    level = max(matches, key=lambda m: len(m.group(2)))
    name = f"WCAG {_VERSIONS[version.group(1)]} {level.group(2).upper()}"
    return f"{name} (axe tags: {listed})"


def join_target(target: Sequence[Any]) -> str:
    """axe's node target as one string: frame path joined by ` >> `, shadow path by ` >>> `.

    axe gives a list with one selector per frame (outermost first); inside shadow DOM an
    item is itself a list of selectors from the light DOM host inwards.
    """
    parts = []
    for part in target:
        if isinstance(part, str):
            parts.append(part)
        else:
            parts.append(SHADOW_SEPARATOR.join(str(p) for p in part))
    return FRAME_SEPARATOR.join(parts)


def as_axe_selectors(selectors: Selectors | None) -> list[str | list[str]]:
    """include / exclude as axe's context takes them: a list of selectors or frame paths."""
    if selectors is None:
        return []
    if isinstance(selectors, str):
        return [selectors]
    result: list[str | list[str]] = []
    for item in selectors:
        result.append(item if isinstance(item, str) else list(item))
    return result


def describe_selectors(selectors: Sequence[str | list[str]]) -> str:
    return ", ".join(s if isinstance(s, str) else FRAME_SEPARATOR.join(s) for s in selectors)


def one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def count_impacts(impacts: Iterable[str]) -> dict[str, int]:
    """How many of each impact, axe's four first (even at 0), then any others."""
    counts = Counter(impacts)
    return {
        impact: counts.get(impact, 0) for impact in (*IMPACTS, *sorted(set(counts) - set(IMPACTS)))
    }


def review_reasons(failure_summary: str) -> list[str]:
    """What axe could not determine about a node, from its failure summary: the checks'
    messages without the "Fix any of the following:" headings, which would read as if
    something were known to be wrong."""
    lines = [line.strip() for line in failure_summary.splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("Fix ")]
