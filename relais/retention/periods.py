"""How long a person's record is kept (issue 24): each organisation's own periods, or the
deployment's setting with its documented default (``relais.settings``: ``RELAIS_ARCHIVE_AFTER_YEARS``,
``RELAIS_ERASE_AFTER_YEARS``, ``RELAIS_RETENTION_NOTICE_DAYS``). A record is kept as long as the
longest of the organisations whose teams followed the person must keep it: each controller keeps
what it holds for its own period, and one record is erased once, as a whole. Every reader asks
``periods_for`` about one person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from teams.models import Organisation


@dataclass(frozen=True)
class Periods:
    archive_after_years: int
    erase_after_years: int
    notice: timedelta

    def archive_due(self, last_end: datetime) -> datetime:
        return add_years(last_end, self.archive_after_years)

    def erase_due(self, archived_at: datetime) -> datetime:
        return add_years(archived_at, self.erase_after_years)


def periods_of(organisation: Organisation | None) -> Periods:
    """An organisation's periods (each one it leaves empty is the deployment's); the deployment's
    for ``None``."""
    own_archive = organisation.archive_after_years if organisation is not None else None
    own_erase = organisation.erase_after_years if organisation is not None else None
    return Periods(
        archive_after_years=own_archive or settings.RELAIS_ARCHIVE_AFTER_YEARS,
        erase_after_years=own_erase or settings.RELAIS_ERASE_AFTER_YEARS,
        notice=timedelta(days=settings.RELAIS_RETENTION_NOTICE_DAYS),
    )


def periods_for(person_id: int | None = None, using: str = "default") -> Periods:
    """The periods that apply to a person's record: the longest of those of the organisations whose
    teams followed them (the deployment's if none did, or for no person in particular)."""
    if person_id is None:
        return periods_of(None)
    held_by = Organisation.objects.using(using).filter(teams__follow_ups__person_id=person_id).distinct()
    each = [periods_of(organisation) for organisation in held_by] or [periods_of(None)]
    return Periods(
        archive_after_years=max(p.archive_after_years for p in each),
        erase_after_years=max(p.erase_after_years for p in each),
        notice=each[0].notice,
    )


def add_years(moment: datetime, years: int) -> datetime:
    """The same day ``years`` later (the 29th of February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)
