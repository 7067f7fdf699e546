"""Accounts: made and changed by managers (on the record, with before and after), and signing in.

Every change of who can see what is an ``action`` and an event of the chain (R5), from the API, the
administration and commands alike. Passwords never reach the log: only the fact that one changed.

Long on purpose: making accounts, changing them and signing in (with the steps a second factor adds)
are the life of one account, read together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit import recorder
from audit.models import Action, Outcome
from audit.recorder import Event, assign, changed_fields
from core.domain_errors import Invalid, TooManyAttempts
from teams import factors, organisations, sign_in_limits, tokens
from teams.asking import Manager, access_account, access_administration
from teams.models import Membership, User
from teams.organisations import Administration

# What a manager may change on an account, and what the log says of each change.
ACCOUNT_FIELDS = (
    "username",
    "display_name",
    "email",
    "is_active",
    "is_auditor",
    "is_manager",
    "organisation_id",
    "audits_deployment",
)
# What only the deployment's administrators set: an account's organisation, a reach over all of them.
DEPLOYMENT_FIELDS = ("organisation_id", "audits_deployment")


def _organisation_of_new_account(admin: Administration, organisation_id: int | None) -> int | None:
    """A manager's new account is their organisation's; the deployment's administrators choose one,
    or none (an account of the deployment, such as the territory's auditor). An organisation beyond
    the manager's reach is the same 400 as one that does not exist."""
    if organisation_id is None:
        return None if admin.every_organisation else admin.organisation_id
    if not organisations.administered_organisations(admin).filter(pk=organisation_id).exists():
        raise Invalid("organisation", _("This organisation does not exist."))
    return organisation_id


def _refuse_deployment_reach(admin: Administration, values: dict[str, Any], user: User | None = None) -> None:
    if admin.every_organisation:
        return
    for name in DEPLOYMENT_FIELDS:
        if name in values and (user is None or values[name] != getattr(user, name)):
            field = name.removesuffix("_id")
            raise Invalid(field, _("Only the deployment's administrators set this."))


def _state(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in ACCOUNT_FIELDS}


def _checked_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid("password", " ".join(exc.messages)) from None


def create_account(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    is_auditor: bool = False,
    is_manager: bool = False,
    organisation_id: int | None = None,
    audits_deployment: bool = False,
) -> User:
    """An account with a password that passes the validators, or none yet (``None``: its holder
    chooses it with a setup code, ``teams.recovery``); usernames are unique whatever their case.

    Not recorded by itself: the act that makes it (a manager's, a person's activation) is."""
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid("username", _("This username is taken; choose another one."))
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        is_auditor=is_auditor,
        is_manager=is_manager,
        organisation_id=organisation_id,
        audits_deployment=audits_deployment,
    )
    if password is None:
        user.set_unusable_password()
    else:
        _checked_password(password, user)
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
    by: Manager,
    username: str,
    display_name: str = "",
    email: str = "",
    is_auditor: bool = False,
    is_manager: bool = False,
    organisation_id: int | None = None,
    audits_deployment: bool = False,
) -> User:
    """A manager makes an account, of their organisation. Managers give no password (R10): its holder
    chooses one with the setup code that ``teams.recovery.issue_setup_code`` makes next."""
    admin = access_administration(by, action=Action.ACCOUNT_CREATE, object_type="account")
    _refuse_deployment_reach(admin, {"audits_deployment": True} if audits_deployment else {})
    organisation_id = _organisation_of_new_account(admin, organisation_id)
    user = create_account(
        username=username,
        password=None,
        display_name=display_name,
        email=email,
        is_auditor=is_auditor,
        is_manager=is_manager,
        organisation_id=organisation_id,
        audits_deployment=audits_deployment,
    )
    recorder.record(
        by,
        Event(
            action=Action.ACCOUNT_CREATE,
            object_type="account",
            object_ids=[user.pk],
            changes=changed_fields({}, _state(user))
            | {"password": [None, "chosen by its holder with a code"]},
        ),
    )
    return user


@recorder.action
def update_account(*, by: Manager, user: User, **values: Any) -> User:
    """Change an account's name, address, roles or whether it is active; recorded with before and after.

    A deactivated account stops at once: sessions and tokens check ``is_active`` on every request."""
    admin = access_account(by, user, action=Action.ACCOUNT_UPDATE)
    unknown = set(values) - set(ACCOUNT_FIELDS)
    if unknown:
        raise Invalid(sorted(unknown)[0], _("This cannot be changed here."))
    _refuse_deployment_reach(admin, values, user)
    moved_to = values.get("organisation_id", user.organisation_id)
    teams_of = set(Membership.objects.filter(user=user).values_list("team__organisation_id", flat=True))
    if moved_to != user.organisation_id and teams_of - {moved_to}:
        raise Invalid(
            "organisation", _("This account is a member of teams of its organisation: remove it first.")
        )
    before = _state(user)
    new_name = values.get("username", user.username)
    if (
        new_name != user.username
        and User.objects.filter(username__iexact=new_name).exclude(pk=user.pk).exists()
    ):
        raise Invalid("username", _("This username is taken; choose another one."))
    assign(user, values)
    user.save(update_fields=list(values) or None)
    changed = changed_fields(before, _state(user))
    if changed:
        recorder.record(
            by,
            Event(action=Action.ACCOUNT_UPDATE, object_type="account", object_ids=[user.pk], changes=changed),
        )
    return user


def reset_access(user: User, password: str, username: str | None = None) -> None:
    """A new password (and username), checked, with every stop on signing in lifted. Not recorded by
    itself: the act that resets (a person's new code) is."""
    old_username = user.username
    fields = ["password"]
    if username is not None and username != user.username:
        if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
            raise Invalid("username", _("This username is taken; choose another one."))
        user.username = username
        fields.append("username")
    _checked_password(password, user)
    user.set_password(password)
    user.save(update_fields=fields)
    sign_in_limits.lift(old_username)


