"""The second factor: TOTP (django-otp) with recovery codes (django-otp's static tokens, stored as
hashes), and passkeys (``teams.passkeys``). Who must have one, what a sign-in still needs after its
password, and the checks of a factor, whose failures count toward the sign-in lock-out.

A sign-in with the right password but a second step still to do is not a sign-in: it is recorded as
``auth.password``, and ``auth.login`` comes when the last step is done (``teams.mfa_views``).

Long on purpose: who needs a factor, the checks of one and the enrolment of one are a single rule of
the sign-in, read together.
"""

from __future__ import annotations

import hashlib
import secrets
from binascii import unhexlify

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit import recorder
from audit.models import Action, Outcome
from audit.recorder import Event
from core.domain_errors import Invalid, TooManyAttempts
from teams import asking, passkeys, sign_in_limits, tokens
from teams.models import Passkey, User
from teams.selectors import roles_of

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: copied by hand


# Who needs what -------------------------------------------------------------------------------------


def is_staff(user: User) -> bool:
    """Workers, peer workers, managers and auditors (and an account not yet in any team): everyone
    but the accounts of persons and their representatives, who may add a passkey and never must."""
    roles = set(roles_of(user))
    return not roles or bool(roles & {"member", "manager", "auditor"}) or user.is_superuser


def has_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def kinds(user: User) -> dict[str, bool]:
    """What the account can prove itself with, for the pages: a TOTP, passkeys, recovery codes left."""
    return {
        "totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "passkey": Passkey.objects.filter(user=user).exists(),
        "recovery": StaticToken.objects.filter(device__user=user).exists(),
    }


def steps(user: User) -> list[str]:
    """What a sign-in with the right password still needs, in order: ``factor`` (the enrolled second
    factor), ``enrol`` (a new one: none yet where one is required, or a reset started by a manager),
    ``password`` (a password chosen by its holder, after someone else gave one)."""
    needed = []
    enrolled = has_factor(user)
    if enrolled and not user.factor_reset_required:
        needed.append("factor")
    elif user.factor_reset_required or (settings.RELAIS_MFA_REQUIRED and is_staff(user)):
        needed.append("enrol")
    if user.password_change_required:
        needed.append("password")
    return needed


# Checks, with their failures counted -------------------------------------------------------------------


def _address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def refuse_if_stopped(request: HttpRequest | None, username: str) -> None:
    """A second step is refused, and recorded, while the account or address is stopped (R5)."""
    why = sign_in_limits.stopped(username, _address(request))
    if (
        why is None
        and request is not None
        and AxesProxyHandler.is_locked(request, credentials={"username": username})
    ):
        why = "account and address"
    if why is not None:
        recorder.deny(None, Action.AUTH_LOGIN_FAILED, reason=f"stopped ({why}): {username}"[:200])
        raise TooManyAttempts()


def failed(request: HttpRequest | None, user: User, what: str) -> None:
    """A wrong second factor (or code): recorded with its reason, and counted as a failed sign-in by
    our limits and by django-axes alike, so that guessing codes locks the account out as guessing
    passwords does."""
    username = user.get_username()
    sign_in_limits.note_failure(username, _address(request))
    if request is not None:
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    recorder.record(
        user,
        Event(
            action=Action.AUTH_LOGIN_FAILED,
            outcome=Outcome.DENIED,
            object_type="account",
            object_ids=[user.pk],
            reason=f"{what}: {username}"[:150],
        ),
    )


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _recovery_hash(code: str) -> str:
    """What django-otp's static token holds: a hash of the code (16 hex digits, its field's size),
    never the code."""
    return hashlib.sha256(f"relais-recovery:{_normalised(code)}".encode()).hexdigest()[:16]


def check_code(user: User, code: str) -> str | None:
    """``totp`` or ``recovery code`` if ``code`` is one of the account's (a recovery code is then
    used up), else ``None``. A TOTP is accepted once (django-otp keeps the last time step used)."""
    code = _normalised(code)
    if not code:
        return None
    if code.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(code):
                return "totp"
        return None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(_recovery_hash(code)):
            return "recovery code"
    return None


@recorder.action
def second_step(
    *, request: HttpRequest | None, user: User, code: str = "", credential: str = ""
) -> str | None:
    """Check the second factor of an account whose password was right: a TOTP or a recovery code
    (``code``), or a passkey's answer (``credential``). Returns how it was proved, or ``None`` after
    recording and counting the failure."""
    refuse_if_stopped(request, user.get_username())
    if credential and request is not None:
        method = "passkey" if passkeys.authenticate(request, user, credential) else None
    else:
        method = check_code(user, code)
    if method is None:
        failed(request, user, "second factor" if not credential else "passkey")
        return None
    sign_in_limits.clear(user.get_username())
    if method == "recovery code":
        left = StaticToken.objects.filter(device__user=user).count()
        recorder.record(
            user,
            Event(
                action=Action.MFA_RECOVERY_CODE_USE,
                object_type="account",
                object_ids=[user.pk],
                reason=f"{left} left",
            ),
        )
    return method


