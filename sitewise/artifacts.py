"""Attachments a test adds to its report: files (screenshots, diffs, traces) and data.

They travel in the test item's `user_properties`, which pytest writes to JUnit XML and
pytest-xdist carries from each worker to the controller, so the HTML report and the
merged report see every worker's attachments without a side channel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

PROPERTY = "e2e.attachment"


@dataclass(frozen=True)
class Attachment:
    """One thing shown with a test: `kind` is e.g. visual, a11y, vitals, trace, screenshot."""

    kind: str
    title: str
    path: str | None = None
    data: Any = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str)


def attach(
    node: pytest.Item | pytest.Collector,
    kind: str,
    title: str,
    *,
    path: Path | str | None = None,
    data: Any = None,
) -> Attachment:
    """Attach a file or a JSON-able value to the test's report."""
    attachment = Attachment(kind, title, str(path) if path is not None else None, data)
    if isinstance(node, pytest.Item):
        node.user_properties.append((PROPERTY, attachment.to_json()))
    return attachment


def attachments(properties: Iterable[tuple[str, object]]) -> Iterator[Attachment]:
    """The attachments among a report's user_properties."""
    for key, value in properties:
        if key == PROPERTY and isinstance(value, str):
            yield Attachment(**json.loads(value))


def slug(nodeid: str, limit: int = 120) -> str:
    """A folder name for a test: safe on every file system, unique enough, readable."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", nodeid).strip("-")
    if len(cleaned) <= limit:
        return cleaned
    import hashlib

    digest = hashlib.sha256(nodeid.encode()).hexdigest()[:8]
    return f"{cleaned[: limit // 2]}-{digest}-{cleaned[-limit // 2 + 10 :]}"


def artifact_dir(reports_dir: Path, nodeid: str) -> Path:
    """Where one test writes its own files (created on demand by the writer)."""
    return reports_dir / "artifacts" / slug(nodeid)
