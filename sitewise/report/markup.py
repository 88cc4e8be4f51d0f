"""Small pieces every part of the HTML report draws with: escaping, links to files,
durations, the outcome labels, and the tables and folding sections of the run-wide parts.

They sit apart from the modules that draw the page (html, testlist, attachments, charts,
sections) so that those import them one way, and none imports another for a helper.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

OUTCOME_LABELS = {
    "passed": "Passed",
    "failed": "Failed",
    "error": "Error",
    "flaky": "Flaky",
    "skipped": "Skipped",
    "xfailed": "Expected to fail",
    "xpassed": "Unexpectedly passed",
}


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def href(path: str) -> str:
    """A link to a file: relative paths stay relative (the report's folder moves with it)."""
    if PurePosixPath(path).is_absolute() or (len(path) > 2 and path[1] == ":"):
        return esc(Path(path).as_uri())
    return esc(urllib.parse.quote(path.replace("\\", "/")))


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


# --- the run-wide sections (accessibility, performance) ---


def as_int(value: object) -> int:
    """A count read from a JSON file another run may have written: 0 unless a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


def dicts(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def plural(count: int, word: str, many: str = "") -> str:
    """`1 check`, `2 checks`; `many` for a plural not made with an s."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def link_to_test(nodeid: str, anchors: Mapping[str, str]) -> str:
    name = nodeid.split("::")[-1] or nodeid
    anchor = anchors.get(nodeid)
    if anchor is None:
        return f'<span title="{esc(nodeid)}">{esc(name)}</span>'
    return f'<a href="#{esc(anchor)}" title="{esc(nodeid)}">{esc(name)}</a>'


def links_to_tests(nodeids: Sequence[str], anchors: Mapping[str, str], shown: int = 3) -> str:
    links = [link_to_test(n, anchors) for n in nodeids[:shown]]
    if len(nodeids) > shown:
        links.append(f'<span class="muted">and {len(nodeids) - shown} more</span>')
    return "<br>".join(links)


def run_section(
    section_id: str, title: str, verdict: str, failing: bool, body: Iterable[str]
) -> str:
    """A run-wide section that folds, open when something in it failed."""
    state = "fail" if failing else "pass"
    opened = " open" if failing else ""
    return (
        f'<section class="run-section {state}" id="{section_id}" aria-labelledby="{section_id}-h">'
        f'<details{opened}><summary><h2 id="{section_id}-h">{esc(title)}</h2>'
        f'<span class="verdict {state}">{esc(verdict)}</span></summary>'
        f'<div class="section-body">{"".join(body)}</div></details></section>'
    )


def table(head: Sequence[str], rows: Sequence[str], caption: str = "") -> str:
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        f'<div class="scroll"><table>{caption_html}<thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
