"""French first, English complete: the French catalogue translates every string of the interface,
keeps every placeholder, and is compiled; English is the source language."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

# The catalogue's files and gettext: no database at all.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_french_entry_is_translated_and_none_is_fuzzy():
    po = catalogue()
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_every_placeholder():
    for entry in catalogue():
        singular = sorted(PLACEHOLDER.findall(entry.msgid))
        if not entry.msgid_plural:
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == singular, entry.msgid
            continue
        plural = sorted(PLACEHOLDER.findall(entry.msgid_plural))
        for form, text in entry.msgstr_plural.items():
            assert sorted(PLACEHOLDER.findall(text)) == (singular if form == 0 else plural), entry.msgid


def test_the_compiled_catalogue_matches_the_source():
    compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(MO)) if e.msgid and not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in catalogue() if not e.msgid_plural and not e.obsolete}
    assert source <= compiled, "run: manage.py compilemessages"


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("RELAIS_REQUIRE_TOOLS"),
    reason="GNU gettext is needed (bin/setup installs it)",
)
def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extract the strings again from a copy of the code: none may be missing from the catalogue."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", "var", ".git", "tests", "bench", "staticfiles", "*.pyc", "screenshots", "mutants"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "RELAIS_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(copy)},
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in catalogue() if not e.obsolete}
    assert sorted(extracted - known) == [], "run: manage.py makemessages -l fr --no-location, then translate"
