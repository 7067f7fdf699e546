"""R1: a note is readable by its author alone until the person consents to share its category."""

from audit.models import AccessEvent
from tests.factories import give_consent, make_note, make_person


def note_ids(api, user, person):
    response = api.as_(user).get(f"/api/v1/persons/{person.pk}/notes/")
    assert response.status_code == 200, response.content
    return [n["id"] for n in response.json()["results"]]


def test_author_reads_own_note_before_any_consent(api, person, team, worker):
    note = make_note(person, worker, team, "housing")
    assert note_ids(api, worker, person) == [note.pk]


def test_teammate_does_not_read_a_note_before_consent(api, person, team, worker, colleague):
    make_note(person, worker, team, "housing")
    assert note_ids(api, colleague, person) == []


def test_teammate_gets_404_on_an_unshared_note(api, person, team, worker, colleague):
    note = make_note(person, worker, team, "housing")
    assert api.as_(colleague).get(f"/api/v1/notes/{note.pk}/").status_code == 404


def test_consent_opens_the_note_to_the_team(api, person, team, worker, colleague):
    note = make_note(person, worker, team, "housing")
    give_consent(person, team, ["housing"], by=worker)
    assert note_ids(api, colleague, person) == [note.pk]
    assert api.as_(colleague).get(f"/api/v1/notes/{note.pk}/").json()["body"] == note.body


def test_consent_to_one_category_does_not_open_another(api, person, team, worker, colleague):
    make_note(person, worker, team, "support_plan")
    give_consent(person, team, ["housing"], by=worker)
    assert note_ids(api, colleague, person) == []


def test_note_written_through_the_api_is_private_until_consent(api, person, team, worker, colleague):
    response = api.as_(worker).post(
        f"/api/v1/persons/{person.pk}/notes/", {"team": team.pk, "category": "housing", "body": "Nuit au 115"}
    )
    assert response.status_code == 201, response.content
    assert note_ids(api, colleague, person) == []
    assert note_ids(api, worker, person) == [response.json()["id"]]


def test_refusal_keeps_notes_private(api, person, team, worker, colleague):
    make_note(person, worker, team, "housing")
    give_consent(person, team, [], by=worker)
    assert note_ids(api, colleague, person) == []


def test_the_rule_for_many_persons_is_the_rule_for_one(person, team, other_team, worker, colleague):
    """``readable_notes`` asked about several persons at once (the handover counts new notes so) is
    the rule for each of them: the member's own notes, even of a person the member is granted nothing
    of, each person's granted categories, and nothing of a person it was not asked about."""
    from access.grants import grants_for
    from access.rules import readable_notes
    from access.who_is_asking import member_for

    other, third = make_person(team), make_person(team)
    elsewhere = make_person(other_team)
    give_consent(person, team, ["housing"], by=worker)
    give_consent(other, team, ["contact"], by=worker)
    written = [
        make_note(someone, author, team, code)
        for someone in (person, other, third, elsewhere)
        for author in (worker, colleague)
        for code in ("housing", "contact")
    ]
    member = member_for(colleague)
    asked = [person, other, third]
    grants = grants_for(member, [p.pk for p in asked])
    many = set(readable_notes(member, [p.pk for p in asked], grants).values_list("pk", flat=True))
    one_by_one = set()
    for someone in asked:
        alone = {someone.pk: grants.get(someone.pk, {})}
        one_by_one |= set(readable_notes(member, [someone.pk], alone).values_list("pk", flat=True))
    shared = {(person.pk, "housing"), (other.pk, "contact")}
    expected = {
        n.pk
        for n in written
        if n.person_id != elsewhere.pk and (n.author == colleague or (n.person_id, n.category.code) in shared)
    }
    assert many == one_by_one == expected
    assert not readable_notes(member, [], {}).exists()


def test_author_reads_own_note_by_its_id_before_any_consent_and_the_read_is_recorded(
    api, person, team, worker
):
    note = make_note(person, worker, team, "housing")
    response = api.as_(worker).get(f"/api/v1/notes/{note.pk}/")
    assert response.status_code == 200 and response.json()["id"] == note.pk
    read = AccessEvent.objects.get(action="note.view", actor_id=worker.pk)
    assert (read.outcome, read.person_id, read.object_type, read.object_ids) == (
        "allowed",
        person.pk,
        "note",
        [note.pk],
    )
