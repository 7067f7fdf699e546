"""The journal's "saw your name in a list", one line per team and day (issue 21, item 10).

Every page of persons a member opens names each person on it once, so a person followed by a busy
team reads dozens of such lines a day and misses the ones that matter. The journal keeps one line per
team and (local) day, the latest, and tells how many times and by whom; every event the line stands
for is still named in the record of the reading (``consent.space.journal.tell``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from audit.models import AccessEvent, Action, Outcome

LISTED = Q(action=Action.PERSON_LIST, outcome=Outcome.ALLOWED)


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
