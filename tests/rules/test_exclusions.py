""" "Not this person" (issue 24, item 1): a member the person keeps out gets, on every path, the 404 of
a person they do not follow, told nothing more; their team keeps reading; the rule names one
account, so a peer and a colleague are kept out alike (R3); the person may let them back."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from access.grants import readership_of
from audit.models import AccessEvent
from consent.models import Exclusion, NoteHiding
from consent.say import exclusions
from records.models import Note
from teams import services as team_services
from teams.models import Membership
from tests.factories import (
    SYSTEM,
    follow,
    give_consent,
    make_member,
    make_note,
    make_person,
    make_portal_account,
    make_team,
    representative_of,
)

KEEP_OUT = "/api/v1/persons/{}/exclusions/"
LIFT = "/api/v1/exclusions/{}/lift/"
WITH_JO = {"presence": "in_person", "confirmed": True}  # a worker acts with the person there


@pytest.fixture
def kept(person, team, worker, colleague, shared):
    """Jo keeps Léa out, with Camille; a note of Léa's own is there from before."""
    consent, note = shared
    own = make_note(person, colleague, team, "housing", "Écrite par Léa avant")
    exclusion = exclusions.keep_out(
        user=worker, person_id=person.pk, member_id=colleague.pk, presence="in_person", confirmed=True
    )
    return {"consent": consent, "note": note, "own": own, "exclusion": exclusion}


@pytest.fixture
def stranger(db):
    """A member of a team that does not follow Jo: what they get is what 'not followed' looks like."""
    return make_member(make_team("Ailleurs"), username="max")


def api_paths(person, kept, follow_up_id):
    """Every API path that names Jo, one of her notes, consents or follow-ups: method, url, body."""
    consent, note, own = kept["consent"], kept["note"], kept["own"]
    return [
        ("get", f"/api/v1/persons/{person.pk}/", None),
        ("get", f"/api/v1/persons/{person.pk}/notes/", None),
        ("post", f"/api/v1/persons/{person.pk}/notes/", {"team": 0, "category": "housing", "body": "x"}),
        ("get", f"/api/v1/notes/{note.pk}/", None),
        ("get", f"/api/v1/notes/{own.pk}/", None),
        ("post", f"/api/v1/notes/{own.pk}/correction/", {"body": "Corrigé"}),
        ("get", f"/api/v1/persons/{person.pk}/consents/", None),
        ("get", f"/api/v1/consents/{consent.pk}/receipt/", None),
        ("get", f"/api/v1/consents/{consent.pk}/fhir/", None),
        ("post", f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "oral"}),
        ("post", f"/api/v1/persons/{person.pk}/contact/", {"phone": "0600000000"}),
        ("post", f"/api/v1/follow-ups/{follow_up_id}/close/", None),
        ("post", f"/api/v1/persons/{person.pk}/portal-invitation/", None),
        ("get", f"/api/v1/persons/{person.pk}/representatives/", None),
        ("get", f"/api/v1/persons/{person.pk}/exclusions/", None),
        ("post", f"/api/v1/exclusions/{kept['exclusion'].pk}/lift/", None),
    ]


# Every path of the schema about one object of a person's record, by the prefix that names it.
PERSON_PREFIXES = (
    "/api/v1/persons/{id}/",
    "/api/v1/notes/{id}/",
    "/api/v1/consents/{id}/",
    "/api/v1/follow-ups/{id}/",
    "/api/v1/emergency-accesses/{id}/",
    "/api/v1/representatives/{id}/",
    "/api/v1/exclusions/{id}/",
)


def person_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith(PERSON_PREFIXES)
    )


def test_every_path_of_a_persons_record_is_tried():
    """A new path about a person's record joins the test below by itself, once its object is known."""
    prefixes = {path.split("{id}")[0] + "{id}/" for _, path in person_operations()}
    assert prefixes == set(PERSON_PREFIXES)


@pytest.mark.parametrize("method,path", person_operations())
def test_a_member_kept_out_gets_on_every_path_of_the_schema_what_a_stranger_gets(
    api, person, team, worker, colleague, stranger, kept, method, path
):
    """Each operation of the schema that names Jo or an object of her record: the member she keeps
    out gets the answer of a member of a team that does not follow her, and changes nothing."""
    from consent.models import GlassBreak

    emergency = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="Hospitalisé, injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )
    agent = representative_of(person, worker)
    ids = {
        "/api/v1/persons/{id}/": person.pk,
        "/api/v1/notes/{id}/": kept["own"].pk,
        "/api/v1/consents/{id}/": kept["consent"].pk,
        "/api/v1/follow-ups/{id}/": person.follow_ups.get(team=team).pk,
        "/api/v1/emergency-accesses/{id}/": emergency.pk,
        "/api/v1/representatives/{id}/": agent.pk,
        "/api/v1/exclusions/{id}/": kept["exclusion"].pk,
    }
    url = next(
        path.replace("{id}", str(value), 1) for prefix, value in ids.items() if path.startswith(prefix)
    )
    body = {"team": team.pk, "category": "housing", "body": "x", "method": "oral"}
    kept_out = answer(api, colleague, method, url, body)
    assert kept_out[0] in (400, 404), (method, url, kept_out)
    assert kept_out == answer(api, stranger, method, url, body), (method, url)
    assert GlassBreak.objects.get(pk=emergency.pk).ended_at is None


