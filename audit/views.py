"""Auditors' pages: the log with filters, its chart, what deserves a look, the chain's integrity."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from html import escape
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
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
    """Bars of allowed and denied events per day, as SVG coordinates, and the same figures as table
    rows: written here, once, not by the template value by value (thirty days, two bars and a row
    each)."""
    peak = max([d.allowed + d.denied for d in days] + [1])
    usable = CHART["height"] - CHART["top"] - CHART["bottom"]
    step = CHART["width"] / max(len(days), 1)
    base = CHART["height"] - CHART["bottom"]
    label_y = CHART["height"] - 10
    short_date = _date_formatter(get_format("SHORT_DATE_FORMAT"))
    bars, rows = [], []
    for i, d in enumerate(days):
        allowed_h = round(usable * d.allowed / peak, 1)
        denied_h = round(usable * d.denied / peak, 1)
        x, width = round(i * step + step * 0.15, 1), round(step * 0.7, 1)
        bars.append(
            f'\n      <rect class="allowed" x="{x}" y="{round(base - allowed_h, 1)}" width="{width}" '
            f'height="{allowed_h}"></rect>'
            f'\n      <rect class="denied" x="{x}" y="{round(base - allowed_h - denied_h, 1)}" '
            f'width="{width}" height="{denied_h}"></rect>'
        )
        if i % 5 == 0:
            bars.append(
                f'\n      <text x="{round(i * step + step / 2, 1)}" y="{label_y}" font-size="11" '
                f'text-anchor="middle" fill="#1d1d1f">{d.day:%d/%m}</text>'
            )
        rows.append(
            f"<tr><td>{escape(short_date(d.day))}</td><td>{int(d.allowed)}</td><td>{int(d.denied)}</td></tr>"
        )
    return {
        **CHART,
        "bars": SafeString("".join(bars)),
        "rows": SafeString("".join(rows)),
        "peak": peak,
        "base": base,
        # Room on both sides for the first and last day's labels.
        "view_x": -24,
        "view_width": CHART["width"] + 48,
    }


def _date_formatter(format_string: str) -> Callable[[date], str]:
    """``django.utils.dateformat.format`` with its format string read once for the page, not once
    per row (as ``records.note_display`` does for the notes; the log imports no app)."""
    pieces: list[tuple[bool, str]] = []
    for i, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if i % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))

    def formatted(value: date) -> str:
        parts = dateformat.DateFormat(value)
        return "".join(str(getattr(parts, piece)()) if special else piece for special, piece in pieces)

    return formatted


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


_ROW = (
    "<tr{grouped}>"
    '<td class="nowrap">{ids}</td>'
    '<td class="nowrap">{when}</td>'
    "<td>{actor}</td>"
    "<td>{team}</td>"
    "<td>{action}</td>"
    "<td>{outcome}</td>"
    "<td>{person}</td>"
    "<td>{categories}</td>"
    "<td>{allowed_by}</td>"
    '<td class="reason">{reason}</td>'
    "</tr>"
)


def _rows(events: Sequence[AccessEvent], labels: Mapping[str, str], names: Names) -> list[SafeString]:
    """One row per event, except that a run of one auditor's views of the log is one row: reading
    the log is recorded, and those reads must not drown what the auditor came to see.

    Each row is written here, not by the template: fifty rows of ten cells, value by value, took the
    template longer than the rest of the page. Each value is escaped once with the standard
    library's ``html.escape`` (what ``django.utils.html.escape`` calls, without its lazy wrapper);
    the words shared by many rows (an action's label, a reason, a time) are worded once a page."""
    persons, teams = names.names(
        person_ids=[e.person_id for e in events if e.person_id],
        team_ids=[e.team_id for e in events if e.team_id],
    )
    runs: list[list[AccessEvent]] = []
    for event in events:
        last = runs[-1][0] if runs else None
        if (
            last is not None
            and event.action == Action.AUDIT_VIEW == last.action
            and event.actor_id == last.actor_id
        ):
            runs[-1].append(event)
        else:
            runs.append([event])
    words = _Words(labels)
    return [_row(run, persons, teams, words) for run in runs]


class _Words:
    """What many rows of one page say alike, worded once for the page in the reader's language."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.categories = labels
        self.when = _date_formatter(get_format("SHORT_DATETIME_FORMAT"))
        self.allowed = escape(gettext("allowed"))
        self.denied = f'<span class="badge bad">{escape(gettext("denied"))}</span>'
        self._actions = dict(Action.choices)
        self._labels: dict[str, str] = {}
        self._reasons: dict[str, str] = {}

    def action(self, code: str) -> str:
        """The action's label (as stored, for a code the log no longer knows)."""
        if code not in self._labels:
            self._labels[code] = str(self._actions.get(code, code))
        return self._labels[code]

    def reason(self, reason: str) -> str:
        if reason not in self._reasons:
            self._reasons[reason] = escape(wording.reason_label(reason))
        return self._reasons[reason]


def _row(
    run: list[AccessEvent], persons: Mapping[int, str], teams: Mapping[int, str], words: _Words
) -> SafeString:
    """A run of events (one, or an auditor's consecutive views of the log) as one table row."""
    event, count = run[0], len(run)
    label = words.action(event.action)
    if count > 1:
        action = ngettext("%(label)s", "%(label)s, %(counter)s times in a row", count) % {
            "label": escape(label),
            "counter": count,
        }
    else:
        action = escape(capfirst(label) or "")
    if event.consent_id:
        allowed_by = gettext("consent no. %(number)s") % {"number": event.consent_id}
    elif event.glass_break_id:
        allowed_by = gettext("emergency no. %(number)s") % {"number": event.glass_break_id}
    else:
        allowed_by = "—"
    actor = escape(event.actor_label or "—")
    if event.actor_id:
        actor += f' <span class="muted">#{event.actor_id}</span>'
    return SafeString(
        _ROW.format(
            grouped=' class="grouped"' if count > 1 else "",
            ids=f"{run[-1].pk}–{event.pk}" if count > 1 else event.pk,
            when=escape(words.when(timezone.localtime(event.occurred_at))),
            actor=actor,
            team=_named(event.team_id, teams),
            action=action,
            outcome=words.denied if event.outcome == "denied" else words.allowed,
            person=_named(event.person_id, persons),
            categories=", ".join(escape(words.categories.get(code, code)) for code in event.categories),
            allowed_by=allowed_by,
            reason=words.reason(event.reason),
        )
    )


def _named(number: int | None, names: Mapping[int, str]) -> str:
    """A person or a team as the log shows them: the name, when known, and the number; or a dash."""
    if not number:
        return "—"
    return f'{escape(names.get(number) or "")} <span class="muted">#{number}</span>'


def _options(selected: str | None) -> SafeString:
    """The actions' ``<option>``s, the selected one marked: eighty labels, capitalised and escaped
    once per language, not once per page."""
    language = get_language()
    if language not in _OPTIONS:
        _OPTIONS[language] = [
            (value, escape(value), escape(capfirst(str(label)) or "")) for value, label in Action.choices
        ]
    return SafeString(
        "".join(
            f'<option value="{html_value}"{" selected" if value == selected else ""}>{label}</option>'
            for value, html_value, label in _OPTIONS[language]
        )
    )


_OPTIONS: dict[str, list[tuple[str, str, str]]] = {}


# Each signal's sentence, as ``{% blocktranslate %}`` made its message: (singular, plural or
# ``None``, the counter's name, what follows the sentence in its branch of the template it replaced).
_SIGNALS: dict[str, tuple[str, str | None, str | None, str]] = {
    "denied": ("%(who)s: %(count)s refused attempts on %(day)s.", None, None, "\n      "),
    "self_grant": (
        "%(who)s gave themselves access on %(day)s (a membership or a role of their own account).",
        "%(who)s gave themselves access %(count)s times on %(day)s (memberships or roles of their own "
        "account).",
        "count",
        "\n      ",
    ),
    "reset_then_read": (
        "On %(day)s, a space given a new password with a code made by %(who)s asked for its copy of the "
        "data or its journal.",
        "On %(day)s, a space given a new password with a code made by %(who)s asked %(count)s times for "
        "its copy of the data or its journal.",
        "count",
        ' <a href="/audit/resets/">{review_resets}</a>\n      ',
    ),
    "glass_waiting": (
        "%(who)s opened emergency access no. %(number)s on %(day)s: still not reviewed after %(days)s day.",
        "%(who)s opened emergency access no. %(number)s on %(day)s: still not reviewed after %(days)s days.",
        "days",
        ' <a href="/audit/emergencies/">{review_it}</a>\n      ',
    ),
    "lockout": (
        "%(who)s: sign-ins stopped on %(day)s, after %(count)s failed attempt.",
        "%(who)s: sign-ins stopped on %(day)s, after %(count)s failed attempts.",
        "count",
        "\n      ",
    ),
    "glass_close": (
        "%(who)s opened %(count)s emergency accesses within an hour of each other on %(day)s.",
        None,
        None,
        "\n      ",
    ),
    "glass_close_team": (
        "Team no. %(team)s: %(count)s emergency accesses within an hour of each other on %(day)s.",
        None,
        None,
        "\n      ",
    ),
    "created_then_added": (
        "%(who)s created an account and added it to a team on %(day)s.",
        "%(who)s created %(count)s accounts and added them to a team on %(day)s.",
        "count",
        "\n      ",
    ),
    "night": ("%(who)s: %(count)s reads at night (22:00–06:00).", None, None, "\n      "),
    "": ("%(who)s: %(count)s different persons read on %(day)s.", None, None, ""),  # many persons
}


def _signal_items(signals: Sequence[insights.Signal], glass_review_days: int) -> SafeString:
    """The signals' ``<li>``s, as the template's loop wrote them (``{% blocktranslate %}`` for each,
    its values localised and escaped): written here, the sentences translated once per kind and
    count. Over the bench's million events the page shows some five hundred signals (reads at night
    for most actors), which took the template 0.25 s."""
    if not signals:
        return SafeString(f"\n    <li>{gettext('Nothing unusual.')}</li>\n  ")
    short_date = get_format("SHORT_DATE_FORMAT")
    # Literal strings of the template: translated, not escaped (``{% translate %}`` marks them safe).
    see = gettext("See the events")
    links = {
        "review_resets": gettext("Review the resets"),
        "review_it": gettext("Review it"),
    }
    translated: dict[tuple[str, Any], str] = {}
    # Each value localised and escaped as the template did it, once per value: names and counts
    # repeat (``localize`` reads its formats' settings at each call).
    written: dict[tuple[type, Any], str] = {}

    # Whole numbers as ``localize`` writes them: plain unless the locale groups their digits.
    plain = localize(12345678) == "12345678"

    def shown(value: Any) -> str:
        if plain and type(value) is int:
            return str(value)
        key = (type(value), value)
        if key not in written:
            written[key] = conditional_escape(localize(value))
        return written[key]

    days: dict[date | None, str] = {}
    items = []
    for signal in signals:
        kind = signal.kind if signal.kind in _SIGNALS else ""
        singular, plural, counter, after = _SIGNALS[kind]
        values: dict[str, Any] = {"who": signal.actor_label, "count": signal.count}
        if kind == "glass_waiting":
            values = {"who": signal.actor_label, "number": signal.count, "days": glass_review_days}
        elif kind == "glass_close_team":
            values = {"team": signal.team_id, "count": signal.count}
        if signal.day not in days:
            days[signal.day] = dateformat.format(signal.day, short_date) if signal.day else ""
        values["day"] = days[signal.day]
        number: int = values[counter] if counter else 0
        if (kind, number) not in translated:
            translated[kind, number] = (
                ngettext(singular, plural, number) if plural and counter else gettext(singular)
            )
        sentence = translated[kind, number] % {key: shown(value) for key, value in values.items()}
        if signal.actor_id:
            link = f'<a href="?actor={shown(signal.actor_id)}">{see}</a>'
        elif signal.team_id:
            link = f'<a href="?team={shown(signal.team_id)}">{see}</a>'
        else:
            link = f'<a href="?action=auth.login_failed">{see}</a>'
        items.append(f"\n    <li>\n      {sentence}{after.format(**links)}\n      {link}\n    </li>\n  ")
    return SafeString("".join(items))


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
        "action_options": _options(request.GET.get("action")),
        "rows": _rows(shown, category_labels(), names),
        "page": page,
        "query_prefix": f"{urlencode(filters)}&" if filters else "",
        # The API filters by id only: an export of a selection by name would export more than shown.
        "csv_url": None
        if by_name
        else f"{reverse('audit-events')}?{urlencode({**filters, 'format': 'csv'})}",
        "chart": _chart(insights.per_day(chart_rows, since=since, until=until)),
        "signals": _signal_items(
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
