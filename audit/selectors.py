"""Reads of the access log. Reading the log is itself an access, recorded like any other (R5)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Value

from audit import auditors, chain, csv_export, recorder, scope
from audit.auditors import Auditor
from audit.disclosure import Selection
from audit.models import AccessEvent, Action, Anchor
from audit.recorder import Actor, Event
from core.ids import is_storable_id


def access_log_reader(user: Actor, *, action: str) -> Auditor:
    """The auditor asking, established once for the request, or a recorded 403 of ``action``:
    auditors read the log and nothing else (R4)."""
    return auditors.establish(user, action, object_type="audit_event")


def _filters_text(filters: Mapping[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(filters.items()) if v not in ("", None))[:200]


def _person_filter(filters: Mapping[str, str]) -> int | None:
    value = str(filters.get("person") or "")
    return int(value) if value.isdigit() and is_storable_id(int(value)) else None


class Log(QuerySet[AccessEvent]):
    """The events an auditor reads, counted from the chains' heads while nothing narrows them: a
    page of the whole log counts a million events in one row per chain, not a walk of every row
    (which took three times the 50 ms the first page is allowed)."""

    def count(self) -> int:
        query = self.query
        whole = not query.where and query.low_mark == 0 and query.high_mark is None
        if whole and not query.distinct and not query.combinator and self._result_cache is None:
            return chain.committed_count(self.db)
        return super().count()


def auditable(auditor: Auditor) -> QuerySet[AccessEvent]:
    """The log's scope for an auditor. The deployment's auditor (``audits_deployment``, explicit)
    reads every event. An organisation's auditor reads the events whose actor is one of their
    organisation's accounts, and the administration of their organisation's teams: nothing of
    another organisation's workers, nor of persons' own acts in their space, nor of sign-ins that
    named no account (those are the deployment's): ``audit.scope``."""
    if auditor.whole_deployment:
        return Log(AccessEvent).all()
    if auditor.organisation_id is None:
        return Log(AccessEvent).none()
    return Log(AccessEvent).filter(scope.of_organisation(auditor.organisation_id))


def events(auditor: Auditor) -> QuerySet[AccessEvent]:
    """The events the auditor may read (``auditable``), newest first, each naming its organisation."""
    return scope.with_organisation(auditable(auditor)).order_by("-id")


def listed(auditor: Auditor) -> QuerySet[AccessEvent]:
    """The events the auditor may read (``auditable``), newest first, as the log's page lists them:
    without the organisation ``events`` names for the API, which the page does not show. Its
    correlated subqueries cost more than the rest of the page's statement (13.8 ms against 0.1 for
    the bench's first page: for an event that names no actor nor team, the event's body is read as
    JSON once per account the subquery scans)."""
    return auditable(auditor).order_by("-id")


def tally_marker(auditor: Auditor, filters: Mapping[str, object]) -> str:
    """What the kept counts of the log's closed days (``insights.closed_days_tally``) depend on
    besides the events' statement: the latest anchor (a purge writes one: the days it emptied
    count anew), and, when an organisation's scope or filter selects the events, the organisation's
    accounts and teams (the statement names them by a subquery, not by their ids: an account that
    changes organisation changes its past days). One statement, two for an organisation."""
    anchor = Anchor.objects.order_by("-id").values_list("id", flat=True).first()
    organisations = {int(str(o)) for o in [filters.get("organisation")] if o}
    if not auditor.whole_deployment and auditor.organisation_id is not None:
        organisations.add(auditor.organisation_id)
    if not organisations:
        return f"anchor {anchor}"
    accounts = (
        get_user_model()
        .objects.filter(organisation_id__in=organisations)
        .annotate(kind=Value("account"))
        .values_list("kind", "pk", "organisation_id")
        .order_by()
    )
    teams = (
        apps.get_model("teams", "Team")
        .objects.filter(organisation_id__in=organisations)
        .annotate(kind=Value("team"))
        .values_list("kind", "pk", "organisation_id")
        .order_by()
    )
    members = sorted(accounts.union(teams, all=True))
    return f"anchor {anchor}; {sorted(organisations)}; {members}"


def narrowed(selected: QuerySet[AccessEvent], column: str, ids: Sequence[int]) -> QuerySet[AccessEvent]:
    """The events whose ``column`` is one of ``ids``; none when no id matched a name."""
    if column not in ("person_id", "actor_id", "team_id"):
        raise ValueError(column)
    return selected.filter(**{f"{column}__in": list(ids)}) if ids else selected.none()


def _record_page(
    auditor: Auditor, page: Sequence[AccessEvent], filters: Mapping[str, str]
) -> Sequence[AccessEvent]:
    recorder.record(
        auditor.user,
        Event(
            action=Action.AUDIT_VIEW,
            person_id=_person_filter(filters),
            object_type="audit_event",
            object_ids=[event.pk for event in page],
            reason=_filters_text(filters),
        ),
    )
    return page


def selected_events(
    *, auditor: Auditor, selected: QuerySet[AccessEvent], filters: Mapping[str, str]
) -> Selection[AccessEvent]:
    """The events an auditor filtered; a shown page is recorded with its filters."""
    return Selection(rows=selected, record=lambda page: _record_page(auditor, page, filters))


def export_events(
    *, auditor: Auditor, selected: QuerySet[AccessEvent], filters: Mapping[str, str]
) -> Iterator[str]:
    """CSV lines of the selected events; the export is recorded with its filters and size first."""
    count = selected.count()
    recorder.record(
        auditor.user,
        Event(
            action=Action.AUDIT_EXPORT,
            person_id=_person_filter(filters),
            object_type="audit_event",
            reason=f"{count} events; {_filters_text(filters)}"[:200],
        ),
    )
    return csv_export.lines(selected.iterator(chunk_size=2000))


def verify_chain(auditor: Auditor) -> chain.Verdict:
    verdict = chain.verify()
    recorder.record(
        auditor.user,
        Event(
            action=Action.AUDIT_VERIFY,
            object_type="audit_event",
            object_ids=[verdict.first_bad] if verdict.first_bad else [],
            reason=f"{'ok' if verdict.ok else 'broken'}; {verdict.checked} checked",
        ),
    )
    return verdict
