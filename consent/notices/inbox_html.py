"""The inbox page's notices, written in Python: the template's loop asked each notice for its values,
filters and tags one by one (``bench/pages.py``); the same HTML (``tests/web/test_inbox_html.py``
holds it to the loop it replaces, in both languages, read and unread, with a link or none)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from consent.notices.wording import Worded
from core.date_words import DateWords


def notice_items(notices: Sequence[Worded], csrf_token: str) -> SafeString:
    """The ``<li>`` of each notice, as ``consent/notices/inbox.html``'s loop wrote them: new or not,
    when, what happened, where to look, and, for a new one, the button that marks it read."""
    if not notices:
        # The words of a translation, as the template's tag left them (not escaped).
        return SafeString(f"\n  <li>{_('Nothing new for now.')}</li>\n")
    when = DateWords.of(get_format("DATETIME_FORMAT"))
    action = escape(reverse("portal-notices-read"))
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">' if csrf_token else ""
    )
    new, mark = _("New"), _("Mark as read")
    parts = []
    for item in notices:
        unread = item.unread
        link = f'<p><a href="{escape(item.link)}">{escape(item.link_text)}</a></p>' if item.link else ""
        form = (
            f'\n    <form method="post" action="{action}">\n      {csrf}\n'
            f'      <input type="hidden" name="notice" value="{item.notice.pk}">\n'
            f'      <button type="submit" class="link">{mark}</button>\n    </form>\n    '
            if unread
            else ""
        )
        badge = f'<span class="badge warn">{new}</span> ' if unread else ""
        moment = escape(when(timezone.localtime(item.notice.happened_at)))
        parts.append(
            f'\n  <li class="card notice{" unread" if unread else ""}">\n'
            f"    <p>{badge}<strong>{moment}</strong></p>\n"
            f"    <p>{escape(item.text)}</p>\n    {link}\n    {form}\n  </li>\n"
        )
    return SafeString("".join(parts))  # each value escaped above
