"""List endpoints cost the same number of queries for 10 rows as for 100 (no N+1)."""

import pytest

from tests.factories import give_consent, make_note, make_person

# Authentication is forced here. The request's savepoint and its release, then: membership, count,
# page, grants, contact fields of those allowed; the audit chain's head locked, the events, the head moved.
PERSONS_LIST_QUERIES = 10
# savepoint, membership, person, grants, count, page, head locked, events, head moved, release
NOTES_LIST_QUERIES = 10


@pytest.mark.parametrize("rows", [10, 100])
def test_persons_list_query_count_is_pinned(api, team, worker, rows, django_assert_num_queries):
    for _ in range(rows):
        person = make_person(team)
        give_consent(person, team, ["contact", "housing"], by=worker)
    client = api.as_(worker)
    with django_assert_num_queries(PERSONS_LIST_QUERIES):
        response = client.get("/api/v1/persons/?page_size=100")
    assert len(response.json()["results"]) == rows
    assert all("phone" in p for p in response.json()["results"])


@pytest.mark.parametrize("rows", [10, 100])
def test_notes_list_query_count_is_pinned(
    api, person, team, worker, colleague, rows, django_assert_num_queries
):
    give_consent(person, team, ["housing", "support_plan"], by=worker)
    for i in range(rows):
        make_note(person, worker, team, ("housing", "support_plan")[i % 2])
    client = api.as_(colleague)
    with django_assert_num_queries(NOTES_LIST_QUERIES):
        response = client.get(f"/api/v1/persons/{person.pk}/notes/?page_size=100")
    assert len(response.json()["results"]) == rows
