"""Auditors' pages: the log with filters, its chart, what deserves a look, the chain's integrity."""

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

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
from audit.models import AccessEvent, Action
from relais.pages import disclosed_page

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


# The recorder's reasons, in words; anything else (a filter, a username typed) is shown as recorded.
REASONS = {
    "author": _("own note"),
    "refusal": _("refusal"),
    "Hidden": _("hidden or missing (404)"),
    "NotAMember": _("not a team member"),
    "CommitmentRequired": _("commitment not accepted yet"),
    "NotAnAuditor": _("not an auditor"),
    "NotAPortalAccount": _("not a person's account"),
}


def _rows(events: Sequence[AccessEvent], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "event": event,
            "categories": [labels.get(code, code) for code in event.categories],
            "reason": REASONS.get(event.reason, event.reason),
        }
        for event in events
    ]


def no_labels() -> Mapping[str, str]:
    return {}


@login_required
@require_safe
def log(request: HttpRequest, category_labels: Callable[[], Mapping[str, str]] = no_labels) -> HttpResponse:
    """The log, filtered; ``category_labels`` names categories (the registry lives above the log,
    so the URL configuration passes it in)."""
    events = selectors.events(user=request.user)
    filterset = EventFilter(request.GET or None, queryset=events)
    selected = filterset.qs if filterset.is_bound and filterset.is_valid() else events
    filters = {k: request.GET[k] for k in request.GET if k in EventFilter.Meta.fields and request.GET[k]}
    page, shown = disclosed_page(
        request, selectors.selected_events(user=request.user, selected=selected, filters=filters), PAGE_SIZE
    )
    until = filterset.form.cleaned_data.get("until") if filterset.is_bound and filterset.is_valid() else None
    until = until or timezone.now()
    since = until - timedelta(days=CHART_DAYS)
    chart_events = selected.order_by()
    context = {
        "filterset": filterset,
        "rows": _rows(shown, category_labels()),
        "page": page,
        "query_prefix": f"{urlencode(filters)}&" if filters else "",
        "csv_url": f"{reverse('audit-events')}?{urlencode({**filters, 'format': 'csv'})}",
        "chart": _chart(insights.per_day(chart_events, since=since, until=until)),
        "signals": insights.signals(),
        "checkpoint": checkpoints.latest(),
        "nav": "audit",
    }
    return render(request, "audit/log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def integrity(request: HttpRequest) -> HttpResponse:
    """The chain's latest checkpoint; on request, a full verification (it reads every event)."""
    if request.method == "POST":
        verdict = selectors.verify_chain(user=request.user)
    else:
        selectors.access_log_reader(request.user, action=Action.AUDIT_VERIFY)
        verdict = None
    return render(
        request,
        "audit/integrity.html",
        {"verdict": verdict, "checkpoint": checkpoints.latest(), "nav": "audit"},
    )
