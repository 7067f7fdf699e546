"""How many lines a journal has (``journal_groups.Lines.count``), on PostgreSQL, kept and grown.

A journal's page shows "page 1 of N": N counts every event of the person, a line each, but a team's
(or, naming no team, a reader's) lists of a day one line for all. Over Jo's 10,000 lines that reading
was the journal's heaviest statement, at every page. So the count is kept with the last event it
read (by id, the order in which events are appended), and each later page counts only the events
after it: one more line for each event not seen in a list, and for each list of a team's (or
reader's) day not counted yet, which the days' lines kept of the last two local days tell (older
days take no new lists: an event is dated when it is appended). An event appended before the last
one read but committed after the count (a transaction still open at that instant: a request's
events are committed by the statement that appends them) is counted when the whole journal is read
again, ``RECHECK`` after the last time it was; so is a purge of the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from access import compiled
from audit.models import AccessEvent, Action, Outcome
from audit.settled import RECHECK

LISTED = Q(action=Action.PERSON_LIST, outcome=Outcome.ALLOWED)
# A list's line: its team's day, or (naming no team) its reader's, as one number.
_KEY = (
    "CASE WHEN team_id IS NOT NULL THEN team_id * 100000 + (day - DATE '2000-01-01')"
    " ELSE -(actor_id * 100000 + (day - DATE '2000-01-01')) END"
)
# The whole journal: its lines, its last event, and the lines of lists of its last two days.
_WHOLE = (
    f"SELECT COUNT(*) FILTER (WHERE NOT listed) + COUNT(DISTINCT {_KEY}) FILTER (WHERE listed),"  # noqa: S608
    f" MAX(id), ARRAY_AGG(DISTINCT {_KEY}) FILTER (WHERE listed AND day >= %s)"
    " FROM ({keyed}) AS keyed"
)
# What came after the last event read: each event's kind, line and day.
_SINCE = f"SELECT id, listed, {_KEY}, day FROM ({{keyed}}) AS keyed WHERE id > %s"  # noqa: S608


def line_keys(events: QuerySet[AccessEvent]) -> QuerySet[Any]:
    """Each event, with what the count counts of it: whether it is a list's, its team, its reader and
    its local day."""
    day = TruncDate("occurred_at", tzinfo=timezone.get_current_timezone())
    return (
        events.order_by()
        .annotate(listed=ExpressionWrapper(LISTED, output_field=BooleanField()), day=day)
        .values("id", "listed", "team_id", "actor_id", "day")
    )


class _Kept(NamedTuple):
    """A journal's count as kept: when it was read whole, its lines, the last event it read, the
    first of the days whose lists' lines it keeps, and those lines."""

    whole_at: datetime
    counted: int
    last: int
    recent: date
    lines: frozenset[int]


def lines(
    name: str, build: compiled.Build, ids: Mapping[str, list[int]], *, now: datetime | None = None
) -> int:
    """How many lines the journal of ``build(ids)`` has, from what was kept of it, grown by the
    events since; read whole ``RECHECK`` after the last time. The statements are compiled once per
    shape and time zone (``access.compiled``)."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone_name()
    recent = timezone.localtime(now).date() - timedelta(days=1)

    def keys(kept_ids: Mapping[str, list[int]], at: datetime) -> QuerySet[Any]:
        return line_keys(build(kept_ids, at))

    sql, params = compiled.statement(f"{name}:lines:{zone}", keys, ids, now)
    named = ",".join(f"{kind}={'.'.join(map(str, values))}" for kind, values in sorted(ids.items()))
    key = f"journal:lines:{name}:{zone}:{named}"
    cached = cache.get(key)
    kept = None if cached is None else _Kept(*cached)
    with connection.cursor() as cursor:
        if kept is not None and kept.whole_at <= now < kept.whole_at + RECHECK and kept.recent == recent:
            cursor.execute(_SINCE.format(keyed=sql), [*params, kept.last])
            kept = _grown(kept, cursor.fetchall())
        if kept is None or kept.whole_at + RECHECK <= now or now < kept.whole_at or kept.recent != recent:
            cursor.execute(_WHOLE.format(keyed=sql), [recent, *params])
            count, last, days_lines = cursor.fetchone()
            kept = _Kept(now, int(count), last or 0, recent, frozenset(days_lines or ()))
    cache.set(key, tuple(kept), timeout=int(RECHECK.total_seconds()))
    return kept.counted


def _grown(kept: _Kept, rows: list[tuple[Any, ...]]) -> _Kept | None:
    """The kept count grown by the events after its last: None (read whole) if one is a list of a
    day older than the days whose lines are kept."""
    count, last, seen = kept.counted, kept.last, set(kept.lines)
    for event_id, listed, line, day in rows:
        last = max(last, event_id)
        if not listed:
            count += 1
        elif day < kept.recent:
            return None
        elif line not in seen:
            seen.add(line)
            count += 1
    return kept._replace(counted=count, last=last, lines=frozenset(seen))
