"""Accounts, teams and memberships: the managers' side, and the member's commitment (R3)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Outcome
from audit.recorder import Event
from relais.domain_errors import Conflict, Invalid
from teams.models import Category, Membership, Team, User


def create_account(
    *,
    username: str,
    password: str,
    display_name: str = "",
    is_auditor: bool = False,
    is_manager: bool = False,
) -> User:
    """An account with a password that passes the validators; usernames are unique whatever their case."""
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid("username", _("This username is taken; choose another one."))
    user = User(username=username, display_name=display_name, is_auditor=is_auditor, is_manager=is_manager)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("password", " ".join(exc.messages)) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Invalid("username", _("This username is taken; choose another one.")) from None
    return user


@recorder.action
def create_user(
    *,
    username: str,
    password: str,
    display_name: str = "",
    is_auditor: bool = False,
    is_manager: bool = False,
) -> User:
    return create_account(
        username=username,
        password=password,
        display_name=display_name,
        is_auditor=is_auditor,
        is_manager=is_manager,
    )


def _categories(codes: list[str]) -> list[Category]:
    found = list(Category.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown:
        raise Invalid(
            "continuity_categories", _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return found


def create_team(*, name: str, continuity_categories: list[str], commitment_text: str = "") -> Team:
    categories = _categories(continuity_categories)
    try:
        with transaction.atomic():
            group = Group.objects.create(name=f"team:{name}")
            team = Team(name=name, group=group)
            if commitment_text:
                team.commitment_text = commitment_text
            team.save()
    except IntegrityError:
        raise Invalid("name", _("A team with this name exists already.")) from None
    team.continuity_categories.set(categories)
    return team


def prepare_team(*, team: Team) -> Team:
    """Save a new team built elsewhere (the administration's form) with its group."""
    if Team.objects.filter(name=team.name).exists():
        raise Invalid("name", _("A team with this name exists already."))
    team.group = Group.objects.create(name=f"team:{team.name}")
    team.save()
    return team


def update_team(
    *,
    team: Team,
    name: str | None = None,
    continuity_categories: list[str] | None = None,
    commitment_text: str | None = None,
) -> Team:
    if name is not None and name != team.name:
        if Team.objects.filter(name=name).exclude(pk=team.pk).exists():
            raise Invalid("name", _("A team with this name exists already."))
        team.name = name
        team.group.name = f"team:{name}"
        team.group.save(update_fields=["name"])
    if commitment_text is not None:
        team.commitment_text = commitment_text
    team.save()
    if continuity_categories is not None:
        team.continuity_categories.set(_categories(continuity_categories))
    return team


def add_member(*, team: Team, user: User, profession: str = "", is_peer_worker: bool = False) -> Membership:
    """Membership and the team group move together, so access follows membership by construction."""
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                team=team, user=user, profession=profession, is_peer_worker=is_peer_worker
            )
    except IntegrityError:
        raise Conflict(_("This user is already a member of this team.")) from None
    user.groups.add(team.group)
    return membership


def update_member(*, membership: Membership, profession: str, is_peer_worker: bool) -> Membership:
    """Change what describes a member; nothing of their access depends on it (R3)."""
    membership.profession = profession
    membership.is_peer_worker = is_peer_worker
    membership.save(update_fields=["profession", "is_peer_worker"])
    return membership


def remove_member(*, membership: Membership) -> None:
    membership.user.groups.remove(membership.team.group)
    membership.delete()


def accept_commitment(*, user: User) -> int:
    """Accept the commitment of every team the user has joined and not yet accepted; returns how many."""
    return Membership.objects.filter(user=user, commitment_accepted_at__isnull=True).update(
        commitment_accepted_at=timezone.now()
    )


def sign_in(*, request, username: str, password: str) -> User | None:
    """Check a username and password; every attempt, failed or not, is recorded (R5)."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        recorder.record(
            None, Event(action="auth.login_failed", outcome=Outcome.DENIED, reason=username[:150])
        )
        return None
    recorder.record(user, Event(action="auth.login"))
    return user
