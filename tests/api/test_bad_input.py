"""Bad input answers 400 (or the 403/404 of the rules) with a readable message, and writes nothing."""

import pytest

from consent.models import Consent
from records.models import Note, Person
from tests.factories import informed, make_team


def assert_nothing_written(before):
    assert (Note.objects.count(), Consent.objects.count(), Person.objects.count()) == before


@pytest.fixture
def before(person):
    return Note.objects.count(), Consent.objects.count(), Person.objects.count()


def test_unknown_category_is_a_400_on_the_field(api, person, team, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/", {"team": team.pk, "category": "astrology", "body": "x"}
    )
    assert response.status_code == 400
    assert "astrology" in response.json()["category"][0]
    assert_nothing_written(before)


def test_unknown_category_in_a_consent_is_a_400(api, person, team, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/consents/",
        {
            "team": team.pk,
            "categories": ["housing", "astrology"],
            "purpose": "x",
            "method": "oral",
            **informed(),
        },
    )
    assert response.status_code == 400 and "astrology" in response.json()["categories"][0]
    assert_nothing_written(before)


def test_bad_method_is_a_400(api, person, team, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/consents/",
        {"team": team.pk, "categories": ["housing"], "purpose": "x", "method": "telepathy", **informed()},
    )
    assert response.status_code == 400 and "method" in response.json()
    assert_nothing_written(before)


def test_malformed_json_is_a_400(api, person, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    assert_nothing_written(before)


def test_team_the_writer_is_not_in_is_a_400(api, person, worker, before):
    elsewhere = make_team("Autre équipe")
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/", {"team": elsewhere.pk, "category": "housing", "body": "x"}
    )
    assert response.status_code == 400 and "not a member" in response.json()["team"][0]
    response = api.as_(worker).post("/api/v1/persons/", {"team": elsewhere.pk, "display_name": "X"})
    assert response.status_code == 400 and "team" in response.json()
    assert_nothing_written(before)


def test_oversized_note_body_is_a_400(api, settings, person, team, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/",
        {"team": team.pk, "category": "housing", "body": "x" * (settings.RELAIS_NOTE_MAX_CHARS + 1)},
    )
    assert response.status_code == 400 and "body" in response.json()
    assert_nothing_written(before)


def test_a_text_longer_than_the_schema_says_is_a_400_though_its_tail_is_spaces(api, team, worker, before):
    response = api.as_(worker).post("/api/v1/persons/", {"team": team.pk, "display_name": "Jo" + " " * 149})
    assert response.status_code == 400 and "150" in response.json()["display_name"][0]
    assert_nothing_written(before)


def test_oversized_request_is_a_400_in_json(api, settings, person, team, worker, before):
    filler = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = f'{{"team": {team.pk}, "category": "housing", "body": "{filler}"}}'
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    assert_nothing_written(before)


def test_missing_fields_are_named(api, person, worker, before):
    response = api.as_(worker).post(f"/api/v1/persons/{person.pk}/notes/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"team", "category", "body"}
    assert_nothing_written(before)


def test_end_date_in_the_past_is_a_400(api, person, team, worker, before):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/consents/",
        {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "x",
            "method": "oral",
            "valid_until": "2001-01-01T00:00:00Z",
            **informed(),
        },
    )
    assert response.status_code == 400 and "valid_until" in response.json()
    assert_nothing_written(before)


def test_anonymous_caller_gets_401_on_person_data(api, person):
    assert api.get("/api/v1/persons/").status_code == 401
