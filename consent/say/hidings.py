""" "Not this note" (issue 24, item 2): the person hides one note about them from every team but its
author's, or from one team, as the DMP's masking does. The author's team decides nothing about it;
the author still reads their note (R1). Hidden notes stay in the log, in the person's copy of their
data, and in their space, marked as hidden (``access.exclusions`` keeps them from the teams).

Only the person's own account does it: a representative never reads notes. Reading one's notes is
closed while the space is restricted after a reset (R10), as the copy of one's data is; showing a
note again is refused then too (it would widen what is read).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.own_space import access_own_person
from access.reach import reached_by_id
from access.rules import notes_about_oneself
from audit import recorder
from audit.disclosure import Selection
from audit.models import Action
from audit.recorder import Event
from consent.models import NoteHiding
from core.domain_errors import Invalid
from core.ids import is_storable_id
from records.models import FollowUp, Note, Person
from teams.models import Team, User


@dataclass(frozen=True)
class OwnNote:
    """A note about the person, as they read it in their space: with its current hidings."""

    note: Note
    hidings: tuple[NoteHiding, ...]
    teams: tuple[Team, ...]  # the teams that follow the person: those it may be hidden from

    @property
    def hidden(self) -> bool:
        return bool(self.hidings)


def _own_notes(person: Person) -> QuerySet[Note]:
    return (
        notes_about_oneself(person)
        .select_related("author", "team", "category")
        .order_by("-created_at", "-id")
    )


def following_teams(person: Person) -> list[Team]:
    """The teams that follow the person now: those a note may be hidden from, one by one."""
    teams = FollowUp.objects.filter(person=person, closed_at__isnull=True).values("team_id")
    return list(Team.objects.filter(pk__in=teams).order_by("name"))


def my_notes(*, user: User) -> Selection[Note]:
    """The notes about the person, newest first, each with its hidings; a shown page is recorded."""
    person = access_own_person(user, action=Action.PORTAL_NOTES, closed_while_restricted=True)
    return Selection(rows=_own_notes(person), record=lambda page: _shown(user, person, page))


def _shown(user: User, person: Person, page: Sequence[Note]) -> list[OwnNote]:
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_NOTES,
            person_id=person.pk,
            object_type="note",
            object_ids=[n.pk for n in page],
            categories=sorted({n.category.code for n in page}),
        ),
    )
    hidings: dict[int, list[NoteHiding]] = defaultdict(list)
    current = NoteHiding.objects.filter(note__in=[n.pk for n in page], lifted_at__isnull=True)
    for hiding in current.select_related("team").order_by("id"):
        hidings[hiding.note_id].append(hiding)
    teams = tuple(following_teams(person))
    return [OwnNote(note, tuple(hidings.get(note.pk, ())), teams) for note in page]


def _versions(note: Note) -> list[Note]:
    """Every version of a note, oldest first: a correction names the version it replaces, and is
    named by at most one (``Note.corrects``)."""
    versions = [note]
    while versions[0].corrects_id is not None:
        versions.insert(0, Note.objects.get(pk=versions[0].corrects_id))
    while (later := Note.objects.filter(corrects=versions[-1]).first()) is not None:
        versions.append(later)
    return versions


def carry_over(*, old_id: int, new_id: int) -> None:
    """A corrected note stays hidden as it was: its new version gets the old one's current hidings,
    in the correction's action (``relais.listeners``); the correction's event names both."""
    NoteHiding.objects.bulk_create(
        NoteHiding(person_id=h.person_id, note_id=new_id, team_id=h.team_id, recorded_by_id=h.recorded_by_id)
        for h in NoteHiding.objects.filter(note_id=old_id, lifted_at__isnull=True)
    )


@recorder.action
def hide_note(*, user: User, note_id: int, team_id: int | None = None) -> NoteHiding:
    """Hide a note about the person from every team but its author's (``team_id`` None), or from one
    team that follows them."""
    person = access_own_person(user, action=Action.NOTE_HIDE, closed_while_restricted=True)
    # Another's note is the 404 of a missing one, named with its person, whose journal shows it.
    note: Note = reached_by_id(
        user,
        Action.NOTE_HIDE,
        Note.objects.all(),
        note_id,
        object_type="note",
        belongs=lambda found: found.person_id == person.pk,
    )
    if team_id is not None and (
        not is_storable_id(team_id) or team_id not in {t.pk for t in following_teams(person)}
    ):
        raise Invalid("team", _("Choose a team that follows you."))
    same = Q(team_id=team_id) if team_id is not None else Q(team__isnull=True)
    if NoteHiding.objects.filter(same, note=note, lifted_at__isnull=True).exists():
        raise Invalid("team", _("This note is already hidden like this."))
    # What the note says is hidden, whichever version the person names: every version of it.
    versions = _versions(note)
    already = set(
        NoteHiding.objects.filter(same, note__in=versions, lifted_at__isnull=True).values_list(
            "note_id", flat=True
        )
    )
    hidings = {
        version.pk: NoteHiding.objects.create(person=person, note=version, team_id=team_id, recorded_by=user)
        for version in versions
        if version.pk not in already
    }
    hiding = hidings[note.pk]
    recorder.record(
        user,
        Event(
            action=Action.NOTE_HIDE,
            person_id=person.pk,
            team_id=team_id,
            object_type="note",
            object_ids=sorted(hidings),
            reason="from one team" if team_id is not None else "from every team but the author's",
        ),
    )
    return hiding


@recorder.action
def show_note(*, user: User, hiding_id: int) -> NoteHiding:
    """The person shows a hidden note again to the teams it was hidden from."""
    person = access_own_person(user, action=Action.NOTE_SHOW, closed_while_restricted=True)
    hiding: NoteHiding = reached_by_id(
        user,
        Action.NOTE_SHOW,
        NoteHiding.objects.all(),
        hiding_id,
        object_type="note_hiding",
        belongs=lambda found: found.person_id == person.pk,
    )
    # Shown once: of two at the same moment, the second is told it is done.
    if not NoteHiding.objects.filter(pk=hiding.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=user
    ):
        raise Invalid("hiding", _("This note is already shown again."))
    # Every version of the note is shown again alike, as it was hidden.
    same = Q(team_id=hiding.team_id) if hiding.team_id is not None else Q(team__isnull=True)
    versions = [version.pk for version in _versions(hiding.note)]
    alike = NoteHiding.objects.filter(same, note_id__in=versions, lifted_at__isnull=True)
    shown = sorted({hiding.note_id, *alike.values_list("note_id", flat=True)})
    alike.update(lifted_at=timezone.now(), lifted_by=user)
    recorder.record(
        user,
        Event(
            action=Action.NOTE_SHOW,
            person_id=person.pk,
            team_id=hiding.team_id,
            object_type="note",
            object_ids=shown,
        ),
    )
    hiding.refresh_from_db()
    return hiding
