"""What one feature tells the other, wired here because neither may import the other.

Records and consent are independent apps (pyproject's import-linter contracts). When a team starts
following a person, the person's inbox tells them (``consent.notices.inbox``); when it stops, its
emergency accesses to the person end, for good (``consent.emergency.ending``); when a note the person
hid is corrected, its new version is hidden alike (``consent.say.hidings``). Records offers the
typed listener (``records.changes``); the composition root, above both, registers consent's answers
in ``RelaisConfig.ready``. They run inside the follow-up's action, in the order registered.
"""

from __future__ import annotations

from consent.emergency import ending as glass_end
from consent.models import Notice
from consent.notices import inbox
from consent.say import hidings
from records import changes
from records.changes import FollowUpChange, NoteCorrection


def tell_the_person(change: FollowUpChange) -> None:
    """A team now follows the person: their inbox says which, and who brought it in."""
    if change.opened:
        inbox.tell(change.person_id, Notice.Kind.FOLLOW_UP, team_id=change.team_id, actor_id=change.by.pk)


def end_emergency_accesses(change: FollowUpChange) -> None:
    """The team stopped following the person: its running emergency accesses to them end (reopening
    the follow-up revives none)."""
    if not change.opened:
        glass_end.end_with_follow_up(by=change.by, person_id=change.person_id, team_id=change.team_id)


def keep_hidden(change: NoteCorrection) -> None:
    """A note the person hid stays hidden once corrected: its new version is hidden alike."""
    hidings.carry_over(old_id=change.old_id, new_id=change.new_id)


def connect() -> None:
    """Register consent's listeners to records' follow-ups (``RelaisConfig.ready``)."""
    changes.listen(tell_the_person)
    changes.listen(end_emergency_accesses)
    changes.listen_to_corrections(keep_hidden)
