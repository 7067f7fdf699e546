"""The handover's statements, each compiled once per shape (``access.compiled``): the ORM built and
compiled its seven querysets at every visit, for more time than the database took to run them
(``bench/pages.py``). What runs is what the same querysets compile to: the policy's own
(``access.rules``) for the persons followed and the notes read, the handover's for what changed.

Each statement that reads what happened since the last visit is compiled with that moment as its
time (``since``); nothing else in it depends on the time it is asked at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from access import compiled
from access.grants import Grants
from access.rules import followed_persons, notes_read_through
from access.who_is_asking import Member
from consent.models import Consent, Withdrawal
from records import note_ids
from records.models import FollowUp, HandoverMark, Person
from teams.models import User

# Who acted, read as values: the representative who acted for the person, or the recording account.
BY = (
    "representative_id",
    "representative__name",
    "recorded_by__display_name",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
)
Ids = Mapping[str, Sequence[Any]]


def _mark(ids: Ids, _at: datetime) -> QuerySet[Any]:
    return HandoverMark.objects.filter(user_id=ids["user"][0]).order_by("id").values_list("seen_at")[:1]


def seen_at(user: User) -> datetime | None:
    """When the member last marked everything as seen, if ever."""
    found = compiled.rows("handover:mark", _mark, {"user": [user.pk]}, timezone.now())
    return found[0][0] if found else None


def _followed(ids: Ids, _at: datetime) -> QuerySet[Any]:
    asking = Member(user=User(pk=ids["user"][0]), team_ids=frozenset(), group_ids=frozenset(ids["group"]))
    return followed_persons(asking).values_list("pk")


def followed_ids(member: Member) -> list[int]:
    """``access.rules.followed_persons`` of the member, as ids."""
    ids = {"user": [member.user.pk], "group": sorted(member.group_ids)}
    return [pk for (pk,) in compiled.rows("handover:followed", _followed, ids, timezone.now())]


def _new_notes(ids: Ids, since: datetime) -> QuerySet[Any]:
    user = ids["user"][0]
    notes = notes_read_through(user, ids["person"], note_ids.granted_from(ids))
    return (
        notes.filter(created_at__gt=since)
        .exclude(author_id=user)
        .values("person_id")
        .annotate(count=Count("id"))
        .values_list("person_id", "count")
        .order_by()
    )


def new_notes(
    member: Member, followed: list[int], grants: Mapping[int, Grants], since: datetime
) -> list[Any]:
    """(person, count) of the notes written since by others that the member may read."""
    ids = note_ids.listed_ids(member.user.pk, followed, grants)
    return compiled.rows("handover:notes", _new_notes, ids, since)


# A consent still standing: neither superseded nor withdrawn (it is in force unless it ended).
_STANDING = Q(superseded_by__isnull=True, withdrawal__isnull=True)


def _consents(ids: Ids, since: datetime) -> QuerySet[Any]:
    return (
        Consent.objects.filter(team_id__in=ids["team"], person_id__in=ids["person"])
        .filter(Q(recorded_at__gt=since) | _STANDING)
        .annotate(
            standing=ExpressionWrapper(_STANDING, output_field=BooleanField()),
            shares=Exists(Consent.categories.through.objects.filter(consent_id=OuterRef("pk"))),
        )
        .values("person_id", "team_id", "team__name", "recorded_at", "valid_until", *BY, "standing", "shares")
        .order_by("id")
    )


def consents(member: Member, followed: list[int], since: datetime) -> list[dict[str, Any]]:
    """The consents of the member's teams to the persons followed that were recorded since or still
    stand, in order, each with ``in_force`` (standing, and not ended at ``now``)."""
    if not followed:  # ``IN ()`` matches nothing: the ORM does not even ask
        return []
    now = timezone.now()
    ids = {"team": sorted(member.team_ids), "person": followed}
    rows = list(compiled.values("handover:consents", _consents, ids, since))
    for row in rows:
        row["in_force"] = row["standing"] and (row["valid_until"] is None or row["valid_until"] > now)
    return rows


def _withdrawals(ids: Ids, since: datetime) -> QuerySet[Any]:
    return (
        Withdrawal.objects.filter(
            consent__team_id__in=ids["team"], consent__person_id__in=ids["person"], recorded_at__gt=since
        )
        .values("consent__person_id", "consent__team_id", "consent__team__name", "recorded_at", *BY)
        .order_by("id")
    )


def withdrawals(member: Member, followed: list[int], since: datetime) -> list[dict[str, Any]]:
    """The withdrawals since, of consents of the member's teams to the persons followed, in order."""
    if not followed:
        return []
    ids = {"team": sorted(member.team_ids), "person": followed}
    return list(compiled.values("handover:withdrawals", _withdrawals, ids, since))


def _follow_ups(ids: Ids, since: datetime) -> QuerySet[Any]:
    mine = Q(team_id__in=ids["team"], person_id__in=ids["person"])
    return (
        FollowUp.objects.filter(
            Q(opened_at__gt=since) | Q(closed_at__gt=since) | (mine & Q(closed_at__isnull=True)),
            person_id__in=ids["person"],
        )
        .values_list("id", "person_id", "team_id", "team__name", "opened_at", "closed_at")
        .order_by("team__name", "id")
    )


def follow_ups(member: Member, followed: list[int], since: datetime) -> list[Any]:
    """The follow-ups of the persons followed that opened or closed since, and those of the member's
    teams still open: (id, person, team, team's name, opened, closed), by team name."""
    ids = {"team": sorted(member.team_ids), "person": followed}
    return compiled.rows("handover:follow-ups", _follow_ups, ids, since)


# A person as a list shows them: every field but the encrypted ones, which stay deferred.
_PERSON = tuple(f.attname for f in Person._meta.concrete_fields if f.name not in Person.DEFERRED)


def _persons(ids: Ids, _at: datetime) -> QuerySet[Any]:
    return Person.objects.filter(pk__in=ids["person"]).order_by("display_name", "pk").values(*_PERSON)


def persons(person_ids: list[int]) -> list[Person]:
    """The persons with news, by name, as ``defer(*Person.DEFERRED)`` reads them."""
    if not person_ids:
        return []
    rows = compiled.values("handover:persons", _persons, {"person": person_ids}, timezone.now())
    return [Person.from_db(None, list(_PERSON), [row[name] for name in _PERSON]) for row in rows]
