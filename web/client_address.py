"""Who is knocking: the client's address, from a configured number of trusted proxies only.

Behind ``RELAIS_TRUSTED_PROXIES`` reverse proxies, the client is the address the first of them
saw: the one that many places from the end of ``X-Forwarded-For``. Anything before it was written
by the client and is ignored; without trusted proxies the header is ignored altogether. The address
becomes ``REMOTE_ADDR`` for everything after: the access log, sign-in limits, throttling.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def forwarded_address(request: HttpRequest, trusted_proxies: int) -> str | None:
    """The address the first trusted proxy saw, or the peer's when there is none to trust."""
    remote = request.META.get("REMOTE_ADDR") or None
    if trusted_proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        return remote
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = forwarded_address(request, settings.RELAIS_TRUSTED_PROXIES)
        if address is not None:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def client_address(request: HttpRequest) -> str | None:
    """The client's address once ``ClientAddressMiddleware`` has run: the one every later step uses."""
    return request.META.get("REMOTE_ADDR") or None