@recorder.action
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The holder of an account changes its password; recorded as a change by its holder."""
    if not user.check_password(old_password):
        raise Invalid("old_password", _("This is not your current password."))
    _checked_password(new_password, user)
    user.set_password(new_password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    recorder.record(
        user,
        Event(
            action=Action.ACCOUNT_UPDATE,
            object_type="account",
            object_ids=[user.pk],
            changes={"password": ["set", "changed by its holder"]},
        ),
    )
    return user


@recorder.action
def choose_password(*, user: User, new_password: str) -> User:
    """The holder of an account whose password someone else gave chooses their own, at the sign-in
    that follows (after their second factor): the given one stops working, and so do its tokens."""
    if user.check_password(new_password):
        raise Invalid("new_password1", _("Choose a password other than the one you were given."))
    _checked_password(new_password, user)
    user.set_password(new_password)
    user.password_change_required = False
    user.save(update_fields=["password", "password_change_required"])
    ended = tokens.revoke_all(user)
    recorder.record(
        user,
        Event(
            action=Action.ACCOUNT_UPDATE,
            object_type="account",
            object_ids=[user.pk],
            changes={"password": ["reset", "chosen by its holder"], "tokens": [ended, 0]},
        ),
    )
    return user


@recorder.action
def sign_in(*, request: HttpRequest | None, username: str, password: str) -> User | None:
    """Check a username and password; every attempt, failed or not, is recorded (R5). Too many
    failures for the account, or from the address, stop sign-ins for a while (a 429).

    A right password with a second step still to do (``factors.steps``: the second factor, its
    enrolment, a new password) is recorded as ``auth.password``, not as a sign-in, and clears no
    count of failures: the caller completes it with ``complete_sign_in``."""
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    why = sign_in_limits.stopped(username, address)
    if why is not None:
        recorder.deny(None, Action.AUTH_LOGIN_FAILED, reason=f"stopped ({why}): {username}"[:200])
        raise TooManyAttempts()
    user = authenticate(request, username=username, password=password)
    if user is None:
        sign_in_limits.note_failure(username, address)
        recorder.record(
            None, Event(action=Action.AUTH_LOGIN_FAILED, outcome=Outcome.DENIED, reason=username[:150])
        )
        return None
    needed = factors.steps(user)
    if "enrol" in needed and "password" in needed:
        # A password someone else gave cannot enrol the account's factor: whoever gave it would then
        # hold both. The holder opens their account with a code instead (``teams.recovery``).
        sign_in_limits.note_failure(username, address)
        recorder.record(
            user,
            Event(
                action=Action.AUTH_LOGIN_FAILED,
                outcome=Outcome.DENIED,
                reason=f"given password, no second factor to check: {username}"[:150],
            ),
        )
        return None
    if needed:
        recorder.record(user, Event(action=Action.AUTH_PASSWORD, reason=", ".join(needed)))
        return user
    sign_in_limits.clear(username)
    recorder.record(user, Event(action=Action.AUTH_LOGIN))
    return user


@recorder.action
def complete_sign_in(*, user: User, method: str) -> User:
    """The last step of a sign-in is done (``method`` says how: a TOTP, a passkey, a recovery code,
    a new factor): it is a sign-in now, recorded as one, and the account's failures are cleared."""
    sign_in_limits.clear(user.get_username())
    recorder.record(user, Event(action=Action.AUTH_LOGIN, reason=method))
    return user


@recorder.action
def open_session(
    *, request: HttpRequest, username: str, password: str, otp: str = ""
) -> tuple[User, str, object] | None:
    """Sign in and receive an API token (shown once, ending after RELAIS_TOKEN_HOURS), or ``None``.

    An account with a second factor sends its code as ``otp`` (a TOTP or a recovery code) in the same
    request; a wrong one is a failed sign-in, counted and recorded. An account that must first enrol
    a factor or choose its password does so on the site: no token until then."""
    user = sign_in(request=request, username=username, password=password)
    if user is None:
        return None
    needed = factors.steps(user)
    if "enrol" in needed or "password" in needed:
        raise Invalid(
            "otp",
            _("Sign in on the site first: this account must enrol a second factor or choose its password."),
        )
    if "factor" in needed:
        if not otp:
            raise Invalid("otp", _("This account has a second factor: send its current code as “otp”."))
        method = factors.second_step(request=request, user=user, code=otp)
        if method is None:
            return None
        complete_sign_in(user=user, method=method)
    token, expiry = tokens.issue(user)
    return user, token, expiry


@recorder.action
def end_sessions(*, user: User, token: object | None = None) -> int:
    """The holder revokes one token (the one in use), or all of theirs; recorded."""
    count = tokens.revoke(token) if token is not None else tokens.revoke_all(user)
    recorder.record(
        user,
        Event(
            action=Action.AUTH_TOKEN_REVOKE,
            object_type="account",
            object_ids=[user.pk],
            reason="this token" if token is not None else f"all tokens ({count})",
        ),
    )
    return count


@recorder.action
def revoke_tokens(*, by: Manager, user: User) -> int:
    """A manager ends every API token of an account at once (a lost phone, a departure)."""
    access_account(by, user, action=Action.ACCOUNT_UPDATE)
    count = tokens.revoke_all(user)
    recorder.record(
        by,
        Event(
            action=Action.ACCOUNT_UPDATE,
            object_type="account",
            object_ids=[user.pk],
            changes={"tokens": [count, 0]},
        ),
    )
    return count
