"""Requests whose account is known, so that views hand services a ``User`` and not an anonymous one.

Page views behind ``login_required`` take an ``AuthenticatedHttpRequest`` (the type django-stubs
recommends); API views, behind ``IsAuthenticated``, ask ``signed_in`` for the account.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from teams.models import User
from teams.organisations import Administration, administration_of


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def signed_in(request: HttpRequest | Request) -> User:
    """The request's account; an anonymous caller that got this far is refused, never served."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def administering(request: HttpRequest | Request) -> Administration:
    """How far the request's account administers (``teams.organisations``): the scope of the
    managers' lists and forms, nothing for an anonymous caller (the schema's, say)."""
    return administration_of(request.user)
