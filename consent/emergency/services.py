"""Breaking the glass (issue "Beyond the best", §1): an emergency access that is narrow, justified,
brief and answered for.

The French shared medical record lets a professional open everything in an emergency; the CNIL
criticised that hidden documents open too, that an identifier the person cannot give in a crisis is
asked, and that nothing is reviewed. Here a member of a team that follows the person opens chosen
categories that no consent gives the team, for at most 24 hours (4 by default), with a reason from
a short list and a sentence. What the person refused or withdrew opens only when life is in danger.
A team's managers can turn it off. Every read under it names it in the log (``Grant``); the person
is told (a banner, their journal, their inbox); auditors review each one, and their verdict is an
event too. Peer workers have exactly the same right (R3).

The rules are decided by ``access.emergency``; each refusal is a denied attempt on the record,
with its reason (``allow_glass_break``), while a mistake of the form is a plain 400. The verdict is
given once, by an auditor who neither opened the access nor belongs to its team (issue "Written in
stone", §5). How an access ends, and stays ended, is ``consent.emergency.ending``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import archived, compiled, organisations
from access.auditors import access_auditor, reached_by_auditor
from access.emergency import allow_glass_break, missions_of_following_teams
from access.grants import readership_of
from access.own_space import access_own_person
from access.reach import access_person, reached_by_id
from access.readership import Readership
from access.who_is_asking import Member
from audit import recorder
from audit.auditors import Auditor
from audit.models import Action
from audit.recorder import Event
from consent.models import GlassBreak, Notice
from consent.notices import inbox
from core.domain_errors import Invalid
from records.models import FollowUp, Person
from teams.models import Category, Membership, Team, User
from teams.selectors import team_named_in_input

DEFAULT_HOURS = 4
MAX_HOURS = 24
STATEMENT_MAX_CHARS = 500
# Open longer than this without a verdict: "what deserves a look". The one place the rule is
# written; the URL configuration hands it to the log's page (audit lives below consent).
REVIEW_AFTER = timedelta(days=7)


@recorder.action
def break_glass(
    *,
    user: User,
    person_id: int,
    team_id: int,
    categories: list[str],
    reason: str,
    statement: str,
    hours: int = DEFAULT_HOURS,
) -> GlassBreak:
    """Open ``categories`` of the person for ``team_id`` (one of the user's teams, following the
    person) for ``hours``; recorded, told to the person, queued for review."""
    access = access_person(user, person_id, action=Action.GLASS_BREAK)
    person = access.person
    team = team_named_in_input(team_id)
    # The form's own mistakes first: they are no attempt, and answer a plain 400.
    if reason not in GlassBreak.Reason.values:
        raise Invalid("reason", _("Choose a reason from the list."))
    statement = statement.strip()
    if not statement:
        raise Invalid("statement", _("Say in a sentence why this cannot wait."))
    if len(statement) > STATEMENT_MAX_CHARS:
        raise Invalid("statement", _("At most %(max)d characters.") % {"max": STATEMENT_MAX_CHARS})
    if not 1 <= hours <= MAX_HOURS:
        raise Invalid("hours", _("Between 1 and %(max)d hours.") % {"max": MAX_HOURS})
    codes = sorted(set(categories))
    if not codes:
        raise Invalid("categories", _("Choose what to open."))
    found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise Invalid("categories", _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)})
    # Then the rules, read under the locks of the team and of its follow-up: a switch-off, a narrowing
    # or a closing that commits meanwhile is seen here, or waits for this access and then ends it
    # (PostgreSQL; SQLite runs one writer at a time). Each refusal is an attempt on the record (R5).
    team = Team.objects.select_for_update(of=("self",)).select_related("group").get(pk=team.pk)
    list(FollowUp.objects.select_for_update().filter(person=person, team=team, closed_at__isnull=True))
    allow_glass_break(
        access.member, person, team, codes, danger_to_life=reason == GlassBreak.Reason.DANGER_TO_LIFE
    )
    glass = GlassBreak.objects.create(
        person=person,
        team=team,
        opened_by=user,
        reason=reason,
        statement=statement,
        ends_at=timezone.now() + timedelta(hours=hours),
    )
    glass.categories.set(list(found.values()))
    recorder.record(
        user,
        Event(
            action=Action.GLASS_BREAK,
            person_id=person.pk,
            team_id=team.pk,
            object_type="glass_break",
            object_ids=[glass.pk],
            categories=codes,
            reason=reason,
            glass_break_id=glass.pk,
        ),
    )
    inbox.tell(person.pk, Notice.Kind.GLASS_BROKEN, team_id=team.pk, actor_id=user.pk)
    return glass


def review_queue(*, user: User, waiting_only: bool = True) -> QuerySet[GlassBreak]:
    """Emergency accesses for auditors, oldest waiting first (or every one, newest first); the
    listing is recorded."""
    auditor = access_auditor(user, Action.GLASS_BREAK_LIST, object_type="glass_break")
    rows = GlassBreak.objects.select_related("person", "team", "opened_by", "reviewed_by").prefetch_related(
        "categories"
    )
    rows = _reviewed_by(auditor, rows)
    rows = rows.filter(reviewed_at__isnull=True).order_by("opened_at", "pk") if waiting_only else rows
    recorder.record(user, Event(action=Action.GLASS_BREAK_LIST, object_type="glass_break"))
    return rows


def _reviewed_by(auditor: Auditor, rows: QuerySet[GlassBreak]) -> QuerySet[GlassBreak]:
    """The emergency accesses of the auditor's organisation (all for the deployment's), of persons
    whose file is not archived."""
    return archived.about_unarchived(organisations.audited(auditor, rows, "team__"))


def reviewable(user: User, glasses: Sequence[GlassBreak]) -> set[int]:
    """Separation of duties (issue "Written in stone", §5): the emergency accesses, among
    ``glasses``, that the auditor may review: those they did not open, of a team they are not a
    member of when they review it. One query for a whole queue."""
    own_teams = set(Membership.objects.filter(user=user).values_list("team_id", flat=True))
    return {glass.pk for glass in glasses if glass.opened_by_id != user.pk and glass.team_id not in own_teams}


def to_review(*, user: User, glass_break_id: int) -> GlassBreak:
    """The emergency access an auditor is about to review, or a recorded refusal (a 403 for anyone
    but an auditor and for the auditor it concerns, a 404 for one that does not exist)."""
    glass: GlassBreak = reached_by_auditor(
        user,
        Action.GLASS_BREAK_REVIEW,
        lambda auditor: _reviewed_by(auditor, GlassBreak.objects.all()),
        glass_break_id,
        object_type="glass_break",
        independent=lambda auditor, found: found.pk in reviewable(auditor.user, [found]),
    )
    return glass


@recorder.action
def review(*, user: User, glass_break_id: int, verdict: str, comment: str) -> GlassBreak:
    """An auditor's verdict on an emergency access (justified or not), with a comment; an event.
    The verdict is written once: of two auditors at the same moment, the second is told it is done."""
    glass = to_review(user=user, glass_break_id=glass_break_id)
    if verdict not in GlassBreak.Verdict.values:
        raise Invalid("verdict", _("Justified, or not justified."))
    comment = comment.strip()
    if not comment:
        raise Invalid("comment", _("Say in a few words what the verdict rests on."))
    now = timezone.now()
    written = GlassBreak.objects.filter(pk=glass.pk, reviewed_at__isnull=True).update(
        verdict=verdict, review_comment=comment[:2000], reviewed_by=user, reviewed_at=now
    )
    if not written:
        raise Invalid("verdict", _("This emergency access has been reviewed already."))
    glass.refresh_from_db()
    recorder.record(
        user,
        Event(
            action=Action.GLASS_BREAK_REVIEW,
            person_id=glass.person_id,
            team_id=glass.team_id,
            object_type="glass_break",
            object_ids=[glass.pk],
            reason=verdict,
            glass_break_id=glass.pk,
        ),
    )
    return glass


def unacknowledged(person_id: int) -> list[GlassBreak]:
    """The emergency accesses the person has not acknowledged yet: the banner of their space."""
    return list(
        GlassBreak.objects.filter(person_id=person_id, acknowledged_at__isnull=True)
        .select_related("team")
        .prefetch_related("categories")
        .order_by("opened_at")
    )


@recorder.action
def acknowledge(*, user: User, glass_break_id: int) -> GlassBreak:
    """The person says they have seen an emergency access to their information: the banner goes."""
    person = access_own_person(user, action=Action.GLASS_BREAK_ACKNOWLEDGE)
    # Another person's emergency access is as if it did not exist; the attempt names its person.
    glass: GlassBreak = reached_by_id(
        user,
        Action.GLASS_BREAK_ACKNOWLEDGE,
        GlassBreak.objects.all(),
        glass_break_id,
        object_type="glass_break",
        belongs=lambda found: found.person_id == person.pk,
    )
    now = timezone.now()
    # Written once: of two acknowledgements at the same moment, one is recorded.
    if GlassBreak.objects.filter(pk=glass.pk, acknowledged_at__isnull=True).update(acknowledged_at=now):
        glass.acknowledged_at = now
        recorder.record(
            user,
            Event(
                action=Action.GLASS_BREAK_ACKNOWLEDGE,
                person_id=person.pk,
                object_type="glass_break",
                object_ids=[glass.pk],
                glass_break_id=glass.pk,
            ),
        )
    return glass


def openable(member: Member, person: Person, readership: Readership) -> list[tuple[Team, list[Category]]]:
    """What a member could still open for a person in an emergency: for each of their teams that
    follows the person and allows it, the mission's categories the team does not read already (by
    consent or an open emergency access, from the policy's ``readership``). What is open already
    is not offered again (issue "Every sentence true", §7)."""
    teams: dict[int, Team] = {}
    left: dict[int, list[Category]] = {}
    for row in missions_of_following_teams(member.team_ids, person.pk).order_by("team__name", "category_id"):
        if row.category.code not in readership.of_team(row.team_id):
            teams.setdefault(row.team_id, row.team)
            left.setdefault(row.team_id, []).append(row.category)
    return [(team, left[pk]) for pk, team in teams.items()]


def _missions(ids: Mapping[str, list[int]], _at: datetime) -> QuerySet[Any]:
    return missions_of_following_teams(ids["team"], ids["person"][0]).values_list("team_id", "category__code")


def anything_openable(member: Member, person: Person, readership: Readership) -> bool:
    """Whether ``openable`` offers anything, which is all the person page says of it: from the same
    missions, as (team, category) rows of a statement compiled once (``access.compiled``)."""
    ids = {"team": sorted(member.team_ids), "person": [person.pk]}  # no team: no row
    missions = compiled.rows("glass:missions", _missions, ids, timezone.now())
    return any(code not in readership.of_team(team_id) for team_id, code in missions)


def glass_choices(*, user: User, person_id: int) -> tuple[list[Team], list[Category]]:
    """What a member may open for a person they reach: their teams that follow the person and allow
    emergency access with something left to open, and what is left (``openable``). Nothing is shown
    of the person."""
    access = access_person(user, person_id, action=Action.GLASS_BREAK)
    left = openable(access.member, access.person, readership_of(access.person.pk))
    categories = {category.pk: category for _team, found in left for category in found}
    return [team for team, _found in left], [categories[pk] for pk in sorted(categories)]
