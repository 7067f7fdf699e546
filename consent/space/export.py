"""Everything Relais holds about a person, for the person (GDPR art. 15)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from access.own_space import access_own_person
from access.rules import notes_about_oneself
from audit import recorder
from audit.models import AccessEvent, Action
from audit.recorder import Event
from consent.consents import selectors
from consent.models import Exclusion, NoteHiding, Receipt, Representative
from records.models import CONTACT, FollowUp, Note, Person
from teams.models import Category, Team, User


def _has_contact(person: Person) -> bool:
    return any(getattr(person, name) for name in Person.CONTACT_FIELDS)


@dataclass
class NotesOfTeam:
    """The notes one team wrote about the person, by kind of information, for the printable copy."""

    team: Team
    by_category: list[tuple[Category, list[Note]]] = field(default_factory=list)


def notes_by_team(notes: Iterable[Note]) -> list[NotesOfTeam]:
    """Notes grouped by team, then by category (by label), oldest first within each."""
    grouped: dict[int, dict[int, list[Note]]] = defaultdict(lambda: defaultdict(list))
    teams: dict[int, Team] = {}
    categories: dict[int, Category] = {}
    for note in notes:
        grouped[note.team_id][note.category_id].append(note)
        teams[note.team_id], categories[note.category_id] = note.team, note.category
    return [
        NotesOfTeam(
            team=teams[team_id],
            by_category=sorted(
                (
                    (categories[cid], sorted(found, key=lambda n: n.created_at))
                    for cid, found in by_cat.items()
                ),
                key=lambda item: item[0].label,
            ),
        )
        for team_id, by_cat in sorted(grouped.items(), key=lambda item: teams[item[0]].name)
    ]


def my_data(*, user: User) -> dict:
    """Everything about the person, contact details and notes included; the reading is recorded."""
    person = access_own_person(user, action=Action.PORTAL_EXPORT, closed_while_restricted=True)
    consents = list(selectors.consents_of(person).order_by("id"))
    notes = list(notes_about_oneself(person).select_related("author", "team", "category").order_by("id"))
    follow_ups = list(
        FollowUp.objects.filter(person=person).select_related("team__organisation").order_by("id")
    )
    receipts = list(Receipt.objects.filter(consent__person=person).order_by("id"))
    agents = list(Representative.objects.filter(person=person).order_by("id"))
    exclusions = list(Exclusion.objects.filter(person=person).select_related("member").order_by("id"))
    hidings = list(NoteHiding.objects.filter(person=person).select_related("team").order_by("id"))
    events = list(AccessEvent.objects.filter(person_id=person.pk).order_by("id"))
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_EXPORT,
            person_id=person.pk,
            object_type="note",
            object_ids=[n.pk for n in notes],
            categories=sorted(
                {n.category.code for n in notes} | ({CONTACT} if _has_contact(person) else set())
            ),
        ),
    )
    return {
        "generated_at": timezone.now(),
        "person": person,
        "follow_ups": follow_ups,
        "consents": consents,
        "receipts": receipts,
        "representatives": agents,
        "exclusions": exclusions,
        "note_hidings": hidings,
        "notes": notes,
        "access_log": events,
    }
