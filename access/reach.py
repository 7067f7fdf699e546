"""Objects reached by id: each ``access_*`` establishes who asks, records any refusal (R5) and
raises the 404 of R9 (or a 403) in one call, zulip-style, so that no caller can forget a step.

Another's object is the same 404 as a missing one, and the refusal names the person it concerns
when there is one, so that the person's own journal shows the attempt. Consents and representations,
which the person's own space reaches too, are ``access.reach_consents``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from access import compiled
from access.grants import Grant, Grants, grants_for
from access.own_space import OwnSpace, ScopeNeeded, has_portal_space, in_scope, representation, watched_reset
from access.rules import followed_persons, readable_notes
from access.who_is_asking import Member, access_member, member_for
from audit import recorder
from consent.models import Consent, Representative
from core.domain_errors import ContactNotShared, Hidden, NotTheAuthor, OutOfScope, Refusal
from core.ids import is_storable_id
from records.models import CONTACT, FollowUp, Note, Person
from teams.models import User


def _id_in_column(value: int) -> int | None:
    """The id as the log can hold it (an impossible id is named in ``object_ids`` only, as text)."""
    return value if is_storable_id(value) else None


def _as_object_ids(value: int) -> list[int | str]:
    """The id as ``object_ids`` hold it: an integer, or, if the log's columns cannot hold it, text."""
    return [value if is_storable_id(value) else str(value)]


