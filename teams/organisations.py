"""Who administers what, by organisation: the one place that answers it for the administration.

A manager reaches their own organisation's teams, memberships and accounts, and nothing of another
organisation: what lies beyond is never listed, and is the same 404 (or, named in input, the same
400) as what does not exist. The deployment's administrators (superusers, and commands run on the
server) reach every organisation and create them. The category registry is reference data shared by
every organisation: a manager picks among it for their teams, the deployment's administrators edit it.

It sits in ``teams``, under the administration's services that call it (``access`` stands above
``teams``); the person-data side of organisations lives in ``access.organisations``.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from audit.recorder import SystemActor
from teams.models import Organisation, Team, User

Administrator = User | SystemActor | AnonymousUser


def reaches_every_organisation(by: Administrator) -> bool:
    """The deployment's administrators: a superuser, or a command run on the server."""
    return isinstance(by, SystemActor) or bool(getattr(by, "is_superuser", False))


def administered_organisations(by: Administrator) -> QuerySet[Organisation]:
    """The organisations whose teams and accounts ``by`` administers: all for the deployment's
    administrators, their own for a manager, none for anyone else."""
    if reaches_every_organisation(by):
        return Organisation.objects.all()
    own: int | None = getattr(by, "organisation_id", None)
    if getattr(by, "is_manager", False) and own is not None:
        return Organisation.objects.filter(pk=own)
    return Organisation.objects.none()


def administered_teams(by: Administrator) -> QuerySet[Team]:
    if reaches_every_organisation(by):
        return Team.objects.all()
    return Team.objects.filter(organisation__in=administered_organisations(by).values("pk"))


def administered_accounts(by: Administrator) -> QuerySet[User]:
    """A manager sees the accounts of their organisation only; a person's space, a representative's
    and the administrators' own accounts belong to no organisation and are the deployment's."""
    if reaches_every_organisation(by):
        return User.objects.all()
    return User.objects.filter(organisation__in=administered_organisations(by).values("pk"))


def administers_team(by: Administrator, team: Team) -> bool:
    return reaches_every_organisation(by) or (
        team.organisation_id is not None and team.organisation_id == getattr(by, "organisation_id", None)
    )


def administers_account(by: Administrator, user: User) -> bool:
    return reaches_every_organisation(by) or (
        user.organisation_id is not None and user.organisation_id == getattr(by, "organisation_id", None)
    )


def may_join(user: User, team: Team) -> bool:
    """A team's members are accounts of the team's organisation: nobody, whoever adds them, becomes a
    member of another organisation's team (its data controller answers for its workers)."""
    return user.organisation_id is not None and user.organisation_id == team.organisation_id


def edits_registry(by: Administrator) -> bool:
    """The category registry is shared by every organisation: its administrators edit it."""
    return reaches_every_organisation(by)
