"""A person as one reader may see them, and how a member reaches one: the one read that records and
consent both start from (the person page, the API's person, the consent form's heading, the lists
of persons), so that what it discloses and records is decided once, here, from the policy.

``reach`` establishes the reader and their grants for a person (a refusal is recorded and raised by
``access_person``); ``person_view`` and ``views_for`` decide the visible fields (contact with
a consent that shares it, the identity with the first consent) and record one event per person (R5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from access.grants import Grants, grants_and_readership, grants_for, may_see_contact, may_see_identity
from access.reach import access_person
from access.readership import Readership
from access.who_is_asking import Reader
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from records.models import CONTACT, FollowUp, Person
from teams.models import User


@dataclass
class PersonView:
    """A person as one reader may see them: contact is ``None`` when not theirs to see."""

    person: Person
    categories: list[str]
    contact: dict[str, str] | None
    follow_ups: list[FollowUp] = field(default_factory=list)
    identity: bool = True  # names and birth date: with the first consent that shares something


@dataclass(frozen=True)
class Reach:
    """A person reached by a member, with the categories granted: decided once per request."""

    reader: Reader
    person: Person
    grants: Grants
    readership: Readership = field(default_factory=Readership)  # asked with ``readers=True``


def reach(
    user: User, person_id: int, *, action: str, object_type: str = "person", readers: bool = False
) -> Reach:
    """The person and the reader's grants; with ``readers``, also who reads each category of them
    now and why (``grants_and_readership``), decided in the same statement."""
    access = access_person(user, person_id, action=action, object_type=object_type)
    assert access.reader is not None  # members only: self_allowed is not asked
    if readers:
        grants, readership = grants_and_readership(access.reader, access.person.pk)
        return Reach(reader=access.reader, person=access.person, grants=grants, readership=readership)
    grants = grants_for(access.reader, [access.person.pk]).get(access.person.pk, {})
    return Reach(reader=access.reader, person=access.person, grants=grants)


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
    member: Reader, persons: Sequence[Person], action: str, grants: Mapping[int, Grants] | None = None
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


def person_view(reached: Reach, *, action: str = Action.PERSON_VIEW) -> PersonView:
    """The person as the reader may see them, with the teams that follow them; recorded."""
    contact = _contact_of([reached.person.pk]) if may_see_contact(reached.grants) else {}
    recorder.record(reached.reader.user, _person_event(action, reached.person, reached.grants))
    return PersonView(
        person=reached.person,
        categories=sorted(reached.grants),
        contact=contact.get(reached.person.pk),
        identity=may_see_identity(reached.reader, reached.person, reached.grants),
        follow_ups=list(
            FollowUp.objects.filter(person=reached.person, closed_at__isnull=True).select_related("team")
        ),
    )


def created_person_view(member: Reader, person: Person) -> PersonView:
    """What its creator sees of a person just created (contact stays hidden until consent)."""
    return views_for(member, [person], Action.PERSON_VIEW)[0]


def person_detail(*, user: User, person_id: int) -> PersonView:
    return person_view(reach(user, person_id, action=Action.PERSON_VIEW))
