"""Single sign-on for staff through OpenID Connect (Keycloak, Azure AD, ProSanté Connect).

mozilla-django-oidc speaks the protocol (state, nonce, PKCE, the code exchanged for tokens, the ID
token's signature checked against the provider's keys); here is only what Relais decides:

- where the provider is: its discovery document, read from ``RELAIS_OIDC_ISSUER``;
- whose account it is: one existing account, matched by one claim the provider vouches for
  (``email`` with ``email_verified``, or another claim matched to the username); none is ever
  created, and no membership either;
- who may use it: staff only (members of a team, managers, auditors); a person's space, a
  representative's, the service's superuser, a deactivated account or an unknown identity is
  refused with a page that says why, and the refusal recorded (``auth.login_failed``, its reason
  beginning "through OIDC");
- that every failure counts toward the sign-in lock-outs as a wrong password does, and a stopped
  account or address is stopped here too;
- that an account, once signed in through the provider, stays with that identity (its subject,
  ``ProviderIdentity``): a manager who changes the account's e-mail address to one of their own
  does not sign in as its owner; a new identity at the provider means a new account.

A success is ``auth.login`` with the reason "through OIDC", then Django's ``login()`` as for a
password, then ``after_sign_in``: the one place where the local second factor takes over.

Long on purpose: the provider's settings, the backend's overrides and the decision on its answer are
one sign-in, read together; the refusals' words sit beside the reasons they are recorded with.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, NoReturn

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from audit import recorder
from audit.models import Action
from audit.recorder import Event
from core.domain_errors import SignInRefused, TooManyAttempts, Unavailable
from teams import factors, sign_in_limits
from teams.models import ProviderIdentity, User

# Whether the provider's own second factor stands for the local one, for this session (see
# ``after_sign_in``).
SECOND_FACTOR_BY_PROVIDER = "relais_oidc_second_factor"
# The provider's "amr" values (RFC 8176) that say it asked for more than one factor.
MULTI_FACTOR_METHODS = frozenset({"mfa"})
DISCOVERY_SECONDS = 3600
TIMEOUT_SECONDS = 10

WHY = {
    "failed": _(
        "The sign-in through your organisation did not complete, so nobody is signed in. Start again "
        "from the sign-in page."
    ),
    "unverified": _(
        "Your organisation's sign-in service did not confirm this e-mail address, so it cannot open an "
        "account here. Ask your organisation to confirm it, or sign in with your password."
    ),
    "not matched": _(
        "No account of Relais is linked to this identity, and signing in never creates one. Ask your "
        "manager to give your account the address your organisation knows you by."
    ),
    "portal account": _(
        "Signing in through an organisation is for the teams' staff. A personal space, or a space kept "
        "for someone else, opens with its own username and password."
    ),
    "deactivated": _("This account is deactivated, so it cannot sign in. Ask your manager."),
    "not staff": _(
        "This account belongs to no team and has no role of manager or auditor, so it cannot sign in "
        "through your organisation. Ask your manager."
    ),
    "superuser": _("This account administers the service itself: it signs in with its own password only."),
    "another identity": _(
        "This account is linked to another identity of your organisation, and that link never changes. "
        "If your identity there is new, ask your manager for a new account."
    ),
}


class Refused(Exception):
    """Why the provider's answer opens no session (a key of ``WHY``), and who it named."""

    def __init__(self, why: str, named: str = ""):
        super().__init__(why)
        self.why = why
        self.named = named


def enabled() -> bool:
    return bool(settings.RELAIS_OIDC_ISSUER)


def button_label() -> str:
    """The words of the sign-in page's button: the deployment's, or ours."""
    return settings.RELAIS_OIDC_LABEL or str(_("Sign in through my organisation"))


_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


