"""The auditors' log page's HTML that is written in Python, once, rather than by the template value by
value: its rows, its chart, the actions to filter by, what deserves a look. Each piece is the HTML
the template wrote (tests/audit/test_signal_items.py, tests/web/test_audit_pages.py)."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from html import escape
from typing import Any, Protocol

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext

from audit import insights, wording
from audit.models import AccessEvent, Action
from core.date_words import DateWords

CHART = {"width": 720, "height": 200, "top": 10, "bottom": 30}


def chart(days: list[insights.Day]) -> dict[str, Any]:
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
    """``django.utils.dateformat.format`` with its format string read once for the page."""
    return DateWords.of(format_string)


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


def rows(events: Sequence[AccessEvent], labels: Mapping[str, str], names: Names) -> list[SafeString]:
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


def action_options(selected: str | None) -> SafeString:
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
