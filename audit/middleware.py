"""Runs each request in one transaction and gives the recorder its request context."""

import logging
import re
import uuid

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from audit import context, recorder
from relais.errors import AuditUnavailable

log = logging.getLogger(__name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AuditedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        ctx = context.RequestContext(
            request_id=supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex,
            ip=request.META.get("REMOTE_ADDR") or None,
        )
        token = context.activate(ctx)
        try:
            response = self._respond(request, ctx)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = ctx.request_id
        return response

    def _respond(self, request, ctx: context.RequestContext):
        failure = None
        with transaction.atomic():
            response = self.get_response(request)
            succeeded = response.status_code < 400
            if succeeded:
                try:
                    recorder.flush(ctx, succeeded=True)
                except AuditUnavailable as exc:
                    log.error("audit events could not be written: %s", exc.__cause__)
                    succeeded, failure = False, exc
            if not succeeded:
                # A refused or failed request leaves nothing behind but its denials.
                transaction.set_rollback(True)
        if not succeeded:
            try:
                recorder.flush(ctx, succeeded=False)
            except AuditUnavailable as exc:
                log.error("denied events could not be written: %s", exc.__cause__)
                failure = failure or exc
        # Built after the rollback: the error page itself may need the database.
        return _unavailable(request, failure) if failure is not None else response


def _unavailable(request, exc: AuditUnavailable) -> HttpResponse:
    """A 503 that shows nothing: JSON for the API, the error page for a browser."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exc.detail)}, status=503)
    return render(request, "503.html", {"message": str(exc.detail)}, status=503)
