"""R7: consent is a versioned record, withdrawal takes effect at once and is final, receipts are signed."""

import base64
import threading

import pytest
from django.db import connection, connections

from consent.models import Consent
from core import signing
from tests.factories import give_consent, informed, make_member, make_note


def consent_url(person):
    return f"/api/v1/persons/{person.pk}/consents/"


def readable(api, user, person):
    return [n["id"] for n in api.as_(user).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]]


def test_recording_a_consent_stores_who_how_and_why(api, person, team, worker):
    response = api.as_(worker).post(
        consent_url(person),
        {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "orientation SIAO",
            "method": "written",
            **informed(),
        },
    )
    assert response.status_code == 201, response.content
    consent = Consent.objects.get(pk=response.json()["id"])
    assert (consent.method, consent.purpose, consent.recorded_by) == ("written", "orientation SIAO", worker)
    assert response.json()["status"] == "current"


def test_a_change_supersedes_without_editing(api, person, team, worker, colleague):
    first = give_consent(person, team, ["housing"], by=worker)
    second = give_consent(person, team, ["housing", "support_plan"], by=colleague)
    first.refresh_from_db()
    assert second.supersedes == first
    assert sorted(first.categories.values_list("code", flat=True)) == ["housing"]
    history = api.as_(worker).get(consent_url(person)).json()["results"]
    assert [(c["id"], c["status"]) for c in history] == [(second.pk, "current"), (first.pk, "superseded")]


def test_a_narrower_new_consent_closes_what_the_old_one_opened(api, person, team, worker, colleague):
    """Only the running version counts: the one it supersedes opens nothing any more."""
    give_consent(person, team, ["housing", "contact"], by=worker)
    housing = make_note(person, worker, team, "housing")
    contact = make_note(person, worker, team, "contact")
    assert sorted(readable(api, colleague, person)) == sorted([housing.pk, contact.pk])
    give_consent(person, team, ["housing"], by=worker)
    assert readable(api, colleague, person) == [housing.pk]
    assert api.as_(colleague).get(f"/api/v1/notes/{contact.pk}/").status_code == 404
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert body["visible_categories"] == ["housing"] and "phone" not in body


def test_withdrawn_consent_hides_notes_at_once(api, shared, person, worker, colleague):
    consent, note = shared
    assert readable(api, colleague, person) == [note.pk]
    response = api.as_(colleague).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert readable(api, colleague, person) == []


def test_withdrawal_cannot_be_undone_or_repeated(api, shared, worker):
    consent, _ = shared
    assert (
        api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}).status_code
        == 200
    )
    again = api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    assert again.status_code == 409 and "withdrawn" in again.json()["detail"]


def test_a_new_consent_after_withdrawal_opens_again(api, shared, person, team, worker, colleague):
    consent, note = shared
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    give_consent(person, team, ["housing"], by=worker)
    assert readable(api, colleague, person) == [note.pk]


def change_from(consent, team) -> dict:
    """A change of ``consent``, as the form sends it: it names the consent it starts from."""
    return {
        "team": team.pk,
        "categories": ["housing"],
        "purpose": "Suivi",
        "method": "oral",
        "replaces": consent.pk,
        **informed(),
    }


def test_a_change_made_from_a_consent_withdrawn_since_records_nothing(api, shared, person, team, worker):
    consent, _ = shared
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    change = change_from(consent, team)
    answer = api.as_(worker).post(consent_url(person), change)
    assert answer.status_code == 409, answer.content
    assert Consent.objects.filter(person=person, team=team).count() == 1


def test_a_change_made_from_a_consent_replaced_since_records_nothing(api, shared, person, team, worker):
    consent, _ = shared
    give_consent(person, team, ["housing"], by=worker)
    change = change_from(consent, team)
    assert api.as_(worker).post(consent_url(person), change).status_code == 409
    assert Consent.objects.filter(person=person, team=team).count() == 2


def test_a_change_made_from_the_running_consent_supersedes_it(api, shared, person, team, worker):
    consent, _ = shared
    change = change_from(consent, team)
    answer = api.as_(worker).post(consent_url(person), change)
    assert answer.status_code == 201 and answer.json()["supersedes"] == consent.pk


