"""Teams, their categories and memberships (the managers' side), and the member's commitment (R3).

Each change of who can see what is an ``action`` and an event of the chain, with before and after
(R5), whether it comes from the API, the administration or a command.

Long on purpose: organisations, their teams, memberships and the shared category registry are one
administration, whose reach by organisation (``teams.organisations``) reads best in one text.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action
from audit.recorder import Event, assign, changed_fields
from core.domain_errors import Conflict, Invalid
from core.text import hides_characters
from teams import changes, organisations
from teams.asking import Manager, access_administration, access_deployment, access_team, own_memberships
from teams.models import Category, Membership, Organisation, Team, User
from teams.organisations import Administration

# A commitment text is the team's own; the log keeps enough of it to see what changed.
TEXT_IN_LOG = 300


ORGANISATION_FIELDS = ("name", "legal_name", "data_protection_contact", "postal_address")
# Optional: an organisation's own retention periods, in years (empty: the deployment's).
RETENTION_FIELDS = ("archive_after_years", "erase_after_years")
MAX_YEARS = 100


@recorder.action
def save_organisation(*, by: Manager, organisation: Organisation, **values: Any) -> Organisation:
    """The deployment's administrators create an organisation or change its particulars (what persons
    are told of who holds their data); recorded with before and after. A manager, even of that
    organisation, does not: the particulars are the controller's, declared once for the deployment."""
    creating = organisation.pk is None
    action = Action.ORGANISATION_CREATE if creating else Action.ORGANISATION_UPDATE
    named = [] if creating else [organisation.pk]
    access_deployment(
        by,
        action=action,
        object_type="organisation",
        object_ids=named,
        refusal=_("Organisations are created and changed by the deployment's administrators."),
    )
    fields = ORGANISATION_FIELDS + RETENTION_FIELDS
    unknown = set(values) - set(fields)
    if unknown:
        raise Invalid(sorted(unknown)[0], _("This cannot be changed here."))
    before = {} if creating else {name: getattr(organisation, name) for name in fields}
    assign(organisation, values)
    for name in ORGANISATION_FIELDS:
        if not str(getattr(organisation, name)).strip():
            raise Invalid(name, _("This field is required."))
    for name in RETENTION_FIELDS:
        years = getattr(organisation, name)
        if years is not None and (type(years) is not int or not 1 <= years <= MAX_YEARS):
            raise Invalid(name, _("A number of years from 1 to 100, or empty for the deployment's setting."))
    clash = Organisation.objects.filter(name=organisation.name).exclude(pk=organisation.pk)
    if clash.exists():
        raise Invalid("name", _("An organisation with this name exists already."))
    organisation.save()
    changed = changed_fields(before, {name: getattr(organisation, name) for name in fields})
    if changed:
        recorder.record(
            by,
            Event(action=action, object_type="organisation", object_ids=[organisation.pk], changes=changed),
        )
    return organisation


