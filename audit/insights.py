"""What an auditor should look at first, computed from the log over a recent window.

Each signal is one grouped query over indexed columns of the window, whatever the log's size, or
a read of the few events of its kind (acts of administration, emergency accesses, failed sign-ins).

Long on purpose: every signal of "deserves a look" is here, side by side, with the window they share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from audit.models import AccessEvent, Action, Outcome

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


def per_day(events: QuerySet[AccessEvent], *, since: datetime, until: datetime) -> list[Day]:
    """Allowed and denied events per local day, every day of the window present (zero included)."""
    tz = timezone.get_current_timezone()
    rows = (
        events.filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(
            allowed=Count("id", filter=Q(outcome=Outcome.ALLOWED)),
            denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
        )
        .order_by("day")
    )
    counts = {row["day"]: (row["allowed"], row["denied"]) for row in rows}
    first, last = (
        timezone.localtime(since, tz).date(),
        timezone.localtime(until - timedelta(microseconds=1), tz).date(),
    )
    days = []
    current = first
    while current <= last:
        allowed, denied = counts.get(current, (0, 0))
        days.append(Day(current, allowed, denied))
        current += timedelta(days=1)
    return days


def signals(
    *, glass_review_after: timedelta, scope: QuerySet[AccessEvent], window_days: int = 30
) -> list[Signal]:
    """Many refusals for one actor in a day; reads at night; many persons read by one actor in a day;
    a manager who granted themselves access; an emergency access waiting for review longer than
    ``glass_review_after`` (the rule lives in ``consent.emergency``, above the log, which hands it in); a
    space reset with a worker's code, then exported or its journal read. Every signal is read within
    ``scope``, the events the auditor may read (``audit.selectors.auditable``)."""
    tz = timezone.get_current_timezone()
    since = timezone.now() - timedelta(days=window_days)
    recent = scope.filter(occurred_at__gte=since, actor_id__isnull=False)
    by_day = recent.annotate(day=TruncDate("occurred_at", tzinfo=tz))
    found: list[tuple[Any, ...]] = []
    denied = (
        by_day.filter(outcome=Outcome.DENIED)
        .values("actor_id", "day")
        .annotate(n=Count("id"))
        .filter(n__gte=DENIED_PER_DAY)
    )
    found += [("denied", r["actor_id"], r["day"], r["n"]) for r in denied]
    start, end = NIGHT
    night = (
        recent.filter(outcome=Outcome.ALLOWED, action__in=READS)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=tz))
        .filter(Q(hour__gte=start) | Q(hour__lt=end))
        .values("actor_id")
        .annotate(n=Count("id"))
    )
    found += [("night", r["actor_id"], None, r["n"]) for r in night]
    many = (
        by_day.filter(outcome=Outcome.ALLOWED, action__in=READS, person_id__isnull=False)
        .values("actor_id", "day")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n__gte=PERSONS_PER_DAY)
    )
    found += [("many_persons", r["actor_id"], r["day"], r["n"]) for r in many]
    found += _self_grants(recent)
    found += _glass_waiting(glass_review_after, scope)
    found += _reset_then_read(recent)
    found += _created_then_added(recent)
    labels = _labels({actor for _, actor, _, _ in found})
    team_glass = _glass_close_together(since, scope)
    ordered = sorted(found, key=lambda f: (f[0], -(f[3]), f[1]))
    return (
        [Signal(kind, actor, labels.get(actor, f"#{actor}"), day, n) for kind, actor, day, n in ordered]
        + _lockouts(since, scope)
        + team_glass
    )


def _lockouts(since: datetime, scope: QuerySet[AccessEvent]) -> list[Signal]:
    """Sign-ins stopped for an account: as many failures in a day as stop its sign-ins
    (``AXES_FAILURE_LIMIT``), or an attempt refused while stopped. Failed sign-ins have no actor, so
    the username is read from the reason the recorder wrote (``teams.accounts``, ``teams.factors``)."""
    tz = timezone.get_current_timezone()
    failed = scope.filter(occurred_at__gte=since, action=Action.AUTH_LOGIN_FAILED).only("body", "occurred_at")
    per_day: dict[tuple[str, date], int] = {}
    stopped: set[tuple[str, date]] = set()
    for event in failed.order_by("id").iterator(chunk_size=500):
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


def _glass_close_together(since: datetime, scope: QuerySet[AccessEvent]) -> list[Signal]:
    """Two emergency accesses or more opened within an hour by one member, or for one team: each
    may be right, the pair deserves a look. Openings are few: their events are read."""
    tz = timezone.get_current_timezone()
    opened = scope.filter(occurred_at__gte=since, action=Action.GLASS_BREAK, outcome=Outcome.ALLOWED).only(
        "body", "occurred_at"
    )
    by_actor: dict[int, list[datetime]] = {}
    by_team: dict[int, list[datetime]] = {}
    labels: dict[int, str] = {}
    for event in opened.order_by("id"):
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


def _created_then_added(recent: QuerySet[AccessEvent]) -> list[tuple[Any, ...]]:
    """A manager who created an account and put it in a team: a person data reader of their own
    making, with no one else's eyes on it. Acts of administration are few: their bodies are read."""
    tz = timezone.get_current_timezone()
    created = {
        (e.data["actor"], e.object_ids[0])
        for e in recent.filter(action=Action.ACCOUNT_CREATE, outcome=Outcome.ALLOWED).only("body")
        if e.object_ids
    }
    per_day: dict[tuple[int, date], int] = {}
    added = recent.filter(action=Action.MEMBERSHIP_ADD, outcome=Outcome.ALLOWED).only("body", "occurred_at")
    for event in added.order_by("id"):
        user = event.changes.get("user", [None, None])[1]
        if (event.data["actor"], user) in created:
            key = (event.data["actor"], timezone.localtime(event.occurred_at, tz).date())
            per_day[key] = per_day.get(key, 0) + 1
    return [("created_then_added", actor, day, n) for (actor, day), n in per_day.items()]


