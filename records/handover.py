"""The handover at the start of a shift: what is new since my last visit, per person, and the
persons my teams follow without any consent.

Every rule comes from the policy: only the persons my teams follow, only the notes I may read (and
never their text here), and each person shown is recorded as a list shows them (R5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from access.grants import grants_for
from access.persons import PersonView, views_for
from access.rules import followed_persons, readable_notes
from access.who_is_asking import access_reader
from audit.models import Action
from consent.models import Consent, Withdrawal
from records.models import FollowUp, HandoverMark, Person
from teams.models import Team, User

FIRST_WINDOW = timedelta(hours=24)  # before a member's first "seen", the last day is new
PERSONS_SHOWN = 200


@dataclass
class ConsentNews:
    """What changed in one team's consent since the last visit: one line per team, however many
    times it changed, told by its latest act (when, and by whom) and how many acts there were."""

    team: Team
    at: datetime
    by: str
    count: int = 1
    refusal: bool = False


@dataclass
class HandoverLine:
    """One person's news, as this member may see it."""

    view: PersonView | None = None  # set once the person is shown (and recorded)
    new_notes: int = 0
    consents: list[ConsentNews] = field(default_factory=list)
    withdrawals: list[ConsentNews] = field(default_factory=list)
    teams_in: list[Team] = field(default_factory=list)
    teams_out: list[Team] = field(default_factory=list)
    without_consent: list[Team] = field(default_factory=list)


@dataclass
class Handover:
    since: datetime
    first: bool
    lines: list[HandoverLine]
    more: bool  # more persons than shown


def last_seen(user: User) -> tuple[datetime, bool]:
    """Where "new" starts for this member, and whether they never marked a visit yet."""
    mark = HandoverMark.objects.filter(user=user).first()
    if mark is None:
        return timezone.now() - FIRST_WINDOW, True
    return mark.seen_at, False


def mark_seen(*, user: User) -> None:
    """The member has seen everything up to now (nothing of a person is read or changed)."""
    access_reader(user, action=Action.PERSON_LIST, object_type="person")
    HandoverMark.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


def _by(act: Consent | Withdrawal) -> str:
    """Who did it: the representative who acted for the person, or the account that recorded it."""
    return act.representative.name if act.representative is not None else act.recorded_by.label


def _told(news: list[ConsentNews], team: Team, at: datetime, by: str) -> None:
    """One line per team: a later act of the same team replaces the line's time and author."""
    for item in news:
        if item.team.pk == team.pk:
            item.at, item.by, item.count = at, by, item.count + 1
            news.remove(item)
            news.append(item)
            return
    news.append(ConsentNews(team=team, at=at, by=by))


def handover(*, user: User) -> Handover:
    """What is new for the member's teams since their last "seen", per person, in a fixed number of
    queries whatever the caseload; a person shows when something happened or no consent is held."""
    member = access_reader(user, action=Action.PERSON_LIST, object_type="person")
    since, first = last_seen(user)
    now = timezone.now()
    followed = list(followed_persons(member).values_list("pk", flat=True))
    grants = grants_for(member, followed)
    news: dict[int, HandoverLine] = {}

    def line(person_id: int) -> HandoverLine:
        return news.setdefault(person_id, HandoverLine())

    notes = (
        readable_notes(member, followed, grants)
        .filter(created_at__gt=since)
        .exclude(author=user)
        .values("person_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in notes:
        line(row["person_id"]).new_notes = row["count"]
    mine = Q(team_id__in=member.team_ids, person_id__in=followed)
    recorded = Consent.objects.filter(mine, recorded_at__gt=since).select_related(
        "team", "recorded_by", "representative"
    )
    for consent in recorded.prefetch_related("categories").order_by("id"):
        _told(line(consent.person_id).consents, consent.team, consent.recorded_at, _by(consent))
        line(consent.person_id).consents[-1].refusal = not consent.categories.all()
    withdrawals = Withdrawal.objects.filter(
        consent__team_id__in=member.team_ids, consent__person_id__in=followed, recorded_at__gt=since
    ).select_related("consent__team", "recorded_by", "representative")
    for withdrawal in withdrawals.order_by("id"):
        news_of = line(withdrawal.consent.person_id).withdrawals
        _told(news_of, withdrawal.consent.team, withdrawal.recorded_at, _by(withdrawal))
    moves = FollowUp.objects.filter(
        Q(opened_at__gt=since) | Q(closed_at__gt=since), person_id__in=followed
    ).select_related("team")
    for follow_up in moves.order_by("id"):
        if follow_up.opened_at > since:
            line(follow_up.person_id).teams_in.append(follow_up.team)
        if follow_up.closed_at and follow_up.closed_at > since:
            line(follow_up.person_id).teams_out.append(follow_up.team)
    current = set(
        Consent.objects.filter(mine, superseded_by__isnull=True, withdrawal__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("person_id", "team_id")
    )
    open_mine = (
        FollowUp.objects.filter(mine, closed_at__isnull=True).select_related("team").order_by("team__name")
    )
    for follow_up in open_mine:
        if (follow_up.person_id, follow_up.team_id) not in current:
            line(follow_up.person_id).without_consent.append(follow_up.team)
    persons = list(
        Person.objects.filter(pk__in=list(news)).defer(*Person.DEFERRED).order_by("display_name", "pk")
    )
    shown = persons[:PERSONS_SHOWN]
    lines = []
    for view in views_for(member, shown, Action.PERSON_LIST, grants):
        item = news[view.person.pk]
        item.view = view
        lines.append(item)
    return Handover(since=since, first=first, lines=lines, more=len(persons) > PERSONS_SHOWN)
