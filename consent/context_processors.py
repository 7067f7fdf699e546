"""What the portal's pages need to know about a representative: whom they act for."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from access.own_space import acting_for as representation_shown


def acting_for(request: HttpRequest) -> dict:
    """The representation the signed-in account serves (``None`` for everyone else), read only if a
    template asks: the banner that says, on every page, for whom and as what one acts (the one the
    page's own access found, when it found one: ``access.own_space.acting_for``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"acting_for": None}
    return {"acting_for": SimpleLazyObject(lambda: representation_shown(user))}
