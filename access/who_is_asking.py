"""Who is asking: the member behind an account, established once for a request (R3, R4).

A reader's access comes only from the teams they belong to and whose confidentiality commitment
they accepted: never from a role flag (a superuser is nobody here), and never from the descriptive
fields of a membership (R3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from audit import recorder
from core.domain_errors import CommitmentRequired, NotAMember
from teams.models import Membership, User


@dataclass(frozen=True)
class Reader:
    """A member whose access has been established for this request."""

    user: User
    team_ids: frozenset[int]
    group_ids: frozenset[int]


def reader_for(user: User) -> Reader:
    """The member behind ``user``, or a 403: access to person data starts with a membership (R3, R4)."""
    rows = list(
        Membership.objects.filter(user=user).values_list(
            "team_id", "team__group_id", "commitment_accepted_at"
        )
    )
    if not rows:
        raise NotAMember()
    if any(accepted is None for _, _, accepted in rows):
        raise CommitmentRequired()
    return Reader(
        user=user,
        team_ids=frozenset(team_id for team_id, _, _ in rows),
        group_ids=frozenset(group_id for _, group_id, _ in rows),
    )


def access_reader(
    user: User,
    *,
    action: str,
    object_type: str = "",
    object_ids: Sequence[int | str] = (),
    person_id: int | None = None,
) -> Reader:
    """``reader_for``, recording a refusal as a denied ``action``."""
    with recorder.denials(user, action, object_type=object_type, object_ids=object_ids, person_id=person_id):
        return reader_for(user)
