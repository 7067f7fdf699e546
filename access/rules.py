"""The rules of access as querysets: the one text a reviewer reads to know who reads what.

A team reaches a person through the guardian grant on the team's group (an open follow-up, R9); it
reads a category of that person when the person's current consent for the team names it and the
team's mission needs it (R1, R2, R7), or, for a few hours, when an emergency access of the team opens
it. A member reads their own notes, and the categories granted (``access.grants`` decides them, per
person and team, never per note, in a fixed number of queries, from these rows).

Everything else in ``access`` derives from these querysets: the grants, what the pages say about who
reads (``access.readership``), and the ``access_*`` helpers that reach objects by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access import archived, exclusions
from access.who_is_asking import Member
from consent.models import Consent, GlassBreak
from records.models import FOLLOW_PERMISSION, Note, Person, PersonGroupObjectPermission
from teams.models import Team

ConsentCategory = Consent.categories.through
TeamCategory = Team.continuity_categories.through


# Following a person (R9) --------------------------------------------------------------------------


def follows(
    person_ref: int | OuterRef, group_ids_or_ref: Iterable[int] | OuterRef
) -> QuerySet[PersonGroupObjectPermission]:
    """The guardian grants by which these teams' groups follow the person (an open follow-up): by ids,
    or by references to an outer query's person and team."""
    grants = PersonGroupObjectPermission.objects.filter(
        content_object_id=person_ref,  # type: ignore[misc]  # an id or a reference to one
        permission__codename=FOLLOW_PERMISSION,
    )
    if isinstance(group_ids_or_ref, OuterRef):
        return grants.filter(group__team__id=group_ids_or_ref)
    return grants.filter(group_id__in=group_ids_or_ref)


def followed_persons(member: Member) -> QuerySet[Person]:
    """Persons followed by at least one of the member's teams, who have not kept the member out of
    their record (``access.exclusions``) and are not archived (``access.archived``); everyone else
    does not exist (R9)."""
    return archived.unarchived(
        Person.objects.filter(
            Exists(follows(OuterRef("pk"), member.group_ids)), exclusions.not_excluded(member.user)
        )
    )


def team_follows(team: Team, person: Person) -> bool:
    """Whether the team follows the person (an open follow-up)."""
    return follows(person.pk, [team.group_id]).exists()


# What a team reads of a person (R1, R2, R7, emergency access) -----------------------------------


def effective_consent_categories(
    team_ids: Iterable[int] | None, *, at: datetime | None = None
) -> QuerySet[Any]:  # rows of the consents' through table
    """(consent, category) rows of current consents to the given teams (every team if ``None``) that
    the teams' missions need and that follow the person: the whole of R1, R2 and R7 in one queryset."""
    at = at or timezone.now()
    rows = ConsentCategory.objects.filter(
        Q(consent__valid_until__isnull=True) | Q(consent__valid_until__gt=at),
        Exists(
            TeamCategory.objects.filter(
                team_id=OuterRef("consent__team_id"), category_id=OuterRef("category_id")
            )
        ),
        Exists(follows(OuterRef("consent__person_id"), OuterRef("consent__team_id"))),
        consent__withdrawal__isnull=True,
        consent__superseded_by__isnull=True,
    )
    return rows if team_ids is None else rows.filter(consent__team_id__in=list(team_ids))


