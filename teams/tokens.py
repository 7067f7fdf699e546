"""API tokens (django-rest-knox): stored as hashes, with an end, revocable by their holder and by a
manager, and refused at once when their account is deactivated or stopped for failed sign-ins."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.request import Request

from teams import sign_in_limits
from teams.models import User


class TokenAuthentication(auth.TokenAuthentication):
    """``Authorization: Token <token>``; an account stopped for failed sign-ins is refused too."""

    def authenticate(self, request: Request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        username = user.get_username()
        locked = AxesProxyHandler.is_locked(request._request, credentials={"username": username})
        if locked or sign_in_limits.account_stopped(username):
            raise exceptions.AuthenticationFailed(
                _("This account is stopped for a while: sign in again later.")
            )
        return user, token


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "teams.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <token>"}


def issue(user: User) -> tuple[str, object]:
    """A new token for a user who just proved who they are: (the token, shown once; its end)."""
    instance, token = AuthToken.objects.create(user=user)
    return token, instance.expiry


def revoke(token: AuthToken) -> int:
    count, _ = AuthToken.objects.filter(pk=token.pk).delete()
    return count


def revoke_all(user: User) -> int:
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count
