"""How a member is presented to the persons they accompany and to their colleagues.

The field's practice is that a peer worker chooses whether, and when, to share their experiential
knowledge. So the peer role is told only if they chose to, and a peer worker who gave no title is
not presented by their profession (which would tell it for them). Access never depends on any of
this (R3): it is words, chosen by the member, shown in the journal, on notes and on receipts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils.translation import pgettext

from teams.models import Membership, User


def presented_title(*, title: str, profession: str, is_peer_worker: bool, peer_role_shown: bool) -> str:
    """The words after a member's name: their chosen title (or, for a colleague who chose none,
    their profession), and "peer worker" if they chose to show it. The member's page previews it."""
    words = title.strip() or ("" if is_peer_worker else profession.strip())
    if is_peer_worker and peer_role_shown:
        peer = pgettext("presentation", "peer worker")
        return f"{words}, {peer}" if words else peer
    return words


def presented(membership: Membership) -> str:
    return presented_title(
        title=membership.title,
        profession=membership.profession,
        is_peer_worker=membership.is_peer_worker,
        peer_role_shown=membership.peer_role_shown,
    )


def named_in_team(user: User, team_id: int) -> str:
    """A member's name with the words they chose for this team: "Name (title)", or the name alone."""
    membership = Membership.objects.filter(user=user, team_id=team_id).first()
    words = presented(membership) if membership else ""
    return f"{user.label} ({words})" if words else user.label


def names_in_teams(users: dict[int, User], pairs: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """``named_in_team`` for many (user, team) pairs at once: one query, for a list."""
    if not pairs:
        return {}
    memberships = Membership.objects.filter(
        user_id__in={u for u, _t in pairs}, team_id__in={t for _u, t in pairs}
    )
    words = {(m.user_id, m.team_id): presented(m) for m in memberships}
    named = {}
    for user_id, team_id in pairs:
        label = users[user_id].label
        title = words.get((user_id, team_id), "")
        named[(user_id, team_id)] = f"{label} ({title})" if title else label
    return named


# What a row needs to say how a member is presented: (name in the row, field of the membership).
_FIELDS = (
    ("title", "title"),
    ("profession", "profession"),
    ("peer", "is_peer_worker"),
    ("peer_shown", "peer_role_shown"),
)


def with_presentation(rows: QuerySet[Any], *, member: str, prefix: str) -> QuerySet[Any]:
    """``rows`` with how the member at ``member`` (a path to a user, e.g. ``author``) chose to be
    presented in the row's own ``team``, as ``{prefix}_title``, ``{prefix}_profession``, … (see
    ``presentation_fields``): one join in the same statement, not a query per row. Words to show
    only: no access is decided on them (R3)."""
    joined = f"{prefix}_membership"
    relation = FilteredRelation(
        f"{member}__memberships", condition=Q(**{f"{member}__memberships__team": F("team")})
    )
    return rows.annotate(**{joined: relation}).annotate(
        **{f"{prefix}_{name}": F(f"{joined}__{field}") for name, field in _FIELDS}
    )


def presentation_fields(prefix: str) -> tuple[str, ...]:
    """The names ``with_presentation`` adds, for a ``values()`` that keeps them."""
    return tuple(f"{prefix}_{name}" for name, _field in _FIELDS)


def presented_from(values: Mapping[str, Any], prefix: str) -> str:
    """``presented_title`` from what ``with_presentation`` read (empty for a former member)."""
    if values.get(f"{prefix}_peer") is None:
        return ""
    return presented_title(
        title=values[f"{prefix}_title"],
        profession=values[f"{prefix}_profession"],
        is_peer_worker=values[f"{prefix}_peer"],
        peer_role_shown=values[f"{prefix}_peer_shown"],
    )
