"""How a keyboard finding reads: numbered focus sequences, the first difference marked."""

from __future__ import annotations

from collections.abc import Sequence


def numbered(items: Sequence[str], mark: int | None = None) -> list[str]:
    """One line per item, numbered from 1; the item at `mark` (0-based) flagged with `>`."""
    if not items:
        return ["    (nothing)"]
    return [
        f"  {'>' if index == mark else ' '} {index + 1:>2}. {item}"
        for index, item in enumerate(items)
    ]


def sequences_message(
    headline: str,
    expected: Sequence[str],
    actual: Sequence[str],
    *,
    expected_title: str = "Expected",
    actual_title: str = "Actual",
    mark: int | None = None,
) -> str:
    """A headline, then both sequences numbered, the first difference marked with `>`.

    `mark` (0-based) names the step that went wrong when the two lists do not compare
    item by item (an expectation against what happened).
    """
    first = mark
    if first is None:
        first = next(
            (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
            min(len(expected), len(actual)) if len(expected) != len(actual) else None,
        )
    lines = [headline]
    if first is not None:
        lines.append(f"Wrong from step {first + 1}.")
    lines += [f"{expected_title}:", *numbered(expected, first)]
    lines += [f"{actual_title}:", *numbered(actual, first)]
    return "\n".join(lines)
