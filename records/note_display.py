"""How the person page shows its notes: each note's article built once in Python, and each "why can
I see this?" written once per consent and category. The template engine, asked for fifty notes value
by value, cost more than the rest of the page (issue "Faster")."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from access import wording
from access.grants import Grants
from access.readership import Readership
from consent.models import Consent
from core.date_words import DateWords
from records.authorship import author_presented
from teams.models import User


def note_items(
    notes: Sequence[Mapping[str, Any]],
    grants: Grants,
    consents: Mapping[int, Consent],
    readership: Readership,
    me: int,
    categories: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The notes (rows of ``selectors.NOTE_ROW``) as the page shows them. Who reads a note, and so
    its badge and its "why can I see this?", comes from the policy's ``readership`` (R11). The
    explanation is the same for every note of one category under one basis: it is written once per
    pair, not once per note (a page of 50 notes has a handful), and so is each link."""
    explained: dict[tuple[str, int, str], str] = {}
    labels = {
        "why": _("Why can I see this?"),
        "alone": _("You alone"),
        "emergency": _("Emergency access"),
        "corrected": _("Corrected"),
        "correct": _("Correct this note"),
        "corrected_note": _(
            "This is a corrected version: the first one is kept, and both are in the access log."
        ),
    }
    when = _date_formatter(get_format("DATETIME_FORMAT"))
    items = []
    for note in notes:
        code = note["category__code"]
        own = note["author_id"] == me
        grant = grants.get(code)
        glass = grant is not None and grant.glass_break_id is not None
        # Who reads the note: for its author (their explanation, "you alone") and under an emergency
        # access (which reading it is); a note read under a consent is explained by the consent.
        readers = (
            readership.of_note(note["author_id"], code, note_id=note["id"], team_id=note["team_id"])
            if own or glass
            else None
        )
        key: tuple[str, int, str]
        if own:
            assert readers is not None
            key = ("own", 0, code)
            if key not in explained:
                explained[key] = format_html("<p>{}</p>", wording.own_note_why(readers))
        elif glass:
            assert readers is not None and grant is not None and grant.glass_break_id is not None
            key = ("glass", grant.glass_break_id, code)
            if key not in explained:
                reading = next(r for r in readers.teams if r.glass_break_id == grant.glass_break_id)
                explained[key] = format_html("<p>{}</p>", wording.emergency_why(reading))
        else:
            assert grant is not None and grant.consent_id is not None  # a note read is a note granted
            key = ("consent", grant.consent_id, code)
            if key not in explained:
                explained[key] = _consent_explanation(consents[grant.consent_id], categories[code])
        badge = ""
        if own and readers is not None and readers.author_alone:
            badge = "alone"
        elif not own and glass:
            badge = "emergency"
        correct_url = reverse("note-correct", args=[note["id"]]) if own else ""
        items.append(
            {
                "note": note,
                "html": note_article(
                    note, categories[code], explained[key], badge, correct_url, labels, when
                ),
            }
        )
    return items


def articles(items: Sequence[Mapping[str, Any]]) -> SafeString:
    """The notes' articles (``note_items``) one after the other, as the page's loop over them laid
    them out: fifty turns of the template engine's loop for fifty strings already written."""
    return SafeString("".join(f"\n      {item['html']}\n    " for item in items))


_ARTICLE = (
    '<article class="note{only_me}" aria-labelledby="note-{id}">'
    '<header><strong id="note-{id}">{category}</strong>'
    "{badges}<span>{when}</span><span>{author} · {team}</span></header>"
    '<div class="body">{body}</div>{after}<details><summary>{why_label}</summary>{why}</details></article>'
)


def note_article(
    note: Mapping[str, Any],
    category: str,
    why: str,
    badge: str,
    correct_url: str,
    labels: Mapping[str, str],
    when: Callable[[datetime], str],
) -> SafeString:
    """One note as the page shows it, built in Python: the template engine, once per note and per
    value, cost more than the rest of the page (issue "Faster", the person page). Each value is
    escaped once with the standard library's ``html.escape`` (which ``django.utils.html.escape``
    calls, without its lazy wrapper: fifty notes made eight hundred wrapped calls); ``why`` is HTML
    already (``format_html``)."""
    corrected = note["corrects_id"] is not None
    badges = f'<span class="badge">{escape(labels[badge])}</span>' if badge else ""
    if corrected:
        badges += f'<span class="badge">{escape(labels["corrected"])}</span>'
    after = f'<p class="muted">{escape(labels["corrected_note"])}</p>' if corrected else ""
    if correct_url:
        after += f'<p class="no-print"><a href="{escape(correct_url)}">{escape(labels["correct"])}</a></p>'
    return SafeString(
        _ARTICLE.format(
            only_me=" only-me" if badge == "alone" else "",
            id=int(note["id"]),
            category=escape(category),
            badges=badges,
            when=escape(when(note["created_at"])),
            author=escape(_author(note)),
            team=escape(note["team__name"]),
            body=escape(note["body"]),
            after=after,
            why_label=escape(labels["why"]),
            why=conditional_escape(why),
        )
    )


def _author(note: Mapping[str, Any]) -> str:
    title = author_presented(note)
    return f"{User.label_of(note)} ({title})" if title else User.label_of(note)


# Format characters that show less than a minute (seconds, milliseconds, microseconds, the epoch's
# seconds, and the ISO and RFC 5322 forms, which include the seconds).
_WITHIN_A_MINUTE = "suvUcr"


def _date_formatter(format_string: str) -> Callable[[datetime], str]:
    """``django.utils.dateformat.format`` of a moment in local time, with its format string read
    once for the page, not once per note, and each minute formatted once (notes written in the same
    minute, often several on a page, say the same words; a format that shows seconds keeps each
    moment apart). The same output: the local offsets of the moments notes are written at are whole
    minutes (the last offset in seconds ended in 1972)."""
    words_of = DateWords.of(format_string)
    exact = words_of.uses(_WITHIN_A_MINUTE)
    done: dict[datetime, str] = {}

    def formatted(value: datetime) -> str:
        moment = value if exact else value.replace(second=0, microsecond=0)
        words = done.get(moment)
        if words is None:
            words = done[moment] = words_of(timezone.localtime(value))
        return words

    return formatted


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
