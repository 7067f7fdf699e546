"""The one place where domain errors become HTTP answers."""

import logging

from django.db import transaction
from rest_framework.response import Response
from rest_framework.views import exception_handler

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
    return exception_handler(exc, context)