def answer(api, user, method, url, body):
    response = getattr(api.as_(user), method)(url, body, format="json")
    return response.status_code, response.json()


def test_a_member_kept_out_gets_on_every_api_path_what_a_stranger_gets(
    api, person, team, colleague, stranger, kept
):
    follow_up = person.follow_ups.get(team=team)
    for method, url, body in api_paths(person, kept, follow_up.pk):
        if body and "team" in body:
            body = {**body, "team": team.pk}
        kept_out = answer(api, colleague, method, url, body)
        assert kept_out[0] == 404, (url, kept_out)
        assert kept_out == answer(api, stranger, method, url, body), url


def test_a_member_kept_out_finds_the_person_in_no_list(api, person, team, worker, colleague, kept):
    give_consent(person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=10))

    def found(user):
        listed = api.as_(user).get("/api/v1/persons/").json()["results"]
        searched = api.as_(user).get(f"/api/v1/persons/?search={person.display_name}").json()["results"]
        renewals = api.as_(user).get("/api/v1/renewals/").json()
        return [
            person.pk in [row["id"] for row in listed],
            person.pk in [row["id"] for row in searched],
            person.pk in [row["person"]["id"] for row in renewals],
        ]

    assert found(worker) == [True, True, True]
    assert found(colleague) == [False, False, False]


