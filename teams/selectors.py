from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, When
from django.utils.translation import gettext as _

from audit.models import Action
from core.domain_errors import Invalid
from teams import asking, organisations
from teams.models import Category, Membership, Team, User
from teams.organisations import Administration


def account_named_in_input(admin: Administration, user_id: int, field: str = "user") -> User:
    """An account a manager names, among those they administer, or a 400 on that field: another
    organisation's account is the same 400 as one that does not exist."""
    user = organisations.administered_accounts(admin).filter(pk=user_id).first()
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
    return asking.own_memberships(
        user,
        action=Action.MEMBERSHIP_PRESENTATION,
        refusal=_("Only members of a team choose how they are presented."),
    )
