"""The architecture holds by test, not by hope: no import cycle, modules kept small (the layers are
import-linter's contracts in pyproject.toml, run by bin/test)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

# The code's shape, read from its files: no database at all.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("relais", "teams", "records", "consent", "audit", "interop")
LONG = 300


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), function-level imports
    included: an import hidden in a function still makes a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others():
    assert import_cycles(grimp.build_graph(*PACKAGES)) == []


def test_a_cycle_is_found_when_there_is_one():
    graph = grimp.ImportGraph()
    for importer, imported in (("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")):
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["a", "b", "c"]]


def test_a_long_module_says_why_in_its_docstring():
    long_ones = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if text.count("\n") > LONG and "Long on purpose" not in docstring:
                long_ones.append(str(path.relative_to(ROOT)))
    assert long_ones == []
