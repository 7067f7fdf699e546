"""Follow-ups: a team starts following a person, brought in by a member of a following team (of
their own organisation) or by the person themselves, from their space; a team stops following. Each
checks access through the policy, is audited, and is an ``action``: all or nothing, its events with
its rows; what consent does when a team starts or stops (the inbox, emergency accesses) is told
through ``records.changes``."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from access.organisations import refuse_follow_up_for_another_organisation
from access.own_space import ScopeNeeded, access_own_person
from access.reach import access_follow_up, access_person
from audit import recorder
from audit.models import Action
from audit.recorder import Event
from core.domain_errors import Conflict
from records import changes
from records.changes import FollowUpChange
from records.models import FOLLOW_PERMISSION, FollowUp, Person
from teams.models import Team, User
from teams.selectors import team_named_in_input
from web.presence import presence_for

PERMISSION = f"records.{FOLLOW_PERMISSION}"


def grant_follow(person: Person, team: Team, user: User) -> FollowUp:
    """The follow-up's row and the guardian grant on the team's group: a step of the actions that
    open one (a new person's first team, another team brought in), never an action of its own."""
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(person=person, team=team, opened_by=user)
    except IntegrityError:
        raise Conflict(_("This team already follows this person.")) from None
    assign_perm(PERMISSION, team.group, person)
    return follow_up


@recorder.action
def open_follow_up(
    *, user: User, person_id: int, team_id: int, presence: str | None = None, confirmed: bool = False
) -> FollowUp:
    """A member of a following team brings another team in (it sees the name used only, until consent).

    Another team than one of the member's own starts only with the person asked: ``presence`` (who
    is there) and ``confirmed`` are required then, and who was there is in the event."""
    access = access_person(user, person_id, action=Action.FOLLOW_UP_OPEN)
    person = access.person
    team = team_named_in_input(team_id)
    refuse_follow_up_for_another_organisation(user, team)
    present = presence_for(own_team=team.pk in access.member.team_ids, presence=presence, confirmed=confirmed)
    follow_up = grant_follow(person, team, user)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_OPEN,
            person_id=person.pk,
            team_id=team.pk,
            object_type="follow_up",
            object_ids=[follow_up.pk],
            reason=present,
        ),
    )
    # The person's inbox tells them (consent's, wired by the composition root: ``records.changes``).
    changes.follow_up_changed(FollowUpChange(by=user, person_id=person.pk, team_id=team.pk, opened=True))
    return follow_up


@recorder.action
def ask_to_be_followed(*, user: User, team_id: int) -> FollowUp:
    """The person brings a team in themselves, from their space (or their representative, within a
    scope that covers consents): the one way a team of another organisation than the following
    teams' starts, since no worker speaks for the person to another organisation. The team sees the
    name used only, until the person shares something with it. Refused while the space is
    restricted after a reset (R10): it would let more people see the person's name."""
    person = access_own_person(
        user,
        action=Action.FOLLOW_UP_OPEN,
        scope_needed=ScopeNeeded.CONSENTS,
        closed_while_restricted=True,
    )
    team = team_named_in_input(team_id)
    if person.archived_at is not None:
        # No team reads an archived record (``access.archived``), and only the owner role's
        # retention job changes it: a team that follows the person again starts a new record.
        raise Conflict(
            _(
                "Your record is archived: no team has followed you for a long time. A team that "
                "accompanies you again opens a new record with you."
            )
        )
    if person.follow_ups.filter(team=team, closed_at__isnull=True).exists():
        raise Conflict(_("This team already follows you."))
    follow_up = grant_follow(person, team, user)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_OPEN,
            person_id=person.pk,
            team_id=team.pk,
            object_type="follow_up",
            object_ids=[follow_up.pk],
        ),
    )
    changes.follow_up_changed(FollowUpChange(by=user, person_id=person.pk, team_id=team.pk, opened=True))
    return follow_up


@recorder.action
def close_follow_up(*, user: User, follow_up_id: int) -> FollowUp:
    """A team stops following the person: its members lose access at once, and its emergency
    accesses to the person end."""
    follow_up = access_follow_up(user, follow_up_id, action=Action.FOLLOW_UP_CLOSE)
    if follow_up.closed_at is not None:
        raise Conflict(_("This follow-up is already closed."))
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = user
    follow_up.save(update_fields=["closed_at", "closed_by"])
    remove_perm(PERMISSION, follow_up.team.group, follow_up.person)
    recorder.record(
        user,
        Event(
            action=Action.FOLLOW_UP_CLOSE,
            person_id=follow_up.person_id,
            team_id=follow_up.team_id,
            object_type="follow_up",
            object_ids=[follow_up.pk],
        ),
    )
    # The team's emergency accesses to the person end with it, for good: reopening revives none
    # (consent's, wired by the composition root: ``records.changes``).
    changes.follow_up_changed(
        FollowUpChange(by=user, person_id=follow_up.person_id, team_id=follow_up.team_id, opened=False)
    )
    return follow_up
