"""The engine extends pytest-playwright through its public fixtures only.

pytest-playwright's private fixtures (`_pw_*`) may change in any release; a module of
the engine that defined one would silently replace it. This reads every module of the
package, registered as a plugin or not, for fixture definitions.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sitewise.browsers.discovery import CHANNEL_SOURCE, channel_browser

SITEWISE = Path(__file__).resolve().parents[2] / "sitewise"


def _is_fixture_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr == "fixture"
    return isinstance(target, ast.Name) and target.id == "fixture"


def _fixture_name(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The name a function is a fixture under (`name=` or its own), or None."""
    for decorator in function.decorator_list:
        if not _is_fixture_decorator(decorator):
            continue
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
        return function.name
    return None


def fixtures_defined(root: Path) -> dict[str, list[str]]:
    """Fixture name -> the modules under `root` that define one of that name."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                name = _fixture_name(node)
                if name is not None:
                    found.setdefault(name, []).append(str(path.relative_to(root.parent)))
    return found


def test_no_engine_module_defines_a_private_pytest_playwright_fixture() -> None:
    fixtures = fixtures_defined(SITEWISE)
    # The scan sees the fixtures that extend pytest-playwright's public ones.
    assert fixtures["browser_context_args"] == ["sitewise/browsers/plugin.py"]
    assert fixtures["new_context"] == ["sitewise/browsers/plugin.py"]
    private = {name: where for name, where in fixtures.items() if name.startswith("_pw")}
    assert private == {}


def test_a_channel_is_launched_by_playwright_and_named_in_the_header() -> None:
    choice = channel_browser("chromium", "chrome")
    assert (choice.executable, choice.args, choice.channel) == (None, (), "chrome")
    assert choice.describe() == f"chromium (channel chrome, {CHANNEL_SOURCE})"