def open_glass_categories(team_ids: Iterable[int] | None, *, at: datetime | None = None) -> QuerySet[Any]:
    """(glass break, category) rows of emergency accesses open now for the given teams (every team if
    ``None``): not ended on the record, before their end time, in teams that still allow them, that
    follow the person and whose mission still needs the category (R2 holds for an emergency access
    too), and, unless life is in danger, for a category the person has not refused or withdrawn
    since. What a broken glass adds to R1 for a few hours (``consent.emergency``). The record's end
    (``ended_at``) is what keeps an access ended; the other conditions repeat, at read time, what
    ends it, so that a read between the cause and its record shows nothing either."""
    at = at or timezone.now()
    # The person's word since the access opened: their current consent to the team, recorded or
    # withdrawn since, that does not share the category. Only a danger to life reads past it.
    decided_since = Consent.objects.filter(
        Q(recorded_at__gte=OuterRef("glassbreak__opened_at"))
        | Q(withdrawal__recorded_at__gte=OuterRef("glassbreak__opened_at")),
        person_id=OuterRef("glassbreak__person_id"),
        team_id=OuterRef("glassbreak__team_id"),
        superseded_by__isnull=True,
    )
    shares = ConsentCategory.objects.filter(
        consent_id=OuterRef("pk"), category_id=OuterRef(OuterRef("category_id"))
    )
    refused_since = decided_since.filter(Q(withdrawal__isnull=False) | ~Exists(shares))
    rows = GlassBreak.categories.through.objects.filter(
        Q(glassbreak__reason=GlassBreak.Reason.DANGER_TO_LIFE) | ~Exists(refused_since),
        Exists(follows(OuterRef("glassbreak__person_id"), OuterRef("glassbreak__team_id"))),
        Exists(
            TeamCategory.objects.filter(
                team_id=OuterRef("glassbreak__team_id"), category_id=OuterRef("category_id")
            )
        ),
        glassbreak__ended_at__isnull=True,
        glassbreak__ends_at__gt=at,
        glassbreak__team__glass_break_allowed=True,
    )
    return rows if team_ids is None else rows.filter(glassbreak__team_id__in=list(team_ids))


# Notes and identity -------------------------------------------------------------------------------


class TeamGrant(Protocol):
    """A granted category's team (``access.grants.Grant``): the team the note is read through."""

    @property
    def team_id(self) -> int: ...


def readable_notes(
    member: Member, persons: Iterable[int] | QuerySet[Any], grants: Mapping[int, Mapping[str, TeamGrant]]
) -> QuerySet[Note]:
    """The notes of reached ``persons`` (ids, or a query of them) the member may read: their own (R1),
    and each person's categories the member is granted (R2; ``grants``, by person, as
    ``access.grants.grants_for`` gives them), but those the person hid from the grant's team
    (``access.exclusions.hidden_from``). One rule for one person's page and for a summary of many."""
    return notes_read_through(member.user.pk, persons, granted_alike(grants))


class Granted(NamedTuple):
    """Categories granted through one team, to the same persons: one condition of ``readable_notes``."""

    team_id: int
    codes: tuple[str, ...]
    person_ids: list[int]


def granted_alike(grants: Mapping[int, Mapping[str, TeamGrant]]) -> list[Granted]:
    """Persons granted the same categories through the same team, together: a summary of thirty
    persons is then a few conditions, not thirty (the statement took longer to plan than to run)."""
    alike: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
    for person_id, person_grants in grants.items():
        by_team: dict[int, list[str]] = defaultdict(list)
        for code, grant in person_grants.items():
            by_team[grant.team_id].append(code)
        for team_id, codes in by_team.items():
            alike[(team_id, tuple(sorted(codes)))].append(person_id)
    return [Granted(team_id, codes, person_ids) for (team_id, codes), person_ids in alike.items()]


def notes_read_through(
    user_id: int, persons: Iterable[int] | QuerySet[Any], granted: Iterable[Granted]
) -> QuerySet[Note]:
    """``readable_notes`` from ids alone (the member's account, the persons, what is granted): the
    form ``access.compiled`` compiles once per shape."""
    allowed = Q(author_id=user_id, person__in=persons if isinstance(persons, QuerySet) else list(persons))
    for team_id, codes, person_ids in granted:
        allowed |= Q(person_id__in=person_ids, category__code__in=codes) & ~exclusions.hidden_from(team_id)
    return Note.objects.filter(allowed)


def notes_about_oneself(person: Person) -> QuerySet[Note]:
    """Every note about the person, for the person themselves: the right of access (GDPR art. 15)
    covers what the teams wrote, whatever the consents say about sharing it between teams."""
    return Note.objects.filter(person=person)


def identity_shown(member: Member) -> Q:
    """``access.grants.may_see_identity`` as a condition on persons, for a search by name: the
    member created the record, or a consent to one of their teams shares something."""
    shared = effective_consent_categories(member.team_ids).filter(consent__person_id=OuterRef("pk"))
    return Q(created_by=member.user) | Q(Exists(shared))
