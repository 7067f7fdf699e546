"""Runs each request as one unit of work: one transaction with its audit events (R5)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from audit import recorder
from core.domain_errors import AuditUnavailable, Unavailable
from web import error_responses
from web.client_address import client_address

log = logging.getLogger(__name__)
# A request id sent by a proxy is kept only if it is short and plain: it is stored in every event.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditedRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        try:
            with recorder.unit_of_work(request_id=request_id, ip=client_address(request)) as work:
                response = self.get_response(request)
                if response.status_code >= 400:
                    # A refused or failed request leaves nothing behind but its refusals; one that
                    # wrote must have said it undoes its work (see recorder.error_answer).
                    recorder.error_answer(
                        work, response.status_code, request.path, strict=settings.RELAIS_STRICT_ROLLBACK
                    )
        except AuditUnavailable as exc:
            log.error("audit events could not be written: %s", exc.__cause__)
            response = error_responses.unavailable(request, exc)
        except DatabaseError as exc:
            # The database cannot be reached (or failed mid-request): answer without it.
            log.error("database unavailable: %s", exc)
            response = error_responses.unavailable(request, Unavailable())
        response["X-Request-ID"] = request_id
        return response
