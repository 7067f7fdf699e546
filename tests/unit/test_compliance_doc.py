"""docs/compliance.md maps each legal duty to a feature and to the tests that prove it: every test it
cites exists, and every duty of issue 24 has its row."""

import re
from pathlib import Path

import pytest

# A document checked against the code: one database is enough.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
DUTIES = [
    "GDPR art. 5(1)(e)",
    "GDPR art. 7",
    "GDPR art. 9",
    "GDPR art. 12–14",
    "GDPR art. 15",
    "GDPR art. 16",
    "GDPR art. 17",
    "GDPR art. 20",
    "GDPR art. 21",
    "GDPR art. 25",
    "GDPR art. 30",
    "GDPR art. 32",
    "GDPR art. 33–34",
    "GDPR art. 35",
    "CNIL recommendation 2021-122",
    "CNIL framework for the social and medico-social sector",
    "CSP L.1110-4",
    "CASF L.121-6-2",
    "CASF L.226-2-2",
    "HDS hosting",
]


@pytest.mark.parametrize("duty", DUTIES)
def test_each_duty_has_its_row(duty):
    assert re.search(rf"^\| \*\*{re.escape(duty)}", TEXT, re.M), duty


@pytest.mark.parametrize("cited", sorted(set(re.findall(r"`(tests/[^`]+)`", TEXT))))
def test_each_cited_test_exists(cited):
    path, _sep, name = cited.partition("::")
    assert (ROOT / path).is_file(), path
    if name:
        assert re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(encoding="utf-8"), re.M), cited