def _self_grants(recent: QuerySet[AccessEvent]) -> list[tuple[Any, ...]]:
    """Grants whose actor is their object, per actor and day. Acts of administration are few, so
    their bodies are read rather than indexed."""
    tz = timezone.get_current_timezone()
    grants = recent.filter(outcome=Outcome.ALLOWED, action__in=GRANTS).only("id", "body", "occurred_at")
    per_day: dict[tuple[int, date], int] = {}
    for event in grants.order_by("id").iterator(chunk_size=500):
        if event.data["actor"] in event.object_ids:
            key = (event.data["actor"], timezone.localtime(event.occurred_at, tz).date())
            per_day[key] = per_day.get(key, 0) + 1
    return [("self_grant", actor, day, n) for (actor, day), n in per_day.items()]


def _glass_waiting(review_after: timedelta, scope: QuerySet[AccessEvent]) -> list[tuple[Any, ...]]:
    """Emergency accesses opened longer than ``review_after`` ago that no auditor has reviewed yet,
    whenever they were opened: the log tells both acts (``glass_break.open``, ``glass_break.review``),
    and they are few, so their bodies are read. The reviews are looked for in the whole log: the
    deployment's auditor may have given the verdict."""
    opened = scope.filter(
        action=Action.GLASS_BREAK,
        outcome=Outcome.ALLOWED,
        occurred_at__lt=timezone.now() - review_after,
    ).only("id", "body", "occurred_at")
    reviewed = {
        e.data.get("glass_break")
        for e in AccessEvent.objects.filter(action=Action.GLASS_BREAK_REVIEW, outcome=Outcome.ALLOWED).only(
            "body"
        )
    }
    tz = timezone.get_current_timezone()
    return [
        (
            "glass_waiting",
            e.data["actor"],
            timezone.localtime(e.occurred_at, tz).date(),
            e.data.get("glass_break"),
        )
        for e in opened.order_by("id")
        if e.data.get("glass_break") not in reviewed
    ]


# What someone who took over a space with a code they made would do first (R10).
AFTER_RESET = [Action.PORTAL_EXPORT, Action.PORTAL_ACCESS_LOG]


def _reset_then_read(recent: QuerySet[AccessEvent]) -> list[tuple[Any, ...]]:
    """Exports and journal reads, allowed or refused, by a space after it was reset with a code its
    worker handed over and that the person has not confirmed (R10), per code maker and day: the maker
    is who the auditor looks at, whether the space read at once or waited for the end of the
    restriction. Resets are few: their events and their accounts' reads are read."""
    resets = recent.filter(action=Action.PORTAL_RESET, outcome=Outcome.ALLOWED).only("body", "occurred_at")
    handed_over = [
        e for e in resets if e.data.get("code_made_by") and e.changes.get("restricted", [None, False])[1]
    ]
    if not handed_over:
        return []
    confirmed = {
        e.data.get("space_reset")
        for e in recent.filter(action=Action.SPACE_RESET_CONFIRM, outcome=Outcome.ALLOWED).only("body")
    }
    watched: dict[int, list[tuple[datetime, int]]] = {}
    for event in handed_over:
        if event.data.get("space_reset") not in confirmed:
            watched.setdefault(event.data["actor"], []).append(
                (event.occurred_at, event.data["code_made_by"])
            )
    reads = recent.filter(action__in=AFTER_RESET, actor_id__in=list(watched)).values_list(
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


def _labels(actor_ids: set[int]) -> dict[int, str]:
    """Each actor's name as their latest event gives it: the log names its actors itself."""
    latest = (
        AccessEvent.objects.filter(actor_id__in=actor_ids)
        .values("actor_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {event.actor_id: event.actor_label for event in AccessEvent.objects.filter(id__in=list(latest))}
