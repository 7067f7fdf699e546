"""The journal page's lines, written in Python (``consent.space.journal_html``): the same HTML as
the template loop they replace, in both languages, for every branch of a line and for none."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from consent.space.journal import Line
from consent.space.journal_html import journal_items

# HTML written from values: no database at all.
pytestmark = pytest.mark.any_database

# The loop ``consent/space/journal.html`` had, word for word.
LOOP = """<ul class="lines">{% url 'portal-disagree' as disagree %}
{% for line in lines %}
  <li>
    <p><strong>{{ line.when }}</strong></p>
    <p>{{ line.sentence }}</p>
    {% if line.information %}<p>{{ line.information }}</p>{% endif %}
    {% if line.organisation %}<p class="help">{% blocktranslate with organisation=line.organisation %}Organisation responsible: {{ organisation }}{% endblocktranslate %}</p>{% endif %}
    {% if line.why %}<p>{{ line.why }}</p>{% endif %}
    {% if line.refused %}<p><span class="badge bad">{{ line.outcome }}</span></p>{% endif %}
    {% if not line.by_you %}<p><a href="{{ disagree }}?event={{ line.event_id }}">{% translate "I do not agree" %}<span class="visually-hidden"> — {{ line.when }}</span></a></p>{% endif %}
  </li>
{% empty %}
  <li>{% translate "Nobody has looked at your information yet." %}</li>
{% endfor %}
</ul>"""
NOW = """<ul class="lines">
{{ items }}
</ul>"""


def line(event_id: int, **changes) -> Line:
    values = {
        "event_id": event_id,
        "at": datetime(2026, 10, 25, 1, 30, 10, tzinfo=UTC),
        "who": "Camille <Martin>",
        "team": "Maraude & Nord",
        "title": "éducatrice",
        "sentence": "Camille <Martin> (Maraude & Nord, éducatrice) a lu « une note » d'accord.",
        "categories": [],
        "purpose": "",
        "refused": False,
        "by_you": False,
    }
    return Line(**{**values, **changes})


LINES = [
    line(1),
    line(22, categories=["Logement", "Coordonnées <b>"], purpose='Suivi "SIAO" & hébergement'),
    line(333, organisation="Association L'Étape <Lille>", emergency="danger pour la vie d'autrui"),
    line(4444, refused=True, categories=["Santé"]),
    line(55555, by_you=True, sentence="Vous avez regardé vos accords."),
    line(7, at=datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC), organisation="CSAPA", refused=True),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("lines", [LINES, LINES[:1], LINES[4:5], []], ids=["all", "one", "own", "none"])
def test_the_journals_lines_are_the_templates(language, lines):
    engine = engines["django"]
    request = RequestFactory().get("/portal/journal/")
    with translation.override(language):
        written = engine.from_string("{% load i18n %}" + LOOP).render({"lines": lines}, request)
        now = engine.from_string(NOW).render({"items": journal_items(lines)}, request)
    assert now == written
    assert "<Martin>" not in now  # every value escaped
    assert ("&lt;Martin&gt;" in now) == any("<Martin>" in shown.sentence for shown in lines)
