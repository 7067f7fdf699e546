"""How a note's author is named: their name, and the words they chose for the note's team
(``teams.presentation``), from a note read as a row or as a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from records.models import Note
from teams.models import Membership
from teams.presentation import presented, presented_from


def author_presented(row: Mapping[str, Any]) -> str:
    """The words after a note's author's name, as they chose them for the note's team, from a row
    of ``NOTE_ROW`` (a former member's notes keep only their name)."""
    return presented_from(row, "author")


def note_author_presented(note: Note) -> str:
    """``author_presented`` for a note read as a model: from ``with_presentation`` if it was read
    through it, else from one query."""
    if hasattr(note, "author_peer"):
        return presented_from(vars(note), "author")
    membership = Membership.objects.filter(user_id=note.author_id, team_id=note.team_id).first()
    return presented(membership) if membership else ""
