from django.utils.translation import gettext as _

from relais.domain_errors import Invalid
from teams.models import Membership, Team, User


def team_named_in_input(team_id: int, field: str = "team") -> Team:
    """The team a request names, or a 400 on that field (teams are not person data: no 404 to hide)."""
    team = Team.objects.filter(pk=team_id).select_related("group").first()
    if team is None:
        raise Invalid(field, _("This team does not exist."))
    return team


def roles_of(user: User) -> list[str]:
    """Descriptive roles. ``member`` comes from memberships alone; none of them opens person data."""
    roles = []
    if user.is_manager or user.is_superuser:
        roles.append("manager")
    if user.is_auditor:
        roles.append("auditor")
    if Membership.objects.filter(user=user).exists():
        roles.append("member")
    if hasattr(user, "person"):
        roles.append("person")
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
