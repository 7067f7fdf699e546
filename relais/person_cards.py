"""The person page's cards of the following teams (what the person agreed to share with each, the
emergency access open for it, ending its follow-up), written once in Python: the template engine,
asked value by value, tag by tag, spent a sixth of the page's template on two cards.

The HTML is the one the template wrote (``tests/unit/test_person_cards.py`` holds it to that
template for every kind of card, in both languages), with the same messages to translate; every
sentence about who reads what comes from the policy's answer, as ``person_status.team_reads`` wrote
it (R11)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any, cast

from django.forms import BoundField, Form
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consent.models import Consent


def _day(moment: datetime | None, format_name: str) -> str:
    """A moment as the template's ``date`` filter writes it: in local time, nothing for none."""
    return "" if moment is None else escape(date_format(timezone.localtime(moment), format_name))


def team_cards(panel: Sequence[Mapping[str, Any]], person_id: int, csrf_token: str) -> SafeString:
    """The cards of ``panel`` (the page's items: the follow-up, its team's current consent, who
    recorded it, what the team reads, whether it is one of the member's teams), as the page shows them."""
    # Literal messages, so that makemessages finds them here as it found them in the template; as
    # there, a translation is written as it is (``translate`` marks its literal safe, and so the
    # translation), and the values put in one are escaped.
    words = {
        name: message
        for name, message in (
            ("shared", _("Shared:")),
            ("refused", _("Nothing is shared (the person refused).")),
            ("no_end", _("no end date")),
            ("receipt", _("Receipt")),
            ("withdraw", _("Withdraw")),
            ("no_consent", _("No consent")),
            ("name_only", _("This team sees only the name the person goes by.")),
            (
                "glass_only",
                _("This team sees the name the person goes by, and what an emergency access opens."),
            ),
            ("emergency", _("Open through an emergency access:")),
            ("change", _("Change the consent")),
            ("record", _("Record a consent")),
            (
                "ends",
                _(
                    "The team will no longer see anything about this person, at once. Its notes and "
                    "consents are kept."
                ),
            ),
            ("confirm", _("Confirm: end the follow-up")),
        )
    }
    new_consent = escape(reverse("consent-new", args=[person_id]))
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    cards = []
    for item in panel:
        follow_up, consent = item["follow_up"], item["consent"]
        team = escape(follow_up.team.name)
        card = f'\n      <div class="card">\n        <h3>{team}</h3>\n        '
        if consent:
            if item["shared"]:
                shared = escape(", ".join(item["shared"]))
                card += f"\n          \n            <p>{words['shared']} {shared}</p>\n          "
            else:
                card += f"\n          \n            <p>{words['refused']}</p>\n          "
            since = _("Since %(day)s") % {"day": _day(consent.recorded_at, "DATE_FORMAT")}
            until = (
                _("until %(day)s") % {"day": _day(consent.valid_until, "DATE_FORMAT")}
                if consent.valid_until
                else words["no_end"]
            )
            obtained = _("Obtained %(method)s, recorded by %(who)s.") % {
                "method": escape(consent.get_method_display()),
                "who": escape(item["recorded_by"]),
            }
            receipt = escape(reverse("consent-receipt-page", args=[consent.pk]))
            withdraw = escape(reverse("consent-withdrawal", args=[consent.pk]))
            card += (
                f"\n          <p>{since} ·\n            {until}</p>"
                f'\n          <p class="muted">{obtained}</p>'
                f'\n          <p>\n            <a href="{receipt}">{words["receipt"]}</a> ·'
                f'\n            <a href="{withdraw}">{words["withdraw"]}</a>\n          </p>\n        '
            )
        else:
            reads = words["name_only"] if item["name_only"] else words["glass_only"]
            no_consent = f'<span class="badge bad">{words["no_consent"]}</span>'
            card += f"\n          <p>{no_consent} {reads}</p>\n        "
        card += "\n        "
        if item["emergency"]:
            opened = escape(", ".join(item["emergency"]))
            end = _("until %(end)s") % {"end": _day(item["emergency_ends"], "DATETIME_FORMAT")}
            card += f"\n          <p>{words['emergency']} {opened} ({end})</p>\n        "
        change = words["change"] if consent else words["record"]
        card += (
            f'\n        <p><a class="button secondary" href="{new_consent}?team={int(follow_up.team.pk)}">'
            f"{change}</a></p>\n        "
        )
        if item["mine"]:
            ending = _("End the follow-up by %(team)s") % {"team": team}
            close = escape(reverse("follow-up-close-page", args=[follow_up.pk]))
            card += (
                f'\n        <details class="no-print">\n          <summary>{ending}</summary>'
                f"\n          <p>{words['ends']}</p>"
                f'\n          <form method="post" action="{close}">\n            {csrf}'
                f'\n            <button type="submit" class="secondary">{words["confirm"]}</button>'
                "\n          </form>\n        </details>\n        "
            )
        cards.append(card + "\n      </div>\n    ")
    return SafeString("".join(cards))


