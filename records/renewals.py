"""What a member's teams should renew (issue "Beyond the best", §3): consents that end within 30 days,
and persons a team follows with no consent at all. A consent that ends simply stops (exact to the
second, as ever); this list is how it does not stop unnoticed.

Each person shown is recorded as any list of persons records them (``person.list``, one event per
person), and shown as the policy allows (R2: the name used until a consent shares something).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from access.persons import PersonView, views_for
from access.rules import followed_persons
from access.who_is_asking import access_member
from audit.models import Action
from consent.models import Consent
from records.models import FollowUp, Person
from teams.models import Team, User

ENDING_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class Renewal:
    """One person and team: the consent that ends soon, or none at all (``consent`` is None)."""

    view: PersonView
    team: Team
    consent: Consent | None

    @property
    def ends_at(self) -> datetime | None:
        return self.consent.valid_until if self.consent else None


def _current_for_team() -> Q:
    now = timezone.now()
    return Q(superseded_by__isnull=True, withdrawal__isnull=True) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def to_renew(*, user: User) -> list[Renewal]:
    """Consents of the member's teams ending within 30 days (soonest first), then persons those
    teams follow without any consent (by name); each person shown is recorded."""
    member = access_member(user, action=Action.PERSON_LIST, object_type="person")
    now = timezone.now()
    open_follow_up = FollowUp.objects.filter(
        person_id=OuterRef("person_id"), team_id=OuterRef("team_id"), closed_at__isnull=True
    )
    reached = followed_persons(member).values("pk")  # not those who keep the member out
    ending = list(
        Consent.objects.filter(
            Exists(open_follow_up),
            person_id__in=reached,
            team_id__in=member.team_ids,
            superseded_by__isnull=True,
            withdrawal__isnull=True,
            valid_until__gt=now,
            valid_until__lte=now + ENDING_WITHIN,
        )
        .select_related("team")
        .order_by("valid_until", "pk")
    )
    current = Consent.objects.filter(
        _current_for_team(), person_id=OuterRef("person_id"), team_id=OuterRef("team_id")
    )
    without = list(
        FollowUp.objects.filter(team_id__in=member.team_ids, closed_at__isnull=True, person_id__in=reached)
        .exclude(Exists(current))
        .select_related("team")
        .order_by("team__name", "pk")
    )
    ids = {c.person_id for c in ending} | {f.person_id for f in without}
    persons = Person.objects.filter(pk__in=ids).defer(*Person.DEFERRED).order_by("display_name", "pk")
    views = {v.person.pk: v for v in views_for(member, list(persons), Action.PERSON_LIST)}
    items = [Renewal(view=views[c.person_id], team=c.team, consent=c) for c in ending]
    items += sorted(
        (Renewal(view=views[f.person_id], team=f.team, consent=None) for f in without),
        key=lambda r: (r.view.person.display_name.casefold(), r.team.name),
    )
    return items


def ending_soon(consents: Iterable[Consent | None]) -> list[Consent]:
    """Those of ``consents`` that end within 30 days: the person page's banner."""
    soon = timezone.now() + ENDING_WITHIN
    return [c for c in consents if c is not None and c.valid_until is not None and c.valid_until <= soon]
