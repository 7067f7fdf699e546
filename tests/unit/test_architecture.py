"""The architecture holds by test, not by hope: no import cycle through two apps, modules kept small
(the layers, and no cycle within an app, are import-linter's contracts in pyproject.toml, run by
bin/test)."""

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


def test_no_module_imports_itself_through_two_apps():
    """Within an app, import-linter's ``acyclic_siblings`` contract forbids cycles; between apps, the
    layers let records and consent import each other, so a cycle through both is looked for here
    with grimp (function-level imports included): an import that the imported module reaches back."""
    graph = grimp.build_graph(*PACKAGES)
    closing = [
        (importer, imported)
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if importer.split(".")[0] != imported.split(".")[0] and graph.chain_exists(imported, importer)
    ]
    assert closing == []


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
