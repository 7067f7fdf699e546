"""Members' pages go through the same policy and recorder as the API: same data, same events."""

import base64
import re

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Consent, Evidence, PortalInvitation
from records.models import Note
from tests.factories import (
    CONSENT_LOCK_QUERIES,
    PASSWORD,
    give_consent,
    informed,
    make_member,
    make_note,
    make_person,
    make_team,
)

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def new_events(mark: int) -> list[tuple]:
    return [
        (e.action, e.outcome, e.person_id, tuple(e.categories))
        for e in AccessEvent.objects.filter(id__gt=mark).order_by("id")
    ]


def mark() -> int:
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_sign_in_is_recorded_failed_or_not(web, worker):
    start = mark()
    failed = web.post("/login/", {"username": worker.username, "password": "wrong password"})
    assert failed.status_code == 400 and "errorlist" in failed.content.decode()
    done = web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert done.status_code == 302
    assert [e[:2] for e in new_events(start)] == [("auth.login_failed", "denied"), ("auth.login", "allowed")]


def test_repeated_failures_lock_the_sign_in(web, worker):
    for _ in range(5):
        web.post("/login/", {"username": worker.username, "password": "wrong password"})
    locked = web.post("/login/", {"username": worker.username, "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in web.session


def test_a_member_is_sent_to_the_commitment_before_any_person(web, team, person):
    newcomer = make_member(team, accepted=False)
    response = web.as_(newcomer).get(f"/persons/{person.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/commitment/")
    accepted = web.post(response["Location"], {"accept": "on"})
    assert accepted.status_code == 302 and accepted["Location"] == f"/persons/{person.pk}/"
    assert web.get(f"/persons/{person.pk}/").status_code == 200


@pytest.mark.every_database  # a search: the databases compare text each their own way
def test_persons_page_lists_searches_and_records_one_event_per_person(web, team, worker):
    make_person(team, display_name="Alix", first_name="Alix", last_name="Martin")
    make_person(team, display_name="Bertrand", first_name="Bertrand", last_name="Roux")
    start = mark()
    page = web.as_(worker).get("/persons/", {"q": "ali"}).content.decode()
    assert "Alix" in page and "Bertrand" not in page
    assert [e[0] for e in new_events(start)] == ["person.list"]


def test_person_page_shows_what_the_api_shows_and_records_the_same_events(
    web, api, shared, person, colleague
):
    consent, note = shared
    own = make_note(person, colleague, colleague.memberships.get().team, "health", "Note privée de Léa")
    start = mark()
    page = web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()
    web_events = new_events(start)
    start = mark()
    api_notes = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    api_person = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/consents/")
    assert sorted(web_events) == sorted(new_events(start))
    for item in api_notes:
        assert item["body"] in page
    assert {n["id"] for n in api_notes} == {note.pk, own.pk}
    assert api_person["phone"] in page


def test_a_note_not_shared_with_the_team_is_not_on_a_colleagues_page(web, person, team, worker, colleague):
    note = make_note(person, worker, team, "housing", "Pas encore partagé")
    assert note.body not in web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()


def test_an_unfollowed_person_is_a_404_like_a_missing_one(web, worker):
    elsewhere = make_person(make_team("Ailleurs"))
    hidden = web.as_(worker).get(f"/persons/{elsewhere.pk}/")
    missing = web.get("/persons/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert elsewhere.display_name not in re.sub(r'value="[^"]+"', "", hidden.content.decode())


def test_peer_worker_and_colleague_see_the_same_person_page(web, shared, person, peer, colleague):
    def page(user):
        text = web.as_(user).get(f"/persons/{person.pk}/").content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return text.replace(user.display_name, "ME")

    assert page(peer) == page(colleague)


def test_a_note_in_an_unshared_category_warns_before_saving(web, person, team, worker):
    url = f"/persons/{person.pk}/notes/new/"
    data = {"team": team.pk, "category": "support_plan", "body": "RDV CAF mardi"}
    first = web.as_(worker).post(url, data)
    assert first.status_code == 409 and "visible que par vous" in first.content.decode()
    assert not Note.objects.filter(person=person).exists()
    confirmed = web.post(url, {**data, "confirm_unshared": "on"})
    assert confirmed.status_code == 302 and [n.body for n in Note.objects.filter(person=person)] == [
        data["body"]
    ]


def test_a_note_in_a_shared_category_saves_at_once(web, shared, person, team, worker):
    response = web.as_(worker).post(
        f"/persons/{person.pk}/notes/new/", {"team": team.pk, "category": "housing", "body": "Place trouvée"}
    )
    assert response.status_code == 302 and Note.objects.filter(person=person).first().body == "Place trouvée"


def test_why_can_i_see_this_names_the_consent(web, shared, person, colleague):
    consent, _ = shared
    page = web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()
    assert f"/consents/{consent.pk}/receipt/" in page and "Pourquoi puis-je voir ceci" in page


@pytest.mark.every_database  # reads the stored column with raw SQL
def test_recording_a_consent_with_evidence_keeps_it_encrypted_and_shows_the_receipt(
    web, person, team, worker
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = web.as_(worker).post(
        f"/persons/{person.pk}/consents/new/",
        {
            "team": team.pk,
            "categories": ["housing", "contact"],
            "purpose": "Continuité",
            "method": "written",
            **informed(),
            "evidence": SimpleUploadedFile("form.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    receipt = web.get(response["Location"])
    assert receipt.status_code == 200 and "Logement et hébergement" in receipt.content.decode()
    evidence = Evidence.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM consent_evidence WHERE id = %s", [evidence.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    start = mark()
    download = web.get(f"/consents/{evidence.consent_id}/evidence/")
    assert download.content == PNG and download["Content-Type"] == "image/png"
    assert new_events(start)[0][0] == "consent.consents.evidence"


def test_evidence_that_is_not_a_pdf_or_an_image_is_refused(web, person, team, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = web.as_(worker).post(
        f"/persons/{person.pk}/consents/new/",
        {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "x",
            "method": "written",
            **informed(),
            "evidence": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png"),
        },
    )
    assert response.status_code == 400 and "PDF, PNG ou JPEG" in response.content.decode()
    assert not Evidence.objects.exists() and not Consent.objects.exists()


def test_a_category_the_mission_does_not_need_is_a_field_error(web, person, team, worker):
    response = web.as_(worker).post(
        f"/persons/{person.pk}/consents/new/",
        {"team": team.pk, "categories": ["health"], "purpose": "x", "method": "oral", **informed()},
    )
    assert response.status_code == 400 and "errorlist" in response.content.decode()


def test_withdrawing_through_the_page_cuts_the_access_at_once(web, shared, person, worker, colleague):
    consent, note = shared
    response = web.as_(worker).post(f"/consents/{consent.pk}/withdraw/", {"method": "oral"})
    assert response.status_code == 302 and response["Location"].endswith("?event=withdrawn")
    assert "retiré" in web.get(response["Location"]).content.decode()
    assert note.body not in web.as_(colleague).get(f"/persons/{person.pk}/").content.decode()


def test_starting_a_follow_up_for_another_team(web, person, worker, other_team):
    response = web.as_(worker).post(
        f"/persons/{person.pk}/follow-ups/new/",
        {"team": other_team.pk, "presence": "in_person", "confirmed": "on"},
    )
    assert response.status_code == 302
    assert person.follow_ups.filter(team=other_team, closed_at__isnull=True).exists()


def test_a_new_person_is_created_and_followed(web, team, worker):
    response = web.as_(worker).post(
        "/persons/new/", {"team": team.pk, "display_name": "Nouvelle", "phone": "06 00 00 00 00"}
    )
    assert response.status_code == 302
    page = web.get(response["Location"]).content.decode()
    assert "Nouvelle" in page and "06 00 00 00 00" not in page


def test_the_portal_code_survives_a_reload_and_names_the_person_and_the_address(web, person, worker):
    response = web.as_(worker).post(f"/persons/{person.pk}/portal-code/")
    assert response.status_code == 302
    first = web.get(response["Location"])
    page = first.content.decode()
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page).group(0)
    assert "no-store" in first["Cache-Control"]
    assert f"Pour {person.display_name}" in page and "http://testserver/portal/activate/" in page
    again = web.get(response["Location"]).content.decode()
    assert code in again and PortalInvitation.objects.filter(person=person).count() == 1


def test_a_used_code_is_no_longer_shown(web, person, worker):
    web.as_(worker).post(f"/persons/{person.pk}/portal-code/")
    PortalInvitation.objects.update(used_at=timezone.now())
    page = web.get(f"/persons/{person.pk}/portal-code/").content.decode()
    assert "Aucun code à montrer" in page and not re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page)


@pytest.mark.parametrize("url", ["/persons/", "/persons/new/"])
def test_people_without_a_team_get_a_403_page(web, db, url):
    from tests.factories import UserFactory

    response = web.as_(UserFactory(is_auditor=True)).get(url)
    assert response.status_code == 403 and "Accès non autorisé" in response.content.decode()


@pytest.mark.parametrize("rows", [10, 100])
def test_persons_page_query_count_does_not_grow_with_rows(web, team, worker, rows, django_assert_num_queries):
    for _ in range(rows):
        give_consent(make_person(team), team, ["contact"], by=worker)
    web.as_(worker)
    with django_assert_num_queries(PERSONS_PAGE_QUERIES):
        assert web.get("/persons/").status_code == 200


PERSONS_PAGE_QUERIES = 11 + CONSENT_LOCK_QUERIES


@pytest.mark.parametrize("url", ["/persons/", "person", "/portal/journal/"])
def test_pages_fail_closed_when_the_log_cannot_be_written(web, shared, person, worker, monkeypatch, url):
    from django.db import DatabaseError

    from audit import recorder
    from tests.factories import make_portal_account

    jo = make_portal_account(person, "jo")

    def broken(entries, **options):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(recorder, "write", broken)
    web.as_(jo if url.startswith("/portal/") else worker)
    response = web.get(f"/persons/{person.pk}/" if url == "person" else url)
    # The page's own content: a random CSRF token elsewhere could hold two letters of a name.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    assert response.status_code == 503 and "Indisponible pour le moment" in text
    assert person.display_name not in text and shared[1].body not in text and person.phone not in text


# The notes are counted in the statement that finds their authors (the notes filter's choices);
# what every following team reads is decided with the reader's grants; the consent history is one
# statement; the menu's roles come with the user; the categories are read once; what an emergency
# access could still open (the emergency box) is one statement; whom the person keeps out and which
# notes they hid (issue 24) is one more.
PERSON_PAGE_QUERIES = 18 + CONSENT_LOCK_QUERIES


@pytest.mark.parametrize("rows", [10, 100])
def test_person_page_query_count_does_not_grow_with_notes(
    web, shared, person, team, worker, colleague, rows, django_assert_num_queries
):
    for _ in range(rows):
        make_note(person, worker, team, "housing")
    web.as_(colleague)
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        assert web.get(f"/persons/{person.pk}/").status_code == 200
