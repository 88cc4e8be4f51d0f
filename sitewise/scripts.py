"""The engine's JavaScript, kept in .js files beside the code that runs it.

Each file holds one function expression that Playwright's `evaluate` calls; a comment at
its top says what it does. Files are read once, from the installed package.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def script(package: str, name: str) -> str:
    """The function expression in `<package>/js/<name>.js`, without its leading comments."""
    text = resources.files(package).joinpath("js", f"{name}.js").read_text(encoding="utf-8")
    lines = text.splitlines()
    while lines and (lines[0].startswith("//") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines).strip().rstrip(";")
