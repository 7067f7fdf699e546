"""What the portal's pages need to know about a representative: whom they act for."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from access.own_space import representation


def acting_for(request: HttpRequest) -> dict:
    """The representation the signed-in account serves (``None`` for everyone else), read only if a
    template asks: the banner that says, on every page, for whom and as what one acts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting_for": None}
    return {"acting_for": SimpleLazyObject(lambda: representation(user))}
