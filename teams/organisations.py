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

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from audit.recorder import SystemActor
from teams.models import Organisation, Team, User

Administrator = User | SystemActor | AnonymousUser


@dataclass(frozen=True)
class Administration:
    """How far someone's administration reaches, worked out once for the request: every
    organisation (the deployment's administrators), their own (a manager), or nothing (anyone
    else). The administration's scopes below take it, not an account."""

    by: Administrator
    every_organisation: bool
    organisation_id: int | None


def administration_of(by: Administrator) -> Administration:
    """The reach of ``by``. It grants nothing by itself: anyone but a manager or the deployment's
    administrators reaches no organisation (``teams.asking`` refuses them, on the record)."""
    if reaches_every_organisation(by):
        return Administration(by=by, every_organisation=True, organisation_id=None)
    own: int | None = getattr(by, "organisation_id", None) if getattr(by, "is_manager", False) else None
    return Administration(by=by, every_organisation=False, organisation_id=own)


def reaches_every_organisation(by: Administrator) -> bool:
    """The deployment's administrators: a superuser, or a command run on the server."""
    return isinstance(by, SystemActor) or bool(getattr(by, "is_superuser", False))


def administered_organisations(admin: Administration) -> QuerySet[Organisation]:
    """The organisations whose teams and accounts are administered: all for the deployment's
    administrators, their own for a manager, none for anyone else."""
    if admin.every_organisation:
        return Organisation.objects.all()
    if admin.organisation_id is not None:
        return Organisation.objects.filter(pk=admin.organisation_id)
    return Organisation.objects.none()


def administered_teams(admin: Administration) -> QuerySet[Team]:
    if admin.every_organisation:
        return Team.objects.all()
    if admin.organisation_id is None:
        return Team.objects.none()
    return Team.objects.filter(organisation_id=admin.organisation_id)


def administered_accounts(admin: Administration) -> QuerySet[User]:
    """A manager sees the accounts of their organisation only; a person's space, a representative's
    and the administrators' own accounts belong to no organisation and are the deployment's."""
    if admin.every_organisation:
        return User.objects.all()
    if admin.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=admin.organisation_id)


def administers_team(admin: Administration, team: Team) -> bool:
    return admin.every_organisation or (
        team.organisation_id is not None and team.organisation_id == admin.organisation_id
    )


def administers_account(admin: Administration, user: User) -> bool:
    return admin.every_organisation or (
        user.organisation_id is not None and user.organisation_id == admin.organisation_id
    )


def may_join(user: User, team: Team) -> bool:
    """A team's members are accounts of the team's organisation: nobody, whoever adds them, becomes a
    member of another organisation's team (its data controller answers for its workers)."""
    return user.organisation_id is not None and user.organisation_id == team.organisation_id


def edits_registry(admin: Administration) -> bool:
    """The category registry is shared by every organisation: its administrators edit it."""
    return admin.every_organisation
