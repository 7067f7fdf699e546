"""The portal's first page, its teams' lines written in Python: for each kind of information a team
may need, whether the team sees it and the button that shares it or stops sharing it. The template's
loop asked each line for a dozen tags and values (most of the page's template time, ``bench/pages.py``);
the same HTML (``tests/web/test_offers_html.py`` holds it to the loop it replaces, in both languages)."""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consent.models import InformationText
from consent.space.portal import TeamOffer


def share_lines(offer: TeamOffer, information: InformationText | None, csrf_token: str) -> SafeString:
    """The ``<li>`` of each of the offer's lines, as ``consent/space/home.html``'s loop wrote them
    (what the page says the team sees is the policy's readership: ``Line.seen``, R11)."""
    action = escape(reverse("portal-share"))
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">' if csrf_token else ""
    )
    told = f'<input type="hidden" name="information" value="{information.pk}">' if information else ""
    words = {
        "seen": _("<strong>%(label)s</strong>: %(seen)s"),
        "stop": _("Stop sharing: %(label)s"),
        "share": _("Share: %(label)s"),
    }
    parts = []
    for line in offer.lines:
        category = line.category
        code, label = escape(category.code), escape(category.label)
        share, word, style = ("no", "stop", ' class="secondary"') if line.shared else ("yes", "share", "")
        button = (
            f'\n              <input type="hidden" name="share" value="{share}">\n              '
            f'<button type="submit"{style}>{words[word] % {"label": label}}</button>\n            '
        )
        parts.append(
            f'\n        <li data-category="{code}">\n'
            f"          <p>{words['seen'] % {'label': label, 'seen': escape(line.seen)}}</p>\n"
            f'          <p class="help">{escape(category.description)}</p>\n'
            f'          <form method="post" action="{action}">\n'
            f"            {csrf}\n"
            f'            <input type="hidden" name="team" value="{offer.team.pk}">\n'
            f'            <input type="hidden" name="category" value="{code}">\n'
            f"            {told}\n"
            f"            {button}\n"
            "          </form>\n"
            "        </li>\n      "
        )
    return SafeString("".join(parts))  # each value escaped above
