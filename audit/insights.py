"""What an auditor should look at first, computed from the log over a recent window.

The signals counted per actor and day (refusals, reads at night, persons read) and the chart's days
are one grouped statement over the window (``tally``), whatever the log's size; the others read the
few events of their kind (acts of administration, emergency accesses, failed sign-ins).

Long on purpose: every signal of "deserves a look" is here, side by side, with the window they share.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BigIntegerField, Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from audit import timed_statements
from audit.expressions import BodyText
from audit.models import AccessEvent, Action, Outcome
from audit.settled import RECHECK, SETTLED

READS = [
    Action.PERSON_LIST,
    Action.PERSON_VIEW,
    Action.NOTE_LIST,
    Action.NOTE_VIEW,
    Action.CONSENT_VIEW,
    Action.RECEIPT_VIEW,
]
DENIED_PER_DAY = 5
PERSONS_PER_DAY = 20
NIGHT = (22, 6)  # from 22:00 to 06:00, local time
# Acts that change who can see what: done by a manager to their own account, they open person data
# (a membership) or widen a role with no one else's eyes on it.
GRANTS = [Action.MEMBERSHIP_ADD, Action.MEMBERSHIP_UPDATE, Action.ACCOUNT_UPDATE]


@dataclass(frozen=True)
class Day:
    day: date
    allowed: int
    denied: int


@dataclass(frozen=True)
class Signal:
    kind: str
    actor_id: int | None
    actor_label: str
    day: date | None
    count: int
    team_id: int | None = None


@dataclass(frozen=True)
class Tally:
    """What one scan of a window's events says: allowed and denied events per local day (the chart),
    and the signals counted per actor (reads at night over the window) and per actor and day (many
    refusals, many persons read), as ``(kind, actor_id, day, count)``."""

    days: dict[date, tuple[int, int]]
    counted: list[tuple[Any, ...]]


# The window's events per actor and local day (``_grouped``), then three small reductions of those
# rows: per day for the chart, per actor for the nights, and the actors' days over a threshold. The
# grouped rows are referenced three times, so the database computes them once (PostgreSQL always
# materialises such a CTE, SQLite since 3.35): one scan of the window. Plain SQL around the ORM's
# statement: both databases run it as it is written.
_TALLY = """
WITH g AS ({grouped})
SELECT 'day', NULL, g.{day}, SUM(g.allowed), SUM(g.denied) FROM g GROUP BY g.{day}
UNION ALL
SELECT 'night', g.actor_id, NULL, SUM(g.night_reads), 0 FROM g
WHERE g.actor_id IS NOT NULL GROUP BY g.actor_id HAVING SUM(g.night_reads) > 0
UNION ALL
SELECT 'actor_day', g.actor_id, g.{day}, g.denied, g.persons_read FROM g
WHERE g.actor_id IS NOT NULL AND (g.denied >= %s OR g.persons_read >= %s)
"""


def tally(events: QuerySet[AccessEvent], *, since: datetime, until: datetime) -> Tally:
    """The events of ``[since, until)``, counted for the chart and the signals in one statement that
    reads the window once. There were four, each its own scan and ``GROUP BY`` (the log's first page
    spent most of its statements' time in them). Its answer is a few rows whatever the window holds:
    a row per day, per actor with reads at night, per actor's day over a threshold."""
    grouped = _grouped(events, since=since, until=until)
    try:
        sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    except EmptyResultSet:  # ``none()``: an invalid filter, a name that matched nobody
        return Tally({}, [])
    quoted = connections[grouped.db].ops.quote_name("day")
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(_TALLY.format(grouped=sql, day=quoted), (*params, DENIED_PER_DAY, PERSONS_PER_DAY))
        rows = cursor.fetchall()
    days: dict[date, tuple[int, int]] = {}
    counted: list[tuple[Any, ...]] = []
    night: list[tuple[Any, ...]] = []
    for kind, actor, on, first, second in rows:
        if kind == "night":
            night.append(("night", actor, None, int(first)))
            continue
        day = on if isinstance(on, date) else date.fromisoformat(on)  # SQLite answers text
        if kind == "day":
            days[day] = (int(first), int(second))
            continue
        if first >= DENIED_PER_DAY:
            counted.append(("denied", actor, day, int(first)))
        if second >= PERSONS_PER_DAY:
            counted.append(("many_persons", actor, day, int(second)))
    # In the order of actors and days, whatever order the database answered in.
    counted.sort(key=lambda c: (c[1], c[2], c[0]))
    return Tally(days, counted + sorted(night, key=lambda c: c[1]))


# The same grouped rows, kept per actor and day: the cached path (``closed_days_tally``) keeps each
# closed day's reduction on its own and adds the days up in Python. An actor's day appears when it
# is over a threshold or read at night (the nights are summed over the window afterwards).
_PER_DAY = """
WITH g AS ({grouped})
SELECT 'day', NULL, g.{day}, SUM(g.allowed), SUM(g.denied), 0 FROM g GROUP BY g.{day}
UNION ALL
SELECT 'actor_day', g.actor_id, g.{day}, g.denied, g.persons_read, g.night_reads FROM g
WHERE g.actor_id IS NOT NULL AND (g.denied >= %s OR g.persons_read >= %s OR g.night_reads > 0)
"""

# A day is closed, and its tallies kept, an hour after its local midnight: an event's time is taken
# under its chain's lock, in the transaction that appends it, so an event of that day still
# uncommitted at midnight is committed within the hour (a request's transaction is seconds).
CLOSED_AFTER = timedelta(hours=1)
# The window's partial days (its first, and today) are kept too. Today's kept part grows at every
# page by what was appended since the last one, up to ``SETTLED`` ago (``audit.settled``). An event
# committed later than that (a command's long transaction) is counted when the kept part is counted
# again whole, at each new step (``EDGE_STEP``, every ``RECHECK``), which the first day's part moves
# by too.
# What is counted live is then the last seconds, whatever the traffic.
EDGE_STEP = RECHECK
# A closed day is read while it is within a window (thirty days), and not kept much longer.
KEPT_FOR = timedelta(days=32)
CACHE_VERSION = 1


@dataclass(frozen=True)
class _DayCount:
    """One local day's share of a tally: the chart's bar (``None`` for a day without an event),
    each actor's allowed reads at night, and the actor's day as ``(actor, denied, persons read)``
    when over a threshold."""

    bar: tuple[int, int] | None
    nights: dict[int, int]
    over: list[tuple[int, int, int]]


def _local_midnight(day: date, tz: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), tz)