def test_a_member_kept_out_gets_the_404_of_every_page(web, person, team, worker, colleague, stranger, kept):
    """Every page about Jo or an object of her record, asked and sent: the kept-out member gets
    what a member of a team that does not follow her gets, the 404 of what does not exist."""
    agent = representative_of(person, worker)
    consent, follow_up = kept["consent"].pk, person.follow_ups.get(team=team).pk
    pages = [
        f"/persons/{person.pk}/",
        f"/persons/{person.pk}/contact/",
        f"/persons/{person.pk}/emergency/",
        f"/persons/{person.pk}/representatives/",
        f"/persons/{person.pk}/exclusions/",
        f"/persons/{person.pk}/consents/new/",
        f"/persons/{person.pk}/portal-code/",
        f"/consents/{consent}/receipt/",
        f"/consents/{consent}/withdraw/",
        f"/consents/{consent}/evidence/",
        f"/notes/{kept['own'].pk}/correct/",
    ]
    sent = [
        f"/persons/{person.pk}/notes/new/",
        f"/persons/{person.pk}/follow-ups/new/",
        f"/persons/{person.pk}/contact/",
        f"/persons/{person.pk}/exclusions/",
        f"/consents/{consent}/withdraw/",
        f"/follow-ups/{follow_up}/close/",
        f"/exclusions/{kept['exclusion'].pk}/lift/",
        f"/representatives/{agent.pk}/end/",
        f"/representatives/{agent.pk}/code/",
    ]
    for user in (colleague, stranger):
        client = web.as_(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user.username, url)
        for url in sent:
            assert client.post(url, {"body": "x", "team": team.pk}).status_code == 404, (user.username, url)
    client = web.as_(colleague)
    for url in ("/persons/", f"/persons/?search={person.display_name}", "/handover/", "/renewals/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert f"/persons/{person.pk}/" not in page.content.decode(), url


def test_a_member_kept_out_is_not_told_why(api, person, colleague, stranger, kept):
    """The same answer and the same reason in the log as for a person their teams do not follow."""
    for user in (colleague, stranger):
        api.as_(user).get(f"/api/v1/persons/{person.pk}/")
    refusals = AccessEvent.objects.filter(person_id=person.pk, action="person.view", outcome="denied")
    assert {e.data["reason"] for e in refusals} == {"Hidden"}
    assert refusals.count() == 2


def test_their_team_keeps_reading(api, person, team, worker, peer, kept):
    for reader in (worker, peer):
        assert api.as_(reader).get(f"/api/v1/persons/{person.pk}/").status_code == 200
        notes = api.as_(reader).get(f"/api/v1/persons/{person.pk}/notes/").json()["results"]
        assert {row["id"] for row in notes} >= {kept["note"].pk, kept["own"].pk}


@pytest.mark.parametrize("peer_worker", [True, False], ids=["peer", "colleague"])
def test_a_peer_and_a_colleague_are_kept_out_alike(api, person, team, worker, shared, peer_worker):
    member = make_member(team, peer=peer_worker, profession="" if peer_worker else "psychologue")
    assert api.as_(member).get(f"/api/v1/persons/{person.pk}/").status_code == 200
    response = api.as_(worker).post(
        KEEP_OUT.format(person.pk), {"member": member.pk, **WITH_JO}, format="json"
    )
    assert response.status_code == 201
    assert api.as_(member).get(f"/api/v1/persons/{person.pk}/").status_code == 404
    assert api.as_(member).get(f"/api/v1/notes/{shared[1].pk}/").status_code == 404


def test_the_rule_follows_the_account_into_every_team(api, person, other_team, colleague, kept):
    """Kept out is a person, not a membership: joining another following team changes nothing."""
    follow(person, other_team)
    team_services.add_member(by=SYSTEM, team=other_team, user=colleague)
    Membership.objects.filter(user=colleague).update(commitment_accepted_at=timezone.now())
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").status_code == 404


def test_letting_back_restores_reading_and_is_recorded(api, person, worker, colleague, kept):
    exclusion = kept["exclusion"]
    response = api.as_(worker).post(LIFT.format(exclusion.pk), WITH_JO, format="json")
    assert response.status_code == 200 and response.json()["lifted_at"]
    assert api.as_(colleague).get(f"/api/v1/notes/{kept['note'].pk}/").status_code == 200
    assert AccessEvent.objects.filter(action="exclusion.lift", person_id=person.pk).count() == 1
    again = api.as_(worker).post(LIFT.format(exclusion.pk), WITH_JO, format="json")
    assert again.status_code == 400


def test_the_person_keeps_out_and_lets_back_in_their_space(api, web, person, colleague, shared):
    account = make_portal_account(person, "jo")
    candidates = api.as_(account).get("/api/v1/portal/exclusions/").json()["candidates"]
    assert colleague.pk in [c["member"] for c in candidates]
    made = api.as_(account).post("/api/v1/portal/exclusions/", {"member": colleague.pk}, format="json")
    assert made.status_code == 201
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").status_code == 404
    page = web.as_(account).get("/portal/exclusions/").content.decode()
    assert colleague.label in page and "Laisser" in page
    lifted = web.as_(account).post(f"/exclusions/{made.json()['id']}/lift/")
    assert lifted.status_code == 302
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").status_code == 200


def test_the_journal_tells_the_person(web, person, worker, kept):
    account = make_portal_account(person, "jo")
    journal = web.as_(account).get("/portal/journal/").content.decode()
    assert "ne doit pas lire votre dossier" in journal


def test_only_a_member_of_a_following_team_can_be_named(api, person, worker, stranger, shared):
    response = api.as_(worker).post(
        KEEP_OUT.format(person.pk), {"member": stranger.pk, **WITH_JO}, format="json"
    )
    assert response.status_code == 400 and "member" in response.json()
    assert not Exclusion.objects.exists()


def test_a_member_is_kept_out_once_at_a_time(api, person, worker, colleague, kept):
    response = api.as_(worker).post(
        KEEP_OUT.format(person.pk), {"member": colleague.pk, **WITH_JO}, format="json"
    )
    assert response.status_code == 400
    assert Exclusion.objects.filter(person=person).count() == 1


def test_a_member_kept_out_cannot_let_themselves_back(api, colleague, kept):
    assert api.as_(colleague).post(LIFT.format(kept["exclusion"].pk), format="json").status_code == 404
    assert Exclusion.objects.get(pk=kept["exclusion"].pk).lifted_at is None


def test_another_persons_space_cannot_reach_an_exclusion(api, team, kept):
    other = make_portal_account(make_person(team, display_name="Sam"), "sam")
    assert api.as_(other).post(LIFT.format(kept["exclusion"].pk), format="json").status_code == 404


def test_a_representative_does_not_keep_anyone_out(api, person, worker, colleague, shared):
    agent = representative_of(person, worker).account
    response = api.as_(agent).post("/api/v1/portal/exclusions/", {"member": colleague.pk}, format="json")
    assert response.status_code == 403
    assert not Exclusion.objects.exists()


def test_the_person_page_names_whom_the_team_reads_without(web, person, team, worker, kept):
    """R11: a colleague's sentence about who reads names the member the person keeps out."""
    note = Note.objects.get(pk=kept["note"].pk)
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert note.body in page
    assert f"Maraude Nord sauf {kept['exclusion'].member.label}" in page


def test_the_readership_names_for_each_team_exactly_the_members_kept_out_now(
    api, person, team, other_team, worker, colleague, peer, kept
):
    """R11 with the person's say: each team's reading names the members of that team the person
    keeps out now, and no one else: not a member let back in, not another team's, not a member of
    the team still reading. A hidden note beside them changes none of it."""
    nadia, yanis = make_member(other_team, username="nadia"), make_member(other_team, username="yanis")
    follow(person, other_team)
    give_consent(person, other_team, ["contact"], by=nadia)
    exclusions.keep_out(
        user=nadia, person_id=person.pk, member_id=yanis.pk, presence="in_person", confirmed=True
    )
    let_back = exclusions.keep_out(
        user=worker, person_id=person.pk, member_id=peer.pk, presence="in_person", confirmed=True
    )
    exclusions.let_back(user=worker, exclusion_id=let_back.pk, presence="in_person", confirmed=True)
    NoteHiding.objects.create(person=person, note=kept["note"], team=other_team, recorded_by=worker)
    said = {reading.team_id: set(reading.kept_out) for reading in readership_of(person.pk).of("contact")}
    refused = {
        member.username: api.as_(member).get(f"/api/v1/persons/{person.pk}/").status_code == 404
        for member in (worker, colleague, peer, nadia, yanis)
    }
    assert refused == {"camille": False, "lea": True, "sami": False, "nadia": False, "yanis": True}
    assert said == {team.pk: {colleague.label}, other_team.pk: {yanis.label}}


def test_a_worker_keeps_a_member_out_with_the_person_on_the_page(web, api, person, worker, colleague, shared):
    page = web.as_(worker).get(f"/persons/{person.pk}/exclusions/").content.decode()
    assert colleague.label in page
    form = {"member": colleague.pk, "presence": "in_person", "confirmed": "on"}
    alone = web.as_(worker).post(f"/persons/{person.pk}/exclusions/", {"member": colleague.pk})
    assert alone.status_code == 400 and "Seule la personne" in alone.content.decode()
    response = web.as_(worker).post(f"/persons/{person.pk}/exclusions/", form)
    assert response.status_code == 302
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").status_code == 404
    refused = web.as_(worker).post(f"/persons/{person.pk}/exclusions/", form)
    assert refused.status_code == 400  # kept out already: said on the form, nothing more recorded
    assert Exclusion.objects.filter(person=person).count() == 1


def test_the_persons_space_says_whom_each_team_reads_without(web, person, colleague, kept):
    """R11 in the portal: "this team sees it", except the member the person keeps out."""
    page = web.as_(make_portal_account(person, "jo")).get("/portal/").content.decode()
    assert f"Sauf {colleague.label}, comme vous l’avez choisi." in page


def test_a_member_kept_out_cannot_end_the_teams_emergency_access_to_the_person(
    web, person, team, worker, colleague, kept
):
    """Ending it would show them whose it is: the page answers the stranger's 404, and it runs on."""
    from consent.models import GlassBreak

    emergency = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=worker,
        reason="cannot_be_asked",
        statement="Hospitalisé, injoignable.",
        ends_at=timezone.now() + timedelta(hours=4),
    )
    page = web.as_(colleague).post(f"/emergency-accesses/{emergency.pk}/end/", {"confirmed": "yes"})
    shown = page.content.decode()
    assert page.status_code == 404 and "injoignable" not in shown and not re.search(r"\bJo\b", shown)
    assert GlassBreak.objects.get(pk=emergency.pk).ended_at is None


