"""The one place where errors become HTTP answers, for the API (JSON) and for pages (HTML).

``answer_for`` maps every error the service knows to a status and a message. The DRF exception
handler and ``PageErrorsMiddleware`` both use it, so that a page cannot forget a mapping and the API
and the pages never disagree. Every error answer rolls the request back (only refusals are kept,
see ``audit.recorder``) and discloses nothing.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import defaults
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler

from audit import recorder
from core import crypto
from core.domain_errors import CommitmentRequired, DomainError, Hidden, TooManyAttempts, Unavailable

log = logging.getLogger(__name__)

UNREADABLE = _("Encrypted data cannot be read with the configured keys; nothing was shown.")
TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 409: "400.html", 503: "503.html"}


@dataclass(frozen=True)
class Answer:
    status: int
    detail: Any  # a message, or one list of messages per field


def answer_for(exc: BaseException) -> Answer | None:
    """The answer to an error of the domain, or ``None`` for one it does not know."""
    if isinstance(exc, crypto.CryptoError):
        log.error("encrypted data unreadable: %s", exc)
        return Answer(503, UNREADABLE)
    if isinstance(exc, DomainError):
        return Answer(exc.status, exc.detail)
    if isinstance(exc, DatabaseError):
        log.error("database error: %s", exc)
        return Answer(503, Unavailable.default_detail)
    return None


def _fail() -> None:
    """Have the request rolled back, and forget what it would have shown (refusals are kept)."""
    recorder.fail()
    recorder.forget_disclosures()


# The API ------------------------------------------------------------------------------------------


def handle_api_exception(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler: domain errors by ``answer_for``, DRF's own with their refusals recorded."""
    answer = answer_for(exc)
    if answer is not None:
        _fail()
        detail = answer.detail if isinstance(answer.detail, dict) else {"detail": str(answer.detail)}
        return Response(detail, status=answer.status)
    if isinstance(exc, REFUSALS):
        _record_refusal(exc, context)
    _fail()
    if isinstance(exc, Throttled):  # DRF's wording is only half translated
        exc.detail = ErrorDetail(_throttled_message(getattr(exc, "wait", None)), code="throttled")
    return exception_handler(exc, context)


def _throttled_message(wait: float | None) -> str:
    if wait is None:
        return str(_("Too many requests. Try again later."))
    seconds = max(1, math.ceil(wait))
    return ngettext(
        "Too many requests. Try again in %(n)d second.",
        "Too many requests. Try again in %(n)d seconds.",
        seconds,
    ) % {"n": seconds}


# Refused before any view ran: by authentication, by a permission class, or for a body that cannot
# be read (an attempt worth an auditor's eye, never a crash).
REFUSALS = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
    exceptions.ParseError,
    exceptions.UnsupportedMediaType,
)


def _record_refusal(exc: Exception, context: dict) -> None:
    """Refusals by authentication and permission classes, and unreadable bodies, are denied attempts
    too (R5)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    route = match.url_name if match and match.url_name else "api"
    recorder.deny(
        user if getattr(user, "is_authenticated", False) else None,
        "request.refused",
        reason=f"{type(exc).__name__} on {route}",
    )


# Pages --------------------------------------------------------------------------------------------


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def unavailable(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A 503 that shows nothing and needs no database: JSON for the API, the error page otherwise."""
    if is_api(request):
        return JsonResponse({"detail": str(exc.detail)}, status=503)
    # Rendered without the request's context: the account, its roles and its messages would each
    # read the database, which may be what is missing.
    return HttpResponse(render_to_string("503.html", {"message": str(exc.detail)}), status=503)


def page_for(request: HttpRequest, answer: Answer, exc: BaseException) -> HttpResponse:
    if isinstance(exc, CommitmentRequired):
        return redirect(f"{reverse('commitment')}?{urlencode({'next': request.get_full_path()})}")
    if answer.status == 503:
        return unavailable(request, exc if isinstance(exc, DomainError) else Unavailable(answer.detail))
    message = answer.detail
    if isinstance(message, dict):
        message = " ".join(str(m) for messages in message.values() for m in messages)
    template = TEMPLATES.get(answer.status, "400.html")
    return render(request, template, {"message": str(message)}, status=answer.status)


class PageErrorsMiddleware:
    """Turns the domain's errors raised by a page into the right page; the API has its own handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        answer = answer_for(exc)
        if answer is None or is_api(request):
            return None
        _fail()
        return page_for(request, answer, exc)


# Django's own error answers (a URL that matches nothing, an uncaught error): JSON under the API.


def _json_or(page_view, status: int, message):
    def handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_api(request):
            return JsonResponse({"detail": str(message)}, status=status)
        return page_view(request, exception) if exception is not None else page_view(request)

    return handler


not_found = _json_or(defaults.page_not_found, 404, Hidden.default_detail)


def _bad_request_page(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request too big to be read says so, and that the text is still in the browser's page."""
    if isinstance(exception, RequestDataTooBig):
        message = _(
            "What you sent is too long to be read, so nothing was saved. Go back: your text is still "
            "in the page. Shorten it, or split it into two notes."
        )
        return render(request, "400.html", {"message": message, "too_big": True}, status=400)
    return defaults.bad_request(request, exception or SuspiciousOperation())


bad_request = _json_or(_bad_request_page, 400, DomainError.default_detail)
permission_denied = _json_or(defaults.permission_denied, 403, _("This is not allowed to this account."))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a sign-in during a lock-out (``AXES_LOCKOUT_CALLABLE``): JSON under the
    API, like every other error there, and the page that says what to do elsewhere."""
    if is_api(request):
        return JsonResponse({"detail": str(TooManyAttempts.default_detail)}, status=429)
    return render(request, "registration/locked_out.html", status=429)


CSRF_REFUSED = _(
    "This form could not be accepted: it was open too long, or it was not sent from Relais. Nothing "
    "was saved. Go back, reload the page and send it again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form or request refused by Django's CSRF check: a denied attempt like any other (R5), one
    event that names the route and never what was sent, and an answer that says what to do."""
    _record_refusal(CsrfRefused(reason), {"request": request})
    _fail()
    if is_api(request):
        return JsonResponse({"detail": str(CSRF_REFUSED)}, status=403)
    return render(request, "403.html", {"message": str(CSRF_REFUSED)}, status=403)


class CsrfRefused(Exception):
    """Named in the refusal's event: ``CsrfRefused on <route>``."""


server_error = _json_or(defaults.server_error, 500, _("Something went wrong on our side; nothing was saved."))
