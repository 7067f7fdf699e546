"""Who is asking: the member behind an account, established once for a request (R3, R4), and
kept for the rest of it (its unit of work), however many services and selectors it calls.

A member's access comes only from the teams they belong to and whose confidentiality commitment
they accepted: never from a role flag (a superuser is nobody here), and never from the descriptive
fields of a membership (R3).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from audit import context, recorder
from core.domain_errors import CommitmentRequired, NotAMember
from teams.models import Membership, User


@dataclass(frozen=True)
class Member:
    """A member whose access has been established for this request."""

    user: User
    team_ids: frozenset[int]
    group_ids: frozenset[int]


# The members established in the current unit of work, by account: found once per request.
_established: ContextVar[tuple[context.RequestContext, dict[int, Member]] | None] = ContextVar(
    "access_members", default=None
)


def member_for(user: User) -> Member:
    """The member behind ``user``, or a 403: access to person data starts with a membership (R3, R4).
    Asked once per unit of work (a request, a command's action): the answer is kept for the rest of
    it; a refusal is not, and is asked again."""
    work = context.current()
    if work is None:
        return _member(user)
    held = _established.get()
    if held is None or held[0] is not work:
        held = (work, {})
        _established.set(held)
    found = held[1].get(user.pk)
    if found is None:
        found = held[1][user.pk] = _member(user)
    return found


def _member(user: User) -> Member:
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "team_id", "team__group_id", "commitment_accepted_at"
        )
    )
    if not rows:
        raise NotAMember()
    if any(accepted is None for _, _, accepted in rows):
        raise CommitmentRequired()
    return Member(
        user=user,
        team_ids=frozenset(team_id for team_id, _, _ in rows),
        group_ids=frozenset(group_id for _, group_id, _ in rows),
    )


def access_member(
    user: User,
    *,
    action: str,
    object_type: str = "",
    object_ids: Sequence[int | str] = (),
    person_id: int | None = None,
) -> Member:
    """``member_for``, recording a refusal as a denied ``action``."""
    with recorder.denials(user, action, object_type=object_type, object_ids=object_ids, person_id=person_id):
        return member_for(user)
