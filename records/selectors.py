"""Reads of person data. Each one goes through the policy and records what it disclosed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from audit import recorder
from audit.recorder import Event
from consent import policy
from consent.policy import Grant, Reader
from records.models import FollowUp, Note, Person


@dataclass
class PersonView:
    """A person as one reader may see them: contact is ``None`` when not theirs to see."""

    person: Person
    categories: list[str]
    contact: dict[str, str] | None
    follow_ups: list[FollowUp] = field(default_factory=list)


def reader(user, action: str, *, object_type: str = "", object_ids=(), person_id=None) -> Reader:
    """The policy's reader for ``user``, recording a refusal as a denied ``action``."""
    with recorder.denials(user, action, object_type=object_type, object_ids=object_ids, person_id=person_id):
        return policy.reader_for(user)


def followed_persons(*, user, search: str = "") -> tuple[Reader, QuerySet[Person]]:
    """Persons the user's teams follow, without contact fields (they are fetched for those allowed)."""
    member = reader(user, "person.list", object_type="person")
    persons = policy.followed_persons(member).defer(*Person.CONTACT_FIELDS)
    if search:
        persons = persons.filter(
            Q(display_name__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
        )
    return member, persons


def _contact_of(person_ids: list[int]) -> dict[int, dict[str, str]]:
    if not person_ids:
        return {}
    rows = Person.objects.filter(pk__in=person_ids).values("pk", *Person.CONTACT_FIELDS)
    return {row.pop("pk"): row for row in rows}


def _person_event(action: str, person: Person, grants: dict[str, Grant]) -> Event:
    contact = grants.get(policy.CONTACT)
    return Event(
        action=action,
        person_id=person.pk,
        object_type="person",
        object_ids=[person.pk],
        categories=[policy.CONTACT] if contact else [],
        consent_id=contact.consent_id if contact else None,
        team_id=contact.team_id if contact else None,
    )


def disclose_persons(
    *, member: Reader, persons: list[Person], action: str = "person.list"
) -> list[PersonView]:
    """Decide the visible fields of a page of persons and record one event per person (R5)."""
    grants = policy.grants_for(member, [p.pk for p in persons])
    contacts = _contact_of([p.pk for p in persons if policy.may_see_contact(grants.get(p.pk, {}))])
    views = [
        PersonView(person=p, categories=sorted(grants.get(p.pk, {})), contact=contacts.get(p.pk))
        for p in persons
    ]
    recorder.record(member.user, *(_person_event(action, p, grants.get(p.pk, {})) for p in persons))
    return views


def person_detail(*, user, person_id: int) -> PersonView:
    member = reader(user, "person.view", object_type="person", object_ids=[person_id], person_id=person_id)
    with recorder.denials(
        user, "person.view", object_type="person", object_ids=[person_id], person_id=person_id
    ):
        person = policy.person_for(member, person_id)
    view = disclose_persons(member=member, persons=[person], action="person.view")[0]
    view.follow_ups = list(
        FollowUp.objects.filter(person=person, closed_at__isnull=True).select_related("team")
    )
    return view


def person_notes(*, user, person_id: int) -> tuple[Reader, Person, dict[str, Grant], QuerySet[Note]]:
    """The notes of a person that the user may read, newest first (R1, R2, R9)."""
    member = reader(user, "note.list", object_type="note", person_id=person_id)
    with recorder.denials(user, "note.list", object_type="note", person_id=person_id):
        person = policy.person_for(member, person_id)
    grants = policy.grants_for(member, [person.pk]).get(person.pk, {})
    notes = policy.readable_notes(member, person, grants).select_related("category", "author", "team")
    return member, person, grants, notes


def note_events(action: str, person_id: int, notes: list[Note], grants: dict[str, Grant]) -> list[Event]:
    """One event per consent that allowed part of the disclosure (usually one); own notes need none."""
    by_grant: dict[Grant | None, list[Note]] = defaultdict(list)
    for note in notes:
        by_grant[grants.get(note.category.code)].append(note)
    if not by_grant:
        by_grant[None] = []
    return [
        Event(
            action=action,
            person_id=person_id,
            object_type="note",
            object_ids=[n.pk for n in group],
            categories=[n.category.code for n in group],
            consent_id=grant.consent_id if grant else None,
            team_id=grant.team_id if grant else None,
            reason="" if grant else "author",
        )
        for grant, group in by_grant.items()
    ]


def disclose_notes(
    *, member: Reader, person: Person, grants: dict[str, Grant], notes: list[Note]
) -> list[Note]:
    recorder.record(member.user, *note_events("note.list", person.pk, notes, grants))
    return notes


def note_detail(*, user, note_id: int) -> Note:
    member = reader(user, "note.view", object_type="note", object_ids=[note_id])
    with recorder.denials(user, "note.view", object_type="note", object_ids=[note_id]):
        note, grants = policy.note_for(member, note_id)
    recorder.record(user, *note_events("note.view", note.person_id, [note], grants))
    return note


@dataclass
class PersonPage:
    """Everything a member's page about one person shows, each part disclosed and recorded as its
    API call would be."""

    view: PersonView
    consents: list
    notes: list[Note]
    grants: dict[str, Grant]
    my_following_teams: list
    shared: dict[int, set[str]]
    other_teams: list


def person_page(*, user, person_id: int, notes_limit: int = 100) -> PersonPage:
    """The person, their notes and their consents, decided once (one reader, one person, one set of
    grants) and recorded as the three API calls would be: person.view, note.list, consent.view."""
    from consent import services as consent_services
    from teams.models import Team

    member = reader(user, "person.view", object_type="person", object_ids=[person_id], person_id=person_id)
    with recorder.denials(
        user, "person.view", object_type="person", object_ids=[person_id], person_id=person_id
    ):
        person = policy.person_for(member, person_id)
    grants = policy.grants_for(member, [person.pk]).get(person.pk, {})
    view = PersonView(
        person=person,
        categories=sorted(grants),
        contact=_contact_of([person.pk]).get(person.pk) if policy.may_see_contact(grants) else None,
        follow_ups=list(
            FollowUp.objects.filter(person=person, closed_at__isnull=True).select_related("team")
        ),
    )
    notes = list(
        policy.readable_notes(member, person, grants).select_related("category", "author", "team")[
            :notes_limit
        ]
    )
    consents = list(consent_services.consents_of(person))
    recorder.record(
        user,
        _person_event("person.view", person, grants),
        *note_events("note.list", person.pk, notes, grants),
    )
    consent_services.disclose_consents(user=user, person=person, consents=consents)
    following = {f.team_id: f.team for f in view.follow_ups}
    mine = [team for team_id, team in following.items() if team_id in member.team_ids]
    return PersonPage(
        view=view,
        consents=consents,
        notes=notes,
        grants=grants,
        my_following_teams=sorted(mine, key=lambda t: t.name),
        shared=policy.shared_with_teams(following, person.pk),
        other_teams=list(Team.objects.exclude(pk__in=following).order_by("name")),
    )


def writer_teams(*, user, person_id: int) -> list:
    """The user's teams that follow the person: those a note about them may be written for."""
    from teams.models import Team

    member = reader(user, "note.create", object_type="note", person_id=person_id)
    with recorder.denials(user, "note.create", object_type="note", person_id=person_id):
        person = policy.person_for(member, person_id)
    following = FollowUp.objects.filter(person=person, closed_at__isnull=True, team_id__in=member.team_ids)
    return list(Team.objects.filter(pk__in=following.values("team_id")).order_by("name"))
