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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from access import compiled
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


@dataclass(frozen=True)
class Say:
    """What the person decided about their record now, for ``readership``: the names of the members
    each team reads without, and the teams each hidden note is hidden from (``None``: every team but
    its author's)."""

    kept_out: dict[int, tuple[str, ...]]
    hidden: dict[int, tuple[int | None, ...]]


_USER = ("user__display_name", "user__first_name", "user__last_name", "user__username")


def _say_rows(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[Any]:
    """The memberships of the members kept out, and the current hidings, as rows of one shape."""
    person_id = ids["person"][0]
    nothing = Value(None, output_field=CharField())
    excluded = Exclusion.objects.filter(current_exclusions(), person_id=person_id).values("member_id")
    members = (
        Membership.objects.filter(user_id__in=excluded)
        .annotate(note=Value(None, output_field=IntegerField()))
        .order_by()
        .values_list("note", "team_id", "user_id", *_USER)
    )
    hidings = (
        NoteHiding.objects.filter(person_id=person_id, lifted_at__isnull=True)
        .annotate(user=Value(None, output_field=IntegerField()), a=nothing, b=nothing, c=nothing, d=nothing)
        .order_by()
        .values_list("note_id", "team_id", "user", "a", "b", "c", "d")
    )
    return members.union(hidings, all=True)


def say_of(person_id: int) -> Say:
    """``Say`` in one statement (the person page is the hot path), compiled once
    (``access.compiled``): the ORM took longer to build it than the database to run it."""
    found = compiled.rows("say", _say_rows, {"person": [person_id]}, timezone.now())
    kept_out: dict[int, list[str]] = defaultdict(list)
    hidden: dict[int, list[int | None]] = defaultdict(list)
    for note_id, team_id, _user_id, *names in sorted(
        found, key=lambda row: (row[0] or 0, row[1] or 0, row[2] or 0)
    ):
        if note_id is None:
            kept_out[team_id].append(User.label_of(dict(zip(_USER, names, strict=True)), prefix="user__"))
        else:
            hidden[note_id].append(team_id)
    return Say(
        kept_out={team_id: tuple(names) for team_id, names in kept_out.items()},
        hidden={note_id: tuple(teams) for note_id, teams in hidden.items()},
    )
