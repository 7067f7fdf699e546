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


# Where a refusal is decided and recorded (R9): the access policy, the log itself, and the
# administration's "who is asking" (``teams.asking``). A service or a view asks them.
REFUSAL_RECORDERS = ("access/", "audit/", "teams/asking.py")
REFUSING = ("denials", "refuse")


def test_no_service_or_view_opens_the_refusal_recorder():
    openers = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative.startswith(REFUSAL_RECORDERS):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                opened = (
                    isinstance(node, ast.Attribute)
                    and node.attr in REFUSING
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "recorder"
                ) or (
                    isinstance(node, ast.ImportFrom)
                    and node.module == "audit.recorder"
                    and any(alias.name in REFUSING for alias in node.names)
                )
                if opened:
                    openers.append(f"{relative}:{node.lineno}")
    assert openers == []