def discovery() -> dict[str, Any]:
    """The provider's discovery document (its endpoints), read at most once an hour. It must name
    the configured issuer: another one's keys would vouch for nobody here."""
    issuer = settings.RELAIS_OIDC_ISSUER
    kept = _discovered.get(issuer)
    if kept is not None and time.monotonic() - kept[0] < DISCOVERY_SECONDS:
        return kept[1]
    try:
        response = requests.get(
            issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise Unavailable(_("Your organisation's sign-in service cannot be reached just now.")) from exc
    if document.get("issuer") != issuer:
        raise Unavailable(_("Your organisation's sign-in service is not the one configured here."))
    _discovered[issuer] = (time.monotonic(), document)
    return document


def library_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, from Relais's own (``RELAIS_OIDC_*``) and the discovery
    document; anything else from Django's settings, as the library would read it."""
    mine = {
        "OIDC_RP_CLIENT_ID": lambda: settings.RELAIS_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": lambda: settings.RELAIS_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": lambda: settings.RELAIS_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": lambda: settings.RELAIS_OIDC_SIGN_ALGO,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: discovery()["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": lambda: discovery()["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": lambda: discovery()["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": lambda: discovery()["jwks_uri"],
        # The client authenticates as the provider prefers (HTTP Basic is the standard's default).
        "OIDC_TOKEN_USE_BASIC_AUTH": lambda: (
            "client_secret_basic"
            in discovery().get("token_endpoint_auth_methods_supported", ["client_secret_basic"])
        ),
        "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "oidc-callback",
        "OIDC_USE_PKCE": lambda: True,
        "OIDC_USE_NONCE": lambda: True,
        "OIDC_TIMEOUT": lambda: TIMEOUT_SECONDS,
        # The library's hook for an unknown identity is ``create_user``: ours refuses.
        "OIDC_CREATE_USER": lambda: True,
        "OIDC_STORE_ACCESS_TOKEN": lambda: False,
        "OIDC_STORE_ID_TOKEN": lambda: False,
    }
    if attr in mine:
        return mine[attr]()
    return import_from_settings(attr, *default)


class StaffBackend(OIDCAuthenticationBackend):
    """The library's backend, matching an existing account by one verified claim. Called by
    ``complete`` only: it is not in AUTHENTICATION_BACKENDS, so no password sign-in ever reaches it."""

    get_settings = staticmethod(library_setting)
    # The verified ID token of this sign-in (its subject, its "amr"), kept by ``verify_token``.
    id_token_claims: dict[str, Any]

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and the nonce; the issuer and the audience are checked
        here, so that a token the provider made for another client opens nothing."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (
            payload.get("iss") != settings.RELAIS_OIDC_ISSUER
            or settings.RELAIS_OIDC_CLIENT_ID not in audiences
        ):
            raise SuspiciousOperation("ID token for another issuer or client")
        if kwargs.get("nonce") is not None:
            self.id_token_claims = payload
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """What the provider says of the account, about the subject of the ID token only (the
        standard asks it: another subject's answer would be a substituted token)."""
        claims: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo about another subject")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """The mapping claim is there, and an e-mail address is one the provider verified."""
        claim = settings.RELAIS_OIDC_CLAIM
        value = claims.get(claim)
        if not isinstance(value, str) or not value:
            raise Refused("not matched", str(claims.get("sub", ""))[:80])
        if claim == "email" and claims.get("email_verified") not in (True, "true"):
            raise Refused("unverified", value)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        value = claims[settings.RELAIS_OIDC_CLAIM]
        if settings.RELAIS_OIDC_CLAIM == "email":
            return User.objects.filter(email__iexact=value)
        return User.objects.filter(username__iexact=value)

    def create_user(self, claims: dict[str, Any]) -> User:
        """An identity that matches no account is refused: signing in never creates one."""
        raise Refused("not matched", claims[settings.RELAIS_OIDC_CLAIM])


@dataclass(frozen=True)
class SignedIn:
    user: User
    # The provider says it asked for a second factor, and the deployment trusts it for ours.
    second_factor_by_provider: bool
    # What the sign-in still needs here (``teams.factors.steps``): the local second factor, or its
    # enrolment. A password to choose is not asked: this sign-in used none.
    steps: tuple[str, ...] = ()


def _refuse(request: HttpRequest, why: str, named: str) -> NoReturn:
    """Record the refusal, count it toward the lock-outs as a wrong password is counted, and stop."""
    address = request.META.get("REMOTE_ADDR")
    counted = named or "oidc"
    sign_in_limits.note_failure(counted, address)
    user_login_failed.send(sender=__name__, credentials={"username": counted}, request=request)
    recorder.deny(None, Action.AUTH_LOGIN_FAILED, reason=f"through OIDC ({why}): {named}"[:200])
    raise SignInRefused(WHY[why])


def _is_staff(user: User) -> bool:
    return user.is_manager or user.is_auditor or user.memberships.exists()


def _link(request: HttpRequest, user: User, subject: str) -> bool:
    """The account's identity at the provider: linked at its first sign-in (``True``), the same one
    ever after; an identity linked to another account, or an account linked to another identity,
    is refused."""
    issuer = settings.RELAIS_OIDC_ISSUER
    links = ProviderIdentity.objects.filter(Q(user=user) | Q(subject=subject), issuer=issuer)
    if any(link.user_id != user.pk or link.subject != subject for link in links):
        _refuse(request, "another identity", user.username)
    if links:
        return False
    try:
        with transaction.atomic():
            ProviderIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError:  # the same first sign-in, twice at once
        _refuse(request, "failed", user.username)
    return True


def _portal_account(user: User) -> bool:
    """A person's space, or a representative's (past or present): never a staff sign-in."""
    kept_for_a_person = Q(person__isnull=False) | Q(representation__isnull=False)
    return User.objects.filter(kept_for_a_person, pk=user.pk).exists()


@recorder.action
def complete(*, request: HttpRequest) -> SignedIn:
    """The provider sends its user back with a code: exchange it (the library), match the account,
    admit staff only. Every outcome is recorded; a refusal raises ``SignInRefused`` (or
    ``TooManyAttempts``) after its event."""
    states = request.session.get("oidc_states")
    states = states if isinstance(states, dict) else {}
    flow = states.pop(request.GET.get("state", ""), None)
    request.session["oidc_states"] = states  # each state is used once, whatever happens next
    if flow is None or request.GET.get("error") or not request.GET.get("code"):
        _refuse(request, "failed", "")
    backend = StaffBackend()
    try:
        user = backend.authenticate(request, nonce=flow["nonce"], code_verifier=flow.get("code_verifier"))
    except Refused as refused:
        _refuse(request, refused.why, refused.named)
    except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError):
        user = None
    if user is None:  # an answer that could not be verified, or two accounts with one address
        _refuse(request, "failed", "")
    address = request.META.get("REMOTE_ADDR")
    why = sign_in_limits.stopped(user.username, address)
    if why is None and AxesProxyHandler.is_locked(request, {"username": user.username}):
        why = "address and account"
    if why is not None:
        recorder.deny(
            None, Action.AUTH_LOGIN_FAILED, reason=f"through OIDC, stopped ({why}): {user.username}"
        )
        raise TooManyAttempts()
    if not user.is_active:
        _refuse(request, "deactivated", user.username)
    if _portal_account(user):
        _refuse(request, "portal account", user.username)
    if user.is_superuser:
        _refuse(request, "superuser", user.username)
    if not _is_staff(user):
        _refuse(request, "not staff", user.username)
    token = backend.id_token_claims
    methods = token.get("amr") or []
    by_provider = settings.RELAIS_OIDC_TRUST_SECOND_FACTOR and bool(MULTI_FACTOR_METHODS & set(methods))
    steps = () if by_provider else tuple(s for s in factors.steps(user) if s != "password")
    if _link(request, user, token["sub"]):
        linked = {"provider identity": [None, f"{token['iss']} {token['sub']}"[:300]]}
        event = Event(
            action=Action.AUTH_LOGIN,
            object_type="account",
            object_ids=[user.pk],
            reason="through OIDC, first time: identity linked",
            changes=linked,
        )
    else:
        event = Event(action=Action.AUTH_LOGIN, reason="through OIDC")
    if steps:  # the provider vouched for who it is; the local second factor is still to come
        event = replace(event, action=Action.AUTH_PASSWORD, reason=f"{event.reason}; second step asked")
    sign_in_limits.clear(user.username)
    recorder.record(user, event)
    return SignedIn(user=user, second_factor_by_provider=by_provider, steps=steps)


def after_sign_in(request: HttpRequest, signed_in: SignedIn) -> None:
    """Where a sign-in through OIDC hands over to the local second factor, once Django's ``login()``
    has run: the session keeps whether the provider's own factor stands for it (only when the
    deployment trusts the provider and the ID token's ``amr`` says it asked for one); otherwise the
    second factor is asked here exactly as after a password."""
    request.session[SECOND_FACTOR_BY_PROVIDER] = signed_in.second_factor_by_provider