def test_a_worker_alone_neither_keeps_out_nor_lets_back(api, person, worker, colleague, shared):
    """The person's say, through a worker only with the person there: without who is present and the
    confirmation, a 400 on each field, and nothing changes; with them, the event says who was there."""
    alone = api.as_(worker).post(KEEP_OUT.format(person.pk), {"member": colleague.pk}, format="json")
    assert alone.status_code == 400 and set(alone.json()) >= {"presence", "confirmed"}
    assert not Exclusion.objects.exists()
    made = api.as_(worker).post(
        KEEP_OUT.format(person.pk), {"member": colleague.pk, **WITH_JO}, format="json"
    )
    assert made.status_code == 201
    refused = api.as_(worker).post(LIFT.format(made.json()["id"]), {"presence": "by_phone"}, format="json")
    assert refused.status_code == 400 and "confirmed" in refused.json()
    assert Exclusion.objects.get().lifted_at is None
    lifted = api.as_(worker).post(
        LIFT.format(made.json()["id"]), {**WITH_JO, "presence": "by_phone"}, format="json"
    )
    assert lifted.status_code == 200
    reasons = {e.action: e.reason for e in AccessEvent.objects.filter(action__startswith="exclusion.")}
    assert reasons == {"exclusion.record": "in_person", "exclusion.lift": "by_phone"}
