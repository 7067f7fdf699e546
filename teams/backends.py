"""Signing in, and finding the signed-in user on each request."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, F, OuterRef, QuerySet

from teams.models import Membership, User
from teams.selectors import ACTING

# An id no account has: where the statement's one parameter goes.
_MARKER = -424242


def with_menu(users: QuerySet[User]) -> QuerySet[User]:
    """The users with the facts every page's menu asks (``teams.selectors.roles_of``)."""
    return users.annotate(
        menu_member=Exists(Membership.objects.filter(user=OuterRef("pk"))),
        menu_person=F("person__id"),
        menu_acting=ACTING,
    )


@cache
def _statement() -> tuple[str, tuple[Any, ...]]:
    """The statement that finds one user with their menu's facts, compiled once per process (the
    ORM built its three annotations at every request, for more time than the database took), and
    its parameters, the account's id in place of the marker."""
    query = with_menu(User._default_manager.filter(pk=_MARKER)).order_by("pk")[:1].query
    sql, params = query.sql_with_params()
    if list(params).count(_MARKER) != 1:  # the id rewritten or repeated by the ORM: never guess
        raise ValueError(f"the user's statement has the parameters {params!r}")
    return sql, tuple(params)


def _user(pk: int) -> User | None:
    sql, params = _statement()
    found = User._default_manager.raw(sql, [pk if value == _MARKER else value for value in params])
    return next(iter(found), None)


class UserBackend(ModelBackend):
    """Django's ``ModelBackend``, whose user also carries the facts every page's menu asks
    (``teams.selectors.roles_of``): whether they belong to a team, their own person space, and the
    person they act for as a representative. Read
    in the statement that finds the user, they cost every page one statement less."""

    def get_user(self, user_id: Any) -> User | None:
        pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]  # the model has one
        user = _user(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
