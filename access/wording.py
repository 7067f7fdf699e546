"""The sentences that say who reads what (R11), each written from the policy's ``Readership``.

One text per claim, used by every page that makes it: the note form and the message after saving,
a note's badge and its "why can I see this?", the person page's status and emergency box, the
portal's "this team sees it", the refusal to open what is already open. Times are the deployment's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access.readership import NoteReaders, Reading


def when(moment: datetime) -> str:
    """A moment as people read it: the date and time in the deployment's time zone, never UTC."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def basis(reading: Reading) -> str:
    """Why a team reads it: the person's consent (with its end, if any), or an emergency access
    with its end."""
    if reading.glass_break_id is not None:
        assert reading.ends_at is not None
        return _("emergency access no. %(number)s, until %(end)s") % {
            "number": reading.glass_break_id,
            "end": when(reading.ends_at),
        }
    if reading.ends_at is not None:
        return _("the person's consent, until %(day)s") % {"day": day(reading.ends_at)}
    return _("the person's consent")


def team_reading(reading: Reading) -> str:
    """ "Maraude Nord (the person's consent)": a team that reads, and why; and, when the person keeps
    some of its members out, "Maraude Nord but Marc (…)"."""
    if reading.kept_out:
        return _("%(team)s but %(names)s (%(basis)s)") % {
            "team": reading.team,
            "names": ", ".join(reading.kept_out),
            "basis": basis(reading),
        }
    return _("%(team)s (%(basis)s)") % {"team": reading.team, "basis": basis(reading)}


def teams_reading(readings: Sequence[Reading]) -> str:
    return ", ".join(team_reading(reading) for reading in readings)


def form_line(readers: NoteReaders) -> str:
    """What the note form says of a category before the author writes (the author is the reader)."""
    if readers.author_alone:
        return _("you alone, until the person agrees")
    return _("you, and the members of %(teams)s") % {"teams": teams_reading(readers.teams)}


def saved_message(readers: NoteReaders) -> str:
    """The message after a note is saved: its readers, its author first."""
    if readers.author_alone:
        return _("The note is saved. You alone read it for now.")
    return _("The note is saved. Read by: you, and the members of %(teams)s.") % {
        "teams": teams_reading(readers.teams)
    }


def own_note_why(readers: NoteReaders) -> str:
    """ "Why can I see this?" for the reader's own note: they wrote it, and who else reads it."""
    if readers.author_alone:
        return _(
            "You wrote this note. Nobody else reads it until the person agrees to share this kind of "
            "information with a team that needs it."
        )
    return _("You wrote this note. It is also read by the members of %(teams)s.") % {
        "teams": teams_reading(readers.teams)
    }


def emergency_why(reading: Reading) -> str:
    """ "Why can I see this?" for a note read through an emergency access: which one, until when."""
    assert reading.ends_at is not None
    return _(
        "Readable now through an emergency access (no. %(number)s) of %(team)s, until %(end)s: each "
        "read is recorded, the person is told, and an auditor reviews it."
    ) % {"number": reading.glass_break_id, "team": reading.team, "end": when(reading.ends_at)}


def already_readable(team: str, readable: Mapping[str, Reading], labels: Mapping[str, str]) -> str:
    """Why an emergency access is not opened for categories the team reads already: each one by
    its label, and why the team reads it."""
    return _("%(team)s already reads: %(what)s.") % {
        "team": team,
        "what": "; ".join(
            _("%(category)s (%(basis)s)") % {"category": labels.get(code, code), "basis": basis(reading)}
            for code, reading in sorted(readable.items(), key=lambda item: labels.get(item[0], item[0]))
        ),
    }
