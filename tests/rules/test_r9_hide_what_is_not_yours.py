"""R9: what the reader may not see answers 404, exactly as if it did not exist, and lists do not count it."""

from audit.models import AccessEvent
from tests.factories import make_member, make_note, make_person, make_portal_account, make_team


def refusal():
    """The one refusal on the record: who was refused what, about whom."""
    event = AccessEvent.objects.get(outcome="denied")
    return (event.action, event.actor_id, event.object_type, event.object_ids, event.person_id)


def test_unfollowed_person_answers_like_a_missing_one(api, worker, db):
    elsewhere = make_person(make_team("Autre équipe"))
    hidden = api.as_(worker).get(f"/api/v1/persons/{elsewhere.pk}/")
    missing = api.as_(worker).get("/api/v1/persons/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_hidden_note_answers_like_a_missing_one(api, person, team, worker, colleague):
    note = make_note(person, worker, team, "housing")
    hidden = api.as_(colleague).get(f"/api/v1/notes/{note.pk}/")
    missing = api.as_(colleague).get("/api/v1/notes/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_person_list_omits_and_does_not_count_unfollowed_persons(api, person, worker, db):
    make_person(make_team("Autre équipe"))
    body = api.as_(worker).get("/api/v1/persons/").json()
    assert body["count"] == 1
    assert [p["id"] for p in body["results"]] == [person.pk]


def test_note_list_does_not_count_withheld_notes(api, person, team, worker, colleague):
    make_note(person, worker, team, "housing")
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()
    assert body["count"] == 0 and body["results"] == []


def test_writing_about_a_hidden_person_answers_404(api, team, db):
    stranger = make_member(make_team("Autre équipe"))
    person = make_person(team)
    response = api.as_(stranger).post(
        f"/api/v1/persons/{person.pk}/notes/",
        {"team": stranger.memberships.get().team_id, "category": "housing", "body": "x"},
    )
    assert response.status_code == 404


def test_consents_of_a_hidden_person_answer_404(api, shared, db):
    consent, _ = shared
    stranger = make_member(make_team("Autre équipe"))
    assert api.as_(stranger).get(f"/api/v1/persons/{consent.person_id}/consents/").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 404
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/fhir/").status_code == 404
    assert (
        api.as_(stranger).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}).status_code
        == 404
    )


def test_a_hidden_receipt_answers_404_and_the_attempt_names_the_person(api, shared, db):
    consent, _ = shared
    stranger = make_member(make_team("Autre équipe"))
    assert api.as_(stranger).get(f"/api/v1/consents/{consent.pk}/receipt/").status_code == 404
    assert refusal() == ("receipt.view", stranger.pk, "consent", [consent.pk], consent.person_id)


def test_another_persons_consent_answers_like_a_missing_one_in_the_portal_too(api, shared, team):
    consent, _ = shared
    own = make_portal_account(make_person(team))
    hidden = api.as_(own).post(f"/api/v1/portal/consents/{consent.pk}/renewal/")
    assert hidden.status_code == 404
    assert refusal() == ("consent.record", own.pk, "consent", [consent.pk], consent.person_id)
    missing = api.as_(own).post("/api/v1/portal/consents/999999/renewal/")
    assert hidden.json() == missing.json()


def test_contact_details_of_a_hidden_person_answer_404_and_the_attempt_names_them(api, person, db):
    stranger = make_member(make_team("Autre équipe"))
    response = api.as_(stranger).post(f"/api/v1/persons/{person.pk}/contact/", {"phone": "06 99 99 99 99"})
    assert response.status_code == 404
    assert refusal() == ("person.update", stranger.pk, "person", [person.pk], person.pk)


def test_each_refusal_names_the_kind_of_thing_refused(api, person, team, worker, db):
    """An auditor filtering the refusals by what was asked finds each under its kind: a note, a
    person's own space, an emergency access to review."""
    from django.utils import timezone

    from consent.models import GlassBreak
    from tests.factories import UserFactory

    note = make_note(person, worker, team, "housing")
    stranger = make_member(make_team("Ailleurs"))
    assert api.as_(stranger).get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert api.as_(stranger).get("/api/v1/portal/consents/").status_code == 403
    emergency = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="x",
        ends_at=timezone.now(),
    )
    review = {"verdict": "justified", "comment": "Vu."}
    refused = api.as_(UserFactory()).post(f"/api/v1/audit/emergency-accesses/{emergency.pk}/review/", review)
    assert refused.status_code == 403
    kinds = {
        e.action: e.object_type
        for e in AccessEvent.objects.filter(outcome="denied").exclude(action="audit.view").order_by("id")
    }
    assert kinds == {"note.view": "note", "portal.consents": "person", "glass_break.review": "glass_break"}
