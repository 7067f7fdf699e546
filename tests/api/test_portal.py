"""The person's portal: activation, own consents, access log, export, receipts; nobody else's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.consents import services as consent_services
from consent.models import PortalInvitation
from tests.factories import (
    give_consent,
    information_text,
    informed,
    make_note,
    make_person,
    make_portal_account,
)

# The portal's API, through the services (the rules and their completeness run on both databases): one database is enough.
pytestmark = pytest.mark.any_database

PASSWORD = "un mot de passe solide"


def invite(person, by) -> str:
    code, _ = consent_services.invite_to_portal(user=by, person_id=person.pk)
    return code


def activate(api, code, username="jo.portail"):
    return api.post("/api/v1/portal/activate/", {"code": code, "username": username, "password": PASSWORD})


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def test_activation_opens_the_persons_account_and_answers_a_token(api, person, worker):
    response = activate(api, invite(person, worker))
    assert response.status_code == 201 and response.json()["token"]
    person.refresh_from_db()
    assert person.account.username == "jo.portail"
    event = AccessEvent.objects.filter(action="portal.activate").get()
    assert (event.person_id, event.outcome) == (person.pk, "allowed")


def test_a_code_works_once(api, person, worker):
    code = invite(person, worker)
    activate(api, code)
    response = activate(api, code, username="autre")
    assert response.status_code == 400 and "code" in response.json()
    refused = AccessEvent.objects.filter(action="portal.activate", outcome="denied").get()
    assert refused.person_id == person.pk and refused.reason == "used code"


def test_an_expired_code_is_refused(api, person, worker):
    code = invite(person, worker)
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = activate(api, code)
    assert response.status_code == 400 and "expired" in response.json()["code"][0]
    assert not type(person).objects.get(pk=person.pk).account_id


def test_an_unknown_code_is_refused_and_recorded(api, db):
    response = activate(api, "AAAA-BBBB-CCCC")
    assert response.status_code == 400 and "code" in response.json()
    assert AccessEvent.objects.filter(action="portal.activate", outcome="denied").count() == 1


def test_a_code_is_read_whatever_its_case_and_dashes(api, person, worker):
    code = invite(person, worker)
    assert activate(api, code.lower().replace("-", " ")).status_code == 201


def test_a_weak_password_or_taken_username_is_a_field_error(api, person, worker, colleague):
    code = invite(person, worker)
    weak = api.post("/api/v1/portal/activate/", {"code": code, "username": "jo2", "password": "1234"})
    taken = activate(api, code, username=colleague.username)
    assert "password" in weak.json() and "username" in taken.json()


def test_the_person_sees_their_consents_in_plain_words(api, jo, shared, team):
    body = api.as_(jo).get("/api/v1/portal/consents/", HTTP_ACCEPT_LANGUAGE="fr").json()
    [consent] = body["results"]
    assert consent["team"]["name"] == team.name and consent["status"] == "current"
    assert consent["summary"].startswith(f"{team.name} peut voir : ")
    assert "Logement et hébergement" in consent["summary"] and "Il compte maintenant." in consent["summary"]


def test_the_plain_words_are_in_english_when_asked(api, jo, shared, team):
    [consent] = api.as_(jo).get("/api/v1/portal/consents/").json()["results"]
    assert consent["summary"].startswith(f"{team.name} may see: ") and "Housing" in consent["summary"]
    assert AccessEvent.objects.filter(action="portal.consents", actor_id=jo.pk).exists()


def test_the_person_sees_the_teams_that_follow_them_and_what_they_may_ask(api, jo, shared, team):
    [offer] = api.as_(jo).get("/api/v1/portal/teams/").json()
    assert offer["team"]["name"] == team.name
    assert {n["code"] for n in offer["needs"]} == {"contact", "housing", "support_plan", "administrative"}
    assert offer["shared"] == ["contact", "housing"] and offer["current_consent"] == shared[0].pk


def test_the_person_gives_a_consent_themselves(api, jo, person, team, colleague):
    note = make_note(person, colleague, team, "support_plan")
    body = {"team": team.pk, "categories": ["support_plan"], "information": information_text().pk}
    response = api.as_(jo).post("/api/v1/portal/consents/", body)
    assert response.status_code == 201 and response.json()["method"] == "portal"
    visible = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    assert note.pk in [n["id"] for n in visible]


def test_a_withdrawal_through_the_portal_cuts_the_teams_access_at_once(api, jo, shared, person, colleague):
    consent, note = shared
    assert [
        n["id"] for n in api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    ] == [note.pk]
    response = api.as_(jo).post(f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "portal"})
    assert response.status_code == 200
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"] == []
    assert api.as_(colleague).get(f"/api/v1/notes/{note.pk}/").status_code == 404


def test_the_access_log_says_who_from_which_team_and_profession_saw_what(
    api, jo, shared, person, colleague, team
):
    consent, _ = shared
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    entries = api.as_(jo).get("/api/v1/portal/access-log/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    read = next(e for e in entries if e["who"] == colleague.display_name)
    assert read["sentence"] == (
        f"{colleague.display_name} ({team.name}, éducatrice spécialisée) a lu des notes sur vous."
    )
    assert read["who"] == colleague.display_name and read["team"] == team.name
    assert read["title"] == "éducatrice spécialisée" and read["categories"] == ["Logement et hébergement"]
    assert read["purpose"] == consent.purpose and read["refused"] is False


def test_the_access_log_shows_refused_attempts(api, jo, person, db):
    from tests.factories import make_member, make_team

    stranger = make_member(make_team("Autre équipe"))
    api.as_(stranger).get(f"/api/v1/persons/{person.pk}/")
    entries = api.as_(jo).get("/api/v1/portal/access-log/").json()["results"]
    refused = [e for e in entries if e["refused"]]
    assert refused and refused[0]["who"] == stranger.display_name


def test_reading_the_access_log_is_recorded(api, jo, shared, person):
    api.as_(jo).get("/api/v1/portal/access-log/")
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.actor_id, event.person_id) == ("portal.access_log", jo.pk, person.pk)


def test_the_export_holds_all_the_persons_data(api, jo, shared, person):
    consent, note = shared
    response = api.as_(jo).get("/api/v1/portal/export/")
    data = response.json()
    assert response["Content-Disposition"].startswith("attachment")
    assert data["person"]["phone"] == person.phone and data["person"]["address"] == person.address
    assert [n["body"] for n in data["notes"]] == [note.body]
    assert [c["id"] for c in data["consents"]] == [consent.pk] and data["receipts"]
    assert "consent.record" in {e["action"] for e in data["access_log"]}
    event = AccessEvent.objects.filter(action="portal.export").get()
    assert event.object_ids == [note.pk] and event.person_id == person.pk


def test_the_person_lists_their_signed_receipts(api, jo, shared):
    receipts = api.as_(jo).get("/api/v1/portal/receipts/").json()["results"]
    assert [r["payload"]["event"] for r in receipts] == ["given"] and receipts[0]["signature"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/portal/consents/",
        "/api/v1/portal/access-log/",
        "/api/v1/portal/export/",
        "/api/v1/portal/receipts/",
    ],
)
def test_portal_endpoints_show_only_ones_own_record(api, jo, shared, team, worker, url):
    other = make_person(team, display_name="Zébulon-Témoin")
    give_consent(other, team, ["housing"], by=worker, purpose="secret de Zébulon")
    sam = make_portal_account(other, "sam")
    mine, theirs = api.as_(jo).get(url).content.decode(), api.as_(sam).get(url).content.decode()
    assert "secret de Zébulon" not in mine and "Zébulon-Témoin" not in mine
    assert shared[1].body not in theirs


def test_one_person_cannot_reach_anothers_consents_or_receipts(api, jo, team, worker):
    other = make_person(team)
    consent = give_consent(other, team, ["housing"], by=worker)
    for method, url, body in (
        ("get", f"/api/v1/persons/{other.pk}/consents/", None),
        ("get", f"/api/v1/consents/{consent.pk}/receipt/", None),
        ("post", f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "portal"}),
        (
            "post",
            f"/api/v1/persons/{other.pk}/consents/",
            {"team": team.pk, "categories": [], "purpose": "x", "method": "portal", **informed()},
        ),
    ):
        assert getattr(api.as_(jo), method)(url, body, format="json").status_code == 404, url


@pytest.mark.parametrize(
    "url", ["/api/v1/portal/consents/", "/api/v1/portal/access-log/", "/api/v1/portal/export/"]
)
def test_a_worker_has_no_portal(api, worker, url):
    response = api.as_(worker).get(url)
    assert response.status_code == 403
    assert AccessEvent.objects.filter(actor_id=worker.pk, outcome="denied").exists()
