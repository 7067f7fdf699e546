"""The handover's sections, one per person, written in Python with the template's words and
layout: thirty persons asked the template engine for a section, a link and six loops each, more
than the rest of the page took (``bench/pages.py``). ``tests/unit/test_handover_html.py`` holds
them to the template they replace, in both languages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

if TYPE_CHECKING:
    from records.handover import HandoverLine


def _items(told: Sequence[str], before: str = "") -> str:
    return "".join(f"<li>{before}{conditional_escape(words)}</li>" for words in told)


def sections(lines: Sequence[HandoverLine]) -> SafeString:
    """Each person's section: their name, linked to their page, and each piece of news."""
    no_consent = f'<span class="badge bad">{conditional_escape(gettext("No consent"))}</span> '
    written = []
    for item in lines:
        if item.view is None:  # a line is shown once its person is (and recorded)
            raise ValueError("a handover line is written once its person was shown")
        person = item.view.person
        pk = int(person.pk)
        link = conditional_escape(reverse("person", args=[person.pk]))
        name = conditional_escape(person.display_name)
        notes = f"<li>{conditional_escape(item.notes_told)}</li>" if item.new_notes else ""
        written.append(
            f'\n  <section class="card" aria-labelledby="handover-{pk}">'
            f'\n    <h2 id="handover-{pk}"><a href="{link}">{name}</a></h2>'
            f"\n    <ul>\n      {notes}"
            f"\n      {_items(item.consents_told)}"
            f"\n      {_items(item.withdrawals_told)}"
            f"\n      {_items(item.teams_in_told)}"
            f"\n      {_items(item.teams_out_told)}"
            f"\n      {_items(item.without_consent_told, no_consent)}"
            "\n    </ul>\n  </section>\n"
        )
    return SafeString("".join(written))
