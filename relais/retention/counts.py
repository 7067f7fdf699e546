"""What an auditor learns of the retention job's work: how many files are archived, how many were
erased. Never who: an archived person is no one's to read (``access.archived``)."""

from __future__ import annotations

from django.conf import settings

from access import archived
from audit import recorder
from audit.models import AccessEvent, Action
from audit.recorder import Actor, Event
from audit.selectors import access_log_reader
from relais.retention.periods import periods_for


def retention_counts(*, user: Actor) -> dict[str, int]:
    """The counts and the periods in force, for an auditor (a recorded 403 for anyone else)."""
    auditor = access_log_reader(user, action=Action.RETENTION_COUNT)
    periods = periods_for()
    counts = {
        "archived": archived.archived_count(),
        "erased": AccessEvent.objects.filter(action=Action.RETENTION_ERASE).count(),
        "archive_after_years": periods.archive_after_years,
        "erase_after_years": periods.erase_after_years,
        "notice_days": settings.RELAIS_RETENTION_NOTICE_DAYS,
    }
    recorder.record(auditor.user, Event(action=Action.RETENTION_COUNT, object_type="person"))
    return counts
