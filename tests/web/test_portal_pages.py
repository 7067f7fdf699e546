"""The person's pages: activation, who sees what (share or stop per category), journal, receipts,
data download, printable version. Their own record only."""

import json

import pytest

from audit.models import AccessEvent
from consent.consents import services as consent_services
from tests.factories import (
    give_consent,
    make_member,
    make_person,
    make_portal_account,
    make_team,
)

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def test_activation_opens_the_space_and_signs_in(web, person, worker):
    code, _ = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    response = web.post(
        "/portal/activate/",
        {
            "code": code,
            "username": "jo.m",
            "password": "un mot de passe solide",
            "password_again": "un mot de passe solide",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"  # each role starts where its work is
    assert web.get("/")["Location"] == "/portal/" and web.get("/portal/").status_code == 200
    person.refresh_from_db()
    assert person.account.username == "jo.m"


def test_a_used_code_is_refused_in_plain_words(web, person, worker):
    code, _ = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    data = {
        "code": code,
        "username": "jo.m",
        "password": "un mot de passe solide",
        "password_again": "un mot de passe solide",
    }
    web.post("/portal/activate/", data)
    web.logout()
    again = web.post("/portal/activate/", {**data, "username": "autre"})
    assert again.status_code == 400 and "Ce code a déjà servi" in again.content.decode()


def test_who_sees_what_lists_each_category_of_each_team(web, jo, shared, team):
    page = web.as_(jo).get("/portal/").content.decode()
    assert team.name in page
    assert "Logement et hébergement</strong>\u00a0: cette équipe y a accès" in page
    assert "Ne plus partager : Logement et hébergement" in page
    assert "Partager : Projet d&#x27;accompagnement" in page


def test_sharing_one_more_category_gives_the_team_access(
    web, api, jo, shared, person, team, colleague, worker
):
    from tests.factories import make_note

    note = make_note(person, worker, team, "support_plan", "Objectif : logement autonome")
    assert note.pk not in [
        n["id"] for n in api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    ]
    response = web.as_(jo).post(
        "/portal/share/", {"team": team.pk, "category": "support_plan", "share": "yes"}
    )
    assert response.status_code == 302
    assert note.pk in [
        n["id"] for n in api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    ]


def test_stopping_one_category_cuts_only_that_one(web, api, jo, shared, person, team, colleague):
    consent, note = shared
    web.as_(jo).post("/portal/share/", {"team": team.pk, "category": "housing", "share": "no"})
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert "phone" in body and note.pk not in [
        n["id"] for n in api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    ]


def test_stopping_everything_withdraws_the_consent(web, api, jo, shared, person, colleague):
    consent, _ = shared
    assert web.as_(jo).post(f"/portal/consents/{consent.pk}/stop/", {"confirmed": "yes"}).status_code == 302
    consent.refresh_from_db()
    assert consent.status == "withdrawn"
    assert "phone" not in api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()


def test_stopping_everything_asks_first_and_the_first_tap_changes_nothing(web, jo, shared, team):
    consent, _ = shared
    page = web.as_(jo).get("/portal/").content.decode()
    # The button on the page only opens the question; the act is the button inside it.
    assert '<details class="confirm">' in page and 'name="confirmed" value="yes"' in page
    assert f"Oui, ne plus rien partager avec {team.name}" in page
    refused = web.as_(jo).post(f"/portal/consents/{consent.pk}/stop/")
    assert refused.status_code == 400 and "Rien n’a été changé" in refused.content.decode()
    consent.refresh_from_db()
    assert consent.status == "current"


def test_the_journal_says_who_looked_in_plain_french(web, api, jo, shared, person, colleague):
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    page = web.as_(jo).get("/portal/journal/").content.decode()
    assert f"{colleague.display_name} (" in page and "a lu des notes sur vous." in page
    assert "Informations : Logement et hébergement." in page


def test_the_journal_shows_refused_attempts(web, jo, person):
    stranger = make_member(make_team("Autre"))
    web.as_(stranger).get(f"/persons/{person.pk}/")
    page = web.as_(jo).get("/portal/journal/").content.decode()
    assert f"{stranger.display_name} (Autre, " in page
    assert "a essayé d&#x27;ouvrir votre dossier (refusé)." in page and "Rien n&#x27;a été montré." in page


def test_my_data_downloads_everything_as_json(web, jo, shared, person):
    response = web.as_(jo).get("/portal/my-data/")
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["person"]["phone"] == person.phone and data["notes"][0]["body"] == shared[1].body
    assert AccessEvent.objects.filter(action="portal.export", actor_id=jo.pk).exists()


def test_receipts_and_the_printable_version(web, jo, shared):
    consent, _ = shared
    receipts = web.as_(jo).get("/portal/receipts/").content.decode()
    assert f"/consents/{consent.pk}/receipt/?event=given" in receipts
    assert web.get(f"/consents/{consent.pk}/receipt/?event=given").status_code == 200
    printable = web.get("/portal/print/").content.decode()
    assert "Vos accords" in printable and "Qui a regardé vos informations" in printable


def test_the_printable_copy_holds_everything_in_plain_words(web, jo, shared, person, team):
    consent, note = shared
    page = web.as_(jo).get("/portal/print/").content.decode().replace("&#x27;", "'")
    assert f"Tout ce que Relais garde sur {person.display_name}" in page
    for held in (
        person.phone,
        "Maraude Nord : depuis le",
        "Logement et hébergement",
        note.body,
        "écrite par",
    ):
        assert held in page, held
    sections = [
        page.index(title) for title in ("Qui vous êtes", "Comment vous joindre", "Les notes sur vous")
    ]
    assert sections == sorted(sections)
    event = AccessEvent.objects.filter(action="portal.export", actor_id=jo.pk).get()
    assert event.object_ids == [note.pk] and "contact" in event.categories
    assert "housing" not in page.split("<main")[1]  # labels, never codes


def test_another_persons_receipt_is_a_404(web, jo, team, worker):
    other = make_person(team)
    consent = give_consent(other, team, ["housing"], by=worker)
    assert web.as_(jo).get(f"/consents/{consent.pk}/receipt/").status_code == 404


@pytest.mark.parametrize("url", ["/portal/", "/portal/journal/", "/portal/receipts/", "/portal/my-data/"])
def test_a_worker_has_no_portal_page(web, worker, url):
    assert web.as_(worker).get(url).status_code == 403


JOURNAL_PAGE_QUERIES = 13  # a reset of the space looked for (R10)


@pytest.mark.parametrize("rows", [10, 100])
def test_journal_page_query_count_does_not_grow_with_rows(
    web, jo, person, team, rows, django_assert_num_queries
):
    from audit import recorder
    from audit.recorder import Event

    readers = [make_member(team) for _ in range(5)]
    for i in range(rows):
        recorder.record(
            readers[i % 5],
            Event(action="note.list", person_id=person.pk, team_id=team.pk, categories=["housing"]),
        )
    web.as_(jo)
    with django_assert_num_queries(JOURNAL_PAGE_QUERIES):
        assert web.get("/portal/journal/").status_code == 200


def test_an_auditors_check_reads_with_one_word_for_the_role(web, jo, person):
    from tests.factories import UserFactory

    agnes = UserFactory(username="agnes", display_name="Agnès Roux", is_auditor=True)
    web.as_(agnes).get("/audit/", {"person": person.pk})
    journal = web.as_(jo).get("/portal/journal/").content.decode()
    assert "Agnès Roux (contrôle des accès) a vérifié le journal qui vous concerne." in journal
    assert "auditri" not in journal.lower()
