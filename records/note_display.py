"""How the person page shows its notes: each note's article built once in Python, and each "why can
I see this?" written once per consent and category. The template engine, asked for fifty notes value
by value, cost more than the rest of the page (issue "Faster")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consent.models import Consent
from consent.policy import Grants
from records.models import Note
from teams.models import Team


def note_items(
    notes: Sequence[Note],
    grants: Grants,
    consents: Mapping[int, Consent],
    readers: Mapping[str, list[Team]],
    me: int,
) -> list[dict[str, Any]]:
    """The notes as the page shows them. "Why can I see this?" is the same for every note of one
    category under one consent: it is written once per pair, not once per note (a page of 50 notes
    has a handful), and so is each link."""
    explained: dict[tuple[int, str] | None, str] = {None: _own_note_explanation()}
    labels = {
        "why": _("Why can I see this?"),
        "alone": _("You alone"),
        "corrected": _("Corrected"),
        "correct": _("Correct this note"),
        "corrected_note": _(
            "This is a corrected version: the first one is kept, and both are in the access log."
        ),
    }
    when = get_format("DATETIME_FORMAT")
    items = []
    for note in notes:
        grant = grants.get(note.category.code)
        consent = consents.get(grant.consent_id) if grant else None
        key = (consent.pk, note.category.code) if consent else None
        if key not in explained and consent is not None:
            explained[key] = _consent_explanation(consent, note.category.label)
        only_me = not readers.get(note.category.code)
        correct_url = reverse("note-correct", args=[note.pk]) if note.author_id == me else ""
        items.append(
            {
                "note": note,
                "html": note_article(note, explained[key], only_me, correct_url, labels, when),
            }
        )
    return items


def note_article(
    note: Note, why: str, only_me: bool, correct_url: str, labels: Mapping[str, str], when: str
) -> str:
    """One note as the page shows it, built in Python: the template engine, once per note and per
    value, cost more than the rest of the page (issue "Faster", the person page)."""
    badges = format_html('<span class="badge">{}</span>', labels["alone"]) if only_me else SafeString()
    if note.corrects_id:
        badges += format_html('<span class="badge">{}</span>', labels["corrected"])
    after = (
        format_html('<p class="muted">{}</p>', labels["corrected_note"]) if note.corrects_id else SafeString()
    )
    if correct_url:
        after += format_html('<p class="no-print"><a href="{}">{}</a></p>', correct_url, labels["correct"])
    return format_html(
        '<article class="note{}" aria-labelledby="note-{}"><header><strong id="note-{}">{}</strong>{}'
        "<span>{}</span><span>{} · {}</span></header>"
        '<div class="body">{}</div>{}<details><summary>{}</summary>{}</details></article>',
        " only-me" if only_me else "",
        note.pk,
        note.pk,
        note.category.label,
        badges,
        dateformat.format(timezone.localtime(note.created_at), when),
        note.author.label,
        note.team.name,
        note.body,
        after,
        labels["why"],
        why,
    )


def _consent_explanation(consent: Consent, category: str) -> str:
    text = _("%(category)s is shared with %(team)s under the consent of %(day)s (obtained %(method)s).") % {
        "category": category,
        "team": consent.team.name,
        "day": date_format(timezone.localtime(consent.recorded_at), "DATE_FORMAT"),
        "method": consent.get_method_display(),
    }
    link = _("Consent no. %(number)s") % {"number": consent.pk}
    return format_html(
        '<p>{} <a href="{}">{}</a></p>', text, reverse("consent-receipt-page", args=[consent.pk]), link
    )


def _own_note_explanation() -> str:
    return format_html(
        "<p>{}</p>",
        _(
            "You wrote this note. Nobody else reads it until the person agrees to share this kind of "
            "information with the team."
        ),
    )
