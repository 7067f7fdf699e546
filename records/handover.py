"""The handover at the start of a shift: what is new since my last visit, per person, and the
persons my teams follow without any consent.

Every rule comes from the policy: only the persons my teams follow, only the notes I may read (and
never their text here), and each person shown is recorded as a list shows them (R5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from access.grants import grants_for
from access.persons import PersonView, views_for
from access.who_is_asking import access_member
from audit.models import Action
from core.date_words import DateWords
from records import handover_rows as rows
from records.models import HandoverMark
from teams.models import User

FIRST_WINDOW = timedelta(hours=24)  # before a member's first "seen", the last day is new
PERSONS_SHOWN = 200


@dataclass(frozen=True)
class NamedTeam:
    """A team as the handover names it: nothing else of it is shown."""

    pk: int
    name: str


@dataclass
class ConsentNews:
    """What changed in one team's consent since the last visit: one line per team, however many
    times it changed, told by its latest act (when, and by whom) and how many acts there were."""

    team: NamedTeam
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
    teams_in: list[NamedTeam] = field(default_factory=list)
    teams_out: list[NamedTeam] = field(default_factory=list)
    without_consent: list[NamedTeam] = field(default_factory=list)

    # Each piece of news in words, as the page's items (HTML: the words, with each value escaped).
    # Told here rather than by ``blocktranslate`` in the template: a page of thirty persons asked
    # a hundred of them, two thirds of its template's time (``bench/pages.py``); the same words.

    @property
    def notes_told(self) -> str:
        return _told_as(
            ngettext(
                "%(counter)s new note you may read", "%(counter)s new notes you may read", self.new_notes
            ),
            counter=self.new_notes,
        )

    @property
    def consents_told(self) -> list[str]:
        told = []
        for news in self.consents:
            if news.refusal:
                words = gettext("Refusal recorded for %(team)s, %(at)s, by %(by)s")
            else:
                words = gettext("Consent recorded for %(team)s, %(at)s, by %(by)s")
            text = _told_as(words, team=news.team.name, at=_when(news.at), by=news.by)
            if news.count > 1:
                changes = ngettext(
                    "(%(counter)s change since your last visit)",
                    "(%(counter)s changes since your last visit)",
                    news.count,
                )
                text = mark_safe(f"{text} {_told_as(changes, counter=news.count)}")  # noqa: S308 (escaped)
            told.append(text)
        return told

    @property
    def withdrawals_told(self) -> list[str]:
        words = gettext("Consent withdrawn for %(team)s, %(at)s, by %(by)s")
        return [_told_as(words, team=n.team.name, at=_when(n.at), by=n.by) for n in self.withdrawals]

    @property
    def teams_in_told(self) -> list[str]:
        return [_told_as(gettext("%(team)s started following"), team=t.name) for t in self.teams_in]

    @property
    def teams_out_told(self) -> list[str]:
        return [_told_as(gettext("%(team)s stopped following"), team=t.name) for t in self.teams_out]

    @property
    def without_consent_told(self) -> list[str]:
        words = gettext("Followed by %(team)s without any consent: record one with the person.")
        return [_told_as(words, team=t.name) for t in self.without_consent]


def _when(at: datetime) -> str:
    """A time as the template's ``date:"DATETIME_FORMAT"`` writes it: local; its format read once
    per language, not once per piece of news."""
    return _words(formats.get_format("DATETIME_FORMAT"))(timezone.localtime(at))


@lru_cache(maxsize=8)
def _words(format_string: str) -> DateWords:
    return DateWords.of(format_string)


def _told_as(words: str, **values: str | int) -> str:
    """``words`` with its values, as ``blocktranslate`` puts them: each localised and escaped."""
    escaped = {name: conditional_escape(str(formats.localize(value))) for name, value in values.items()}
    return mark_safe(words % escaped)  # noqa: S308 (every value escaped; the words are ours)


@dataclass
class Handover:
    since: datetime
    first: bool
    lines: list[HandoverLine]
    more: bool  # more persons than shown


def last_seen(user: User) -> tuple[datetime, bool]:
    """Where "new" starts for this member, and whether they never marked a visit yet."""
    seen = rows.seen_at(user)
    if seen is None:
        return timezone.now() - FIRST_WINDOW, True
    return seen, False


def mark_seen(*, user: User) -> None:
    """The member has seen everything up to now (nothing of a person is read or changed)."""
    access_member(user, action=Action.PERSON_LIST, object_type="person")
    HandoverMark.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


def _by(act: Mapping[str, Any]) -> str:
    """Who did it: the representative who acted for the person, or the account that recorded it."""
    if act["representative_id"] is not None:
        name: str = act["representative__name"]
        return name
    return User.label_of(act, prefix="recorded_by__")


def _told(news: list[ConsentNews], team: NamedTeam, at: datetime, by: str) -> None:
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
    member = access_member(user, action=Action.PERSON_LIST, object_type="person")
    since, first = last_seen(user)
    followed = rows.followed_ids(member)
    grants = grants_for(member, followed)
    news: dict[int, HandoverLine] = {}

    def line(person_id: int) -> HandoverLine:
        return news.setdefault(person_id, HandoverLine())

    for person_id, count in rows.new_notes(member, followed, grants, since):
        line(person_id).new_notes = count
    # One statement for the consents recorded since and those in force (the persons followed without
    # one), one for the follow-ups that moved since and those open: rows, not instances.
    current = set()
    for consent in rows.consents(member, followed, since):
        if consent["in_force"]:
            current.add((consent["person_id"], consent["team_id"]))
        if consent["recorded_at"] > since:
            news_of = line(consent["person_id"]).consents
            team = NamedTeam(consent["team_id"], consent["team__name"])
            _told(news_of, team, consent["recorded_at"], _by(consent))
            news_of[-1].refusal = not consent["shares"]
    for withdrawal in rows.withdrawals(member, followed, since):
        team = NamedTeam(withdrawal["consent__team_id"], withdrawal["consent__team__name"])
        _told(
            line(withdrawal["consent__person_id"]).withdrawals,
            team,
            withdrawal["recorded_at"],
            _by(withdrawal),
        )
    follow_ups = rows.follow_ups(member, followed, since)
    for _pk, person_id, team_id, name, opened_at, closed_at in sorted(follow_ups):  # moves, in order
        if opened_at > since:
            line(person_id).teams_in.append(NamedTeam(team_id, name))
        if closed_at and closed_at > since:
            line(person_id).teams_out.append(NamedTeam(team_id, name))
    for _pk, person_id, team_id, name, _opened_at, closed_at in follow_ups:  # open, by team name
        if closed_at is None and team_id in member.team_ids and (person_id, team_id) not in current:
            line(person_id).without_consent.append(NamedTeam(team_id, name))
    persons = rows.persons(list(news))
    shown = persons[:PERSONS_SHOWN]
    lines = []
    for view in views_for(member, shown, Action.PERSON_LIST, grants):
        item = news[view.person.pk]
        item.view = view
        lines.append(item)
    return Handover(since=since, first=first, lines=lines, more=len(persons) > PERSONS_SHOWN)