@dataclass(frozen=True)
class _Summed:
    """Whole days' counts added up once: each day's bar, the actors' reads at night summed over
    the days, and the actors' days over a threshold as ``(day, actor, denied, persons read)``."""

    bars: dict[date, tuple[int, int]]
    nights: dict[int, int]
    over: list[tuple[date, int, int, int]]


def _summed(per_day: dict[date, _DayCount], onto: _Summed | None = None) -> _Summed:
    """``per_day`` added up (onto an earlier sum): a day's bar, each actor's nights, the days over."""
    bars: dict[date, tuple[int, int]] = dict(onto.bars) if onto else {}
    nights: dict[int, int] = dict(onto.nights) if onto else {}
    over: list[tuple[date, int, int, int]] = list(onto.over) if onto else []
    for day, count in per_day.items():
        if count.bar is not None:
            bars[day] = count.bar
        for actor, reads in count.nights.items():
            nights[actor] = nights.get(actor, 0) + reads
        over += [(day, actor, denied, persons) for actor, denied, persons in count.over]
    return _Summed(bars, nights, over)


def closed_days_tally(
    events: QuerySet[AccessEvent], *, since: datetime, until: datetime, now: datetime, marker: str
) -> Tally:
    """``tally(events, since=since, until=until)``, its closed days read from the cache.

    The log is append-only and an event's time is taken when it is appended: a local day that ended
    (``CLOSED_AFTER`` ago) never counts differently, except after a purge, which ``marker`` names
    (with anything else the events' selection depends on besides its statement, e.g. an
    organisation's accounts). Every count of ``tally`` is per actor and local day, or a sum of
    them (the nights per actor, the chart's bars): the days' counts add up. So each closed day is
    counted once and kept, keyed by the selection's statement and parameters, the time zone, the
    thresholds and ``marker``; the window's partial first day, today, and the closed days missing
    from the cache are counted in one statement over those ranges (about 1,400 events a day over the
    bench's million, against 41,000 for the window). Over a million events, the page's tally took
    most of its 678 ms.

    The window's whole days are kept added up as well, under the same selection and their first
    and last day: a page reads one entry, not thirty days of some three hundred actors each to
    unpickle and add up (about 3 ms of the page's CPU over the bench's million). Once they are, the
    partial days' closed steps are kept too (``_edge_counts``, ``EDGE_STEP``): what is counted live
    is at most a step at each end of the window and the step just closed, not a day's events."""
    tz = timezone.get_current_timezone()
    try:
        sql, params = events.order_by().query.get_compiler(using=events.db).as_sql()
    except EmptyResultSet:
        return Tally({}, [])
    selection = hashlib.sha256(
        repr((sql, params, str(tz), DENIED_PER_DAY, PERSONS_PER_DAY, marker, events.db)).encode()
    ).hexdigest()[:32]
    first = timezone.localtime(since, tz).date()
    if _local_midnight(first, tz) < since:
        first += timedelta(days=1)  # the window's first day is partial: counted live
    closed_until = min(until, now - CLOSED_AFTER)
    whole_days: list[date] = []
    day = first
    while _local_midnight(day + timedelta(days=1), tz) <= closed_until:
        whole_days.append(day)
        day += timedelta(days=1)
    if not whole_days:
        return _added(_Summed({}, {}, []), _count_days(events, [(since, until)], shape=selection))
    # The live ranges: before the first whole day, after the last, and the closed days not kept.
    edges = [
        (start, end)
        for start, end in [
            (since, _local_midnight(whole_days[0], tz)),
            (_local_midnight(whole_days[-1] + timedelta(days=1), tz), until),
        ]
        if start < end
    ]
    days_named = f"{whole_days[0].isoformat()}:{whole_days[-1].isoformat()}"
    summed_key = f"audit:tally-sum:{CACHE_VERSION}:{selection}:{days_named}"
    summed: _Summed | None = cache.get(summed_key)
    if summed is not None:
        settled = min(until, now - SETTLED)
        return _added(summed, _edge_counts(events, edges, closed_until=settled, shape=selection))
    keys = {day: f"audit:tally:{CACHE_VERSION}:{selection}:{day.isoformat()}" for day in whole_days}
    kept: dict[str, _DayCount] = cache.get_many(list(keys.values()))
    missing = [day for day in whole_days if keys[day] not in kept]
    ranges = edges + [(_local_midnight(d, tz), _local_midnight(d + timedelta(days=1), tz)) for d in missing]
    counted = _count_days(events, ranges, shape=selection)
    timeout = int(KEPT_FOR.total_seconds())
    if missing:
        cache.set_many(
            {keys[day]: counted.get(day, _DayCount(None, {}, [])) for day in missing}, timeout=timeout
        )
    summed = _summed(
        {
            day: kept[keys[day]] if keys[day] in kept else counted.get(day, _DayCount(None, {}, []))
            for day in whole_days
        }
    )
    # Read while these are the window's whole days: a day.
    cache.set(summed_key, summed, timeout=int(timedelta(days=2).total_seconds()))
    whole = set(whole_days)
    return _added(summed, {day: count for day, count in counted.items() if day not in whole})


