"""The world written once per module (``world_written_once`` in tests/conftest.py) is the same for
every test: what one test writes, deletes or changes in memory is gone before the next one starts.

The completeness and all-or-nothing tests of R5 rely on it; these tests run in file order, the first
changing the world and the second checking that nothing of it is left. Database-sensitive (savepoints
inside a transaction left open): it runs on both databases.
"""

import pytest

from teams.models import Team
from tests.factories import make_member, make_team


def world() -> dict:
    team = make_team("Maraude Nord")
    return {"team": team, "worker": make_member(team, username="camille")}


@pytest.fixture
def w(world_of_the_module):
    return world_of_the_module


def test_a_test_changes_the_world_in_the_database_and_in_memory(w):
    w["team"].name = "Renommée"
    w["team"].save()
    make_team("Une de plus")
    w["worker"].delete()
    w["team"].tag = "changed in memory"
    assert Team.objects.count() == 2


def test_the_next_test_finds_the_world_as_it_was_written(w):
    assert list(Team.objects.values_list("name", flat=True)) == ["Maraude Nord"]
    assert w["team"].name == "Maraude Nord" and not hasattr(w["team"], "tag")
    assert w["worker"].pk is not None
    w["worker"].refresh_from_db()


def test_the_world_is_written_once_for_the_module(w, world_written_once):
    assert w["team"] is not world_written_once["team"]
    assert w["team"].pk == world_written_once["team"].pk
