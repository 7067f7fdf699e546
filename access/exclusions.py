"""The person's say over their own record (issue 24): "not this person" and "not this note".

An exclusion names one account, never a role or a profession (R3): the member it names reaches the
person as if no team of theirs followed them (the 404 of R9, told nothing more), while their team
keeps reading. A hiding keeps one note from every team but its author's, or from one team: the note
is not read through that team's consent or emergency access; its author still reads it (R1).

These are conditions the policy adds to its own querysets (``policy.followed_persons``,
``policy.readable_notes``) and facts it adds to its one answer to who reads (``readership``), so that
no page says a member or a team reads what it does not (R11).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q

from consent.models import Exclusion, NoteHiding
from teams.models import Membership, User


def current_exclusions() -> Q:
    return Q(lifted_at__isnull=True)


def not_excluded(user: User) -> Q:
    """On persons: those who have not kept ``user`` out of their record."""
    kept_out = Exclusion.objects.filter(current_exclusions(), person_id=OuterRef("pk"), member_id=user.pk)
    return ~Q(Exists(kept_out))


def hidden_from(team_id: int) -> Q:
    """On notes: those the person hid from this team, by name, or from every team but the author's
    (which this team is not)."""
    hidings = NoteHiding.objects.filter(note_id=OuterRef("pk"), lifted_at__isnull=True)
    from_every_other = Q(Exists(hidings.filter(team__isnull=True))) & ~Q(team_id=team_id)
    return Q(Exists(hidings.filter(team_id=team_id))) | from_every_other


def kept_out_by_team(person_id: int) -> dict[int, tuple[str, ...]]:
    """For each team, the names of its members the person keeps out now (for ``readership``)."""
    excluded = Exclusion.objects.filter(current_exclusions(), person_id=person_id).values("member_id")
    found: dict[int, list[str]] = defaultdict(list)
    rows = (
        Membership.objects.filter(user_id__in=excluded).select_related("user").order_by("team_id", "user_id")
    )
    for membership in rows:
        found[membership.team_id].append(membership.user.label)
    return {team_id: tuple(names) for team_id, names in found.items()}


def hidden_notes(person_id: int) -> dict[int, tuple[int | None, ...]]:
    """For each hidden note of the person, the teams it is hidden from (``None``: every team but its
    author's), for ``readership``."""
    found: dict[int, list[int | None]] = defaultdict(list)
    rows = NoteHiding.objects.filter(person_id=person_id, lifted_at__isnull=True).values_list(
        "note_id", "team_id"
    )
    for note_id, team_id in rows:
        found[note_id].append(team_id)
    return {note_id: tuple(teams) for note_id, teams in found.items()}


def is_hidden_from(hidings: tuple[int | None, ...], *, team_id: int, note_team_id: int) -> bool:
    """``hidden_from`` for one note whose hidings are known (``hidden_notes``)."""
    return team_id in hidings or (None in hidings and team_id != note_team_id)
