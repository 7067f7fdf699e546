"""The architecture holds by test, not by hope: modules kept small, or saying why. The layers, and so
no import cycle between apps (records and consent are independent, their models import only the
foundations), and no cycle within an app are import-linter's contracts in pyproject.toml, run by
bin/test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# The code's shape, read from its files: no database at all.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "web", "access", "teams", "records", "consent", "audit", "interop", "relais")
LONG = 300


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
