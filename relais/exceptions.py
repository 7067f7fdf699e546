"""The one place where domain errors become HTTP answers."""

import logging

from django.db import transaction
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from audit import recorder
from relais import crypto
from relais.errors import DomainError

log = logging.getLogger(__name__)


def handle_exception(exc, context):
    if isinstance(exc, crypto.CryptoError):
        log.error("encrypted data unreadable: %s", exc)
        transaction.set_rollback(True)
        return Response(
            {"detail": "Encrypted data cannot be read with the configured keys; nothing was shown."},
            status=503,
        )
    if isinstance(exc, DomainError):
        transaction.set_rollback(True)
        detail = exc.detail if isinstance(exc.detail, dict) else {"detail": str(exc.detail)}
        return Response(detail, status=exc.status)
    if isinstance(
        exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed | exceptions.PermissionDenied
    ):
        _record_refusal(exc, context)
    return exception_handler(exc, context)


def _record_refusal(exc: Exception, context: dict) -> None:
    """Refusals by authentication and permission classes are denied attempts too (R5)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    route = match.url_name if match and match.url_name else "api"
    recorder.deny(
        user if getattr(user, "is_authenticated", False) else None,
        "request.refused",
        reason=f"{type(exc).__name__} on {route}",
    )
