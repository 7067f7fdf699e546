"""Refusals of requests that no view can read, before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """A NUL character in the address or its query is never meaningful, and PostgreSQL refuses it in
    any text it compares: answer 400 at once rather than a 503 from deep in a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        fields = sorted(k for k in query if "\x00" in k or any("\x00" in v for v in query.getlist(k)))
        if "\x00" in request.path or fields:
            message = _("This holds a character that cannot be read (NUL). Nothing was done.")
            if request.path.startswith("/api/"):
                per_field = {name.replace("\x00", "?"): [message] for name in fields}
                return JsonResponse({"detail": message, **per_field}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page and API answer may hold persons' data, or the words around it: no browser, proxy or
    shared computer keeps a copy (``Cache-Control: no-store``). The static files, served before this
    layer, keep their own rules. It reads nothing (not even who is signed in), so that it answers
    the same when the database is gone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response
