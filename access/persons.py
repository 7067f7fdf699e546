"""A person as one member may see them, and how a member reaches one: the one read that records and
consent both start from (the person page, the API's person, the consent form's heading, the lists
of persons), so that what it discloses and records is decided once, here, from the policy.

``readable_person`` establishes the member and their grants for a person (a refusal is recorded and raised by
``access_person``); ``person_view`` and ``views_for`` decide the visible fields (contact with
a consent that shares it, the identity with the first consent) and record one event per person (R5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from access import compiled
from access.grants import Grants, grants_and_readership, grants_for, may_see_contact, may_see_identity
from access.reach import access_person
from access.readership import Readership
from access.who_is_asking import Member
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from records.models import CONTACT, FollowUp, Person
from teams.models import Team, User


@dataclass
class PersonView:
    """A person as one member may see them: contact is ``None`` when not theirs to see."""

    person: Person
    categories: list[str]
    contact: dict[str, str] | None
    follow_ups: list[FollowUp] = field(default_factory=list)
    identity: bool = True  # names and birth date: with the first consent that shares something


@dataclass(frozen=True)
class ReadablePerson:
    """A person reached by a member, with the categories granted: decided once per request."""

    member: Member
    person: Person
    grants: Grants
    readership: Readership = field(default_factory=Readership)  # asked with ``readers=True``


def readable_person(
    user: User, person_id: int, *, action: str, object_type: str = "person", readers: bool = False
) -> ReadablePerson:
    """The person and the member's grants; with ``readers``, also who reads each category of them
    now and why (``grants_and_readership``), decided in the same statement."""
    access = access_person(user, person_id, action=action, object_type=object_type)
    if readers:
        grants, readership = grants_and_readership(access.member, access.person.pk)
        return ReadablePerson(
            member=access.member, person=access.person, grants=grants, readership=readership
        )
    grants = grants_for(access.member, [access.person.pk]).get(access.person.pk, {})
    return ReadablePerson(member=access.member, person=access.person, grants=grants)


def _contact_of(person_ids: list[int]) -> dict[int, dict[str, str]]:
    if not person_ids:
        return {}
    rows = Person.objects.filter(pk__in=person_ids).values("pk", *Person.CONTACT_FIELDS)
    return {row.pop("pk"): row for row in rows}


def _person_event(action: str, person: Person, grants: Grants) -> Event:
    contact = grants.get(CONTACT)
    return Event(
        action=action,
        person_id=person.pk,
        object_type="person",
        object_ids=[person.pk],
        categories=[CONTACT] if contact else [],
        consent_id=contact.consent_id if contact else None,
        team_id=contact.team_id if contact else None,
        glass_break_id=contact.glass_break_id if contact else None,
    )


def views_for(
    member: Member, persons: Sequence[Person], action: str, grants: Mapping[int, Grants] | None = None
) -> list[PersonView]:
    """Decide the visible fields of a page of persons and record one event per person (R5); every
    list of persons (the search, the handover) shows them through this."""
    if grants is None:  # a caller that decided them in this request already passes them
        grants = grants_for(member, [p.pk for p in persons])
    contacts = _contact_of([p.pk for p in persons if may_see_contact(grants.get(p.pk, {}))])
    views = [
        PersonView(
            person=p,
            categories=sorted(grants.get(p.pk, {})),
            contact=contacts.get(p.pk),
            identity=may_see_identity(member, p, grants.get(p.pk, {})),
        )
        for p in persons
    ]
    recorder.record(member.user, *(_person_event(action, p, grants.get(p.pk, {})) for p in persons))
    return views


def _contact_row(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    contact: QuerySet[Any] = Person.objects.filter(pk=ids["person"][0]).values(*Person.CONTACT_FIELDS)
    return contact


# A follow-up and its team, whole, as ``select_related("team")`` reads them: one row each.
_FOLLOW_UP = tuple(FollowUp._meta.concrete_fields)
_TEAM = tuple(Team._meta.concrete_fields)


def _follow_up_rows(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    following = FollowUp.objects.filter(person_id=ids["person"][0], closed_at__isnull=True)
    rows: QuerySet[Any] = following.values(*(f.name for f in _FOLLOW_UP), *(f"team__{f.name}" for f in _TEAM))
    return rows


def _follow_up(row: Mapping[str, Any], person: Person) -> FollowUp:
    follow_up = FollowUp.from_db(None, [f.attname for f in _FOLLOW_UP], [row[f.name] for f in _FOLLOW_UP])
    follow_up.person = person
    follow_up.team = Team.from_db(None, [f.attname for f in _TEAM], [row[f"team__{f.name}"] for f in _TEAM])
    return follow_up


def person_view(reached: ReadablePerson, *, action: str = Action.PERSON_VIEW) -> PersonView:
    """The person as the member may see them, with the teams that follow them; recorded. Its two
    statements (the contact details, the follow-ups and their teams) are compiled once
    (``access.compiled``): the ORM built them at every person page, for more time than they ran."""
    ids = {"person": [reached.person.pk]}
    now = timezone.now()
    contact = (
        next(iter(compiled.values("persons:contact", _contact_row, ids, now)), None)
        if may_see_contact(reached.grants)
        else None
    )
    recorder.record(reached.member.user, _person_event(action, reached.person, reached.grants))
    return PersonView(
        person=reached.person,
        categories=sorted(reached.grants),
        contact=contact,
        identity=may_see_identity(reached.member, reached.person, reached.grants),
        follow_ups=[
            _follow_up(row, reached.person)
            for row in compiled.values("persons:follow-ups", _follow_up_rows, ids, now)
        ],
    )


def created_person_view(member: Member, person: Person) -> PersonView:
    """What its creator sees of a person just created (contact stays hidden until consent)."""
    return views_for(member, [person], Action.PERSON_VIEW)[0]


def person_detail(*, user: User, person_id: int) -> PersonView:
    return person_view(readable_person(user, person_id, action=Action.PERSON_VIEW))
