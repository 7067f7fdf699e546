"""How an emergency access ends (issue "Written in stone", §7), and why it stays ended.

An emergency access (``consent.emergency.services``) is open for a few hours at most. It ends earlier when its
team's managers turn emergency access off, when the team stops following the person, or when the
team's mission stops needing one of the categories it opened, or when a member of its team ends
it early (``end_early``: what was needed is done). Each end is written on the access
itself (``ended_at``, ``ended_by``, ``end_reason``), once, with an event, in the same action as its
cause: turning the glass back on, reopening the follow-up or widening the mission again revives
nothing. The end of its time is written by ``manage.py end_emergency_accesses`` (from cron), with
``ended_at`` its planned end; until then reads already stop at ``ends_at``.

Teams sit below consent in the layers and cannot call it: consent listens to their changes through
``teams.changes``, registered in ``ConsentConfig.ready``. Records and consent are independent:
closing a follow-up calls ``end_with_follow_up`` through ``records.changes``, wired by the
composition root (``relais/listeners.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.reach import reached_by_id
from access.rules import followed_persons
from access.who_is_asking import access_member
from audit import recorder
from audit.models import Action
from audit.recorder import Actor, Event
from consent.models import GlassBreak
from core.domain_errors import Invalid
from core.ids import is_storable_id
from teams.changes import TeamChange
from teams.models import User


def _running(**where: object) -> QuerySet[GlassBreak]:
    """Accesses not ended on the record whose time has not passed: the ones a cause ends now."""
    return GlassBreak.objects.filter(ended_at__isnull=True, ends_at__gt=timezone.now(), **where)


def _end(
    by: Actor | None, accesses: Iterable[GlassBreak], reason: str, *, at_planned_end: bool = False
) -> int:
    """Write each access's end once (a row another action ended meanwhile is left as it is), with an
    event naming the access and why it ended; returns how many ended."""
    ended = 0
    now = timezone.now()
    for glass in accesses:
        at = glass.ends_at if at_planned_end else now
        written = GlassBreak.objects.filter(pk=glass.pk, ended_at__isnull=True).update(
            ended_at=at, ended_by_id=getattr(by, "pk", None), end_reason=reason
        )
        if not written:
            continue
        ended += 1
        recorder.record(
            by,
            Event(
                action=Action.GLASS_BREAK_END,
                person_id=glass.person_id,
                team_id=glass.team_id,
                object_type="glass_break",
                object_ids=[glass.pk],
                reason=reason,
                glass_break_id=glass.pk,
            ),
        )
    return ended


def end_with_team_change(change: TeamChange) -> None:
    """A team changed (``teams.services.update_team``, inside its action): turning emergency access
    off ends the team's running accesses; a mission that stops needing a category ends those that
    opened it (the whole access: it was asked for as a whole)."""
    if change.glass_turned_off:
        _end(change.by, list(_running(team_id=change.team.pk)), GlassBreak.EndReason.SWITCHED_OFF)
    if change.categories_left:
        narrowed = _running(team_id=change.team.pk, categories__code__in=sorted(change.categories_left))
        _end(change.by, list(narrowed.distinct()), GlassBreak.EndReason.MISSION_NARROWED)


def end_with_follow_up(*, by: Actor, person_id: int, team_id: int) -> int:
    """The team stopped following the person (``records.follow_ups.close_follow_up``, inside its
    action, through ``records.changes``): its running accesses to that person end."""
    accesses = list(_running(person_id=person_id, team_id=team_id))
    return _end(by, accesses, GlassBreak.EndReason.FOLLOW_UP_CLOSED)


@recorder.action
def end_passed(*, by: Actor | None = None) -> int:
    """Write the end of every access whose time has passed and whose end is not on the record yet,
    at its planned end (``ended_at = ends_at``); idempotent. Returns how many ended."""
    actor = by or recorder.system("end_emergency_accesses")
    passed = GlassBreak.objects.filter(ended_at__isnull=True, ends_at__lte=timezone.now()).order_by("pk")
    return _end(actor, list(passed), GlassBreak.EndReason.TIME_PASSED, at_planned_end=True)


@recorder.action
def end_early(*, user: User, glass_break_id: int) -> GlassBreak:
    """A member of the access's team ends it before its time (issue "Every sentence true", §7): the
    team reads what it opened no more, at once; the end names the member. Another team's access is
    the recorded 404 of R9; an access that has ended already is a 400, and nothing is written."""
    # A refusal names the access's person, so that their journal shows the attempt (R9 all the same).
    person_id = (
        GlassBreak.objects.filter(pk=glass_break_id).values_list("person_id", flat=True).first()
        if is_storable_id(glass_break_id)
        else None
    )
    member = access_member(
        user, action=Action.GLASS_BREAK_END, object_type="glass_break", person_id=person_id
    )
    glass: GlassBreak = reached_by_id(
        user,
        Action.GLASS_BREAK_END,
        GlassBreak.objects.all(),
        glass_break_id,
        object_type="glass_break",
        # The access's team is the member's, and the person is one the member reads at all: a
        # member the person kept out of their record meets the same 404 as a stranger.
        belongs=lambda found: (
            found.team_id in member.team_ids and followed_persons(member).filter(pk=found.person_id).exists()
        ),
    )
    running = list(_running(pk=glass.pk).select_for_update())
    if not running or not _end(user, running, GlassBreak.EndReason.ENDED_EARLY):
        raise Invalid("glass_break", _("This emergency access has ended already."))
    glass.refresh_from_db()
    return glass
