"""Opening a staff account, and getting it back, without anyone but its holder ever choosing or
knowing its secrets.

A manager never gives a password. A new account gets a one-time *setup code*: e-mailed to the
account's address when it has one (the manager never sees it), otherwise shown once to the manager
to hand over in person (a new account has no past: this is the trust of making it). Its holder opens
the account with the code and chooses their password; the second factor is enrolled at the first
sign-in where it is required.

A manager *starts* a recovery, never completes it:

- lost password, factor kept: a recovery code (e-mailed, else shown to the manager) that opens the
  account only with its current second factor too (a TOTP or a recovery code), which its maker lacks;
- lost factor, password kept: the account is marked for a new factor, enrolled at the next sign-in
  with the password, which the manager does not know;
- lost both, or no factor to ask: the code goes to the account's own e-mail, never to the manager;
  with no e-mail nobody can recover the account: the manager deactivates it and makes a new one.

Every step is an event naming who started it; opening an account with a code ends its API tokens and
every open session (the password changes).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action, Outcome
from audit.recorder import Event
from core.domain_errors import Invalid
from teams import accounts, factors, sign_in_limits, tokens
from teams.asking import Manager, access_account
from teams.models import AccountCode, User

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
LOST = ("password", "factor", "both")


@dataclass(frozen=True)
class Issued:
    """What a manager is told of a code they made: the code itself only when it could not be
    e-mailed (to be handed over in person), else that it was sent."""

    code: str | None
    emailed: bool
    expires_at: object | None


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"relais-account-code:{normalised}".encode()).hexdigest()


def _send(user: User, code: str, purpose: str) -> None:
    """After the commit: the code goes to the account's own address, and nowhere else."""
    subject = _("Your Relais account") if purpose == "setup" else _("Getting back into your Relais account")
    body = _(
        "Someone started the opening or recovery of your Relais account “%(username)s”. Your one-time "
        "code is %(code)s. Open %(site)s/account/code/ and choose your password. The code ends in "
        "%(hours)s hours. If you did not expect this, tell your manager."
    ) % {
        "username": user.get_username(),
        "code": code,
        "site": settings.RELAIS_SITE_URL,
        "hours": settings.RELAIS_ACCOUNT_CODE_TTL_HOURS,
    }

    def send() -> None:
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # the code can be made again; the act is already on the record
            log.exception("The code for account %s could not be e-mailed", user.pk)

    transaction.on_commit(send)


def _issue(by: Manager, user: User, purpose: str) -> Issued:
    """A new code (the account's unused ones end), e-mailed if the account has an address."""
    AccountCode.objects.filter(user=user, used_at=None).delete()
    code = _new_code()
    emailed = bool(user.email)
    expires = timezone.now() + timedelta(hours=settings.RELAIS_ACCOUNT_CODE_TTL_HOURS)
    AccountCode.objects.create(
        user=user,
        purpose=purpose,
        code_hash=_hash(code),
        made_by=by if isinstance(by, User) else None,
        emailed=emailed,
        expires_at=expires,
    )
    recorder.record(
        by,
        Event(
            action=Action.ACCOUNT_CODE,
            object_type="account",
            object_ids=[user.pk],
            reason=purpose,
            changes={"code": [None, "e-mailed to the account" if emailed else "shown to its maker"]},
        ),
    )
    if emailed:
        _send(user, code, purpose)
        return Issued(code=None, emailed=True, expires_at=expires)
    return Issued(code=code, emailed=False, expires_at=expires)


@recorder.action
def issue_setup_code(*, by: Manager, user: User) -> Issued:
    """The setup code of an account a manager just made (``accounts.create_user``)."""
    access_account(by, user, action=Action.ACCOUNT_CODE)
    return _issue(by, user, AccountCode.Purpose.SETUP)


@recorder.action
def start_recovery(*, by: Manager, user: User, lost: str) -> Issued:
    """A manager starts the recovery of an account whose holder lost their password, their second
    factor, or both (see the module's docstring for who can complete each)."""
    access_account(by, user, action=Action.ACCOUNT_CODE)
    if lost not in LOST:
        raise Invalid("lost", _("Say what was lost: the password, the second factor, or both."))
    enrolled = factors.has_factor(user)
    if lost == "factor":
        if not enrolled:
            raise Invalid("lost", _("This account has no second factor to reset."))
        user.factor_reset_required = True
        user.save(update_fields=["factor_reset_required"])
        recorder.record(
            by,
            Event(action=Action.MFA_RESET, object_type="account", object_ids=[user.pk], reason="lost factor"),
        )
        return Issued(code=None, emailed=False, expires_at=None)
    if lost == "password" and enrolled:
        return _issue(by, user, AccountCode.Purpose.PASSWORD)
    if not user.email:
        raise Invalid(
            "lost",
            _(
                "Without a second factor to ask, only a code sent to the account's own e-mail can open it, "
                "and this account has none. Nobody can recover it: deactivate it and create a new account."
            ),
        )
    return _issue(by, user, AccountCode.Purpose.BOTH)


def _refused(request: HttpRequest | None, username: str, user: User | None, why: str) -> None:
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    sign_in_limits.note_failure(username, address)
    recorder.record(
        user,
        Event(
            action=Action.AUTH_LOGIN_FAILED,
            outcome=Outcome.DENIED,
            object_type="account" if user else "",
            object_ids=[user.pk] if user else [],
            reason=f"{why}: {username}"[:150],
        ),
    )


@recorder.action
def open_with_code(
    *, request: HttpRequest | None, username: str, code: str, password: str, otp: str = ""
) -> User | None:
    """The holder opens their account with a setup or recovery code and chooses its password. A code
    for a lost password needs the account's second factor too (``otp``: a TOTP or a recovery code),
    so that its maker cannot use it. A wrong code counts as a failed sign-in. Returns the account, or
    ``None`` (recorded)."""
    factors.refuse_if_stopped(request, username)
    found = (
        AccountCode.objects.select_related("user")
        .filter(
            code_hash=_hash(code),
            used_at=None,
            expires_at__gt=timezone.now(),
            user__username__iexact=username,
            user__is_active=True,
        )
        .first()
    )
    if found is None:
        _refused(request, username, None, "account code")
        return None
    user = found.user
    if found.purpose == AccountCode.Purpose.PASSWORD and factors.check_code(user, otp) is None:
        factors.failed(request, user, "account code without its second factor")
        return None
    accounts.reset_access(user, password)
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    changes: dict[str, list[object]] = {"password": ["-", "chosen by its holder"]}
    if found.purpose == AccountCode.Purpose.BOTH:
        lost = factors.has_factor(user)
        factors.forget_devices(user)
        if lost:
            changes["second factor"] = ["lost", "to enrol at the next sign-in"]
    if user.password_change_required or user.factor_reset_required:
        user.password_change_required = user.factor_reset_required = False
        user.save(update_fields=["password_change_required", "factor_reset_required"])
    ended = tokens.revoke_all(user)
    changes["tokens"] = [ended, 0]
    recorder.record(
        user,
        Event(
            action=Action.ACCOUNT_OPEN,
            object_type="account",
            object_ids=[user.pk],
            reason=f"{found.purpose}, code made by account {found.made_by_id or 'system'}",
            changes=changes,
        ),
    )
    return user
