"""Auditors' pages: the log with filters, its chart, what deserves a look, the chain's integrity."""

from collections.abc import Callable, Mapping
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from audit import checkpoints, insights, selectors
from audit.filters import EventFilter
from audit.log_html import NO_NAMES, Names, action_options, chart, rows
from audit.models import Action
from audit.signals_html import signal_items
from web.pages import disclosed_page

PAGE_SIZE = 50
CHART_DAYS = 30
# The page's name filters: the parameter, what it names, and the event's column it narrows.
NAME_FILTERS = {
    "person_name": ("person", "person_id"),
    "actor_name": ("actor", "actor_id"),
    "team_name": ("team", "team_id"),
}
NAME_MAX_CHARS = 150
FILTER_LABELS = {
    "person": _("Person (id)"),
    "actor": _("Actor (id)"),
    "team": _("Team (id)"),
    "organisation": _("Organisation (id)"),
    "action": _("Action"),
    "outcome": _("Outcome"),
    "since": _("Since"),
    "until": _("Until"),
}


def no_labels() -> Mapping[str, str]:
    return {}


def _name_filters(request: HttpRequest) -> dict[str, str]:
    return {
        key: request.GET[key].strip()[:NAME_MAX_CHARS]
        for key in NAME_FILTERS
        if request.GET.get(key, "").strip()
    }


@login_required
@require_safe
def log(
    request: HttpRequest,
    *,
    glass_review_after: timedelta,
    category_labels: Callable[[], Mapping[str, str]] = no_labels,
    names: Names = NO_NAMES,
) -> HttpResponse:
    """The log, filtered; ``category_labels`` and ``names`` name categories, persons, actors and
    teams, ``glass_review_after`` is how long an emergency access may wait for its verdict (they live
    above the log, so the URL configuration passes them in). An invalid filter lists nothing: its
    error is shown, never the whole log as if it matched."""
    auditor = selectors.access_log_reader(request.user, action=Action.AUDIT_VIEW)
    events = selectors.listed(auditor)
    filterset = EventFilter(request.GET or None, queryset=events)
    valid = not filterset.is_bound or filterset.is_valid()
    selected = filterset.qs if filterset.is_bound and valid else events
    if not valid:
        selected = events.none()
    by_name = _name_filters(request)
    for key, text in by_name.items():
        kind, column = NAME_FILTERS[key]
        selected = selectors.narrowed(selected, column, names.matching(kind, text))
    filters = {k: request.GET[k] for k in request.GET if k in EventFilter.Meta.fields and request.GET[k]}
    filters.update(by_name)
    now = timezone.now()
    # The closed days' counts are kept (``insights.closed_days_tally``, ``insights.kept_count``): what
    # else than the events' statement they depend on (a purge, an organisation's accounts) is in the
    # marker.
    marker = selectors.tally_marker(
        auditor, filterset.form.cleaned_data if filterset.is_bound and valid else {}
    )
    # Unfiltered, the log is counted from the chains' heads (``selectors.Log``); filtered, from the
    # kept count of the closed days and today's events.
    count = insights.kept_count(selected, now=now, marker=marker) if filters else None
    page, shown = disclosed_page(
        request,
        selectors.selected_events(auditor=auditor, selected=selected, filters=filters),
        PAGE_SIZE,
        count=count,
    )
    until = filterset.form.cleaned_data.get("until") if filterset.is_bound and valid else None
    until = until or now
    since = until - timedelta(days=CHART_DAYS)
    scope = selectors.auditable(auditor)
    # Unfiltered, the chart counts what the signals count (the auditor's scope, the same thirty days
    # up to now): one grouped statement serves both.
    whole = valid and not filters
    signal_rows = insights.closed_days_tally(
        scope, since=now - timedelta(days=CHART_DAYS), until=now, now=now, marker=marker
    )
    chart_rows = (
        signal_rows
        if whole
        else insights.closed_days_tally(selected.order_by(), since=since, until=until, now=now, marker=marker)
    )
    errors = (
        [(FILTER_LABELS.get(field, field), list(messages)) for field, messages in filterset.errors.items()]
        if filterset.is_bound
        else []
    )
    context = {
        "filterset": filterset,
        "filter_errors": errors,
        "action_options": action_options(request.GET.get("action")),
        "rows": rows(shown, category_labels(), names),
        "page": page,
        "query_prefix": f"{urlencode(filters)}&" if filters else "",
        # The API filters by id only: an export of a selection by name would export more than shown.
        "csv_url": None
        if by_name
        else f"{reverse('audit-events')}?{urlencode({**filters, 'format': 'csv'})}",
        "chart": chart(insights.per_day(chart_rows, since=since, until=until)),
        "signals": signal_items(
            insights.signals(
                glass_review_after=glass_review_after,
                scope=scope,
                window_days=CHART_DAYS,
                now=now,
                tallied=signal_rows,
                labels_marker=marker,
            ),
            glass_review_after.days,
        ),
        "glass_review_days": glass_review_after.days,
        "checkpoint": checkpoints.latest(),
        "nav": "audit",
    }
    return render(request, "audit/log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def integrity(request: HttpRequest) -> HttpResponse:
    """The chain's latest checkpoint; on request, a full verification (it reads every event)."""
    auditor = selectors.access_log_reader(request.user, action=Action.AUDIT_VERIFY)
    verdict = selectors.verify_chain(auditor) if request.method == "POST" else None
    return render(
        request,
        "audit/integrity.html",
        {"verdict": verdict, "checkpoint": checkpoints.latest(), "nav": "audit"},
    )
