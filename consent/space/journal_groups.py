"""The journal's "saw your name in a list", one line per team and day (issue 21, item 10).

Every page of persons a member opens names each person on it once, so a person followed by a busy
team reads dozens of such lines a day and misses the ones that matter. The journal keeps one line per
team and (local) day, the latest, and tells how many times and by whom; every event the line stands
for is still named in the record of the reading (``consent.space.journal.tell``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, overload

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Max,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from access import compiled
from audit.models import AccessEvent, Action, Outcome
from consent.space import journal_count
from consent.space.journal_count import LISTED
from core import page_slices

# A page that ends past this line is found by the grouped statement: reading every event before its
# end costs more than finding the latest of every team and day once (about the same at 180 lines of
# Jo's 10,000, ``bench/pages.py``'s world; the first page costs a quarter of it).
DEEP = 150
FIRST_BATCH = 50  # events read at first for a page (twice its last line, if more)


def _day() -> TruncDate:
    return TruncDate("occurred_at", tzinfo=timezone.get_current_timezone())


def listed(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    """The events of ``events`` that showed the person's name in a list."""
    return events.filter(LISTED)


def one_line_per_team_and_day(events: QuerySet[AccessEvent]) -> QuerySet[AccessEvent]:
    """``events`` where, of the names seen in a list by one team on one day, only the latest stays;
    so too, of the lists that named no team (a member whose team reads no contact of the person), the
    latest of each reader and day.

    The latest of each team (or reader) and day is found once, grouped: asked event by event ("is
    there a later one?"), the count of a journal of 10,000 lines took 750 ms (``bench/pages.py``)."""
    days = listed(events).annotate(day=_day()).order_by()
    by_team = days.filter(team_id__isnull=False).values("team_id", "day").annotate(last=Max("id"))
    by_reader = days.filter(team_id__isnull=True).values("actor_id", "day").annotate(last=Max("id"))
    return events.annotate(day=_day()).filter(
        ~LISTED | Q(id__in=by_team.values("last")) | Q(id__in=by_reader.values("last"))
    )


def _days_of(column: str) -> Concat:
    """One text per team (or reader) and local day: what a distinct count of lists' lines counts."""
    return Concat(Cast(column, CharField()), Value(" "), Cast(_day(), CharField()))


def count_lines(events: QuerySet[AccessEvent]) -> int:
    """How many lines ``one_line_per_team_and_day`` tells, in one reading of the events: those not
    seen in a list, and the distinct teams' (or readers') days of those seen in one. The grouped
    statement read the lists twice (a quarter more time at 10,000 lines, ``bench/pages.py``)."""
    counted = events.order_by().aggregate(
        others=Count("id", filter=~LISTED),
        teams=Count(_days_of("team_id"), distinct=True, filter=LISTED & Q(team_id__isnull=False)),
        readers=Count(_days_of("actor_id"), distinct=True, filter=LISTED & Q(team_id__isnull=True)),
    )
    return int(counted["others"] + counted["teams"] + counted["readers"])


@dataclass(frozen=True)
class Compiled:
    """A journal's events as a statement compiled once for its shape (``access.compiled``): its
    name, how its events are built from ``ids`` (the same queryset the journal reads), and the ids."""

    name: str
    build: compiled.Build
    ids: Mapping[str, list[int]]