def _categories(codes: list[str]) -> list[Category]:
    found = list(Category.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown:
        raise Invalid(
            "continuity_categories", _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return found


def _team_state(team: Team) -> dict[str, Any]:
    return {
        "name": team.name,
        "organisation": team.organisation_id,
        "continuity_categories": sorted(team.continuity_categories.values_list("code", flat=True)),
        "commitment_text": team.commitment_text[:TEXT_IN_LOG],
        "glass_break_allowed": team.glass_break_allowed,
    }


def _team_event(by: Manager, action: str, team: Team, changed: dict) -> None:
    recorder.record(
        by, Event(action=action, team_id=team.pk, object_type="team", object_ids=[team.pk], changes=changed)
    )


def _organisation_of_new_team(admin: Administration, organisation_id: int | None) -> Organisation:
    """A manager's new team is their organisation's; the deployment's administrators name one. An
    organisation beyond the manager's reach is the same 400 as one that does not exist."""
    reached = organisations.administered_organisations(admin)
    if organisation_id is None:
        if admin.every_organisation:
            raise Invalid("organisation", _("Choose the organisation the team belongs to."))
        own = reached.first()
        if own is None:
            raise Invalid("organisation", _("Your account belongs to no organisation."))
        return own
    organisation = reached.filter(pk=organisation_id).first()
    if organisation is None:
        raise Invalid("organisation", _("This organisation does not exist."))
    return organisation


@recorder.action
def create_team(
    *,
    by: Manager,
    name: str,
    continuity_categories: list[str],
    commitment_text: str = "",
    glass_break_allowed: bool = True,
    organisation_id: int | None = None,
) -> Team:
    """A team of one organisation, for good: its follow-ups, notes and consents are that
    organisation's, as data controller."""
    admin = access_administration(by, action=Action.TEAM_CREATE, object_type="team")
    organisation = _organisation_of_new_team(admin, organisation_id)
    categories = _categories(continuity_categories)
    try:
        with transaction.atomic():
            # The group only carries the team's object permissions: a name of its own, not the team's
            # (a team's name may be as long as a group's, and may change).
            group = Group.objects.create(name=f"team:{uuid.uuid4().hex}")
            team = Team(
                name=name, organisation=organisation, group=group, glass_break_allowed=glass_break_allowed
            )
            if commitment_text:
                team.commitment_text = commitment_text
            team.save()
    except IntegrityError:
        raise Invalid("name", _("A team with this name exists already.")) from None
    team.continuity_categories.set(categories)
    _team_event(by, Action.TEAM_CREATE, team, changed_fields({}, _team_state(team)))
    return team


@recorder.action
def update_team(
    *,
    by: Manager,
    team: Team,
    name: str | None = None,
    continuity_categories: list[str] | None = None,
    commitment_text: str | None = None,
    glass_break_allowed: bool | None = None,
) -> Team:
    """Rename a team, change what its mission needs, its commitment text, or whether its members may
    break the glass; recorded with before and after. Narrowing the categories narrows what its
    members read at once (R2); turning the glass off, or narrowing the mission, ends the emergency
    accesses it ends, on the record and for good (``teams.changes``: consent listens)."""
    access_team(by, team, action=Action.TEAM_UPDATE)
    before = _team_state(team)
    if name is not None and name != team.name:
        if Team.objects.filter(name=name).exclude(pk=team.pk).exists():
            raise Invalid("name", _("A team with this name exists already."))
        team.name = name
    if commitment_text is not None:
        team.commitment_text = commitment_text
    if glass_break_allowed is not None:
        team.glass_break_allowed = glass_break_allowed
    team.save()
    if continuity_categories is not None:
        team.continuity_categories.set(_categories(continuity_categories))
    after = _team_state(team)
    changed = changed_fields(before, after)
    if changed:
        _team_event(by, Action.TEAM_UPDATE, team, changed)
    turned_off = before["glass_break_allowed"] and not team.glass_break_allowed
    left = frozenset(before["continuity_categories"]) - frozenset(after["continuity_categories"])
    if turned_off or left:
        changes.team_changed(
            changes.TeamChange(by=by, team=team, glass_turned_off=turned_off, categories_left=left)
        )
    return team


def _membership_event(by: Manager, action: str, membership: Membership, changed: dict) -> None:
    recorder.record(
        by,
        Event(
            action=action,
            team_id=membership.team_id,
            object_type="membership",
            object_ids=[membership.user_id],
            changes=changed,
        ),
    )


@recorder.action
def add_member(
    *, by: Manager, team: Team, user: User, profession: str = "", is_peer_worker: bool = False
) -> Membership:
    """Membership and the team group move together, so access follows membership by construction.

    A person's own portal account is never a member: it reaches its own record only; nor is an
    account of another organisation than the team's, whoever adds it, themselves included."""
    admin = access_team(
        by, team, action=Action.MEMBERSHIP_ADD, object_type="membership", object_ids=[user.pk]
    )
    if not organisations.administers_account(admin, user):
        raise Invalid("user", _("This account does not exist."))
    if hasattr(user, "person"):
        raise Invalid("user", _("This is the account of an accompanied person: it cannot join a team."))
    if hasattr(user, "representation"):
        raise Invalid(
            "user", _("This is the space of a representative: it serves one person and joins no team.")
        )
    if not organisations.may_join(user, team):
        raise Invalid("user", _("This account belongs to another organisation than the team's."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                team=team, user=user, profession=profession, is_peer_worker=is_peer_worker
            )
    except IntegrityError:
        raise Conflict(_("This user is already a member of this team.")) from None
    user.groups.add(team.group)
    _membership_event(
        by,
        Action.MEMBERSHIP_ADD,
        membership,
        {"user": [None, user.pk], "profession": [None, profession], "is_peer_worker": [None, is_peer_worker]},
    )
    return membership


@recorder.action
def update_member(
    *, by: Manager, membership: Membership, profession: str, is_peer_worker: bool
) -> Membership:
    """Change what describes a member; nothing of their access depends on it (R3)."""
    access_team(
        by,
        membership.team,
        action=Action.MEMBERSHIP_UPDATE,
        object_type="membership",
        object_ids=[membership.user_id],
    )
    before = {"profession": membership.profession, "is_peer_worker": membership.is_peer_worker}
    membership.profession = profession
    membership.is_peer_worker = is_peer_worker
    membership.save(update_fields=["profession", "is_peer_worker"])
    changed = changed_fields(before, {"profession": profession, "is_peer_worker": is_peer_worker})
    if changed:
        _membership_event(by, Action.MEMBERSHIP_UPDATE, membership, changed)
    return membership


@recorder.action
def remove_member(*, by: Manager, membership: Membership) -> None:
    """The member loses the team's access at once."""
    access_team(
        by,
        membership.team,
        action=Action.MEMBERSHIP_REMOVE,
        object_type="membership",
        object_ids=[membership.user_id],
    )
    membership.user.groups.remove(membership.team.group)
    _membership_event(by, Action.MEMBERSHIP_REMOVE, membership, {"user": [membership.user_id, None]})
    membership.delete()


@recorder.action
def accept_commitment(*, user: User) -> int:
    """Accept the commitment of every team the user has joined and not yet accepted; returns how many."""
    memberships = own_memberships(
        user,
        action=Action.COMMITMENT_ACCEPT,
        refusal=_("Only team members accept a confidentiality commitment."),
    )
    pending = [m for m in memberships if m.commitment_accepted_at is None]
    now = timezone.now()
    Membership.objects.filter(pk__in=[m.pk for m in pending]).update(commitment_accepted_at=now)
    recorder.record(
        user,
        *(
            Event(
                action=Action.COMMITMENT_ACCEPT,
                team_id=m.team_id,
                object_type="membership",
                object_ids=[user.pk],
                changes={"commitment_accepted_at": [None, now.isoformat()]},
            )
            for m in pending
        ),
    )
    return len(pending)


CATEGORY_FIELDS = ("code", "label_fr", "label_en", "description_fr", "description_en")


@recorder.action
def save_category(*, by: Manager, category: Category, **values: str) -> Category:
    """Create a category of the registry, or change its labels; a code never changes once saved."""
    creating = category.pk is None
    action = Action.CATEGORY_CREATE if creating else Action.CATEGORY_UPDATE
    access_deployment(
        by,
        action=action,
        object_type="category",
        refusal=_("The category registry is shared by every organisation: its administrators edit it."),
    )
    before = {} if creating else {name: getattr(category, name) for name in CATEGORY_FIELDS}
    if not creating and values.get("code", category.code) != category.code:
        raise Invalid("code", _("A category's code never changes: consents and notes refer to it."))
    if creating and Category.objects.filter(code=values.get("code", category.code)).exists():
        raise Invalid("code", _("A category with this code exists already."))
    assign(category, values)
    category.save()
    changed = changed_fields(before, {name: getattr(category, name) for name in CATEGORY_FIELDS})
    if changed:
        recorder.record(
            by, Event(action=action, object_type="category", object_ids=[category.pk], changes=changed)
        )
    return category


TITLE_MAX_CHARS = 80


@recorder.action
def present_myself(*, user: User, team_id: int, title: str, peer_role_shown: bool) -> Membership:
    """A member chooses how they are presented, in one of their teams, to the persons they accompany
    and to colleagues (``teams.presentation``). Only a peer worker's membership may show a peer role:
    the fact itself stays the managers' to record. Access depends on none of it (R3)."""
    memberships = {
        m.team_id: m
        for m in own_memberships(
            user,
            action=Action.MEMBERSHIP_PRESENTATION,
            refusal=_("Only members of a team choose how they are presented."),
        )
    }
    membership = memberships.get(team_id)
    if membership is None:
        raise Invalid("team", _("You are not a member of this team."))
    title = title.strip()
    if len(title) > TITLE_MAX_CHARS:
        raise Invalid("title", _("At most %(max)d characters.") % {"max": TITLE_MAX_CHARS})
    if hides_characters(title):
        raise Invalid("title", _("The title holds a character that cannot be shown."))
    if peer_role_shown and not membership.is_peer_worker:
        raise Invalid(
            "peer_role_shown",
            _("Your membership does not say you are a peer worker; a manager records that."),
        )
    before = {"title": membership.title, "peer_role_shown": membership.peer_role_shown}
    membership.title, membership.peer_role_shown = title, peer_role_shown
    membership.save(update_fields=["title", "peer_role_shown"])
    changed = changed_fields(before, {"title": title, "peer_role_shown": peer_role_shown})
    if changed:
        _membership_event(user, Action.MEMBERSHIP_PRESENTATION, membership, changed)
    return membership
