"""Reads of person data: searches, lists of persons, notes. Each one goes through the policy and
records what it disclosed (R5); a person as a member sees them, and how a member reaches one, are
``access.persons`` (consent's pages start from them too)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import compiled
from access.grants import Grant, Grants, readership_of
from access.own_space import ScopeNeeded, access_own_person
from access.persons import PersonView, ReadablePerson, readable_person, views_for
from access.reach import access_contact, access_note, access_person
from access.readership import Readership
from access.rules import (
    Granted,
    followed_persons,
    granted_alike,
    identity_shown,
    notes_read_through,
)
from access.who_is_asking import Member, access_member, member_for
from audit import recorder
from audit.disclosure import Selection
from audit.models import Action
from audit.recorder import Event
from core.domain_errors import Invalid
from core.text import fold
from records import filters as note_filters
from records import note_ids
from records.models import FollowUp, Note, Person
from teams.models import Team, User
from teams.presentation import presentation_fields, with_presentation

# Persons ------------------------------------------------------------------------------------------

SEARCH_MAX_CHARS = 100


def _checked_search(search: str) -> str:
    if "\x00" in search:
        raise Invalid("search", _("The search holds a character that cannot be searched for."))
    if len(search) > SEARCH_MAX_CHARS:
        raise Invalid(
            "search", _("The search is too long (at most %(n)d characters).") % {"n": SEARCH_MAX_CHARS}
        )
    return search.strip()


def find_persons(*, user: User, search: str = "") -> Selection[Person]:
    """Persons the user's teams follow, found by part of a name; a shown page is recorded."""
    search = _checked_search(search)
    member = access_member(user, action=Action.PERSON_LIST, object_type="person")
    persons = followed_persons(member).defer(*Person.DEFERRED)
    if search:
        # A name the member may not see yet (R2) finds nothing: a search must not reveal it.
        folded = fold(search)
        persons = persons.filter(
            Q(name_key__contains=folded) | (Q(identity_key__contains=folded) & identity_shown(member))
        )
    return Selection(
        rows=persons.order_by("display_name", "pk"),
        record=lambda page: views_for(member, page, Action.PERSON_LIST),
    )


DUPLICATES_SHOWN = 5


def likely_duplicates(
    member: Member,
    *,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
) -> list[PersonView]:
    """Persons the member's teams follow who look like the one about to be created: the same name
    used, or the same full name (where the member may see it) and birth date. Only persons the
    member may already see, so that nothing hints at others; shown, so recorded."""
    same = Q(name_key=fold(display_name))
    identity = fold(f"{first_name} {last_name}".strip())
    if identity:
        by_identity = Q(identity_key=identity) & identity_shown(member)
        if birth_date is not None:
            by_identity &= Q(birth_date=birth_date) | Q(birth_date__isnull=True)
        same |= by_identity
    persons = followed_persons(member).defer(*Person.DEFERRED).filter(same)
    found = list(persons.order_by("display_name", "pk")[:DUPLICATES_SHOWN])
    return views_for(member, found, Action.PERSON_LIST) if found else []


# Notes --------------------------------------------------------------------------------------------


def note_events(action: str, person_id: int, notes: Sequence[Note], grants: Grants) -> list[Event]:
    """One event per consent that allowed part of the disclosure (usually one); own notes need none."""
    return _events_of(action, person_id, [(n.pk, n.category.code) for n in notes], grants)


def _events_of(action: str, person_id: int, notes: Sequence[tuple[int, str]], grants: Grants) -> list[Event]:
    by_grant: dict[Grant | None, list[tuple[int, str]]] = defaultdict(list)
    for note in notes:
        by_grant[grants.get(note[1])].append(note)
    if not by_grant:
        by_grant[None] = []
    return [
        Event(
            action=action,
            person_id=person_id,
            object_type="note",
            object_ids=[pk for pk, _code in group],
            categories=[code for _pk, code in group],
            consent_id=grant.consent_id if grant else None,
            team_id=grant.team_id if grant else None,
            glass_break_id=grant.glass_break_id if grant else None,
            reason="" if grant else "author",
        )
        for grant, group in by_grant.items()
    ]


def _readable_listed(user_id: int, person_ids: Sequence[int], granted: Sequence[Granted]) -> QuerySet[Note]:
    """The notes ``notes_of`` lists, before filters: a corrected note shows as its latest version."""
    return notes_read_through(user_id, person_ids, granted).filter(correction__isnull=True)


def _listed_notes(reached: ReadablePerson, filters: Mapping[str, Any] | None) -> QuerySet[Note]:
    granted = granted_alike({reached.person.pk: reached.grants})
    notes = _readable_listed(reached.member.user.pk, [reached.person.pk], granted)
    return note_filters.narrowed(notes, filters or {})


def _as_rows(notes: QuerySet[Note]) -> QuerySet[Any]:
    return with_presentation(notes, member="author", prefix="author").values(*NOTE_ROW)


def _listed_ids(reached: ReadablePerson) -> dict[str, list[Any]]:
    """What the unfiltered list depends on, as ids (``access.compiled``)."""
    person = reached.person.pk
    return note_ids.listed_ids(reached.member.user.pk, [person], {person: reached.grants})


