"""Issue 21, item 14: a worker records a consent for another team than their own, or starts another
team's follow-up, only with the person asked: who is present, and a confirmation. Without them, a
400 per field and nothing recorded; with them, who was there is on the record."""

import json

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Consent, Receipt
from records.models import FollowUp
from teams import services as team_services
from teams.models import Membership
from tests.factories import SYSTEM, follow, informed, make_member, make_person, make_team


@pytest.fixture
def both(person, other_team):
    follow(person, other_team)
    return person


def _consent(api, person, team, **extra):
    body = {
        "team": team.pk,
        "categories": ["health"],
        "purpose": "soins",
        "method": "oral",
        **informed(),
        **extra,
    }
    return api.post(f"/api/v1/persons/{person.pk}/consents/", body, format="json")


def test_another_teams_consent_without_presence_is_refused_per_field(api, worker, both, other_team):
    response = _consent(api.as_(worker), both, other_team)
    assert response.status_code == 400
    assert set(response.json()) >= {"presence", "confirmed"}
    assert not Consent.objects.filter(team=other_team).exists()


def test_another_teams_consent_without_confirmation_is_refused(api, worker, both, other_team):
    response = _consent(api.as_(worker), both, other_team, presence="by_phone")
    assert response.status_code == 400
    assert list(response.json()) == ["confirmed"]
    assert not Consent.objects.filter(team=other_team).exists()


def test_another_teams_consent_with_presence_names_it_in_receipt_and_log(api, worker, both, other_team):
    response = _consent(api.as_(worker), both, other_team, presence="by_phone", confirmed=True)
    assert response.status_code == 201, response.content
    consent = Consent.objects.get(team=other_team)
    payload = json.loads(Receipt.objects.get(consent=consent).payload)
    assert payload["presence"] == "by_phone"
    event = AccessEvent.objects.filter(action="consent.record", outcome="allowed").last()
    assert event.reason == "by_phone"


def test_own_teams_consent_asks_no_presence(api, worker, person, team):
    body = {"team": team.pk, "categories": ["housing"], "purpose": "logement", "method": "oral", **informed()}
    response = api.as_(worker).post(f"/api/v1/persons/{person.pk}/consents/", body, format="json")
    assert response.status_code == 201
    assert "presence" not in json.loads(Receipt.objects.get().payload)


def test_another_teams_follow_up_without_presence_is_refused_per_field(api, worker, person, other_team):
    url = f"/api/v1/persons/{person.pk}/follow-ups/"
    response = api.as_(worker).post(url, {"team": other_team.pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"presence", "confirmed"}
    assert not FollowUp.objects.filter(team=other_team).exists()


def test_another_teams_follow_up_with_presence_is_recorded_with_it(api, worker, person, other_team):
    url = f"/api/v1/persons/{person.pk}/follow-ups/"
    body = {"team": other_team.pk, "presence": "in_person", "confirmed": True}
    assert api.as_(worker).post(url, body, format="json").status_code == 201
    event = AccessEvent.objects.filter(action="follow_up.open", outcome="allowed").get()
    assert event.reason == "in_person"


def test_own_second_team_follows_without_presence(api, team):
    second = make_team("Accueil de jour", ("contact", "housing"))
    member = make_member(team, username="double")
    team_services.add_member(by=SYSTEM, team=second, user=member, profession="éducateur")
    Membership.objects.filter(user=member).update(commitment_accepted_at=timezone.now())
    person = make_person(team, display_name="Karim")
    url = f"/api/v1/persons/{person.pk}/follow-ups/"
    assert api.as_(member).post(url, {"team": second.pk}, format="json").status_code == 201


def test_follow_up_page_asks_who_is_present_and_refuses_without(web, worker, person, other_team):
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert "Qui est présent ?" in page and "La personne, par téléphone" in page
    response = web.post(f"/persons/{person.pk}/follow-ups/new/", {"team": other_team.pk})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dites qui est présent" in text
    assert not FollowUp.objects.filter(team=other_team).exists()
    response = web.post(
        f"/persons/{person.pk}/follow-ups/new/",
        {"team": other_team.pk, "presence": "representative", "confirmed": "on"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.filter(team=other_team).exists()


def test_consent_page_for_another_team_asks_who_is_present(web, worker, both, other_team):
    url = f"/persons/{both.pk}/consents/new/?team={other_team.pk}"
    assert "Qui est présent ?" in web.as_(worker).get(url).content.decode()
    form = {
        "team": other_team.pk,
        "categories": ["health"],
        "purpose": "soins",
        "method": "oral",
        **informed(),
    }
    response = web.post(f"/persons/{both.pk}/consents/new/", form)
    assert response.status_code == 400
    assert "Confirmez" in response.content.decode()
    assert not Consent.objects.filter(team=other_team).exists()
    response = web.post(
        f"/persons/{both.pk}/consents/new/", {**form, "presence": "in_person", "confirmed": "on"}
    )
    assert response.status_code == 302
    receipt = web.get(response["Location"]).content.decode()
    assert "Présent : La personne, en personne" in receipt


def test_consent_page_for_own_team_does_not_ask(web, worker, person, team):
    url = f"/persons/{person.pk}/consents/new/?team={team.pk}"
    assert "Qui est présent ?" not in web.as_(worker).get(url).content.decode()
