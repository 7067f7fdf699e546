"""One field-by-field update for the services (accounts, categories, a person's contact)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from audit.recorder import assign

pytestmark = pytest.mark.any_database


def test_assign_sets_what_differs_and_names_it_in_the_order_given():
    account = SimpleNamespace(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    changed = assign(account, {"email": "ada@example.net", "first_name": "Ada", "last_name": "King"})
    assert changed == ["email", "last_name"]
    assert (account.first_name, account.last_name, account.email) == ("Ada", "King", "ada@example.net")


def test_assign_of_the_same_values_changes_nothing():
    category = SimpleNamespace(code="housing", label_fr="Logement")
    assert assign(category, {"code": "housing", "label_fr": "Logement"}) == []