def test_superseded_consent_cannot_be_withdrawn(api, shared, person, team, worker):
    consent, _ = shared
    give_consent(person, team, ["housing"], by=worker)
    assert (
        api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}).status_code
        == 409
    )


def test_member_of_a_following_team_records_for_another_following_team(api, person, team, other_team, worker):
    api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/follow-ups/",
        {"team": other_team.pk, "presence": "in_person", "confirmed": True},
    )
    body = {
        "team": other_team.pk,
        "categories": ["health"],
        "purpose": "soins",
        "method": "oral",
        **informed(),
    }
    # Another team than the worker's own: who is present, and a confirmation (issue 21).
    body.update(presence="by_phone", confirmed=True)
    response = api.as_(worker).post(consent_url(person), body, format="json")
    assert response.status_code == 201, response.content


def test_consent_for_a_team_that_does_not_follow_is_refused(api, person, other_team, worker):
    response = api.as_(worker).post(
        consent_url(person),
        {"team": other_team.pk, "categories": ["health"], "purpose": "soins", "method": "oral", **informed()},
    )
    assert response.status_code == 400 and "team" in response.json()


def test_receipts_are_signed_and_verifiable_with_the_public_key(api, shared, worker):
    consent, _ = shared
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    key = base64.b64decode(api.get("/api/v1/receipt-key/").json()["public_key"])
    for event in ("given", "withdrawn"):
        receipt = api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/?event={event}").json()
        assert receipt["payload"]["event"] == event
        assert receipt["payload"]["categories"] == ["contact", "housing"]
        assert {"consent", "person", "team", "purpose", "method", "at"} <= set(receipt["payload"])
        assert signing.verify(receipt["payload"], receipt["signature"], key)
        tampered = dict(receipt["payload"], categories=["health"])
        assert not signing.verify(tampered, receipt["signature"], key)


def test_a_receipt_names_the_organisation_inside_its_signature(api, web, shared, worker):
    """Issue 23: the person knows which structure holds what, and how to reach it; a receipt whose
    organisation was changed fails verification."""
    consent, _ = shared
    organisation = consent.team.organisation
    key = base64.b64decode(api.get("/api/v1/receipt-key/").json()["public_key"])
    receipt = api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/").json()
    assert receipt["payload"]["organisation"] == {
        "id": organisation.pk,
        "name": organisation.name,
        "legal_name": organisation.legal_name,
        "data_protection_contact": organisation.data_protection_contact,
        "postal_address": organisation.postal_address,
    }
    assert signing.verify(receipt["payload"], receipt["signature"], key)
    elsewhere = dict(receipt["payload"]["organisation"], name="Une autre association")
    assert not signing.verify(dict(receipt["payload"], organisation=elsewhere), receipt["signature"], key)
    page = web.as_(worker).get(f"/consents/{consent.pk}/receipt/").content.decode()
    assert organisation.legal_name in page and organisation.data_protection_contact in page


def test_latest_receipt_is_the_withdrawal(api, shared, worker):
    consent, _ = shared
    api.as_(worker).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"})
    assert (
        api.as_(worker).get(f"/api/v1/consents/{consent.pk}/receipt/").json()["payload"]["event"]
        == "withdrawn"
    )


def test_portal_method_is_reserved_to_the_person(api, person, team, worker):
    response = api.as_(worker).post(
        consent_url(person),
        {"team": team.pk, "categories": ["housing"], "purpose": "x", "method": "portal", **informed()},
    )
    assert response.status_code == 400 and "method" in response.json()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL")
def test_read_after_withdrawal_commit_on_another_connection_sees_nothing(flushable_audit, api, team):
    from tests.factories import make_person

    worker = make_member(team)
    colleague = make_member(team)
    person = make_person(team)
    consent = give_consent(person, team, ["housing"], by=worker)
    note = make_note(person, worker, team, "housing")
    assert readable(api, colleague, person) == [note.pk]

    def withdraw_elsewhere():
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(worker)
        try:
            assert (
                client.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}).status_code == 200
            )
        finally:
            connections.close_all()

    thread = threading.Thread(target=withdraw_elsewhere)
    thread.start()
    thread.join()
    assert readable(api, colleague, person) == []