def _note_rows(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    return _as_rows(_readable_listed(ids["user"][0], ids["person"], note_ids.granted_from(ids)))


def notes_of(reached: ReadablePerson, filters: Mapping[str, Any] | None = None) -> Selection[dict[str, Any]]:
    """The notes of a reached person that the member may read, newest first (R1, R2), narrowed by
    ``filters`` (category, author, team, period) if given, as rows of ``NOTE_ROW``. Unfiltered, the
    statement is compiled once per shape (``access.compiled``): the ORM built it at every read, for
    more time than the database took to run it."""
    if note_filters.given(filters or {}):
        rows: QuerySet[Any] | compiled.Rows = _as_rows(_listed_notes(reached, filters))
    else:
        rows = compiled.values("notes:rows", _note_rows, _listed_ids(reached), timezone.now())
    return Selection(rows=rows, record=lambda page: _record_note_rows(reached, page))


# A note as the API and the person page show it, read as one row: four model instances per note
# (the note, its category, author and team) cost more than the whole policy.
NOTE_ROW = (
    "id",
    "person_id",
    "team_id",
    "team__name",
    "author_id",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author__username",
    "category__code",
    "body",
    "created_at",
    "corrects_id",
    *presentation_fields("author"),  # how each author chose to be presented in the note's team
)


def person_note_rows(
    *, user: User, person_id: int, filters: Mapping[str, Any] | None = None
) -> Selection[dict[str, Any]]:
    """The notes of a person that the user may read, newest first (R1, R2, R9), as plain rows (one
    dict per note) for the API's list; the page reads them through ``notes_of`` too."""
    return notes_of(readable_person(user, person_id, action=Action.NOTE_LIST, object_type="note"), filters)


def _record_note_rows(reached: ReadablePerson, rows: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
    events = _events_of(
        Action.NOTE_LIST, reached.person.pk, [(r["id"], r["category__code"]) for r in rows], reached.grants
    )
    recorder.record(reached.member.user, *events)
    return rows


AUTHOR_ROW = (
    "author_id",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "author__username",
)


@dataclass(frozen=True)
class NoteAuthors:
    """Who wrote the notes the member may read about a person, and how many notes that makes."""

    choices: list[tuple[int, str]]  # (id, label), by label: the choices of the author filter
    notes: int  # every note listed, unfiltered: the count the unfiltered list's pages need


def _author_rows(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    notes = _readable_listed(ids["user"][0], ids["person"], note_ids.granted_from(ids))
    return notes.order_by().values(*AUTHOR_ROW).annotate(notes=Count("id"))


def note_authors(reached: ReadablePerson) -> NoteAuthors:
    """The authors of the notes ``notes_of`` lists, counted in the same statement (the person page
    needs both: the author filter, and the count that pages the list)."""
    rows = list(compiled.values("notes:authors", _author_rows, _listed_ids(reached), timezone.now()))
    choices = sorted(
        ((row["author_id"], User.label_of(row)) for row in rows), key=lambda a: (fold(a[1]), a[0])
    )
    return NoteAuthors(choices=choices, notes=sum(row["notes"] for row in rows))


def note_detail(*, user: User, note_id: int) -> Note:
    access = access_note(user, note_id, action=Action.NOTE_VIEW)
    note = access.note
    recorder.record(user, *note_events(Action.NOTE_VIEW, note.person_id, [note], access.grants))
    return note


def note_to_correct(*, user: User, note_id: int) -> Note:
    """A note its author is about to correct, read (and recorded) as any read of it."""
    access = access_note(user, note_id, action=Action.NOTE_VIEW, own=True)
    recorder.record(user, *note_events(Action.NOTE_VIEW, access.note.person_id, [access.note], access.grants))
    return access.note


def contact_to_edit(*, user: User, person_id: int) -> PersonView:
    """The person's contact details, for a member about to change them; read and recorded as the
    person page reads them."""
    access = access_contact(user, person_id, action=Action.PERSON_VIEW)
    return views_for(access.member, [access.person], Action.PERSON_VIEW)[0]


def still_followed(*, user: User, person_id: int) -> bool:
    """Whether another of the user's teams still follows the person (after one stopped); no data."""
    return followed_persons(member_for(user)).filter(pk=person_id).exists()


def writer_teams(*, user: User, person_id: int) -> list[Team]:
    """The user's teams that follow the person: those a note about them may be written for."""
    access = access_person(user, person_id, action=Action.NOTE_CREATE, object_type="note")
    return teams_writing_for(access.member, access.person)


def readership(person_id: int) -> Readership:
    """Who reads each category of the person now, and why (``readership_of``): what an author
    is told before and after saving a note (R11)."""
    return readership_of(person_id)


def teams_writing_for(member: Member, person: Person) -> list[Team]:
    following = FollowUp.objects.filter(person=person, closed_at__isnull=True, team_id__in=member.team_ids)
    return list(Team.objects.filter(pk__in=following.values("team_id")).order_by("name"))


def teams_to_ask(*, user: User) -> list[Team]:
    """The teams the person (or their representative, within a scope that covers consents) may ask
    to follow them: every team of the deployment that does not follow them now, with its
    organisation, the controller it would answer to. The deployment's teams are no person data;
    refusals are recorded by the access check."""
    person = access_own_person(user, action=Action.FOLLOW_UP_OPEN, scope_needed=ScopeNeeded.CONSENTS)
    following = FollowUp.objects.filter(person=person, closed_at__isnull=True).values("team_id")
    teams = Team.objects.exclude(pk__in=following).select_related("organisation")
    return list(teams.order_by("organisation__name", "name"))
