"""The handover's sections, written in Python (``records.handover_html``): the HTML the page's
template wrote, for every kind of news, in both languages, every name escaped once. The template
below is the page's loop, as it was: the oracle the Python is held to."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.utils import translation

from access.persons import PersonView
from records.handover import ConsentNews, HandoverLine, NamedTeam
from records.handover_html import sections
from records.models import Person

# Words and HTML only: no database at all.
pytestmark = pytest.mark.any_database

TEMPLATE = """{% load i18n %}{% for item in lines %}{% with person=item.view.person %}
  <section class="card" aria-labelledby="handover-{{ person.pk }}">
    <h2 id="handover-{{ person.pk }}"><a href="{% url 'person' person.pk %}">{{ person.display_name }}</a></h2>
    <ul>
      {% if item.new_notes %}<li>{{ item.notes_told }}</li>{% endif %}
      {% for told in item.consents_told %}<li>{{ told }}</li>{% endfor %}
      {% for told in item.withdrawals_told %}<li>{{ told }}</li>{% endfor %}
      {% for told in item.teams_in_told %}<li>{{ told }}</li>{% endfor %}
      {% for told in item.teams_out_told %}<li>{{ told }}</li>{% endfor %}
      {% for told in item.without_consent_told %}<li><span class="badge bad">{% translate "No consent" %}</span> {{ told }}</li>{% endfor %}
    </ul>
  </section>
{% endwith %}{% endfor %}"""


def _line(number: int, **news) -> HandoverLine:
    person = Person(pk=number, display_name=f"Jo <{number}> & « l'autre »")
    return HandoverLine(view=PersonView(person=person, categories=[], contact=None), **news)


TEAM = NamedTeam(7, "Maraude <Nord> & co")
OTHER = NamedTeam(8, "CSAPA « Est »")
AT = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
LINES = [
    _line(1, new_notes=1),
    _line(2, new_notes=12, consents=[ConsentNews(TEAM, AT, "Camille <b>", count=3)]),
    _line(3, consents=[ConsentNews(TEAM, AT, "Nadia", refusal=True), ConsentNews(OTHER, AT, "Lucie & co")]),
    _line(4, withdrawals=[ConsentNews(OTHER, AT, "Sami O'Neil")], teams_in=[TEAM], teams_out=[OTHER]),
    _line(5, without_consent=[TEAM, OTHER]),
    _line(6),
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_sections_are_what_the_template_wrote(language):
    with translation.override(language):
        for lines in (LINES, LINES[1:2], LINES[4:], []):
            expected = engines["django"].from_string(TEMPLATE).render({"lines": lines})
            assert expected.count("<section ") == len(lines)
            assert sections(lines) == expected


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_time_is_written_as_the_templates_date_filter_wrote_it(language):
    from django.utils import formats, timezone

    from records.handover import _when

    moments = [
        datetime(2026, month, day, hour, 5, 7, tzinfo=UTC)
        for month in (1, 3, 10, 12)
        for day in (1, 29)
        for hour in (0, 1, 12, 23)
    ]
    with translation.override(language):
        for at in moments:
            assert _when(at) == formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")
