"""A person opens their own space with the one-time code a worker made with them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.invitations.codes import hash_code
from consent.models import PortalInvitation, Representative
from consent.recovery import services as recovery
from core.domain_errors import Invalid
from records.models import Person
from teams import accounts, tokens
from teams.models import User


def _code_refused(reason: str, message: str, person_id: int | None = None) -> Invalid:
    recorder.deny(
        None, Action.PORTAL_ACTIVATE, person_id=person_id, object_type="portal_invitation", reason=reason
    )
    return Invalid("code", message)


def _invitation(code: str) -> PortalInvitation:
    """The invitation a code opens, locked; or a refusal, recorded with the person it names if any."""
    # The invitation's row only: its representative, if any, is read through an outer join.
    found: QuerySet[PortalInvitation] = PortalInvitation.objects.select_for_update(of=("self",)).filter(
        code_hash=hash_code(code)
    )
    invitation = found.select_related("person", "representative__account").first()
    if invitation is None:
        raise _code_refused(
            "unknown code", _("This code is not valid. Check it, or ask your worker for a new one.")
        )
    person_id = invitation.person_id
    if invitation.used_at is not None:
        raise _code_refused(
            "used code", _("This code has already been used. Ask your worker for a new one."), person_id
        )
    if invitation.expires_at <= timezone.now():
        raise _code_refused(
            "expired code", _("This code has expired. Ask your worker for a new one."), person_id
        )
    if invitation.representative is not None and invitation.representative.ended_at is not None:
        raise _code_refused(
            "role ended", _("This role has ended: the code no longer opens anything."), person_id
        )
    return invitation


@recorder.action
def activate(*, code: str, username: str, password: str) -> User:
    """Open the person's account with the one-time code a worker gave them (single use, expiring);
    a representative's code opens the representative's own account instead.

    A person whose space is already open and who lost its password gets a new code from their worker:
    the same code then gives the existing account the username and password chosen now, ends its API
    tokens and open sessions, and lifts any stop on signing in. Nothing else of the account changes,
    but the reset is on the record with the code's maker, and a code its maker handed over reopens
    the space restricted (``consent.recovery.services``)."""
    invitation = _invitation(code)
    agent = invitation.representative
    existing = agent.account if agent is not None else invitation.person.account
    changes: dict[str, list[object]] = {}
    reset = None
    if existing is None:
        user = accounts.create_account(
            username=username,
            password=password,
            display_name=agent.name if agent is not None else invitation.person.display_name,
        )
        if agent is not None:  # a representative's own account, for this person only
            Representative.objects.filter(pk=agent.pk).update(account=user)
        else:
            Person.objects.filter(pk=invitation.person_id).update(account=user)
        action = Action.PORTAL_ACTIVATE
    else:
        user = existing
        previous = user.password
        accounts.reset_access(user, password, username=username)
        ended = tokens.revoke_all(user)
        action = Action.PORTAL_RESET
        reset = recovery.record_reset(account=user, invitation=invitation, previous_password=previous)
        changes = {
            "password": ["set", "reset"],
            "tokens": [ended, 0],
            "restricted": [False, reset.restricted],
        }
    PortalInvitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    recorder.record(
        user,
        Event(
            action=action,
            person_id=invitation.person_id,
            object_type="portal_invitation",
            object_ids=[invitation.pk],
            changes=changes,
            representative_id=agent.pk if agent is not None else None,
            space_reset_id=reset.pk if reset is not None else None,
            code_made_by=invitation.created_by_id if reset is not None else None,
        ),
    )
    return user


@recorder.action
def activate_with_token(*, code: str, username: str, password: str) -> tuple[User, str]:
    """Activation through the API: the account, and a token to sign in with (shown once)."""
    user = activate(code=code, username=username, password=password)
    token, _expiry = tokens.issue(user)
    return user, token
