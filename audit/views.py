"""Auditors' pages: the log with filters, its chart, what deserves a look, the chain's integrity."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from audit import checkpoints, insights, selectors, wording
from audit.filters import EventFilter
from audit.models import AccessEvent, Action
from web.pages import disclosed_page

PAGE_SIZE = 50
CHART_DAYS = 30
CHART = {"width": 720, "height": 200, "top": 10, "bottom": 30}


def _chart(days: list[insights.Day]) -> dict[str, Any]:
    """Bars of allowed and denied events per day, as SVG coordinates (drawn by the template)."""
    peak = max([d.allowed + d.denied for d in days] + [1])
    usable = CHART["height"] - CHART["top"] - CHART["bottom"]
    step = CHART["width"] / max(len(days), 1)
    bars = []
    for i, d in enumerate(days):
        allowed_h = round(usable * d.allowed / peak, 1)
        denied_h = round(usable * d.denied / peak, 1)
        base = CHART["height"] - CHART["bottom"]
        bars.append(
            {
                "day": d,
                "x": round(i * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "allowed_y": round(base - allowed_h, 1),
                "allowed_h": allowed_h,
                "denied_y": round(base - allowed_h - denied_h, 1),
                "denied_h": denied_h,
                "label": i % 5 == 0,
                "label_x": round(i * step + step / 2, 1),
            }
        )
    return {
        **CHART,
        "bars": bars,
        "peak": peak,
        "base": CHART["height"] - CHART["bottom"],
        # Room on both sides for the first and last day's labels.
        "view_x": -24,
        "view_width": CHART["width"] + 48,
    }


class Names(Protocol):
    """Names for ids the log stores; the apps above the log provide them (see records.audit_names)."""

    def matching(self, kind: str, text: str) -> list[int]: ...

    def names(
        self, *, person_ids: Iterable[int], team_ids: Iterable[int]
    ) -> tuple[Mapping[int, str], Mapping[int, str]]: ...


class NoNames:
    """Ids only: the log page on its own, without the apps that know names."""

    def matching(self, kind: str, text: str) -> list[int]:
        return []

    def names(
        self, *, person_ids: Iterable[int], team_ids: Iterable[int]
    ) -> tuple[Mapping[int, str], Mapping[int, str]]:
        return {}, {}


NO_NAMES = NoNames()

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


def _rows(events: Sequence[AccessEvent], labels: Mapping[str, str], names: Names) -> list[dict[str, Any]]:
    """One row per event, except that a run of one auditor's views of the log is one row: reading
    the log is recorded, and those reads must not drown what the auditor came to see."""
    persons, teams = names.names(
        person_ids=[e.person_id for e in events if e.person_id],
        team_ids=[e.team_id for e in events if e.team_id],
    )
    actions = dict(Action.choices)
    rows: list[dict[str, Any]] = []
    for event in events:
        last = rows[-1] if rows else None
        if (
            last is not None
            and event.action == Action.AUDIT_VIEW == last["event"].action
            and event.actor_id == last["event"].actor_id
        ):
            last["count"] += 1
            last["oldest"] = event.pk
            continue
        rows.append(
            {
                "event": event,
                "count": 1,
                "oldest": event.pk,
                "action_label": actions.get(event.action, event.action),
                "person_name": persons.get(event.person_id) if event.person_id else None,
                "team_name": teams.get(event.team_id) if event.team_id else None,
                "categories": [labels.get(code, code) for code in event.categories],
                "reason": wording.reason_label(event.reason),
            }
        )
    return rows


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
    events = selectors.events(auditor)
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
    page, shown = disclosed_page(
        request, selectors.selected_events(auditor=auditor, selected=selected, filters=filters), PAGE_SIZE
    )
    now = timezone.now()
    until = filterset.form.cleaned_data.get("until") if filterset.is_bound and valid else None
    until = until or now
    since = until - timedelta(days=CHART_DAYS)
    scope = selectors.auditable(auditor)
    # Unfiltered, the chart counts what the signals count (the auditor's scope, the same thirty days
    # up to now): one grouped statement serves both.
    whole = valid and not filters
    chart_rows = insights.tally(scope if whole else selected.order_by(), since=since, until=until)
    errors = (
        [(FILTER_LABELS.get(field, field), list(messages)) for field, messages in filterset.errors.items()]
        if filterset.is_bound
        else []
    )
    context = {
        "filterset": filterset,
        "filter_errors": errors,
        "actions": Action.choices,
        "rows": _rows(shown, category_labels(), names),
        "page": page,
        "query_prefix": f"{urlencode(filters)}&" if filters else "",
        # The API filters by id only: an export of a selection by name would export more than shown.
        "csv_url": None
        if by_name
        else f"{reverse('audit-events')}?{urlencode({**filters, 'format': 'csv'})}",
        "chart": _chart(insights.per_day(chart_rows, since=since, until=until)),
        "signals": insights.signals(
            glass_review_after=glass_review_after,
            scope=scope,
            window_days=CHART_DAYS,
            now=now,
            tallied=chart_rows if whole else None,
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