# The window's partial days (its first, and today) are counted per actor, day and person read, so
# that their closed hours can be kept and added to what is counted live: an actor's persons read
# add up as sets, not as counts. ``part`` says which range not kept yet an event falls in (0: live).
_PER_PERSON = """
SELECT g.part, g.actor_id, g.{day}, g.person, g.allowed, g.denied, g.night_reads FROM ({grouped}) g
"""

# One partial day's counts: the events allowed and denied, and for each actor the refusals, the
# reads at night and the persons read.
_Part = dict[date, tuple[int, int, dict[int, tuple[int, int, frozenset[int]]]]]


def _step_floor(moment: datetime) -> datetime:
    floor = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return floor - timedelta(minutes=floor.minute % (EDGE_STEP // timedelta(minutes=1)))


def _step_ceil(moment: datetime) -> datetime:
    floor = _step_floor(moment)
    return floor if floor == moment else floor + EDGE_STEP


def _edge_counts(
    events: QuerySet[AccessEvent],
    edges: list[tuple[datetime, datetime]],
    *,
    closed_until: datetime,
    shape: str,
) -> dict[date, _DayCount]:
    """The counts of the window's partial days (``edges``), what is settled of them (up to
    ``closed_until``) read from the cache. A day's kept part is one entry (by ``shape``, the
    selection, and the local day) with its bounds. Today's grows at every page: the entry is
    extended by counting only what came since its end, as long as its end and the new one are in
    the same step (``EDGE_STEP``); at a new step it is counted again whole, which counts an event
    committed late into a part already kept. The first day's part starts at a step (the window's
    start moves on) and is counted again whole when it does. Counted live: the first day's minutes
    before its first step, and today's last seconds. Today grows all day (every page read is an
    event of today): counted live, it was a day of events to group at every request; kept by
    closed hours, up to two hours of events (the pages' benchmark, whose rounds write thousands
    of events a minute, saw the page slow down round after round)."""
    tz = timezone.get_current_timezone()
    parts: list[tuple[datetime, datetime]] = []
    live: list[tuple[datetime, datetime]] = []
    for start, end in edges:
        kept_start, kept_end = _step_ceil(start), min(end, closed_until)
        if kept_start < kept_end:
            parts.append((kept_start, kept_end))
            live += [(a, b) for a, b in ((start, kept_start), (kept_end, end)) if a < b]
        else:
            live.append((start, end))
    # Each edge is within one local day, a day apart from the other edge's.
    keys = {
        part: f"audit:tally-part:{CACHE_VERSION}:{shape}:{timezone.localtime(part[0], tz).date().isoformat()}"
        for part in parts
    }
    entries: dict[str, tuple[datetime, datetime, _Part]] = cache.get_many(list(keys.values())) if keys else {}
    kept: dict[tuple[datetime, datetime], _Part] = {}
    to_count: list[tuple[datetime, datetime]] = []
    extended: dict[tuple[datetime, datetime], tuple[tuple[datetime, datetime], _Part]] = {}
    for part in parts:
        entry = entries.get(keys[part])
        if entry is not None and entry[:2] == part:
            kept[part] = entry[2]
        elif entry is not None and _extends(entry[0], entry[1], part):
            since_then = (entry[1], part[1])
            to_count.append(since_then)
            extended[since_then] = (part, entry[2])
        else:
            to_count.append(part)
    counted = _count_persons(events, live, to_count, shape=shape)
    fresh: dict[tuple[datetime, datetime], _Part] = {}
    for number, counted_range in enumerate(to_count, start=1):
        if counted_range in extended:
            part, before = extended[counted_range]
            fresh[part] = _joined(before, counted[number])
        else:
            fresh[counted_range] = counted[number]
    if fresh:
        cache.set_many(
            {keys[part]: (*part, value) for part, value in fresh.items()},
            timeout=int(timedelta(days=2).total_seconds()),
        )
    return _merged([*kept.values(), *fresh.values(), counted[0]])


def _extends(start: datetime, end: datetime, part: tuple[datetime, datetime]) -> bool:
    """Whether a kept part ``[start, end)`` grows into ``part`` by counting what came since its end:
    the same start, a later end within the same step."""
    return start == part[0] and end < part[1] and _step_floor(end) == _step_floor(part[1])


def _count_persons(
    events: QuerySet[AccessEvent],
    live: list[tuple[datetime, datetime]],
    parts: list[tuple[datetime, datetime]],
    *,
    shape: str,
) -> dict[int, _Part]:
    """The events of ``live`` and ``parts`` per actor, local day and person read, in one statement
    compiled once per shape (``timed_statements``): what is live as part 0, each of ``parts`` as
    its number from 1."""
    counted: dict[int, _Part] = {number: {} for number in range(len(parts) + 1)}
    if not live and not parts:
        return counted
    tz = timezone.get_current_timezone()
    night_start, night_end = NIGHT
    read = Q(outcome=Outcome.ALLOWED, action__in=READS)

    def grouped(times: Sequence[datetime]) -> QuerySet[Any]:
        ranges = list(zip(times[::2], times[1::2], strict=True))
        within = Q()
        for start, end in ranges[: len(live) + len(parts)]:
            within |= Q(occurred_at__gte=start, occurred_at__lt=end)
        numbered = [
            When(Q(occurred_at__gte=start, occurred_at__lt=end), then=Value(number))
            for number, (start, end) in enumerate(ranges[len(live) + len(parts) :], start=1)
        ]
        part = Case(*numbered, default=Value(0), output_field=IntegerField()) if numbered else Value(0)
        return (
            events.filter(within)
            .alias(hour=ExtractHour("occurred_at", tzinfo=tz))
            .annotate(
                day=TruncDate("occurred_at", tzinfo=tz),
                part=part,
                person=Case(When(read, then=F("person_id")), default=None, output_field=BigIntegerField()),
            )
            .values("part", "actor_id", "day", "person")
            .annotate(
                allowed=Count("id", filter=Q(outcome=Outcome.ALLOWED)),
                denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
                night_reads=Count("id", filter=read & ~Q(hour__range=(night_end, night_start - 1))),
            )
            .order_by()
        )

    times = [moment for ranges in (live, parts, parts) for edge in ranges for moment in edge]
    try:
        sql, params = timed_statements.with_times(
            grouped, times, shape=("parts", shape, len(live), len(parts)), using=events.db
        )
    except EmptyResultSet:
        return counted
    quoted = connections[events.db].ops.quote_name("day")
    with connections[events.db].cursor() as cursor:
        cursor.execute(_PER_PERSON.format(grouped=sql, day=quoted), params)
        rows = cursor.fetchall()
    building: dict[int, dict[date, list[Any]]] = {number: {} for number in counted}
    for number, actor, on, person, allowed, denied, night in rows:
        day = on if isinstance(on, date) else date.fromisoformat(on)  # SQLite answers text
        entry = building[number].setdefault(day, [0, 0, {}])
        entry[0] += allowed
        entry[1] += denied
        if actor is None:
            continue
        refused, nights, persons = entry[2].get(actor, (0, 0, set()))
        if person is not None:
            persons.add(person)
        entry[2][actor] = (refused + denied, nights + night, persons)
    return {
        number: {
            day: (allowed, denied, {a: (r, n, frozenset(p)) for a, (r, n, p) in actors.items()})
            for day, (allowed, denied, actors) in days.items()
        }
        for number, days in building.items()
    }


def _joined(first: _Part, second: _Part) -> _Part:
    """Two counts of parts of the same days, as one: the events added up, each actor's persons read
    as one set (a person read in both is read once)."""
    days: dict[date, tuple[int, int, dict[int, tuple[int, int, frozenset[int]]]]] = dict(first)
    for day, (allowed, denied, actors) in second.items():
        if day not in days:
            days[day] = (allowed, denied, actors)
            continue
        was_allowed, was_denied, was_actors = days[day]
        merged = dict(was_actors)
        for actor, (refused, nights, persons) in actors.items():
            was = merged.get(actor)
            merged[actor] = (
                (refused, nights, persons)
                if was is None
                else (was[0] + refused, was[1] + nights, was[2] | persons)
            )
        days[day] = (was_allowed + allowed, was_denied + denied, merged)
    return days


def _merged(parts: list[_Part]) -> dict[date, _DayCount]:
    """Parts of days added up, as ``_count_days`` counts the days: the bar of a day with events,
    each actor's reads at night, the actors' days over a threshold."""
    days: _Part = {}
    for part in parts:
        days = _joined(days, part)
    return {
        day: _DayCount(
            (allowed, denied),
            {actor: nights for actor, (_, nights, _) in actors.items() if nights},
            [
                (actor, refused, len(persons))
                for actor, (refused, _, persons) in actors.items()
                if refused >= DENIED_PER_DAY or len(persons) >= PERSONS_PER_DAY
            ],
        )
        for day, (allowed, denied, actors) in days.items()
    }


_COUNT = "SELECT COUNT(*) FROM ({selected}) c"


def kept_count(events: QuerySet[AccessEvent], *, now: datetime, marker: str) -> int:
    """How many ``events`` there are: those of the closed days counted once a day and kept (by the
    selection's statement, the day and ``marker``, as ``closed_days_tally``), those since counted
    live. A filtered page's count otherwise reads every event the filter matches in the whole log
    (46 ms for one action over the bench's million, growing with the log). One statement either
    way: both parts at once when the closed part is not kept yet."""
    tz = timezone.get_current_timezone()
    try:
        sql, params = events.order_by().query.get_compiler(using=events.db).as_sql()
    except EmptyResultSet:
        return 0
    boundary = _local_midnight(timezone.localtime(now - CLOSED_AFTER, tz).date(), tz)
    selection = hashlib.sha256(repr((sql, params, marker, events.db)).encode()).hexdigest()[:32]
    key = f"audit:count:{CACHE_VERSION}:{selection}:{boundary.isoformat()}"
    closed = cache.get(key)
    counted = events.order_by()
    if closed is not None:
        # Compiled once per selection (``timed_statements``): only the day changes.
        sql, params = timed_statements.with_times(
            lambda times: counted.filter(occurred_at__gte=times[0]).values("id"),
            [boundary],
            shape=("count", selection),
            using=events.db,
        )
        with connections[events.db].cursor() as cursor:
            cursor.execute(_COUNT.format(selected=sql), params)
            (today,) = cursor.fetchone()
        return int(closed) + int(today)
    both = counted.aggregate(
        closed=Count("id", filter=Q(occurred_at__lt=boundary)),
        since=Count("id", filter=Q(occurred_at__gte=boundary)),
    )
    cache.set(key, both["closed"], timeout=int(timedelta(days=2).total_seconds()))
    return int(both["closed"]) + int(both["since"])


def _count_days(
    events: QuerySet[AccessEvent], ranges: list[tuple[datetime, datetime]], *, shape: str
) -> dict[date, _DayCount]:
    """The grouped rows of the events in ``ranges`` (whole local days, or the window's edges), per
    local day: one statement, one scan of those ranges (the index on the events' time). ``shape``
    names the selection (its statement, parameters and time zone): its statement is compiled once
    per shape and number of ranges (``timed_statements``)."""
    if not ranges:
        return {}

    def grouped(times: Sequence[datetime]) -> QuerySet[Any]:
        within = Q()
        for start, end in zip(times[::2], times[1::2], strict=True):
            within |= Q(occurred_at__gte=start, occurred_at__lt=end)
        # The ranges alone, not within the window's bounds as well: with both, the planner reads the
        # whole window by its index and filters (18 ms over the bench's million, against one range
        # per index scan).
        return _per_actor_day(events.filter(within))

    times = [time for edges in ranges for time in edges]
    try:
        sql, params = timed_statements.with_times(grouped, times, shape=shape, using=events.db)
    except EmptyResultSet:
        return {}
    quoted = connections[events.db].ops.quote_name("day")
    with connections[events.db].cursor() as cursor:
        cursor.execute(_PER_DAY.format(grouped=sql, day=quoted), (*params, DENIED_PER_DAY, PERSONS_PER_DAY))
        rows = cursor.fetchall()
    days: dict[date, _DayCount] = {}
    for kind, actor, on, first, second, night in rows:
        day = on if isinstance(on, date) else date.fromisoformat(on)  # SQLite answers text
        count = days.setdefault(day, _DayCount(None, {}, []))
        if kind == "day":
            days[day] = _DayCount((int(first), int(second)), count.nights, count.over)
            continue
        if night:
            count.nights[actor] = int(night)
        if first >= DENIED_PER_DAY or second >= PERSONS_PER_DAY:
            count.over.append((actor, int(first), int(second)))
    return days


def _added(summed: _Summed, per_day: dict[date, _DayCount]) -> Tally:
    """The whole days' sum and the other days' counts as ``tally`` gives them for the window: the
    bars per day, the actors' days over a threshold, the nights summed per actor; in ``tally``'s
    order."""
    total = _summed(per_day, onto=summed)
    days, nights, over = total.bars, total.nights, total.over
    counted: list[tuple[Any, ...]] = []
    for day, actor, denied, persons in over:
        if denied >= DENIED_PER_DAY:
            counted.append(("denied", actor, day, denied))
        if persons >= PERSONS_PER_DAY:
            counted.append(("many_persons", actor, day, persons))
    counted.sort(key=lambda c: (c[1], c[2], c[0]))
    return Tally(days, counted + [("night", actor, None, n) for actor, n in sorted(nights.items())])


def _grouped(events: QuerySet[AccessEvent], *, since: datetime, until: datetime) -> QuerySet[Any]:
    """The events of ``[since, until)`` per actor (none included) and local day: allowed, denied,
    allowed reads at night (local time), different persons in the allowed reads."""
    return _per_actor_day(events.filter(occurred_at__gte=since, occurred_at__lt=until))


def _per_actor_day(events: QuerySet[AccessEvent]) -> QuerySet[Any]:
    """``events`` per actor (none included) and local day, counted as ``_grouped`` says."""
    tz = timezone.get_current_timezone()
    start, end = NIGHT
    read = Q(outcome=Outcome.ALLOWED, action__in=READS)
    return (
        events.alias(hour=ExtractHour("occurred_at", tzinfo=tz))
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("actor_id", "day")
        .annotate(
            allowed=Count("id", filter=Q(outcome=Outcome.ALLOWED)),
            denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
            # One hour read a row, not two: "not between the morning and the evening".
            night_reads=Count("id", filter=read & ~Q(hour__range=(end, start - 1))),
            persons_read=Count("person_id", distinct=True, filter=read),
        )
        .order_by()
    )


def per_day(tallied: Tally, *, since: datetime, until: datetime) -> list[Day]:
    """Allowed and denied events per local day of ``[since, until)`` (``tally``'s window), every
    day of the window present (zero included)."""
    tz = timezone.get_current_timezone()
    first, last = (
        timezone.localtime(since, tz).date(),
        timezone.localtime(until - timedelta(microseconds=1), tz).date(),
    )
    days = []
    current = first
    while current <= last:
        allowed, denied = tallied.days.get(current, (0, 0))
        days.append(Day(current, allowed, denied))
        current += timedelta(days=1)
    return days


def signals(
    *,
    glass_review_after: timedelta,
    scope: QuerySet[AccessEvent],
    window_days: int = 30,
    now: datetime | None = None,
    tallied: Tally | None = None,
    labels_marker: str | None = None,
) -> list[Signal]:
    """Many refusals for one actor in a day; reads at night; many persons read by one actor in a day;
    a manager who granted themselves access; an emergency access waiting for review longer than
    ``glass_review_after`` (the rule lives in ``consent.emergency``, above the log, which hands it in); a
    space reset with a worker's code, then exported or its journal read. Every signal is read within
    ``scope``, the events the auditor may read (``audit.selectors.auditable``), over the
    ``window_days`` before ``now``. ``tallied`` is ``tally(scope)`` of that window when the caller
    has it already (the log's unfiltered page draws its chart from the same rows). With
    ``labels_marker`` (``closed_days_tally``'s marker), the actors' names of the closed days are
    kept (``_labels``)."""
    now = now or timezone.now()
    since = now - timedelta(days=window_days)
    counted = tallied if tallied is not None else tally(scope, since=since, until=now)
    acts = _acts(scope, since=since)
    recent = [e for e in acts if e.occurred_at >= since and e.actor_id is not None]
    found = list(counted.counted)
    found += _self_grants(recent)
    found += _glass_waiting(glass_review_after, scope, acts=acts, now=now)
    found += _reset_then_read(recent, scope.filter(occurred_at__gte=since, actor_id__isnull=False))
    found += _created_then_added(recent)
    labels = _labels({actor for _, actor, _, _ in found}, now=now, marker=labels_marker)
    team_glass = _glass_close_together(since, acts)
    ordered = sorted(found, key=lambda f: (f[0], -(f[3]), f[1]))
    return (
        [Signal(kind, actor, labels.get(actor, f"#{actor}"), day, n) for kind, actor, day, n in ordered]
        + _lockouts(since, acts)
        + team_glass
    )


# What the signals below read event by event: acts of administration, resets of spaces, failed
# sign-ins, in the window; emergency accesses opened whenever (one waits for its verdict however
# old it is), and their verdicts.
WINDOWED_ACTS = [
    *GRANTS,
    Action.ACCOUNT_CREATE,
    Action.PORTAL_RESET,
    Action.SPACE_RESET_CONFIRM,
    Action.AUTH_LOGIN_FAILED,
]


ACT_FIELDS = ("body", "occurred_at", "actor_id", "action", "outcome")


def _acts(scope: QuerySet[AccessEvent], *, since: datetime) -> list[AccessEvent]:
    """In one statement, in the order of the log: within ``scope``, the acts of ``WINDOWED_ACTS``
    since ``since`` and every emergency access opened; in the whole log, the emergency accesses'
    verdicts (the deployment's auditor may have given one). They are few whatever the log's size;
    each signal picks its own by action (the two sides share none), outcome, time and actor. One
    statement where there were nine, each its own round trip and its own compiling."""

    def acts(times: Sequence[datetime]) -> QuerySet[AccessEvent]:
        found = scope.filter(
            Q(occurred_at__gte=times[0], action__in=WINDOWED_ACTS)
            | Q(action=Action.GLASS_BREAK, outcome=Outcome.ALLOWED)
        ) | AccessEvent.objects.filter(action=Action.GLASS_BREAK_REVIEW, outcome=Outcome.ALLOWED)
        return found.only(*ACT_FIELDS).order_by("id")

    # Compiled once per scope (``timed_statements``): only the window's start changes.
    try:
        shape = ("acts", *scope.order_by().query.get_compiler(using=scope.db).as_sql())
        sql, params = timed_statements.with_times(acts, [since], shape=repr(shape), using=scope.db)
    except EmptyResultSet:  # an organisation's auditor without an organisation: the verdicts only
        return list(acts([since]))
    return list(AccessEvent.objects.db_manager(scope.db).raw(sql, params))


def _of(acts: list[AccessEvent], *actions: str, allowed: bool = True) -> list[AccessEvent]:
    return [e for e in acts if e.action in actions and (not allowed or e.outcome == Outcome.ALLOWED)]


def _lockouts(since: datetime, acts: list[AccessEvent]) -> list[Signal]:
    """Sign-ins stopped for an account: as many failures in a day as stop its sign-ins
    (``AXES_FAILURE_LIMIT``), or an attempt refused while stopped. Failed sign-ins have no actor, so
    the username is read from the reason the recorder wrote (``teams.accounts``, ``teams.factors``)."""
    tz = timezone.get_current_timezone()
    per_day: dict[tuple[str, date], int] = {}
    stopped: set[tuple[str, date]] = set()
    for event in _of(acts, Action.AUTH_LOGIN_FAILED, allowed=False):
        if event.occurred_at < since:
            continue
        reason = event.reason
        match = STOPPED.match(reason) or NAMED.match(reason)
        who = match["who"] if match else reason
        if not who or " " in who:
            continue
        key = (who, timezone.localtime(event.occurred_at, tz).date())
        per_day[key] = per_day.get(key, 0) + 1
        if STOPPED.match(reason):
            stopped.add(key)
    limit = settings.AXES_FAILURE_LIMIT
    return [
        Signal("lockout", None, who, day, n)
        for (who, day), n in sorted(per_day.items())
        if n >= limit or (who, day) in stopped
    ]


STOPPED = re.compile(r"^(?:through OIDC, )?stopped \([^)]*\): (?P<who>.*)$")
NAMED = re.compile(r"^[a-z][a-z ,]*: (?P<who>\S+)$")  # "second factor: camille"
GLASS_CLOSE = timedelta(hours=1)


def _glass_close_together(since: datetime, acts: list[AccessEvent]) -> list[Signal]:
    """Two emergency accesses or more opened within an hour by one member, or for one team: each
    may be right, the pair deserves a look. Openings are few: their events are read."""
    tz = timezone.get_current_timezone()
    by_actor: dict[int, list[datetime]] = {}
    by_team: dict[int, list[datetime]] = {}
    labels: dict[int, str] = {}
    for event in _of(acts, Action.GLASS_BREAK):
        if event.occurred_at < since:
            continue
        by_actor.setdefault(event.data["actor"], []).append(event.occurred_at)
        labels[event.data["actor"]] = event.actor_label
        if event.data["team"] is not None:
            by_team.setdefault(event.data["team"], []).append(event.occurred_at)
    found: list[Signal] = []
    for actor, times in by_actor.items():
        close = [b for a, b in zip(times, times[1:], strict=False) if b - a <= GLASS_CLOSE]
        if close:
            day = timezone.localtime(close[0], tz).date()
            found.append(Signal("glass_close", actor, labels[actor], day, len(close) + 1))
    for team, times in by_team.items():
        close = [b for a, b in zip(times, times[1:], strict=False) if b - a <= GLASS_CLOSE]
        if close:
            day = timezone.localtime(close[0], tz).date()
            found.append(Signal("glass_close_team", None, "", day, len(close) + 1, team_id=team))
    return found


def _created_then_added(recent: list[AccessEvent]) -> list[tuple[Any, ...]]:
    """A manager who created an account and put it in a team: a person data reader of their own
    making, with no one else's eyes on it. Acts of administration are few: their bodies are read."""
    tz = timezone.get_current_timezone()
    created = {(e.data["actor"], e.object_ids[0]) for e in _of(recent, Action.ACCOUNT_CREATE) if e.object_ids}
    per_day: dict[tuple[int, date], int] = {}
    for event in _of(recent, Action.MEMBERSHIP_ADD):
        user = event.changes.get("user", [None, None])[1]
        if (event.data["actor"], user) in created:
            key = (event.data["actor"], timezone.localtime(event.occurred_at, tz).date())
            per_day[key] = per_day.get(key, 0) + 1
    return [("created_then_added", actor, day, n) for (actor, day), n in per_day.items()]


def _self_grants(recent: list[AccessEvent]) -> list[tuple[Any, ...]]:
    """Grants whose actor is their object, per actor and day. Acts of administration are few, so
    their bodies are read rather than indexed."""
    tz = timezone.get_current_timezone()
    per_day: dict[tuple[int, date], int] = {}
    for event in _of(recent, *GRANTS):
        if event.data["actor"] in event.object_ids:
            key = (event.data["actor"], timezone.localtime(event.occurred_at, tz).date())
            per_day[key] = per_day.get(key, 0) + 1
    return [("self_grant", actor, day, n) for (actor, day), n in per_day.items()]


def _glass_waiting(
    review_after: timedelta,
    scope: QuerySet[AccessEvent],
    *,
    acts: list[AccessEvent] | None = None,
    now: datetime | None = None,
) -> list[tuple[Any, ...]]:
    """Emergency accesses opened longer than ``review_after`` ago that no auditor has reviewed yet,
    whenever they were opened: the log tells both acts (``glass_break.open``, ``glass_break.review``),
    and they are few, so their bodies are read. The reviews are looked for in the whole log: the
    deployment's auditor may have given the verdict. ``acts`` are ``_acts(scope)`` when the caller
    has read them already."""
    now = now or timezone.now()
    acts = acts if acts is not None else _acts(scope, since=now)
    reviewed = {e.data.get("glass_break") for e in _of(acts, Action.GLASS_BREAK_REVIEW)}
    tz = timezone.get_current_timezone()
    return [
        (
            "glass_waiting",
            e.data["actor"],
            timezone.localtime(e.occurred_at, tz).date(),
            e.data.get("glass_break"),
        )
        for e in _of(acts, Action.GLASS_BREAK)
        if e.occurred_at < now - review_after and e.data.get("glass_break") not in reviewed
    ]


# What someone who took over a space with a code they made would do first (R10).
AFTER_RESET = [Action.PORTAL_EXPORT, Action.PORTAL_ACCESS_LOG]


def _reset_then_read(
    recent: list[AccessEvent], recent_events: QuerySet[AccessEvent]
) -> list[tuple[Any, ...]]:
    """Exports and journal reads, allowed or refused, by a space after it was reset with a code its
    worker handed over and that the person has not confirmed (R10), per code maker and day: the maker
    is who the auditor looks at, whether the space read at once or waited for the end of the
    restriction. Resets are few: their events are read with the other acts (``recent``); the reads
    of their accounts, from ``recent_events``, only when a reset was handed over."""
    handed_over = [
        e
        for e in _of(recent, Action.PORTAL_RESET)
        if e.data.get("code_made_by") and e.changes.get("restricted", [None, False])[1]
    ]
    if not handed_over:
        return []
    confirmed = {e.data.get("space_reset") for e in _of(recent, Action.SPACE_RESET_CONFIRM)}
    watched: dict[int, list[tuple[datetime, int]]] = {}
    for event in handed_over:
        if event.data.get("space_reset") not in confirmed:
            watched.setdefault(event.data["actor"], []).append(
                (event.occurred_at, event.data["code_made_by"])
            )
    reads = recent_events.filter(action__in=AFTER_RESET, actor_id__in=list(watched)).values_list(
        "actor_id", "occurred_at"
    )
    tz = timezone.get_current_timezone()
    per_day: dict[tuple[int, date], int] = {}
    for actor, at in reads:
        makers = [maker for reset_at, maker in watched[actor] if reset_at <= at]
        if makers:
            key = (makers[-1], timezone.localtime(at, tz).date())
            per_day[key] = per_day.get(key, 0) + 1
    return [("reset_then_read", maker, day, n) for (maker, day), n in per_day.items()]


# Each actor's latest event: the last entry of the actor's index (``event_actor``), for each actor
# listed. Asked as a range of one actor ordered by actor and id, so that the planner reads that
# index backwards and stops at once: with an equality it may walk the whole log backwards instead,
# and a ``MAX`` grouped over the actors reads every event of theirs (5.9 ms against 0.3 for the
# bench's busiest worker). Plain SQL: the ORM's subquery per actor took seconds to build and compile
# for the 500 actors of the million events of ``bench/audit_first_page.py``.
_LATEST = """
SELECT (SELECT e.id FROM {table} e WHERE e.actor_id >= a.column1 AND e.actor_id <= a.column1{before}
ORDER BY e.actor_id DESC, e.id DESC LIMIT 1) FROM (VALUES {actors}) AS a
"""


def _labels(actor_ids: set[int], *, now: datetime | None = None, marker: str | None = None) -> dict[int, str]:
    """Each actor's name as their latest event gives it: the log names its actors itself.

    With ``marker`` (what ``closed_days_tally`` is given), the latest event of each actor among the
    closed days' events is kept (its id and name, by day and ``marker``: a purge may remove it), and
    only today's events are read for a later one; the later id wins. Over the bench's million events
    the page names some 500 actors: their 500 index probes and bodies took 10 to 15 ms a page."""
    if not actor_ids:
        return {}
    if now is None or marker is None:
        return {actor: label for actor, (_, label) in _latest(actor_ids).items()}
    tz = timezone.get_current_timezone()
    boundary = _local_midnight(timezone.localtime(now - CLOSED_AFTER, tz).date(), tz)
    digest = hashlib.sha256(repr((marker, connection.alias)).encode()).hexdigest()[:32]
    key = f"audit:labels:{CACHE_VERSION}:{digest}:{boundary.isoformat()}"
    kept: dict[int, tuple[int, str] | None] = cache.get(key) or {}
    missing = actor_ids - kept.keys()
    if missing:
        found = _latest(missing, before=boundary)
        kept.update({actor: found.get(actor) for actor in missing})
        cache.set(key, kept, timeout=int(timedelta(days=2).total_seconds()))
    # Every actor of today's events, the ones asked for picked here: a list of the five hundred ids
    # as parameters cost more to build, bind and parse (some 8 ms of the page's CPU over the bench's
    # million) than the statement takes to group one day's events of the other actors as well.
    # Compiled once (``timed_statements``): only the day changes.
    sql, params = timed_statements.with_times(
        _latest_since, [boundary], shape="labels", using=connection.alias
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        latest = {actor: (number, label) for actor, number, label in cursor.fetchall() if actor in actor_ids}
    for actor in actor_ids:
        earlier = kept.get(actor)
        if earlier is not None and (actor not in latest or earlier[0] > latest[actor][0]):
            latest[actor] = earlier
    return {actor: label for actor, (_, label) in latest.items()}


def _latest_since(times: Sequence[datetime]) -> QuerySet[Any]:
    """Each actor's latest event since ``times[0]``: the actor, the event's id, the actor's name."""
    latest = (
        AccessEvent.objects.filter(occurred_at__gte=times[0], actor_id__isnull=False)
        .values("actor_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    named = AccessEvent.objects.filter(id__in=latest).annotate(label=BodyText("actor_label"))
    return named.values_list("actor_id", "id", "label")


def _latest(actor_ids: set[int], *, before: datetime | None = None) -> dict[int, tuple[int, str]]:
    """Each actor's latest event (before ``before``), as its id and the actor's name it gives. One
    statement, the latest events' ids a subquery of it (``_LATEST``)."""
    latest = _LATEST.format(
        table=connection.ops.quote_name(AccessEvent._meta.db_table),
        actors=", ".join(["(%s)"] * len(actor_ids)),
        before="" if before is None else " AND e.occurred_at < %s",
    )
    params = [*([] if before is None else [before]), *sorted(actor_ids)]
    ids = RawSQL(latest, params)  # noqa: S611 (the table's name; the ids are parameters)
    # The label read from the body by the database: the events' rows, their bodies parsed one by
    # one in Python, took longer than the statement over the bench's 500 actors.
    events = AccessEvent.objects.filter(id__in=ids).annotate(label=BodyText("actor_label"))
    return {actor: (number, label) for actor, number, label in events.values_list("actor_id", "id", "label")}
