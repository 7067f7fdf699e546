"""Who is asking, in the administration: a manager of one organisation, the deployment's
administrators (a superuser, a command run on the server), or a member about their own memberships
and second factors. The one place in ``teams`` that decides such a refusal and records it (R9):
services and views above ask here, and never open the refusal recorder themselves.

None of these roles opens person data (R4): that is ``access``, above this app.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AnonymousUser

from audit import recorder
from audit.models import Action
from audit.recorder import SystemActor
from core.domain_errors import Hidden, NotAManager, NotAMember, SecretNotYours
from core.ids import is_storable_id
from teams import organisations
from teams.models import Membership, Passkey, Team, User
from teams.organisations import Administration

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
) -> Administration:
    """The reach of a manager or of the deployment's administrators; anyone else is refused, and
    the refusal recorded. A command run on the server acts as the system. The role opens no person
    data (R4)."""
    if not isinstance(by, SystemActor):
        with recorder.denials(by, action, object_type=object_type, object_ids=object_ids):
            if not is_manager(by):
                raise NotAManager()
    return organisations.administration_of(by)


def may_change_account(by: Manager, user: User) -> bool:
    """A manager cannot take over a superuser's account (by its password, say)."""
    return isinstance(by, SystemActor) or not user.is_superuser or by.is_superuser


def access_account(by: Manager, user: User, *, action: str) -> Administration:
    """A manager may change this account (not a superuser's, unless a superuser), or a recorded 403;
    another organisation's account is a recorded 404, as if it did not exist."""
    admin = access_administration(by, action=action, object_type="account", object_ids=[user.pk])
    if not organisations.administers_account(admin, user):
        with recorder.denials(by, action, object_type="account", object_ids=[user.pk]):
            raise Hidden()
    if not may_change_account(by, user):
        with recorder.denials(by, action, object_type="account", object_ids=[user.pk]):
            raise NotAManager()
    return admin


def access_team(
    by: Manager, team: Team, *, action: str, object_type: str = "team", object_ids: Sequence[int] = ()
) -> Administration:
    """A manager administers this team (their organisation's), or a recorded 403 for someone who is
    no manager and a recorded 404 for another organisation's team, as if it did not exist."""
    named = list(object_ids) or [team.pk]
    admin = access_administration(by, action=action, object_type=object_type, object_ids=named)
    if not organisations.administers_team(admin, team):
        with recorder.denials(by, action, object_type=object_type, object_ids=named):
            raise Hidden()
    return admin


def access_deployment(
    by: Manager, *, action: str, object_type: str, object_ids: Sequence[int] = (), refusal: str
) -> Administration:
    """What only the deployment's administrators do (organisations' particulars, the category
    registry shared by every organisation); a manager, even of the organisation concerned, is
    refused with ``refusal``, on the record."""
    admin = access_administration(by, action=action, object_type=object_type, object_ids=object_ids)
    if not admin.every_organisation:
        with recorder.denials(by, action, object_type=object_type, object_ids=object_ids):
            raise NotAManager(refusal)
    return admin


def refuse_setting_password(*, by: User, account_id: object) -> None:
    """Nobody chooses another account's password (R10): not a manager, not the administration. The
    attempt is recorded as a refused change of that account, and answered with a 403."""
    text = str(account_id)
    named: list[int | str] = [int(text) if text.isdigit() and is_storable_id(int(text)) else text[:40]]
    with recorder.denials(by, Action.ACCOUNT_UPDATE, object_type="account", object_ids=named):
        raise SecretNotYours()


def own_memberships(user: User, *, action: str, refusal: str) -> list[Membership]:
    """The member's own memberships, with their teams, by team name; a recorded 403 of ``action``
    (told in ``refusal``) for an account that belongs to no team."""
    memberships = list(Membership.objects.filter(user=user).select_related("team").order_by("team__name"))
    if not memberships:
        with recorder.denials(user, action, object_type="membership"):
            raise NotAMember(refusal)
    return memberships


def own_passkey(user: User, passkey_id: int | None, *, action: str) -> Passkey:
    """One of the holder's own passkeys; another's, or none, is the recorded 404 of R9."""
    storable = passkey_id if passkey_id is not None and is_storable_id(passkey_id) else None
    found = Passkey.objects.filter(user=user, pk=storable).first() if storable is not None else None
    if found is None:
        named: int | str = storable if storable is not None else str(passkey_id)
        with recorder.denials(user, action, object_type="passkey", object_ids=[named]):
            raise Hidden()
    return found
