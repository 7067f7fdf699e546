"""Grants: what a member may read of each person, and on what basis, decided from the rules' rows.

A grant is a category of a person that one of the member's teams reads now, with the consent (or
the emergency access) behind it; it goes into the log with each read (R5). The decision is made in
one statement for any number of persons, under the shared locks of ``access.locks``, from the rows
of ``access.rules``; the same rows, for every following team, say who reads each category
(``access.readership``, R11), so that what a page says about readers is what decided the read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import IntegerField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import compiled, exclusions, locks, readership
from access.readership import Readership
from access.rules import effective_consent_categories, open_glass_categories
from access.who_is_asking import Member
from core.domain_errors import Unavailable
from records.models import CONTACT, Person


@dataclass(frozen=True)
class Grant:
    """A category a member may see for a person, and the consent (and team) that allows it, or, in
    an emergency, the broken glass (``consent.emergency.services``) that opened it for a few hours."""

    consent_id: int | None
    team_id: int
    glass_break_id: int | None = None


Grants = dict[str, Grant]

# person, category, consent, team, glass break; and, if named, the team's name and the end
DecisionRow = tuple[Any, ...]

# A decision is made again when a consent appears between its lock and its read; this many times.
DECISION_ATTEMPTS = 3


def _decision_query(
    team_ids: Iterable[int] | None, persons: list[int] | QuerySet[Any], at: datetime, *, named: bool
) -> QuerySet[Any]:
    nothing = Value(None, output_field=IntegerField())
    consent_columns = ["consent__person_id", "category__code", "consent_id", "consent__team_id", "glass"]
    glass_columns = [
        "glassbreak__person_id",
        "category__code",
        "no_consent",
        "glassbreak__team_id",
        "glassbreak_id",
    ]
    if named:
        consent_columns += ["consent__team__name", "consent__valid_until"]
        glass_columns += ["glassbreak__team__name", "glassbreak__ends_at"]
    consents = (
        effective_consent_categories(team_ids, at=at)
        .filter(consent__person_id__in=persons)
        .annotate(glass=nothing)
        .order_by()
        .values_list(*consent_columns)
    )
    glass = (
        open_glass_categories(team_ids, at=at)
        .filter(glassbreak__person_id__in=persons)
        .annotate(no_consent=nothing)
        .order_by()
        .values_list(*glass_columns)
    )
    both: QuerySet[Any] = consents.union(glass, all=True)
    return both


def _rows(
    team_ids: Iterable[int] | None, persons: list[int] | QuerySet[Any], *, named: bool = False
) -> list[DecisionRow]:
    """(person, category, consent, team, glass break) rows of the effective consents and open
    emergency accesses of these teams (every team if ``None``) to these persons, in one statement:
    consents first (by id), then emergency accesses, so that a consent's grant is named before a
    glass's. ``named`` rows also carry the team's name and the end (the consent's end date, or the
    emergency access's), for the sentences of ``readership``. Persons named by id are asked through
    the statement compiled once for their number (``access.compiled``)."""
    at = timezone.now()
    if isinstance(persons, QuerySet):
        found = list(_decision_query(team_ids, persons, at, named=named))
    else:
        every_team = team_ids is None

        def build(ids: Mapping[str, list[int]], when: datetime) -> QuerySet[Any]:
            return _decision_query(None if every_team else ids["team"], ids["person"], when, named=named)

        ids = {"person": list(dict.fromkeys(persons))}
        if team_ids is not None:
            ids["team"] = sorted(team_ids)
        name = f"decision:{'every' if every_team else 'teams'}:{'named' if named else 'plain'}"
        found = compiled.rows(name, build, ids, at)
    return sorted(found, key=lambda r: (r[4] is not None, r[2] or 0, r[4] or 0))


def _decision_rows(
    member: Member, persons: list[int] | QuerySet[Any], *, every_team: bool = False
) -> list[DecisionRow]:
    """``_rows`` of the member's teams (of every team if ``every_team``, named for ``readership``).
    The member's consents are locked first (shared), then the decision is made on a fresh view of
    them; a consent made meanwhile, which the lock did not see, is locked in its turn and the
    decision made again."""
    for _attempt in range(DECISION_ATTEMPTS):
        locked = locks.share_current_consents(member.team_ids, persons)
        rows = _rows(None if every_team else member.team_ids, persons, named=every_team)
        relied_on = {r[2] for r in rows if r[2] is not None and r[3] in member.team_ids}
        if locked is None or relied_on <= locked:
            return rows
    raise Unavailable(_("The consents changed while this was read; try again."))


def _grants_of(member: Member, rows: Iterable[DecisionRow]) -> dict[int, Grants]:
    grants: dict[int, Grants] = defaultdict(dict)
    for person_id, code, consent_id, team_id, glass_id, *_name_and_end in rows:
        if team_id in member.team_ids:
            grants[person_id].setdefault(code, Grant(consent_id, team_id, glass_id))
    return grants


def grants_for(member: Member, person_ids: Iterable[int] | QuerySet[Any]) -> dict[int, Grants]:
    """For each person, the categories the member may see and the consent behind each.

    ``person_ids`` may be a query, so that the persons are found in the same statement."""
    persons = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)
    return _grants_of(member, _decision_rows(member, persons))


def grants_and_readership(member: Member, person_id: int) -> tuple[Grants, Readership]:
    """The member's grants for one person, and who reads each category of them now (every following
    team, by consent or emergency access): both from one decision, for the person page, which shows
    both (R11: what the page says about who reads is what decided the member's own access)."""
    rows = _decision_rows(member, [person_id], every_team=True)
    return _grants_of(member, rows).get(person_id, {}), _readership(person_id, rows)


def _readership(person_id: int, rows: list[DecisionRow]) -> Readership:
    """The readership of the rows, with what the person decided about their record (``exclusions``)."""
    say = exclusions.say_of(person_id)
    return readership.of_rows(rows, kept_out=say.kept_out, hidden=say.hidden)


def readership_of(person_id: int) -> Readership:
    """Who reads each category of the person now, and on what basis: the rows of every team's
    effective consents and open emergency accesses, the same rows that decide each read (R11). For
    the pages that speak of readers without being one: the portal, the message after a note."""
    return _readership(person_id, _rows(None, [person_id], named=True))


def may_see_contact(grants: Grants) -> bool:
    """R1: contact details are a category like any other; who may not read them may not change them."""
    return CONTACT in grants


def may_see_identity(member: Member, person: Person, grants: Grants) -> bool:
    """R2: before its first consent a team sees the name the person goes by, and that it follows
    them; names and birth date come with a consent that shares something. An emergency access opens
    the categories it names, never the identity (as a search by name finds nothing through it).
    Whoever created the record keeps what they typed. ``rules.identity_shown`` is the same
    rule as a condition on persons."""
    by_consent = any(grant.consent_id is not None for grant in grants.values())
    return by_consent or person.created_by_id == member.user.pk
