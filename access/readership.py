"""Who reads a person's information now, and on what basis (R11): the policy's one answer.

The policy decides each read from rows of effective consents and open emergency accesses
(``access.grants._rows``: consent ∩ mission ∩ follow-up, or a broken glass until its end). The same rows,
for every team that follows the person, say who reads each category; a note is read by its author
and by the teams that read its category. Every sentence a page shows about who reads (badges, the
note form, the message after saving, "why can I see this?", the portal's "this team sees it",
the person page's status) is written from a ``Readership``, never from a query of its own.

``access.grants.grants_and_readership`` and ``readership_of`` build it from the policy's rows, named
with the team names and end times the sentences need; this module only names what the rows say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

CONSENT = "consent"  # the person's consent to the team, within the team's mission
EMERGENCY = "emergency"  # an emergency access of the team, until its end
AUTHORSHIP = "authorship"  # the author of a note reads it, whatever the consents say (R1)


@dataclass(frozen=True)
class Reading:
    """A team that reads a category of the person now, and the consent or emergency access that
    lets it; ``ends_at`` is the consent's end date (``None``: none), or the emergency access's end."""

    team_id: int
    team: str
    consent_id: int | None
    glass_break_id: int | None
    ends_at: datetime | None
    kept_out: tuple[str, ...] = ()  # the members of the team the person keeps out (``access.exclusions``)

    @property
    def basis(self) -> str:
        return EMERGENCY if self.glass_break_id is not None else CONSENT


@dataclass(frozen=True)
class Emergency:
    """An emergency access open now, with the categories it opens now (those the rules still let it
    open: ``access.rules.open_glass_categories``)."""

    glass_break_id: int
    team_id: int
    team: str
    ends_at: datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class NoteReaders:
    """Who reads one note now: its author (authorship), and the teams that read its category."""

    author_id: int
    teams: tuple[Reading, ...]

    @property
    def author_alone(self) -> bool:
        return not self.teams


@dataclass(frozen=True)
class Readership:
    """For each category of one person, the teams that read it now (one reading per team: its
    consent when it has one, as the policy names a consent's grant before a glass's)."""

    by_category: Mapping[str, tuple[Reading, ...]] = field(default_factory=dict)
    # the person's hidden notes: the teams each is hidden from (None: every team but its author's)
    hidden: Mapping[int, tuple[int | None, ...]] = field(default_factory=dict)

    def of(self, code: str) -> tuple[Reading, ...]:
        return self.by_category.get(code, ())

    def of_note(
        self, author_id: int, code: str, *, note_id: int | None = None, team_id: int | None = None
    ) -> NoteReaders:
        """Who reads a note of this category by this author (of ``team_id``): the teams that read the
        category, but those the person hid this note (``note_id``) from."""
        hidings = self.hidden.get(note_id or 0, ())
        teams = tuple(
            reading
            for reading in self.of(code)
            if not hidings or not is_hidden_from(hidings, team_id=reading.team_id, note_team_id=team_id or 0)
        )
        return NoteReaders(author_id=author_id, teams=teams)

    def of_team(self, team_id: int) -> dict[str, Reading]:
        """What one team reads of the person now, by category."""
        return {
            code: reading
            for code, readings in self.by_category.items()
            for reading in readings
            if reading.team_id == team_id
        }

    def emergencies(self, team_ids: Iterable[int] | None = None) -> list[Emergency]:
        """The emergency accesses open now (of these teams, or of every team), oldest first."""
        wanted = None if team_ids is None else set(team_ids)
        found: dict[int, list[str]] = defaultdict(list)
        first: dict[int, Reading] = {}
        for code, readings in self.by_category.items():
            for reading in readings:
                if reading.glass_break_id is None or (wanted is not None and reading.team_id not in wanted):
                    continue
                found[reading.glass_break_id].append(code)
                first.setdefault(reading.glass_break_id, reading)
        return [
            Emergency(
                glass_break_id=pk,
                team_id=first[pk].team_id,
                team=first[pk].team,
                ends_at=first[pk].ends_at,  # type: ignore[arg-type]  # an emergency access always ends
                categories=tuple(sorted(found[pk])),
            )
            for pk in sorted(found)
        ]


# person, category, consent, team, glass break, the team's name, the end (``access.grants._rows``, named)
Row = tuple[int, str, int | None, int, int | None, str, datetime | None]


def of_rows(
    rows: Iterable[Row],
    *,
    kept_out: Mapping[int, tuple[str, ...]] | None = None,
    hidden: Mapping[int, tuple[int | None, ...]] | None = None,
) -> Readership:
    """The readership the policy's named rows describe (rows of one person), with the members each
    team's reading leaves out and the notes hidden from some teams (``access.exclusions``)."""
    kept_out = kept_out or {}
    by_category: dict[str, list[Reading]] = defaultdict(list)
    for _person, code, consent_id, team_id, glass_id, team, ends_at in rows:
        if any(reading.team_id == team_id for reading in by_category[code]):
            continue  # the first row of a team names its grant, as ``access.grants._grants_of`` does
        by_category[code].append(
            Reading(team_id, team, consent_id, glass_id, ends_at, kept_out.get(team_id, ()))
        )
    return Readership(
        {code: tuple(sorted(found, key=_by_team)) for code, found in by_category.items()},
        hidden=hidden or {},
    )


def _by_team(reading: Reading) -> tuple[str, int]:
    return reading.team, reading.team_id


def is_hidden_from(hidings: tuple[int | None, ...], *, team_id: int, note_team_id: int) -> bool:
    """``exclusions.hidden_from`` for one note whose hidings are known (``exclusions.say_of``):
    hidden from this team by name, or from every team but the note's own."""
    return team_id in hidings or (None in hidings and team_id != note_team_id)
