"""Reads and the end of a consent, serialised on the consent (issue "All or nothing", §5).

Through PostgreSQL's advisory locks, which queue fairly: a withdrawal waiting for the reads in flight
is not starved by the reads that keep coming, which wait behind it. A read holds a shared lock on
each consent it relies on until it commits (``access.grants`` takes it before deciding); ending a
consent takes it exclusively first (``lock_to_end``). So every read a consent allowed is recorded
before that consent's end, in the log's order and in time. SQLite runs one writer at a time
(transactions begin IMMEDIATE): the same order, without locks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from access import compiled
from consent.models import Consent

CONSENT_LOCKS = 0x52454C41  # the advisory lock class of consents ("RELA")


# An advisory lock's key within its class is a 32-bit integer: a consent's id folds into it (two
# consents sharing a key only wait for each other a little more).
def _lock_key(column: str) -> str:
    return f"({column} %% 2147483647)::int"


def _current(team_ids: Iterable[int], person_ids: Iterable[int] | QuerySet[Any]) -> QuerySet[Any]:
    return (
        Consent.objects.filter(
            person_id__in=person_ids if isinstance(person_ids, QuerySet) else list(person_ids),
            team_id__in=list(team_ids),
            superseded_by__isnull=True,
            withdrawal__isnull=True,
        )
        .values("pk")
        .order_by()
    )


def share_current_consents(
    team_ids: Iterable[int], person_ids: Iterable[int] | QuerySet[Any]
) -> set[int] | None:
    """Take a shared lock on the current consents of these persons for these teams; return their ids
    (``None`` where the database needs no lock). May wait for a consent being ended right now.
    Persons named by id are asked through the statement compiled once for their number."""
    if connection.vendor != "postgresql":
        return None
    if isinstance(person_ids, QuerySet):
        current = _current(team_ids, person_ids)
        try:
            inner, params = current.query.get_compiler(using=current.db).as_sql()
        except EmptyResultSet:  # asked about no one
            return set()
    else:
        persons, teams = list(dict.fromkeys(person_ids)), sorted(team_ids)
        if not persons or not teams:
            return set()
        inner, params = compiled.statement(
            "locks:current",
            lambda ids, _at: _current(ids["team"], ids["person"]),
            {"team": teams, "person": persons},
            timezone.now(),
        )
    sql = (
        f"SELECT q.pk, pg_advisory_xact_lock_shared(%s, {_lock_key('q.pk')}) "  # noqa: S608 (no input)
        f"FROM ({inner}) q ORDER BY q.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [CONSENT_LOCKS, *params])
        return {row[0] for row in cursor.fetchall()}


def lock_to_end(consent_id: int) -> None:
    """Before a consent is ended (withdrawn or replaced): wait for the reads that rely on it, and make
    the reads that come meanwhile wait for the end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            exclusive = f"SELECT pg_advisory_xact_lock(%s, {_lock_key('%s')})"
            cursor.execute(exclusive, [CONSENT_LOCKS, consent_id])
