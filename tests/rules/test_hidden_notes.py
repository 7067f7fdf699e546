""" "Not this note" (issue 24, item 2): the person hides a note from every team but its author's, or from
one team; the author's team decides nothing about it; the person sees it in their space as hidden,
and it stays in the log and in the copy of their data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.grants import readership_of
from audit.models import AccessEvent
from consent.emergency import services as glass
from consent.models import NoteHiding
from tests.factories import give_consent, make_member, make_note, make_person, make_portal_account, make_team

HIDE = "/api/v1/portal/notes/{}/hide/"
SHOW = "/api/v1/portal/note-hidings/{}/lift/"


@pytest.fixture
def world(db):
    """Jo, followed by Maraude Nord (Camille wrote a housing note, Léa is her colleague) and by the
    CSAPA (Nadia), both with Jo's consent to housing; and by the Accueil de jour (Ali), too."""
    maraude = make_team("Maraude Nord", ("contact", "housing"))
    csapa = make_team("CSAPA Est", ("contact", "housing", "health"))
    accueil = make_team("Accueil de jour", ("housing",))
    camille, lea = make_member(maraude, username="camille"), make_member(maraude, username="lea")
    nadia, ali = make_member(csapa, username="nadia"), make_member(accueil, username="ali")
    jo = make_person(maraude, csapa, accueil, display_name="Jo")
    for team, by in ((maraude, camille), (csapa, nadia), (accueil, ali)):
        give_consent(jo, team, ["housing"], by=by)
    note = make_note(jo, camille, maraude, "housing", "Demande SIAO déposée")
    return {
        "jo": jo,
        "account": make_portal_account(jo, "jo"),
        "note": note,
        "teams": {"maraude": maraude, "csapa": csapa, "accueil": accueil},
        "readers": {"camille": camille, "lea": lea, "nadia": nadia, "ali": ali},
    }


def who_reads(api, w) -> set[str]:
    """Who gets the note, by its id and in the list of Jo's notes (both must agree)."""
    found = set()
    for name, user in w["readers"].items():
        by_id = api.as_(user).get(f"/api/v1/notes/{w['note'].pk}/").status_code == 200
        listed = api.as_(user).get(f"/api/v1/persons/{w['jo'].pk}/notes/").json()["results"]
        assert by_id == (w["note"].pk in [row["id"] for row in listed]), name
        if by_id:
            found.add(name)
    return found


