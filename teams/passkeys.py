"""Passkeys (WebAuthn), through py_webauthn: the options a page hands to the browser, and the checks of
what the browser answers. The challenge of each ceremony lives in the session, used once.

The relying party is the site's domain (``RELAIS_WEBAUTHN_RP_ID``, or the host the request came to,
which ALLOWED_HOSTS already vouches for); the origin is the request's own.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from core.domain_errors import Invalid
from teams.models import Passkey, User

REGISTRATION = "relais_passkey_registration"
AUTHENTICATION = "relais_passkey_authentication"


def _rp_id(request: HttpRequest) -> str:
    return settings.RELAIS_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(cid))
        for cid in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    ]


def registration_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """What ``navigator.credentials.create`` needs to make a passkey for this account."""
    options = generate_registration_options(
        rp_id=_rp_id(request),
        rp_name=settings.RELAIS_MFA_ISSUER,
        user_name=user.get_username(),
        user_id=f"relais-account-{user.pk}".encode(),
        user_display_name=user.label,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION] = bytes_to_base64url(options.challenge)
    found: dict[str, Any] = json.loads(options_to_json(options))
    return found


def authentication_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """What ``navigator.credentials.get`` needs to prove one of this account's passkeys."""
    options = generate_authentication_options(
        rp_id=_rp_id(request),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION] = bytes_to_base64url(options.challenge)
    found: dict[str, Any] = json.loads(options_to_json(options))
    return found


def verified(request: HttpRequest, user: User, credential: str, name: str) -> Passkey:
    """The new passkey the browser made, checked against the challenge given (not saved yet)."""
    challenge = request.session.pop(REGISTRATION, None)
    if not challenge:
        raise Invalid("credential", _("Start again: this page's passkey request has expired."))
    try:
        found = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise Invalid("credential", _("This passkey could not be checked: try again.")) from None
    credential_id = bytes_to_base64url(found.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise Invalid("credential", _("This passkey is already added."))
    return Passkey(
        user=user,
        name=(name.strip() or _("Passkey"))[:80],
        credential_id=credential_id,
        public_key=found.credential_public_key,
        sign_count=found.sign_count,
    )


def authenticate(request: HttpRequest, user: User, credential: str) -> bool:
    """Whether the browser's answer proves one of this account's passkeys, for the challenge given."""
    challenge = request.session.pop(AUTHENTICATION, None)
    try:
        sent = json.loads(credential)
        passkey = Passkey.objects.filter(user=user, credential_id=str(sent.get("id", ""))).first()
        if not challenge or passkey is None:
            return False
        found = verify_authentication_response(
            credential=sent,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=_rp_id(request),
            expected_origin=_origin(request),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        return False
    passkey.sign_count = found.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return True
