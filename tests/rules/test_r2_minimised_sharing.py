"""R2: a team reads category C of person P only if it follows P, P consented C for it, and its mission needs C."""

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.models import Consent
from records import follow_ups
from teams import services as team_services
from teams.models import Membership
from tests.factories import UserFactory, give_consent, informed, make_member, make_note, make_person


def notes(api, user, person):
    response = api.as_(user).get(f"/api/v1/persons/{person.pk}/notes/")
    return response.status_code, [n["id"] for n in response.json().get("results", [])]


def test_other_team_reads_nothing_without_its_own_consent(api, person, team, other_team, worker):
    nurse = make_member(other_team)
    make_note(person, worker, team, "contact")
    give_consent(person, team, ["contact"], by=worker)
    assert api.as_(nurse).get(f"/api/v1/persons/{person.pk}/").status_code == 404
    api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/follow-ups/",
        {"team": other_team.pk, "presence": "in_person", "confirmed": True},
    )
    assert notes(api, nurse, person) == (200, [])


def test_other_team_reads_the_categories_consented_to_it(api, person, team, other_team, worker):
    nurse = make_member(other_team)
    api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/follow-ups/",
        {"team": other_team.pk, "presence": "in_person", "confirmed": True},
    )
    note = make_note(person, worker, team, "contact")
    give_consent(person, other_team, ["contact"], by=worker)
    assert notes(api, nurse, person) == (200, [note.pk])


def test_category_outside_the_team_mission_stays_hidden(api, person, team, other_team, worker, colleague):
    """The consent's own team's mission decides, whatever another team's mission needs (the CSAPA
    needs health)."""
    make_note(person, worker, team, "health")  # Maraude Nord does not need health
    # A consent naming it cannot even be recorded...
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/consents/",
        {"team": team.pk, "categories": ["health"], "purpose": "suivi", "method": "oral", **informed()},
    )
    assert response.status_code == 400 and "categories" in response.json()
    # ...and one recorded before the mission changed opens nothing once the category is dropped.
    team.continuity_categories.add(*team.continuity_categories.model.objects.filter(code="health"))
    give_consent(person, team, ["health"], by=worker)
    team.continuity_categories.remove(*team.continuity_categories.model.objects.filter(code="health"))
    assert notes(api, colleague, person) == (200, [])


def test_closed_follow_up_cuts_access(api, person, team, other_team, worker):
    nurse = make_member(other_team)
    follow_up = (
        api.as_(worker)
        .post(
            f"/api/v1/persons/{person.pk}/follow-ups/",
            {"team": other_team.pk, "presence": "in_person", "confirmed": True},
        )
        .json()
    )
    give_consent(person, other_team, ["contact"], by=worker)
    make_note(person, worker, team, "contact")
    assert api.as_(worker).post(f"/api/v1/follow-ups/{follow_up['id']}/close/").status_code == 200
    assert api.as_(nurse).get(f"/api/v1/persons/{person.pk}/notes/").status_code == 404


def test_a_consent_counts_only_while_its_team_follows_the_person(api, person, team, other_team, worker):
    """A member of two teams still reaches the person through the one that follows them; the other
    team, which holds the consent, closed its follow-up: its consent opens nothing any more, not even
    to a member who reaches the person another way."""
    both = make_member(team)
    team_services.add_member(by=UserFactory(is_manager=True), team=other_team, user=both)
    Membership.objects.filter(user=both).update(commitment_accepted_at=timezone.now())
    follow_up = follow_ups.open_follow_up(
        user=worker, person_id=person.pk, team_id=other_team.pk, presence="in_person", confirmed=True
    )
    note = make_note(person, worker, team, "contact")
    give_consent(person, other_team, ["contact"], by=worker)  # the member's first team has no consent
    assert notes(api, both, person) == (200, [note.pk])
    follow_ups.close_follow_up(user=worker, follow_up_id=follow_up.pk)
    assert notes(api, both, person) == (200, [])
    assert api.as_(both).get(f"/api/v1/notes/{note.pk}/").status_code == 404
    body = api.as_(both).get(f"/api/v1/persons/{person.pk}/").json()
    assert body["visible_categories"] == [] and "phone" not in body


