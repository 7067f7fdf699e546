"""How many failed sign-ins one account, or one address, may have before it is stopped for a while.

Three counts, all in the shared cache (Redis when REDIS_URL is set, so that every worker and every
host counts together): django-axes stops a username from one address after a few failures; here,
a username from any address (a guess spread over many addresses), and an address across any
usernames (one password tried on many accounts), each after more. A success clears its username.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from axes.utils import reset
from django.conf import settings
from django.core.cache import cache

WINDOW = timedelta(minutes=15)


def _key(kind: str, value: str) -> str:
    return f"signin:{kind}:{hashlib.sha256(value.lower().encode()).hexdigest()}"


def _count(kind: str, value: str) -> int:
    return int(cache.get(_key(kind, value), 0))


def _add(kind: str, value: str) -> None:
    key = _key(kind, value)
    cache.add(key, 0, timeout=int(WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=int(WINDOW.total_seconds()))


def stopped(username: str, address: str | None) -> str | None:
    """Why sign-ins are stopped for this username or address just now ("account", "address"), if so."""
    if _count("username", username) >= settings.RELAIS_LOGIN_ACCOUNT_LIMIT:
        return "account"
    if address and _count("address", address) >= settings.RELAIS_LOGIN_ADDRESS_LIMIT:
        return "address"
    return None


ADDRESSES_KEPT = 20


def note_failure(username: str, address: str | None) -> None:
    _add("username", username)
    if address:
        _add("address", address)
        # Where this username failed from, so that a reset can lift django-axes's lock on each pair.
        key = _key("from", username)
        seen = [a for a in cache.get(key, []) if a != address][-(ADDRESSES_KEPT - 1) :]
        cache.set(key, [*seen, address], timeout=int(WINDOW.total_seconds()))


def clear(username: str) -> None:
    cache.delete(_key("username", username))


def lift(username: str) -> None:
    """Every stop on this username, ours and django-axes's (per username and address): a manager or
    a new code has just given its holder a new password, which must work at once."""
    clear(username)
    for address in cache.get(_key("from", username), []):
        reset(ip=address, username=username)
    cache.delete(_key("from", username))


def account_stopped(username: str) -> bool:
    return _count("username", username) >= settings.RELAIS_LOGIN_ACCOUNT_LIMIT
