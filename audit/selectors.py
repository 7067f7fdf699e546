"""Reads of the access log. Reading the log is itself an access, recorded like any other (R5)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from django.db.models import QuerySet

from audit import chain, csv_export, recorder
from audit.models import AccessEvent
from audit.recorder import Event
from consent import policy


def _filters_text(filters: Mapping[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(filters.items()) if v not in ("", None))[:200]


def _person_filter(filters: Mapping[str, str]) -> int | None:
    value = str(filters.get("person") or "")
    return int(value) if value.isdigit() else None


def events(*, user, action: str = "audit.view") -> QuerySet[AccessEvent]:
    """Every event, newest first, for an auditor; a 403 (recorded) for anyone else."""
    with recorder.denials(user, action, object_type="audit_event"):
        policy.auditor_for(user)
    return AccessEvent.objects.order_by("-id")


def disclose_events(*, user, page: list[AccessEvent], filters: Mapping[str, str]) -> list[AccessEvent]:
    recorder.record(
        user,
        Event(
            action="audit.view",
            person_id=_person_filter(filters),
            object_type="audit_event",
            object_ids=[event.pk for event in page],
            reason=_filters_text(filters),
        ),
    )
    return page


def export_events(*, user, selected: QuerySet[AccessEvent], filters: Mapping[str, str]) -> Iterator[str]:
    """CSV lines of the selected events; the export is recorded with its filters and size first."""
    count = selected.count()
    recorder.record(
        user,
        Event(
            action="audit.export",
            person_id=_person_filter(filters),
            object_type="audit_event",
            reason=f"{count} events; {_filters_text(filters)}"[:200],
        ),
    )
    return csv_export.lines(selected.iterator(chunk_size=2000))


def verify_chain(*, user) -> chain.Verdict:
    with recorder.denials(user, "audit.verify", object_type="audit_event"):
        policy.auditor_for(user)
    verdict = chain.verify()
    recorder.record(
        user,
        Event(
            action="audit.verify",
            object_type="audit_event",
            object_ids=[verdict.first_bad] if verdict.first_bad else [],
            reason=f"{'ok' if verdict.ok else 'broken'}; {verdict.checked} checked",
        ),
    )
    return verdict