def test_contact_fields_need_the_contact_category(api, team, worker, colleague):
    person = make_person(team, phone="06 00 00 00 01")
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert "phone" not in body and "address" not in body
    give_consent(person, team, ["contact"], by=worker)
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert body["phone"] == "06 00 00 00 01"


@pytest.mark.parametrize("categories", [[], ["housing"]], ids=["no consent", "consent without contact"])
def test_who_may_not_read_contact_details_may_not_overwrite_them(api, team, worker, colleague, categories):
    """R1 for writes: the contact details stay as they are, and the refusal is on the record, naming
    the person, so that their journal shows the attempt (R5)."""
    person = make_person(team, phone="06 00 00 00 01")
    if categories:
        give_consent(person, team, categories, by=worker)
    response = api.as_(colleague).post(f"/api/v1/persons/{person.pk}/contact/", {"phone": "06 99 99 99 99"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.phone == "06 00 00 00 01"
    event = AccessEvent.objects.filter(outcome="denied").get()
    assert (event.action, event.actor_id, event.person_id, event.object_type, event.object_ids) == (
        "person.update",
        colleague.pk,
        person.pk,
        "person",
        [person.pk],
    )
    assert event.reason == "ContactNotShared"


def test_the_contact_page_shows_the_details_the_consent_shares(web, team, worker, colleague):
    person = make_person(team, phone="06 00 00 00 01")
    give_consent(person, team, ["contact"], by=worker)
    page = web.as_(colleague).get(f"/persons/{person.pk}/contact/")
    assert page.status_code == 200 and "06 00 00 00 01" in page.content.decode()


def test_identity_is_visible_to_every_following_team(api, person, colleague):
    body = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert body["display_name"] == "Jo"
    assert body["visible_categories"] == []


def test_expired_consent_opens_nothing(api, person, team, worker, colleague):
    from django.utils import timezone

    make_note(person, worker, team, "housing")
    consent = give_consent(person, team, ["housing"], by=worker)
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.now() - timezone.timedelta(seconds=1))
    assert notes(api, colleague, person) == (200, [])


def test_the_person_pages_one_decision_agrees_with_the_two_it_replaces(person, team, other_team, worker):
    """The person page decides the member's grants and who reads each category in one statement: it
    must give exactly what ``grants_for`` and ``readership_of`` (the portal's, the note form's) give."""
    from datetime import timedelta

    from django.utils import timezone

    from access.grants import grants_and_readership, grants_for, readership_of
    from access.who_is_asking import member_for
    from consent.consents import services
    from teams.models import Category
    from tests.factories import follow, make_team

    third = make_team("Accueil de jour", ("contact", "housing"))
    follow(person, other_team)
    follow(person, third)
    make_member(other_team)
    give_consent(person, team, ["contact", "housing"], by=worker)
    give_consent(person, other_team, ["contact", "health", "addiction"], by=worker)
    other_team.continuity_categories.remove(Category.objects.get(code="addiction"))  # no longer its mission
    withdrawn = give_consent(person, third, ["contact"], by=worker)
    services.withdraw_consent(user=worker, consent_id=withdrawn.pk, method="oral")
    member = member_for(worker)

    grants, readership = grants_and_readership(member, person.pk)

    assert grants == grants_for(member, [person.pk])[person.pk]
    assert readership == readership_of(person.pk)
    shared = {t.pk: set(readership.of_team(t.pk)) for t in (team, other_team, third)}
    assert shared == {team.pk: {"contact", "housing"}, other_team.pk: {"contact", "health"}, third.pk: set()}
    expired = Consent.objects.filter(team=team).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert expired == 1 and grants_and_readership(member, person.pk)[0] == {}


def test_an_emergency_access_opens_categories_never_the_identity_and_search_agrees(
    api, team, worker, colleague
):
    person = make_person(team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    person.created_by = None
    person.save(update_fields=["created_by"])
    opened = api.as_(colleague).post(
        f"/api/v1/persons/{person.pk}/emergency-access/",
        {
            "team": team.pk,
            "categories": ["housing"],
            "reason": "cannot_be_asked",
            "statement": "Injoignable.",
        },
        format="json",
    )
    assert opened.status_code == 201, opened.content
    shown = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert shown["display_name"] == "Jo" and "last_name" not in shown and "Marchand" not in str(shown)
    found = api.as_(colleague).get("/api/v1/persons/", {"search": "Marchand"}).json()["results"]
    assert found == []
    give_consent(person, team, ["housing"], by=worker)
    assert api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()["last_name"] == "Marchand"
    assert [
        p["id"] for p in api.as_(colleague).get("/api/v1/persons/", {"search": "Marchand"}).json()["results"]
    ] == [person.pk]


def test_a_consent_to_another_team_shows_the_identity_to_that_team_only(
    api, team, other_team, worker, colleague
):
    person = make_person(team, other_team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    person.created_by = None
    person.save(update_fields=["created_by"])
    nurse = make_member(other_team)
    give_consent(person, other_team, ["contact"], by=worker)
    shown = api.as_(colleague).get(f"/api/v1/persons/{person.pk}/").json()
    assert shown["display_name"] == "Jo" and "Marchand" not in str(shown)
    assert api.as_(colleague).get("/api/v1/persons/", {"search": "Marchand"}).json()["results"] == []
    found = api.as_(nurse).get("/api/v1/persons/", {"search": "Marchand"}).json()["results"]
    assert [p["id"] for p in found] == [person.pk]


def test_the_list_of_persons_shows_a_name_used_only_before_the_first_consent(api, team, colleague):
    """R2 in lists as on the record: before a consent that shares something, a following team sees
    the name the person goes by, never the names and birth date written by someone else."""
    person = make_person(team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    person.created_by = None
    person.save(update_fields=["created_by"])
    [row] = [p for p in api.as_(colleague).get("/api/v1/persons/").json()["results"] if p["id"] == person.pk]
    assert row["display_name"] == "Jo" and "Marchand" not in str(row) and "Joëlle" not in str(row)


def test_the_list_of_persons_shows_the_names_once_a_consent_shares_something(api, team, worker, colleague):
    """And after it, the list shows each person's names by that person's own consent: not another
    person's, not the reader's having written the record."""
    shared = make_person(team, display_name="Jo", first_name="Joëlle", last_name="Marchand")
    unshared = make_person(team, display_name="Sam", first_name="Samir", last_name="Benali")
    type(shared).objects.filter(pk__in=[shared.pk, unshared.pk]).update(created_by=None)
    give_consent(shared, team, ["housing"], by=worker)
    rows = {p["id"]: str(p) for p in api.as_(colleague).get("/api/v1/persons/").json()["results"]}
    assert "Marchand" in rows[shared.pk] and "Benali" not in rows[unshared.pk]
    listed = AccessEvent.objects.filter(action="person.list", actor_id=colleague.pk)
    assert {(e.person_id, e.object_type, tuple(e.object_ids)) for e in listed} == {
        (shared.pk, "person", (shared.pk,)),
        (unshared.pk, "person", (unshared.pk,)),
    }


def test_a_summary_of_many_persons_reads_each_persons_own_categories_and_hidings(
    person, team, other_team, worker, colleague
):
    """One rule for many persons at once (the handover): persons granted alike share one condition,
    yet each reads only what their own consent opens, and a note hidden by one person from the team
    stays hidden while the same category of another person's record is read."""
    from access.grants import grants_for
    from access.rules import readable_notes
    from access.who_is_asking import member_for
    from consent.models import NoteHiding

    others = [make_person(team, display_name=f"Personne {i}") for i in range(3)]
    for someone in (person, *others[:2]):
        give_consent(someone, team, ["housing"], by=worker)
    give_consent(others[2], team, ["housing", "contact"], by=worker)
    written = {
        (someone.pk, code): make_note(someone, worker, team, code)
        for someone in (person, *others)
        for code in ("housing", "contact")
    }
    hidden = written[(others[0].pk, "housing")]
    NoteHiding.objects.create(person=others[0], note=hidden, team=team, recorded_by=worker)

    member = member_for(colleague)
    ids = [person.pk, *(o.pk for o in others)]
    read = set(readable_notes(member, ids, grants_for(member, ids)).values_list("pk", flat=True))

    expected = {
        written[(person.pk, "housing")].pk,
        written[(others[1].pk, "housing")].pk,
        written[(others[2].pk, "housing")].pk,
        written[(others[2].pk, "contact")].pk,
    }
    assert read == expected
