"""What the inbox finds in the record rather than being told by an act (``inbox.find_news``): the
consents about to end, and each reader's first read. Its statements, built here from querysets and
compiled once for their shape (``access.compiled``), since every visit to the portal's first page and
inbox asks them.

The first reads are looked for in what came since the last visit: every reader found is told (a
notice), so a reader not told yet reads for the first time among the events since. Those are the
events after the last one settled at the last visit (``SETTLED`` before it: a request's events are
committed in the statement that appends them), or dated since then. An event committed later than
that is found when the whole record is read again, ``RECHECK`` after the last time it was. Reading
all the person's events at every visit cost the portal's first page and inbox some 5 ms for a
person read 10,000 times (``bench/pages.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet

from access import compiled
from audit.models import AccessEvent, Action, Outcome
from audit.settled import RECHECK, SETTLED
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


def first_reads(ids: Mapping[str, list[int]], at: datetime) -> QuerySet[Any]:
    """Each reader's first read of the person, for the readers not told of yet."""
    person_id = ids["person"][0]
    told = Notice.objects.filter(person_id=person_id, kind=Notice.Kind.FIRST_READER).values("actor_id")
    readers = AccessEvent.objects.filter(
        person_id=person_id, outcome=Outcome.ALLOWED, action__in=READS
    ).exclude(actor_id=None)
    if "account" in ids:
        readers = readers.exclude(actor_id=ids["account"][0])
    if "after" in ids:  # since the last visit: after its last settled event, or dated since ``at``
        readers = readers.filter(Q(id__gt=ids["after"][0]) | Q(occurred_at__gte=at))
    return readers.exclude(actor_id__in=told).values_list("actor_id").annotate(first=Min("id"))


def first_readers(person: Person, now: datetime) -> dict[int, int]:
    """Each reader's first read of the person not told yet, {reader: event id}: among the events
    since the last visit, or, ``RECHECK`` after the last whole reading, among all of them."""
    ids, shape = ids_of(person), shape_of(person)
    key = f"notices:first-readers:{person.pk}:{person.account_id}"
    last: tuple[int, datetime, datetime] | None = cache.get(key)  # (settled event, since, whole reading)
    if last is None or not last[2] <= now < last[2] + RECHECK:
        found = compiled.rows(f"notices:first-reads:{shape}", first_reads, ids, now)
        whole_at = now
    else:
        after, since, whole_at = last
        found = compiled.rows(
            f"notices:first-reads:{shape}:after", first_reads, {**ids, "after": [after]}, since
        )
    settled = AccessEvent.objects.filter(person_id=person.pk, occurred_at__lt=now - SETTLED).aggregate(
        last=Max("id")
    )["last"]
    kept = (settled or 0, now - SETTLED, whole_at)
    # Once the notices of those found are committed: a visit rolled back tells no one, and moves nothing.
    transaction.on_commit(lambda: cache.set(key, kept, timeout=int(RECHECK.total_seconds())))
    return dict(found)


def ids_of(person: Person) -> dict[str, list[int]]:
    """The person's statements' ids: theirs, and their account's if they have one (a shape of its own)."""
    ids = {"person": [person.pk]}
    if person.account_id is not None:
        ids["account"] = [person.account_id]
    return ids


def shape_of(person: Person) -> str:
    """The statements' shape: a person with an account leaves their own reads out (one id more)."""
    return "own" if person.account_id is not None else "none"
