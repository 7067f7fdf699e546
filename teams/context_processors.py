"""What the navigation needs to know about the signed-in user."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from teams.selectors import roles_of


def roles(request: HttpRequest) -> dict:
    """The user's descriptive roles (``member``, ``person``, ``auditor``, ``manager``), computed only
    if a template asks. They choose menu entries; they open nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": {}}
    return {"roles": SimpleLazyObject(lambda: dict.fromkeys(roles_of(user), True))}