class Lines:
    """The journal's lines, newest first, as a paginator reads a queryset: counted in one reading;
    a page found by reading the events newest first and keeping, of each team's (or reader's) lists
    of a day, the first met: the latest.

    The same lines as ``one_line_per_team_and_day``, whose statement found the latest of every team
    and day of the whole journal for any page (its rows took as long as its count at 10,000 lines,
    ``bench/pages.py``), when a page needs only those of the events before its last line. For a
    page that ends past ``DEEP`` lines, the statement is the cheaper of the two and finds it."""

    ordered = True  # newest first, as the journal's events are

    def __init__(self, events: QuerySet[AccessEvent], statement: Compiled | None = None):
        self._events = events
        self._statement = statement  # the same events, compiled once, if the caller has them so
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            if self._statement is None:
                self._count = count_lines(self._events)
            else:
                statement = self._statement
                if connection.vendor == "postgresql":  # kept, and grown by what came since
                    self._count = journal_count.lines(statement.name, statement.build, statement.ids)
                else:
                    self._count = count_lines(statement.build(dict(statement.ids), timezone.now()))
        return self._count

    @overload
    def __getitem__(self, index: int) -> AccessEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[AccessEvent]: ...

    def __getitem__(self, index: int | slice) -> AccessEvent | list[AccessEvent]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = page_slices.forward(index, "lines")
        if stop is None or stop > DEEP:
            return list(one_line_per_team_and_day(self._events)[start:stop])
        return self._read(start, stop)

    def __len__(self) -> int:
        return len(self[0:None])

    def __iter__(self) -> Iterator[AccessEvent]:
        return iter(self[0:None])

    def _read(self, start: int, stop: int) -> list[AccessEvent]:
        """The lines from ``start`` to ``stop``: the events read newest first, in batches that
        double, a listed one kept only if it is the first (the latest) of its team's (or reader's)
        day."""
        if stop <= start:
            return []
        shown: list[AccessEvent] = []
        seen: set[tuple[Any, ...]] = set()
        position = 0
        batch = max(2 * stop, FIRST_BATCH)
        before: int | None = None
        while True:
            events = self._events if before is None else self._events.filter(id__lt=before)
            read = list(events.annotate(day=_day())[:batch])
            for event in read:
                if _is_listed(event):
                    day = event.day  # type: ignore[attr-defined]  # annotated: the local day, as grouped
                    key = (
                        ("team", event.team_id, day)
                        if event.team_id is not None
                        else ("reader", event.actor_id, day)
                    )
                    if key in seen:
                        continue
                    seen.add(key)
                if position >= start:
                    shown.append(event)
                position += 1
                if position >= stop:
                    return shown
            if len(read) < batch:
                return shown
            before, batch = read[-1].pk, batch * 2


def lines(events: QuerySet[AccessEvent], statement: Compiled | None = None) -> Lines:
    """``events`` told one line per team and day, as ``one_line_per_team_and_day``, paged cheaply;
    counted from ``statement`` if the caller has the same events compiled once."""
    return Lines(events, statement)


def _key(team_id: int | None, actor_id: int | None, at: datetime) -> tuple[Any, ...]:
    """What a line of lists stands for: a team's lists of a day, or, naming no team, a reader's."""
    day = timezone.localdate(at)
    return ("team", team_id, day) if team_id is not None else ("reader", actor_id, day)


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def groups_of(lists: QuerySet[AccessEvent], shown: Sequence[AccessEvent]) -> dict[int, list[tuple[int, int]]]:
    """For each line of ``shown`` that stands for a team's (or a reader's) lists of a day: the
    (event id, actor id) of every event it stands for, oldest first, in one query (``lists`` is
    ``listed`` of the journal's events before they were grouped)."""
    heads = {e.pk: _key(e.team_id, e.actor_id, e.occurred_at) for e in shown if _is_listed(e)}
    if not heads:
        return {}
    days = {key[2] for key in heads.values()}
    start, _ = _bounds(min(days))
    _, end = _bounds(max(days))
    teams = {key[1] for key in heads.values() if key[0] == "team"}
    readers = {key[1] for key in heads.values() if key[0] == "reader"}
    by_key: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    rows = lists.filter(
        Q(team_id__in=teams) | Q(team_id__isnull=True, actor_id__in=readers),
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).values_list("id", "team_id", "actor_id", "occurred_at")
    for pk, team_id, actor_id, at in rows.order_by("id"):
        by_key[_key(team_id, actor_id, at)].append((pk, actor_id))
    return {pk: [m for m in by_key[key] if m[0] <= pk] or [(pk, 0)] for pk, key in heads.items()}


def _is_listed(event: AccessEvent) -> bool:
    return event.action == Action.PERSON_LIST and event.outcome == Outcome.ALLOWED
