"""How a note's author is named: their name, and the words they chose for the note's team
(``teams.presentation``), from a note read as a row or as a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from records.models import Note
from teams.models import Membership
from teams.presentation import presented, presented_title


def author_presented(row: Mapping[str, Any]) -> str:
    """The words after a note's author's name, as they chose them for the note's team, from a row
    of ``NOTE_ROW`` (a former member's notes keep only their name)."""
    if row["author_peer"] is None:
        return ""
    return presented_title(
        title=row["author_title"],
        profession=row["author_profession"],
        is_peer_worker=row["author_peer"],
        peer_role_shown=row["author_peer_shown"],
    )


def note_author_presented(note: Note) -> str:
    """``author_presented`` for a note read as a model: from ``with_author_presentation`` if it was
    read through it, else from one query."""
    if hasattr(note, "author_peer"):
        return author_presented(vars(note))
    membership = Membership.objects.filter(user_id=note.author_id, team_id=note.team_id).first()
    return presented(membership) if membership else ""
