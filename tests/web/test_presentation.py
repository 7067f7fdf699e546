"""Issue "Beyond the best", §5: each member chooses how they are presented to persons and to
colleagues, and whether their peer role is told; access never depends on it (R3, tested in
``tests/rules/test_r3_peer_parity.py``)."""

import pytest

from audit.models import AccessEvent
from teams.models import Membership
from tests.factories import make_member, make_note, make_portal_account

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database


@pytest.fixture
def sami(team):
    return make_member(team, peer=True, profession="travailleur pair", display_name="Sami Benali")


def journal_of(web, person):
    person.refresh_from_db()
    jo = person.account or make_portal_account(person, "jo")
    return web.as_(jo).get("/portal/journal/").content.decode()


def test_a_peer_role_is_not_told_to_the_person_until_the_peer_worker_chooses(
    web, shared, person, team, sami, api
):
    api.as_(sami).get(f"/api/v1/persons/{person.pk}/notes/")
    page = journal_of(web, person)
    assert "Sami Benali (Maraude Nord)" in page and "pair" not in page.split("Sami Benali")[1][:40]
    api.as_(sami).post("/api/v1/me/presentation/", {"team": team.pk, "peer_role_shown": True}, format="json")
    assert "Sami Benali (Maraude Nord, pair-aidant·e)" in journal_of(web, person)


def test_a_colleague_without_a_title_is_presented_by_their_profession(web, shared, person, worker, api):
    api.as_(worker).get(f"/api/v1/persons/{person.pk}/")
    assert f"{worker.display_name} (Maraude Nord, éducatrice spécialisée)" in journal_of(web, person)


def test_the_page_changes_the_title_and_previews_it_and_records_it(web, team, sami):
    page = web.as_(sami).get("/me/presentation/")
    assert page.status_code == 200 and "Dire que je suis pair-aidant·e" in page.content.decode()
    response = web.post(
        "/me/presentation/", {"team": team.pk, "title": "intervenant", "peer_role_shown": "on"}
    )
    assert response.status_code == 302
    shown = web.get("/me/presentation/").content.decode()
    assert "Sami Benali (intervenant, pair-aidant·e)" in shown
    event = AccessEvent.objects.filter(action="membership.presentation").get()
    assert event.outcome == "allowed" and event.actor_id == sami.pk and event.team_id == team.pk
    assert event.data["changes"] == {"title": ["", "intervenant"], "peer_role_shown": [False, True]}


def test_a_colleague_cannot_claim_a_peer_role_and_nothing_changes(web, team, worker):
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = web.as_(worker).post(
        "/me/presentation/", {"team": team.pk, "title": "intervenante", "peer_role_shown": "on"}
    )
    assert response.status_code == 400 and "un responsable" in response.content.decode()
    assert Membership.objects.get(user=worker).title == ""
    assert not AccessEvent.objects.filter(id__gt=mark, action="membership.presentation").exists()
    assert 'name="peer_role_shown"' not in web.get("/me/presentation/").content.decode()  # no box to tick


def test_a_title_too_long_or_with_a_control_character_is_a_field_error(api, team, worker):
    for title in (
        "x" * 81,
        "ligne\nsuivante",
        "éducateur\u202etnemevuom",
        "pair\u200baidant",
        "a\u2066b\u2069",
    ):
        response = api.as_(worker).post(
            "/api/v1/me/presentation/", {"team": team.pk, "title": title}, format="json"
        )
        assert response.status_code == 400 and "title" in response.json()
    assert Membership.objects.get(user=worker).title == ""


def test_the_api_lists_each_team_with_the_words_it_gives(api, team, other_team, sami):
    Membership.objects.create(user=sami, team=other_team, profession="pair-aidant", is_peer_worker=True)
    api.as_(sami).post(
        "/api/v1/me/presentation/",
        {"team": other_team.pk, "title": "médiateur", "peer_role_shown": True},
        format="json",
    )
    listed = {row["team"]["name"]: row for row in api.as_(sami).get("/api/v1/me/presentation/").json()}
    assert listed["Maraude Nord"]["presented"] == ""  # a peer worker with no title: not their profession
    assert listed["CSAPA Est"]["presented"] == "médiateur, peer worker"


def test_someone_in_no_team_is_refused_and_recorded(web, auditor):
    assert web.as_(auditor).get("/me/presentation/").status_code == 403
    assert AccessEvent.objects.filter(
        action="membership.presentation", outcome="denied", actor_id=auditor.pk
    ).exists()


def test_notes_and_receipts_name_the_author_as_they_chose(web, api, shared, person, team, sami, worker):
    api.as_(sami).post("/api/v1/me/presentation/", {"team": team.pk, "title": "intervenant"}, format="json")
    note = make_note(person, sami, team, "housing", "Rendez-vous CAF")
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert "Sami Benali (intervenant) · Maraude Nord" in page
    listed = api.as_(worker).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
    assert next(n for n in listed if n["id"] == note.pk)["author"]["title"] == "intervenant"
    assert api.as_(worker).get(f"/api/v1/notes/{note.pk}/").json()["author"]["title"] == "intervenant"
    receipt = web.get(f"/consents/{shared[0].pk}/receipt/").content.decode()
    assert f"Enregistré par : {worker.display_name} (éducatrice spécialisée)" in receipt


def test_the_person_page_names_who_recorded_a_consent_as_they_chose(
    web, api, shared, person, team, sami, worker
):
    page = web.as_(sami).get(f"/persons/{person.pk}/").content.decode()
    assert f"enregistré par {worker.display_name} (éducatrice spécialisée)" in page
    api.as_(worker).post(
        "/api/v1/me/presentation/", {"team": team.pk, "title": "coordinatrice"}, format="json"
    )
    assert (
        f"enregistré par {worker.display_name} (coordinatrice)"
        in web.get(f"/persons/{person.pk}/").content.decode()
    )
