"""Keeping a record right: a note corrected as a new version, contact details changed on the record,
a follow-up ended from the person's page."""

import pytest

from audit.models import AccessEvent
from records.models import Note
from tests.factories import give_consent, make_member

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database


def test_a_correction_is_a_new_version_that_readers_see_as_corrected(web, worker, colleague, shared, person):
    _consent, note = shared
    response = web.as_(worker).post(f"/notes/{note.pk}/correct/", {"body": "Hébergé au 115 (corrigé)"})
    assert response.status_code == 302
    corrected = Note.objects.get(corrects=note)
    assert corrected.author == worker and corrected.category == note.category and corrected.team == note.team
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.object_ids, event.person_id) == (
        "note.correct",
        [note.pk, corrected.pk],
        person.pk,
    )
    own = web.get(f"/persons/{person.pk}/").content.decode()
    assert f'<a href="/notes/{corrected.pk}/correct/">Corriger cette note</a>' in own
    assert '<span class="badge">Corrigée</span>' in own
    page = web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()
    assert "Hébergé au 115 (corrigé)" in page and "Corrigée" in page and note.body not in page
    assert "Corriger cette note" not in page and "&lt;" not in page.split("<main")[1]
    assert web.get(f"/api/v1/notes/{note.pk}/").json()["body"] == note.body  # the first version is kept


def test_only_its_author_corrects_a_note_and_a_refusal_changes_nothing(web, colleague, shared):
    _consent, note = shared
    page = web.as_(colleague).get(f"/notes/{note.pk}/correct/")
    assert page.status_code == 403
    response = web.post(f"/notes/{note.pk}/correct/", {"body": "Autre chose"})
    assert response.status_code == 403 and Note.objects.count() == 1
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.outcome) == ("note.correct", "denied")


def test_a_corrected_version_cannot_be_corrected_again(web, worker, shared):
    _consent, note = shared
    web.as_(worker).post(f"/notes/{note.pk}/correct/", {"body": "Première correction"})
    again = web.post(f"/notes/{note.pk}/correct/", {"body": "Seconde"})
    assert again.status_code == 409 and "Seconde" in again.content.decode()
    assert Note.objects.count() == 2


def test_the_correction_form_starts_from_the_text_and_keeps_an_empty_submission_out(web, worker, shared):
    _consent, note = shared
    page = web.as_(worker).get(f"/notes/{note.pk}/correct/").content.decode()
    assert note.body in page
    assert web.post(f"/notes/{note.pk}/correct/", {"body": ""}).status_code == 400
    assert Note.objects.count() == 1


def test_contact_details_change_on_the_record_without_their_values(web, worker, shared, person):
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert f'href="/persons/{person.pk}/contact/"' in page
    response = web.post(
        f"/persons/{person.pk}/contact/",
        {"phone": "06 98 76 54 32", "email": "jo@example.org", "address": person.address},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "06 98 76 54 32"
    event = AccessEvent.objects.order_by("-id").first()
    assert event.action == "person.update" and event.categories == ["contact"]
    assert event.changes == {"email": ["changed"], "phone": ["changed"]}
    assert "06 98 76 54 32" not in event.body and "jo@example.org" not in event.body


def test_a_bad_phone_is_refused_and_the_typed_values_come_back(web, worker, shared, person):
    response = web.as_(worker).post(
        f"/persons/{person.pk}/contact/", {"phone": "abc", "email": "jo@example.org", "address": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "jo@example.org" in page and "06 12 34 56 78" in page
    person.refresh_from_db()
    assert person.email != "jo@example.org"


def test_without_consent_to_share_contact_details_they_cannot_be_changed(web, worker, team, person):
    give_consent(person, team, ["housing"], by=worker)
    assert web.as_(worker).get(f"/persons/{person.pk}/contact/").status_code == 403
    response = web.post(
        f"/persons/{person.pk}/contact/", {"phone": "06 00 00 00 00", "email": "", "address": ""}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone != "06 00 00 00 00"


def test_ending_a_follow_up_from_the_page_closes_access_at_once(web, worker, shared, person, team):
    follow_up = person.follow_ups.get(team=team)
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert f'action="/follow-ups/{follow_up.pk}/close/"' in page
    response = web.post(f"/follow-ups/{follow_up.pk}/close/")
    assert response.status_code == 302 and response["Location"] == "/persons/"
    follow_up.refresh_from_db()
    assert follow_up.closed_at is not None
    assert web.get(f"/persons/{person.pk}/").status_code == 404


def test_a_member_of_another_team_cannot_end_the_follow_up(web, shared, person, team, other_team):
    stranger = make_member(other_team)
    follow_up = person.follow_ups.get(team=team)
    assert web.as_(stranger).post(f"/follow-ups/{follow_up.pk}/close/").status_code in (403, 404)
    follow_up.refresh_from_db()
    assert follow_up.closed_at is None


def test_the_person_reads_corrections_and_contact_changes_in_their_journal(web, api, worker, shared, person):
    from tests.factories import make_portal_account

    _consent, note = shared
    web.as_(worker).post(f"/notes/{note.pk}/correct/", {"body": "Corrigé"})
    web.post(f"/persons/{person.pk}/contact/", {"phone": "06 98 76 54 32", "email": "", "address": ""})
    jo = make_portal_account(person, "jo")
    journal = web.as_(jo).get("/portal/journal/").content.decode()
    assert "a corrigé une note sur vous" in journal and "a modifié vos coordonnées" in journal
