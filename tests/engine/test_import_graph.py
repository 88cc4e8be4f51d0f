"""The engine's module imports, read from its source: no cycle, and nothing of the suite.

A cycle between modules works only while one side defers its import into a function,
and breaks as soon as someone moves that import up; the engine is an installable
package, so it must not import the suite (fixtures, e2e), the reference apps or the
self-tests, which are not installed with it.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = "sitewise"
ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = ("fixtures", "e2e", "apps", "tests")


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package under `root` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_statements(tree: ast.Module, *, in_functions: bool) -> Iterator[ast.stmt]:
    """The import statements of a module that run: when it is imported (in class bodies,
    `if` and `try` blocks too) and, with `in_functions`, those deferred into functions;
    never those under `if TYPE_CHECKING:`, which only the type checker reads."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not in_functions:
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))


def imported_names(name: str, path: Path, node: ast.stmt) -> list[str]:
    """The dotted names one import statement of module `name` (at `path`) brings in:
    for `from a import b` both `a.b` (in case b is a module) and `a`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    base = node.module or ""
    if node.level:
        # A relative import counts from the module's package (a package's own __init__
        # is that package).
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        anchor = package[: len(package) - node.level + 1]
        base = ".".join([*anchor, base] if base else anchor)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def import_graph(root: Path, *, in_functions: bool) -> dict[str, set[str]]:
    """Each module of the package under `root` and the modules of the package it imports."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for node in import_statements(tree, in_functions=in_functions):
            for imported in imported_names(name, path, node):
                if imported in known and imported != name:
                    targets.add(imported)
        graph[name] = targets
    return graph


def test_the_graph_is_read_from_the_source() -> None:
    """Guards the other tests against passing on an empty graph."""
    graph = import_graph(ROOT, in_functions=False)
    assert "sitewise.report.html" in graph
    assert "sitewise.report.sections" in graph["sitewise.report.html"]
    assert "sitewise.report.model" in graph["sitewise.report.sections"]


def test_deferred_imports_are_read_and_type_checking_ones_are_not() -> None:
    tree = ast.parse(
        "import a\n"
        "if TYPE_CHECKING:\n    import b\nelse:\n    import c\n"
        "try:\n    import d\nexcept ImportError:\n    pass\n"
        "class E:\n    import e\n"
        "def f():\n    import f\n"
    )
    loading = [ast.unparse(n) for n in import_statements(tree, in_functions=False)]
    every = [ast.unparse(n) for n in import_statements(tree, in_functions=True)]
    assert sorted(loading) == ["import a", "import c", "import d", "import e"]
    assert sorted(every) == ["import a", "import c", "import d", "import e", "import f"]


def assert_no_cycle(graph: dict[str, set[str]]) -> None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        # graphlib lists each module before the one that imports it.
        pytest.fail("import cycle: " + " imports ".join(reversed(error.args[1])))


def test_no_module_imports_itself_back_when_modules_load() -> None:
    assert_no_cycle(import_graph(ROOT, in_functions=False))


def test_no_module_imports_itself_back_through_a_deferred_import() -> None:
    """An import moved into a function hides a cycle rather than removing it (the
    report's html and sections modules did this): count those imports too."""
    assert_no_cycle(import_graph(ROOT, in_functions=True))


def test_the_engine_imports_nothing_of_the_suite_apps_or_tests() -> None:
    found = []
    for name, path in modules(ROOT).items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        # Every import, TYPE_CHECKING ones too: the package is installed without these.
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for imported in imported_names(name, path, node):
                if imported.split(".")[0] in OUTSIDE:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {imported}")
    assert not found, "\n".join(found)
