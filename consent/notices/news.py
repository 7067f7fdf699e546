"""What the inbox finds in the record rather than being told by an act (``inbox.find_news``): the
consents about to end, and each reader's first read. Its statements, built here from querysets and
compiled once for their shape (``access.compiled``), since every visit to the portal's first page and
inbox asks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, Min, OuterRef, QuerySet

from audit.models import AccessEvent, Action, Outcome
from consent.models import Consent, Notice
from records.models import Person

ENDING_WITHIN = timedelta(days=30)
# What counts as reading the person's information: the reads a member's page or the API records.
READS = (
    Action.PERSON_VIEW,
    Action.PERSON_LIST,
    Action.NOTE_LIST,
    Action.NOTE_VIEW,
    Action.CONSENT_VIEW,
    Action.RECEIPT_VIEW,
    Action.CONSENT_EVIDENCE,
)


def ending(ids: Mapping[str, list[int]], at: datetime) -> QuerySet[Any]:
    """The person's consents that end after ``at`` and whose end was not told yet, with their end:
    those ending within ``ENDING_WITHIN`` are news (``ending_soon``)."""
    person_id = ids["person"][0]
    # The same end for the same team is told once: a change that keeps the end date (one kind of
    # information more, or less) is not a new end. Nor is an end the person set themselves, already
    # close, when they gave the consent: their own act is not news to them (issue 21, item 9).
    told_this_end = Notice.objects.filter(
        person_id=person_id,
        kind=Notice.Kind.CONSENT_ENDING,
        team_id=OuterRef("team_id"),
        consent__valid_until=OuterRef("valid_until"),
    )
    ending = (
        Consent.objects.filter(
            person_id=person_id,
            valid_until__gt=at,
            superseded_by__isnull=True,
            withdrawal__isnull=True,
        )
        .exclude(pk__in=Notice.objects.filter(kind=Notice.Kind.CONSENT_ENDING).values("consent_id"))
        .exclude(Exists(told_this_end))
    )
    if "account" in ids:
        ending = ending.exclude(
            recorded_by_id=ids["account"][0],
            representative__isnull=True,
            valid_until__lte=F("recorded_at") + ENDING_WITHIN,
        )
    return ending.values_list("pk", "team_id", "valid_until")


def ending_soon(rows: list[tuple[int, int, datetime]], at: datetime) -> list[tuple[int, int]]:
    """(consent, team) of the ``ending`` rows that end within ``ENDING_WITHIN`` of ``at``: compared
    here, since a compiled statement names one time only."""
    return [(pk, team_id) for pk, team_id, until in rows if until <= at + ENDING_WITHIN]


def first_reads(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[Any]:
    """Each reader's first read of the person, for the readers not told of yet."""
    person_id = ids["person"][0]
    told = Notice.objects.filter(person_id=person_id, kind=Notice.Kind.FIRST_READER).values("actor_id")
    readers = AccessEvent.objects.filter(
        person_id=person_id, outcome=Outcome.ALLOWED, action__in=READS
    ).exclude(actor_id=None)
    if "account" in ids:
        readers = readers.exclude(actor_id=ids["account"][0])
    return readers.exclude(actor_id__in=told).values_list("actor_id").annotate(first=Min("id"))


def ids_of(person: Person) -> dict[str, list[int]]:
    """The person's statements' ids: theirs, and their account's if they have one (a shape of its own)."""
    ids = {"person": [person.pk]}
    if person.account_id is not None:
        ids["account"] = [person.account_id]
    return ids


def shape_of(person: Person) -> str:
    """The statements' shape: a person with an account leaves their own reads out (one id more)."""
    return "own" if person.account_id is not None else "none"
