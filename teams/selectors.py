from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, When
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action
from audit.recorder import SystemActor
from core.domain_errors import Hidden, Invalid, NotAManager, NotAMember
from teams import organisations
from teams.models import Category, Membership, Team, User

# Who may act on accounts, teams and categories: a manager (or superuser), or a command run on the server.
Manager = User | SystemActor


def is_manager(user: User | AnonymousUser | SystemActor) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (getattr(user, "is_manager", False) or getattr(user, "is_superuser", False))
    )


def access_administration(
    by: Manager, *, action: str, object_type: str = "", object_ids: Sequence[int] = ()
) -> None:
    """Managers administer; anyone else is refused, and the refusal recorded. A command run on the
    server acts as the system. The role opens no person data (R4)."""
    if isinstance(by, SystemActor):
        return
    with recorder.denials(by, action, object_type=object_type, object_ids=object_ids):
        if not is_manager(by):
            raise NotAManager()


def may_change_account(by: Manager, user: User) -> bool:
    """A manager cannot take over a superuser's account (by its password, say)."""
    return isinstance(by, SystemActor) or not user.is_superuser or by.is_superuser


def access_account(by: Manager, user: User, *, action: str) -> None:
    """A manager may change this account (not a superuser's, unless a superuser), or a recorded 403;
    another organisation's account is a recorded 404, as if it did not exist."""
    access_administration(by, action=action, object_type="account", object_ids=[user.pk])
    if not organisations.administers_account(by, user):
        with recorder.denials(by, action, object_type="account", object_ids=[user.pk]):
            raise Hidden()
    if not may_change_account(by, user):
        with recorder.denials(by, action, object_type="account", object_ids=[user.pk]):
            raise NotAManager()


def access_team(
    by: Manager, team: Team, *, action: str, object_type: str = "team", object_ids: Sequence[int] = ()
) -> None:
    """A manager administers this team (their organisation's), or a recorded 403 for someone who is
    no manager and a recorded 404 for another organisation's team, as if it did not exist."""
    named = list(object_ids) or [team.pk]
    access_administration(by, action=action, object_type=object_type, object_ids=named)
    if not organisations.administers_team(by, team):
        with recorder.denials(by, action, object_type=object_type, object_ids=named):
            raise Hidden()


def account_named_in_input(by: Manager, user_id: int, field: str = "user") -> User:
    """An account a manager names, among those they administer, or a 400 on that field: another
    organisation's account is the same 400 as one that does not exist."""
    user = organisations.administered_accounts(by).filter(pk=user_id).first()
    if user is None:
        raise Invalid(field, _("This account does not exist."))
    return user


def team_named_in_input(team_id: int, field: str = "team") -> Team:
    """The team a request names, or a 400 on that field (teams are not person data: no 404 to hide)."""
    team = Team.objects.filter(pk=team_id).select_related("group").first()
    if team is None:
        raise Invalid(field, _("This team does not exist."))
    return team


# A representative's role while it lasts (``consent.models.Representative``), read by its relation
# so that this layer does not import the app above it.
ACTING = Case(When(representation__ended_at__isnull=True, then=F("representation__id")), default=None)


def roles_of(user: User) -> list[str]:
    """Descriptive roles. ``member`` comes from memberships alone; none of them opens person data."""
    roles = []
    if user.is_manager or user.is_superuser:
        roles.append("manager")
    if user.is_auditor:
        roles.append("auditor")
    if hasattr(user, "menu_member"):  # read with the user by ``teams.backends.UserBackend``
        member, person = user.menu_member, getattr(user, "menu_person", None)
        acting = getattr(user, "menu_acting", None)
    else:  # the facts in one statement
        facts = (
            User.objects.filter(pk=user.pk)
            .annotate(member=Exists(Membership.objects.filter(user=OuterRef("pk"))), acting=ACTING)
            .values_list("member", "person__id", "acting")
        )
        member, person, acting = next(iter(facts), (False, None, None))
    if member:
        roles.append("member")
    if person is not None:
        roles.append("person")
    if acting is not None:
        roles.append("representative")
    return roles


def me(user: User) -> dict:
    memberships = list(Membership.objects.filter(user=user).select_related("team"))
    pending = [m for m in memberships if m.commitment_accepted_at is None]
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.label,
        "roles": roles_of(user),
        "teams": memberships,
        "commitment": {
            "accepted": bool(memberships) and not pending,
            "pending_teams": [m.team.name for m in pending],
            "texts": {m.team.name: m.team.commitment_text for m in memberships},
        },
    }


def category_labels() -> dict[str, str]:
    """Every category's label by its code, for pages that show codes written in the log."""
    return {category.code: category.label for category in Category.objects.all()}


def my_memberships(user: User) -> list[Membership]:
    """The user's teams, each with how they chose to be presented in it; a recorded 403 for anyone
    who belongs to no team (nobody is presented to persons but members)."""
    memberships = list(Membership.objects.filter(user=user).select_related("team").order_by("team__name"))
    if not memberships:
        with recorder.denials(user, Action.MEMBERSHIP_PRESENTATION, object_type="membership"):
            raise NotAMember(_("Only members of a team choose how they are presented."))
    return memberships