def _followed(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[Person]:
    """The person among those the member's teams follow, as a statement of ids (``access.compiled``):
    the member's account, their teams' groups and the person."""
    asking = Member(user=User(pk=ids["user"][0]), team_ids=frozenset(), group_ids=frozenset(ids["group"]))
    return followed_persons(asking).defer(*Person.DEFERRED).filter(pk=ids["person"][0])


def _followed_person(member: Member, person_id: int) -> Person:
    if not is_storable_id(person_id):
        raise Hidden()
    ids = {"user": [member.user.pk], "group": sorted(member.group_ids), "person": [person_id]}
    if connection.vendor == "postgresql":
        sql, params = compiled.statement("reach:person", _followed, ids, timezone.now())
        person = next(iter(Person.objects.raw(sql, params)), None)
    else:
        person = _followed(ids, timezone.now()).first()
    if person is None:
        raise Hidden()
    return person


@dataclass(frozen=True)
class ReachedPerson:
    """A person reached by a member through one of their teams (R9)."""

    member: Member
    person: Person


class _Denial(TypedDict):
    object_type: str
    object_ids: Sequence[int | str]
    person_id: int | None


def _denial(person_id: int, object_type: str) -> _Denial:
    # An id the log's columns cannot hold is kept in ``object_ids``, as text, whatever the object.
    object_ids = _as_object_ids(person_id) if object_type == "person" or not is_storable_id(person_id) else []
    return {"object_type": object_type, "object_ids": object_ids, "person_id": _id_in_column(person_id)}


def access_person(user: User, person_id: int, *, action: str, object_type: str = "person") -> ReachedPerson:
    """The person, reached through one of the user's teams, or the recorded refusal: a 403 for a
    non-member, the 404 of R9 for everyone else."""
    denial = _denial(person_id, object_type)
    member = access_member(user, action=action, **denial)
    with recorder.denials(user, action, **denial):
        return ReachedPerson(member=member, person=_followed_person(member, person_id))


def access_person_or_own(
    user: User, person_id: int, *, action: str, object_type: str = "person"
) -> ReachedPerson | OwnSpace:
    """``access_person``, or the person's own space: their own account, or their representative
    with the consents in its scope. A portal account reaches its own person only; any other is as
    if it did not exist (the recorded 404 of R9; a representative beyond its scope, a 403)."""
    own = (
        Person.objects.filter(pk=person_id, account=user).defer(*Person.DEFERRED).first()
        if is_storable_id(person_id)
        else None
    )
    if own is not None:
        return OwnSpace(own, reset=watched_reset(user))
    if not has_portal_space(user):
        return access_person(user, person_id, action=action, object_type=object_type)
    with recorder.denials(user, action, **_denial(person_id, object_type)):
        agent = representation(user)
        if agent is None or agent.person_id != person_id:
            raise Hidden()
        if not in_scope(agent, ScopeNeeded.CONSENTS):
            raise OutOfScope()
        return OwnSpace(agent.person, agent)


@dataclass(frozen=True)
class ContactAccess:
    """A person whose contact details the member may see, and so change, with the grant that allows it."""

    member: Member
    person: Person
    grant: Grant


def access_contact(user: User, person_id: int, *, action: str) -> ContactAccess:
    """The person, if the person's consent shares their contact details with one of the user's teams
    (R1): who may not read them may not overwrite them either. Otherwise a recorded 403, or R9's 404."""
    access = access_person(user, person_id, action=action)
    grant = grants_for(access.member, [access.person.pk]).get(access.person.pk, {}).get(CONTACT)
    if grant is None:
        with recorder.denials(
            user, action, object_type="person", object_ids=[person_id], person_id=person_id
        ):
            raise ContactNotShared()
    return ContactAccess(member=access.member, person=access.person, grant=grant)


@dataclass(frozen=True)
class NoteAccess:
    """A note the member may read, with the member's grants for its person (for the log's event)."""

    member: Member
    note: Note
    grants: Grants


@contextmanager
def refusals_naming_the_person(
    user: User,
    action: str,
    *,
    object_type: str,
    object_id: int,
    model: type[Note | Consent | FollowUp | Representative],
) -> Iterator[None]:
    """Record a refusal about an object by id, naming the person it concerns when it exists, so that
    the person's own journal shows the attempt (the answer stays the 404 of R9 all the same)."""
    try:
        yield
    except Refusal as exc:
        person_id = (
            model.objects.filter(pk=object_id).values_list("person_id", flat=True).first()
            if is_storable_id(object_id)
            else None
        )
        recorder.deny(
            user,
            action,
            person_id=person_id,
            object_type=object_type,
            object_ids=_as_object_ids(object_id),
            reason=type(exc).__name__,
        )
        raise


def access_note(user: User, note_id: int, *, action: str, own: bool = False) -> NoteAccess:
    """The note, if the user may read it, or the recorded 404 of R9 (the same for hidden and missing).
    With ``own``, only its author passes (a correction); another member gets a recorded 403."""
    with refusals_naming_the_person(user, action, object_type="note", object_id=note_id, model=Note):
        member = member_for(user)
        if not is_storable_id(note_id):
            raise Hidden()
        person = followed_persons(member).filter(notes=note_id).values("pk")
        grants = grants_for(member, person)
        person_grants = next(iter(grants.values()), {})
        note = (
            readable_notes(member, person, grants)
            .filter(pk=note_id)
            .select_related("category", "author", "team")
            .first()
        )
        if note is None:
            raise Hidden()
        if own and note.author_id != user.pk:
            raise NotTheAuthor()
    return NoteAccess(member=member, note=note, grants=person_grants)


def reached_by_id(
    user: User,
    action: str,
    objects: QuerySet[Any],
    object_id: int,
    *,
    object_type: str,
    belongs: Callable[[Any], bool] | None = None,
) -> Any:
    """The object of ``objects`` with this id, if it exists and ``belongs`` to the caller; otherwise
    the recorded 404 of R9, naming the object's person when it has one, so that their journal shows
    the attempt. For objects whose reach is decided before they are asked for (the caller's own
    space, an auditor's queue)."""
    found = objects.filter(pk=object_id).first() if is_storable_id(object_id) else None
    if found is None or (belongs is not None and not belongs(found)):
        with recorder.denials(
            user,
            action,
            object_type=object_type,
            object_ids=_as_object_ids(object_id),
            person_id=getattr(found, "person_id", None),
        ):
            raise Hidden()
    return found


def access_follow_up(user: User, follow_up_id: int, *, action: str) -> FollowUp:
    """A follow-up of a person the user's teams follow, or the recorded 404 of R9."""
    with refusals_naming_the_person(
        user, action, object_type="follow_up", object_id=follow_up_id, model=FollowUp
    ):
        member = member_for(user)
        follow_up = (
            FollowUp.objects.filter(pk=follow_up_id, person__in=followed_persons(member))
            .select_related("team__group", "person")
            .first()
            if is_storable_id(follow_up_id)
            else None
        )
        if follow_up is None:
            raise Hidden()
        return follow_up
