"""The inbox page's notices, written in Python (``consent.notices.inbox_html``): the same HTML as
the template loop they replace, in both languages, new and read, with a link and without, and none."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from consent.models import Notice
from consent.notices.inbox_html import notice_items
from consent.notices.wording import Worded

# HTML written from values: no database at all.
pytestmark = pytest.mark.any_database

# The loop ``consent/notices/inbox.html`` had, word for word.
LOOP = """{% load i18n %}{% for item in notices %}
  <li class="card notice{% if item.unread %} unread{% endif %}">
    <p>{% if item.unread %}<span class="badge warn">{% translate "New" %}</span> {% endif %}<strong>{{ item.notice.happened_at|date:"DATETIME_FORMAT" }}</strong></p>
    <p>{{ item.text }}</p>
    {% if item.link %}<p><a href="{{ item.link }}">{{ item.link_text }}</a></p>{% endif %}
    {% if item.unread %}
    <form method="post" action="{% url 'portal-notices-read' %}">
      {% csrf_token %}
      <input type="hidden" name="notice" value="{{ item.notice.pk }}">
      <button type="submit" class="link">{% translate "Mark as read" %}</button>
    </form>
    {% endif %}
  </li>
{% empty %}
  <li>{% translate "Nothing new for now." %}</li>
{% endfor %}"""


def item(pk: int, *, read: bool, link: str = "/consents/7/receipt/?a=1&b=<2>") -> Worded:
    notice = Notice(
        pk=pk,
        kind="consent_recorded",
        happened_at=datetime(2026, 10, 25, 1, 30, 10, tzinfo=UTC),
        read_at=datetime(2026, 10, 26, tzinfo=UTC) if read else None,
    )
    text = "Camille <Martin> a enregistré votre accord pour « Maraude & Nord » d'hiver."
    return Worded(notice, text, link, "Voir le reçu <ici>" if link else "")


ITEMS = [
    item(1, read=False),
    item(22, read=True),
    item(33333, read=False, link=""),
    item(4, read=True, link=""),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("token", ["aB3<&>x", ""])
@pytest.mark.parametrize("notices", [ITEMS, ITEMS[1:2], []], ids=["all", "read", "none"])
def test_the_inbox_notices_are_the_templates(language, token, notices):
    request = RequestFactory().get("/portal/notices/")
    with translation.override(language):
        written = (
            engines["django"].from_string(LOOP).render({"notices": notices, "csrf_token": token}, request)
        )
        now = notice_items(notices, token)
    assert now == written
    assert "<Martin>" not in now  # every value escaped
