"""Small pieces every part of the HTML report draws with: escaping, links to files,
durations and the outcome labels.

They sit apart from the modules that draw the page (html, testlist, attachments, charts,
sections) so that those import them one way, and none imports another for a helper.
"""

from __future__ import annotations

import html
import urllib.parse
from pathlib import Path, PurePosixPath

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