def status_lines(status: Sequence[Mapping[str, Any]]) -> SafeString:
    """The lines of the page's opening status (the member's teams: what each reads now, by consent
    until when, by an emergency access until when), as ``team_cards`` words them (R11)."""
    by_consent, name_only, emergency = (
        _("by consent:"),
        _("only the name the person goes by."),
        _("Emergency access"),
    )
    lines = []
    for item in status:
        team = item["follow_up"].team
        named = _("%(team)s:") % {"team": escape(team.name)}
        line = f'\n    <li data-team="{int(team.pk)}"><strong>{named}</strong>\n      '
        if item["name_only"]:
            line += name_only
        line += "\n      "
        if item["shared"]:
            line += f"{by_consent} {escape(', '.join(item['shared']))}"
            if item["shared_until"]:
                line += f" ({_('until %(day)s') % {'day': _day(item['shared_until'], 'DATE_FORMAT')}})"
            line += "."
        line += "\n      "
        if item["emergency"]:
            end = _("until %(end)s") % {"end": _day(item["emergency_ends"], "DATETIME_FORMAT")}
            line += (
                f'<span class="badge bad">{emergency}</span> {escape(", ".join(item["emergency"]))} ({end}).'
            )
        lines.append(line + "\n    </li>\n  ")
    return SafeString("".join(lines))


def history_lines(history: Sequence[Consent]) -> SafeString:
    """The lines of the consent history: each consent's day, team, status and receipt."""
    if not history:
        return SafeString(f"\n      <li>{_('No consent recorded yet.')}</li>\n    ")
    lines = []
    for consent in history:
        day = _day(consent.recorded_at, "SHORT_DATE_FORMAT")
        receipt = escape(reverse("consent-receipt-page", args=[consent.pk]))
        number = _("no. %(number)s") % {"number": int(consent.pk)}
        lines.append(
            f"\n      <li>{day} — {escape(consent.team.name)} — {escape(str(consent.status.label))}"
            f'\n        (<a href="{receipt}">{number}</a>)</li>\n    '
        )
    return SafeString("".join(lines))


def field_html(field: BoundField) -> SafeString:
    """A form's field as ``includes/field.html`` writes it (its label, whether it is optional, its
    help, its widget, its errors), without an include per field: the page shows six."""
    label, for_label = conditional_escape(field.label), escape(field.id_for_label)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        shown = f'\n    <label class="choice" for="{for_label}">{field} <span>{label}</span></label>\n  '
    else:
        optional = "" if field.field.required else f' <span class="muted">({_("optional")})</span>'
        shown = f'\n    <label for="{for_label}">{label}{optional}</label>\n    '
        if field.help_text:
            helped = conditional_escape(field.help_text)
            shown += f'<p class="help" id="{escape(field.auto_id)}_helptext">{helped}</p>'
        shown += f"\n    {field}\n  "
    errors = ""
    if field.errors:
        # Each error as the template writes it: escaped, unless marked safe.
        listed = "".join(f"<li>{conditional_escape(cast(str, error))}</li>" for error in field.errors)
        errors = f'<div role="alert"><ul class="errorlist">{listed}</ul></div>'
    return SafeString(f'<div class="field">\n  {shown}\n  {errors}\n</div>\n')


class FieldsHtml:
    """A form's fields as ``field_html`` writes them, each when the template asks for it by name
    (``{{ fields.team }}``): a form the page does not show costs nothing."""

    def __init__(self, form: Form) -> None:
        self._form = form

    def __getitem__(self, name: str) -> SafeString:
        return field_html(self._form[name])