# Enrolment --------------------------------------------------------------------------------------------


def new_totp_key() -> str:
    """A TOTP secret (hex, as django-otp keeps it), held in the session until its first code."""
    return str(random_hex(20))


def totp_uri(user: User, key: str) -> str:
    return str(TOTPDevice(user=user, key=key, name="relais").config_url)


def _totp_matches(key: str, code: str) -> int | None:
    """The time step that ``code`` matches for ``key`` (one step of drift allowed), or ``None``."""
    code = _normalised(code)
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key.encode()))
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def _new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes (the old ones end), shown once; only their hashes are kept."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_recovery_hash(c)) for c in codes)
    return codes


def forget_devices(user: User) -> None:
    """Every second factor of the account goes: its TOTP, its recovery codes, its passkeys."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()


def _forget_lost_factors(user: User) -> int:
    """A reset started by a manager is completed: the lost factors go, and so does every API token
    made with them. Returns how many tokens ended."""
    forget_devices(user)
    user.factor_reset_required = False
    user.save(update_fields=["factor_reset_required"])
    return tokens.revoke_all(user)


@recorder.action
def enrol(
    *,
    request: HttpRequest,
    user: User,
    totp_key: str = "",
    code: str = "",
    credential: str = "",
    name: str = "",
) -> list[str]:
    """Enrol a second factor: a TOTP confirmed by its first code, or a passkey. The first factor of an
    account (or the first after a reset) comes with its recovery codes, returned to be shown once."""
    completing_reset = user.factor_reset_required
    passkey, step = None, None
    if credential:
        passkey = passkeys.verified(request, user, credential, name)
    else:
        if not totp_key:
            raise Invalid("code", _("Start again: the page had no secret to confirm."))
        step = _totp_matches(totp_key, code)
        if step is None:
            raise Invalid("code", _("This code does not match: check the time of your phone, and try again."))
    ended = _forget_lost_factors(user) if completing_reset else 0
    if passkey is not None:
        passkey.save()
        kind, object_ids = "passkey", [user.pk, passkey.pk]
    else:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="totp", key=totp_key, confirmed=True, last_t=step)
        kind, object_ids = "totp", [user.pk]
    codes = [] if StaticToken.objects.filter(device__user=user).exists() else _new_recovery_codes(user)
    reason = f"{kind}, after a reset started by a manager" if completing_reset else kind
    changes = {"tokens": [ended, 0]} if completing_reset else None
    recorder.record(
        user,
        Event(
            action=Action.MFA_ENROL,
            object_type="account",
            object_ids=object_ids,
            reason=reason,
            changes=changes,
        ),
    )
    if codes:
        recorder.record(
            user,
            Event(
                action=Action.MFA_RECOVERY_CODES,
                object_type="account",
                object_ids=[user.pk],
                reason=str(len(codes)),
            ),
        )
    return codes


@recorder.action
def new_recovery_codes(*, user: User) -> list[str]:
    """The holder replaces their recovery codes (the old ones end at once)."""
    if not has_factor(user):
        raise Invalid("codes", _("Add a second factor first: recovery codes stand in for it."))
    codes = _new_recovery_codes(user)
    recorder.record(
        user,
        Event(
            action=Action.MFA_RECOVERY_CODES,
            object_type="account",
            object_ids=[user.pk],
            reason=str(len(codes)),
        ),
    )
    return codes


@recorder.action
def remove(*, user: User, kind: str, passkey_id: int | None = None) -> None:
    """The holder removes their TOTP or one of their passkeys. Where a second factor is required, the
    last one cannot go: it would only be asked again at the next sign-in."""
    if kind == "passkey":
        found = asking.own_passkey(user, passkey_id, action=Action.MFA_REMOVE)
        others = (
            Passkey.objects.filter(user=user).exclude(pk=found.pk).exists()
            or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        )
    else:
        found = None
        if not TOTPDevice.objects.filter(user=user).exists():
            raise Invalid("totp", _("You have no authenticator application to remove."))
        others = Passkey.objects.filter(user=user).exists()
    if not others and settings.RELAIS_MFA_REQUIRED and is_staff(user):
        raise Invalid(kind, _("This is your only second factor: add another one before removing it."))
    if found is not None:
        found.delete()
    else:
        TOTPDevice.objects.filter(user=user).delete()
    if not others:
        StaticDevice.objects.filter(
            user=user
        ).delete()  # recovery codes stand in for a factor no longer there
    recorder.record(
        user,
        Event(
            action=Action.MFA_REMOVE,
            object_type="account",
            object_ids=[user.pk] + ([passkey_id] if passkey_id else []),
            reason=kind,
        ),
    )
