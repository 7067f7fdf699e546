"""What a list of readable notes depends on, as ids (``access.compiled``): the member's account,
the persons, and each team's granted categories with the persons granted them alike. The person
page's list and count, and the handover's new notes, compile their statements from these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from access.grants import Grants
from access.rules import Granted, granted_alike


def listed_ids(user_id: int, persons: Sequence[int], grants: Mapping[int, Grants]) -> dict[str, list[Any]]:
    """The ids of ``access.rules.notes_read_through`` for these persons and their grants."""
    ids: dict[str, list[Any]] = {"user": [user_id], "person": list(persons)}
    for number, (team_id, codes, person_ids) in enumerate(granted_alike(grants)):
        ids |= {f"team {number}": [team_id], f"codes {number}": list(codes), f"persons {number}": person_ids}
    return ids


def granted_from(ids: Mapping[str, Sequence[Any]]) -> list[Granted]:
    """The grants ``listed_ids`` wrote, read back from the ids (or from a statement's markers)."""
    groups = sum(1 for kind in ids if kind.startswith("team "))
    return [
        Granted(ids[f"team {n}"][0], tuple(ids[f"codes {n}"]), list(ids[f"persons {n}"]))
        for n in range(groups)
    ]
