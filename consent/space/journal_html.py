"""The journal page's lines, written in Python: the template's loop asked thirty lines for a dozen
values and tags each, a third of the page's time (``bench/pages.py``), for a few fixed shapes of HTML.
The same HTML as the loop it replaces (``tests/web/test_journal_html.py`` holds the two together, in
both languages, every branch of a line)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consent.space.journal import Line


def journal_items(lines: Sequence[Line]) -> SafeString:
    """The ``<li>`` of each line, as ``consent/space/journal.html``'s loop wrote them: the time, the
    sentence, what was shown, the organisation behind the actor's team, why, whether it was refused,
    and, for what the person did not do themselves, the link to say they disagree."""
    if not lines:
        # The words of a translation, as the template's tag left them (not escaped).
        return SafeString(f"\n  <li>{_('Nobody has looked at your information yet.')}</li>\n")
    disagree = escape(reverse("portal-disagree"))
    words = {
        "organisation": _("Organisation responsible: %(organisation)s"),
        "disagree": _("I do not agree"),
    }
    parts: list[str] = []
    for line in lines:
        when = escape(line.when)
        information, why = line.information, line.why
        parts += [
            f"\n  <li>\n    <p><strong>{when}</strong></p>\n    <p>{escape(line.sentence)}</p>\n    ",
            f"<p>{escape(information)}</p>" if information else "",
            "\n    ",
            f'<p class="help">{words["organisation"] % {"organisation": escape(line.organisation)}}</p>'
            if line.organisation
            else "",
            "\n    ",
            f"<p>{escape(why)}</p>" if why else "",
            "\n    ",
            f'<p><span class="badge bad">{escape(line.outcome)}</span></p>' if line.refused else "",
            "\n    ",
            ""
            if line.by_you
            else f'<p><a href="{disagree}?event={line.event_id}">{words["disagree"]}'
            f'<span class="visually-hidden"> — {when}</span></a></p>',
            "\n  </li>\n",
        ]
    return SafeString("".join(parts))  # each value escaped above