def hide(api, w, team=None):
    body = {} if team is None else {"team": w["teams"][team].pk}
    response = api.as_(w["account"]).post(HIDE.format(w["note"].pk), body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_every_team_reads_the_note_before_it_is_hidden(api, world):
    assert who_reads(api, world) == {"camille", "lea", "nadia", "ali"}


def test_a_note_hidden_from_every_other_team_is_read_by_its_authors_team_only(api, world):
    hide(api, world)
    assert who_reads(api, world) == {"camille", "lea"}


def test_a_note_hidden_from_one_team_is_not_read_by_that_team_only(api, world):
    hide(api, world, "csapa")
    assert who_reads(api, world) == {"camille", "lea", "ali"}


def test_a_note_hidden_from_its_authors_team_is_still_read_by_its_author(api, world):
    hide(api, world, "maraude")
    assert who_reads(api, world) == {"camille", "nadia", "ali"}


def test_showing_it_again_restores_every_reader(api, world):
    hidden = hide(api, world)
    response = api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json")
    assert response.status_code == 200 and response.json()["lifted_at"]
    assert who_reads(api, world) == {"camille", "lea", "nadia", "ali"}


def test_an_emergency_access_does_not_open_a_hidden_note(api, world):
    jo, csapa, nadia = world["jo"], world["teams"]["csapa"], world["readers"]["nadia"]
    give_consent(jo, csapa, ["health"], by=nadia)  # housing no longer shared with the CSAPA
    hide(api, world, "csapa")
    glass.break_glass(
        user=nadia,
        person_id=jo.pk,
        team_id=csapa.pk,
        categories=["housing"],
        reason="danger_to_life",
        statement="Hospitalisé.",
    )
    assert api.as_(nadia).get(f"/api/v1/notes/{world['note'].pk}/").status_code == 404


def test_the_authors_team_decides_nothing_about_it(api, world):
    hidden = hide(api, world)
    for user in (world["readers"]["camille"], world["readers"]["lea"]):
        assert api.as_(user).post(SHOW.format(hidden["id"]), format="json").status_code == 403
        assert api.as_(user).post(HIDE.format(world["note"].pk), {}, format="json").status_code == 403
    assert NoteHiding.objects.get(pk=hidden["id"]).lifted_at is None


def test_another_persons_space_reaches_neither_the_note_nor_its_hiding(api, world):
    hidden = hide(api, world)
    sam = make_portal_account(make_person(world["teams"]["maraude"], display_name="Sam"), "sam")
    assert api.as_(sam).post(HIDE.format(world["note"].pk), {}, format="json").status_code == 404
    assert api.as_(sam).post(SHOW.format(hidden["id"]), format="json").status_code == 404


def test_only_a_following_team_can_be_named(api, world):
    elsewhere = make_team("Ailleurs")
    response = api.as_(world["account"]).post(
        HIDE.format(world["note"].pk), {"team": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400 and "team" in response.json()
    assert not NoteHiding.objects.exists()


def test_the_person_sees_a_hidden_note_as_hidden(api, web, world):
    hide(api, world, "csapa")
    rows = api.as_(world["account"]).get("/api/v1/portal/notes/").json()["results"]
    assert [(row["id"], row["hidden"]) for row in rows] == [(world["note"].pk, True)]
    page = web.as_(world["account"]).get("/portal/notes/").content.decode()
    assert "Demande SIAO déposée" in page and "Masquée pour CSAPA Est." in page


def test_a_hidden_note_stays_in_the_log_and_in_the_copy_of_the_data(api, world):
    hide(api, world)
    exported = api.as_(world["account"]).get("/api/v1/portal/export/").json()
    assert world["note"].pk in [n["id"] for n in exported["notes"]]
    assert [h["note"] for h in exported["hidden_notes"]] == [world["note"].pk]
    hid = AccessEvent.objects.get(action="note.hide")
    assert hid.person_id == world["jo"].pk and hid.data["object_ids"] == [world["note"].pk]


def test_the_authors_sentence_about_who_reads_leaves_out_the_team_it_is_hidden_from(api, web, world):
    """R11: Camille's "why can I see this?" for her own note names the teams that still read it."""
    hide(api, world, "csapa")
    page = web.as_(world["readers"]["camille"]).get(f"/persons/{world['jo'].pk}/").content.decode()
    article = page[page.index(f'aria-labelledby="note-{world["note"].pk}"') :]
    why = article[: article.index("</article>")]
    assert "Accueil de jour" in why and "CSAPA Est" not in why


def sentence_of(world) -> set[str]:
    """The teams the policy's readership says read the note now (what every R11 sentence is written
    from), by the names used in ``who_reads``'s members."""
    note = world["note"]
    readers = readership_of(world["jo"].pk).of_note(
        note.author_id, "housing", note_id=note.pk, team_id=note.team_id
    )
    members = {"maraude": {"camille", "lea"}, "csapa": {"nadia"}, "accueil": {"ali"}}
    named = {team.pk: name for name, team in world["teams"].items()}
    return {member for reading in readers.teams for member in members[named[reading.team_id]]}


@pytest.mark.parametrize("hidden_from", [None, "csapa", "maraude", "accueil", "everyone_else"])
def test_the_readership_says_of_a_hidden_note_exactly_who_reads_it(api, world, hidden_from):
    """R11 with the person's say: for each way of hiding the note, the teams the sentence names are
    the teams whose members the policy lets read it (its author aside, who always does)."""
    if hidden_from == "everyone_else":
        hide(api, world)
    elif hidden_from is not None:
        hide(api, world, hidden_from)
    assert sentence_of(world) | {"camille"} == who_reads(api, world) | {"camille"}


def test_a_note_shown_again_is_said_to_be_read_by_every_team_again(api, world):
    hidden = hide(api, world, "csapa")
    assert api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json").status_code == 200
    assert sentence_of(world) == who_reads(api, world) == {"camille", "lea", "nadia", "ali"}


def test_a_hiding_of_another_note_changes_nothing_said_of_this_one(api, world):
    other = make_note(world["jo"], world["readers"]["nadia"], world["teams"]["csapa"], "housing", "Autre")
    response = api.as_(world["account"]).post(HIDE.format(other.pk), {}, format="json")
    assert response.status_code == 201
    assert sentence_of(world) == {"camille", "lea", "nadia", "ali"}


def test_the_handover_does_not_count_a_hidden_note(web, world):
    hide_from = world["teams"]["csapa"]
    NoteHiding.objects.create(
        person=world["jo"], note=world["note"], team=hide_from, recorded_by=world["account"]
    )
    nadia = world["readers"]["nadia"]
    from records.handover import handover

    lines = handover(user=nadia).lines
    assert all(line.new_notes == 0 for line in lines)
    ali_lines = handover(user=world["readers"]["ali"]).lines
    assert [line.new_notes for line in ali_lines] == [1]


def test_a_space_restricted_after_a_reset_does_not_show_a_note_again(api, world):
    from consent.models import PortalInvitation, SpaceReset

    hidden = hide(api, world)
    now = timezone.now()
    SpaceReset.objects.create(
        invitation=PortalInvitation.objects.create(
            person=world["jo"], code_hash="0" * 64, created_by=world["readers"]["camille"], expires_at=now
        ),
        person=world["jo"],
        account=world["account"],
        code_made_by=world["readers"]["camille"],
        reset_at=now,
        watched_until=now + timedelta(hours=72),
        restricted=True,
        previous_password="x",
    )
    assert api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json").status_code == 403


def test_a_note_is_hidden_once_the_same_way_and_shown_again_once(api, world):
    hidden = hide(api, world, "csapa")
    again = api.as_(world["account"]).post(
        HIDE.format(world["note"].pk), {"team": world["teams"]["csapa"].pk}, format="json"
    )
    assert again.status_code == 400 and "team" in again.json()
    assert api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json").status_code == 200
    assert api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json").status_code == 400
    assert AccessEvent.objects.filter(action="note.show").count() == 1


def correct(api, w, note_id, body):
    response = api.as_(w["readers"]["camille"]).post(
        f"/api/v1/notes/{note_id}/correction/", {"body": body}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_hidden_note_stays_hidden_once_its_author_corrects_it(api, world):
    """The correction is the same note in new words: the teams it is hidden from read neither."""
    hide(api, world, "csapa")
    new = correct(api, world, world["note"].pk, "Demande SIAO déposée le 3 mars")

    def nadia():
        return api.as_(world["readers"]["nadia"])

    assert nadia().get(f"/api/v1/notes/{new}/").status_code == 404
    assert new not in [
        row["id"] for row in nadia().get(f"/api/v1/persons/{world['jo'].pk}/notes/").json()["results"]
    ]
    assert api.as_(world["readers"]["ali"]).get(f"/api/v1/notes/{new}/").status_code == 200
    mine = api.as_(world["account"]).get("/api/v1/portal/notes/").json()["results"]
    assert {row["id"]: row["hidden"] for row in mine} == {world["note"].pk: True, new: True}


def test_hiding_any_version_hides_every_version_and_showing_it_shows_them_all(api, world):
    new = correct(api, world, world["note"].pk, "Demande SIAO déposée le 3 mars")
    hidden = hide(api, world)  # Jo names the first version

    def nadia():
        return api.as_(world["readers"]["nadia"])

    assert [nadia().get(f"/api/v1/notes/{pk}/").status_code for pk in (world["note"].pk, new)] == [404, 404]
    event = AccessEvent.objects.get(action="note.hide")
    assert sorted(event.object_ids) == sorted([world["note"].pk, new])
    shown = api.as_(world["account"]).post(SHOW.format(hidden["id"]), format="json")
    assert shown.status_code == 200
    assert [nadia().get(f"/api/v1/notes/{pk}/").status_code for pk in (world["note"].pk, new)] == [200, 200]
    assert not NoteHiding.objects.filter(lifted_at__isnull=True).exists()
