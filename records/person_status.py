"""What the person page says each team reads of the person now (R11), for the team's card and for
the compact status the page starts with: written from the policy's ``Readership``, never re-derived."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from access.readership import Readership, Reading
from teams.selectors import category_labels


def team_reads(readership: Readership, team_id: int, labels: Mapping[str, str]) -> dict[str, Any]:
    """What one team reads now: what the person's consent shares (``shared``, until
    ``shared_until`` if the consent has an end date), what an emergency access opens
    (``emergency``, until ``emergency_ends``), or the name alone (``name_only``)."""
    reads = readership.of_team(team_id)
    by_consent = [code for code, reading in reads.items() if reading.consent_id is not None]
    by_emergency = {code: reading for code, reading in reads.items() if reading.glass_break_id is not None}
    return {
        "shared": sorted(labels[code] for code in by_consent),
        "shared_until": _first([reads[code].ends_at for code in by_consent]),
        "emergency": sorted(labels[code] for code in by_emergency),
        "emergency_ends": _first([reading.ends_at for reading in by_emergency.values()]),
        "name_only": not reads,
    }


def _first(moments: list[datetime | None]) -> datetime | None:
    """The earliest of these ends (``None`` stands for no end)."""
    ends = [moment for moment in moments if moment is not None]
    return min(ends) if ends else None


def followed_message(team: str, reads: Mapping[str, Reading]) -> str:
    """The message after a team starts following the person: the name alone until the person
    agrees, or what a consent of before, current again, shares with it now."""
    if not reads:
        return _(
            "%(team)s now follows this person. Until the person agrees, it sees only the name the "
            "person goes by."
        ) % {"team": team}
    labels = category_labels()
    return _("%(team)s now follows this person, and reads: %(what)s.") % {
        "team": team,
        "what": ", ".join(sorted(labels[code] for code in reads)),
    }
