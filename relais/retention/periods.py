"""How long a person's record is kept (issue 24): the deployment's setting for now, with its
documented default (``relais.settings``: ``RELAIS_ARCHIVE_AFTER_YEARS``, ``RELAIS_ERASE_AFTER_YEARS``,
``RELAIS_RETENTION_NOTICE_DAYS``). Every reader asks ``periods_for`` about one person, so that a
setting per organisation (the data controller) can replace the deployment's here, and only here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


@dataclass(frozen=True)
class Periods:
    archive_after_years: int
    erase_after_years: int
    notice: timedelta

    def archive_due(self, last_end: datetime) -> datetime:
        return add_years(last_end, self.archive_after_years)

    def erase_due(self, archived_at: datetime) -> datetime:
        return add_years(archived_at, self.erase_after_years)


def periods_for(person_id: int | None = None) -> Periods:
    """The periods that apply to a person's record: the deployment's, whoever the person is."""
    return Periods(
        archive_after_years=settings.RELAIS_ARCHIVE_AFTER_YEARS,
        erase_after_years=settings.RELAIS_ERASE_AFTER_YEARS,
        notice=timedelta(days=settings.RELAIS_RETENTION_NOTICE_DAYS),
    )


def add_years(moment: datetime, years: int) -> datetime:
    """The same day ``years`` later (the 29th of February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)
