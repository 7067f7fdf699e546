"""What the apps beside records do when a follow-up opens or closes, or a note is corrected, inside
the same action.

Records and consent are independent (pyproject's import-linter contracts): ``open_follow_up``
cannot tell the person's inbox, and ``close_follow_up`` cannot end the team's emergency accesses,
both of which are consent's; nor can ``correct_note`` carry the person's hidings of a note to its
new version. The composition root registers consent's listeners here, explicitly,
in ``RelaisConfig.ready`` (``relais/listeners.py``); the two services call every listener inside
their atomic action, after their own event, so that the listeners' rows and events share its fate:
an error undoes the follow-up's change and what the listeners did, together. No signal, no hidden
import: this module is the whole contract, as ``teams/changes.py`` is for teams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from teams.models import User


@dataclass(frozen=True)
class FollowUpChange:
    """A team started or stopped following a person."""

    by: User
    person_id: int
    team_id: int
    opened: bool  # True: the team follows the person now; False: it stopped


FollowUpListener = Callable[[FollowUpChange], None]

_listeners: list[FollowUpListener] = []


def listen(listener: FollowUpListener) -> None:
    """Register ``listener`` (once, however often an app's ``ready`` runs)."""
    if listener not in _listeners:
        _listeners.append(listener)


def follow_up_changed(change: FollowUpChange) -> None:
    """Tell every listener, in the caller's action: a listener's error undoes the whole change."""
    for listener in _listeners:
        listener(change)


@dataclass(frozen=True)
class NoteCorrection:
    """An author corrected a note: ``new_id`` is the new version of ``old_id``."""

    by: User
    person_id: int
    old_id: int
    new_id: int


CorrectionListener = Callable[[NoteCorrection], None]

_correction_listeners: list[CorrectionListener] = []


def listen_to_corrections(listener: CorrectionListener) -> None:
    """Register ``listener`` (once, however often an app's ``ready`` runs)."""
    if listener not in _correction_listeners:
        _correction_listeners.append(listener)


def note_corrected(change: NoteCorrection) -> None:
    """Tell every listener, in the correction's action: a listener's error undoes the correction."""
    for listener in _correction_listeners:
        listener(change)
