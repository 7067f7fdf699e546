"""The portal's first page, its teams' lines written in Python (``consent.space.offers_html``): the
same HTML as the template loop they replace, in both languages, shared or not, seen by consent, by an
emergency access or not at all, with the information text given or none."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from access.readership import Reading
from consent.models import InformationText
from consent.space.offers_html import share_lines
from consent.space.portal import TeamOffer
from teams.models import Category, Team

# HTML written from values: no database at all.
pytestmark = pytest.mark.any_database

# The loop ``consent/space/home.html`` had, word for word.
LOOP = """{% load i18n %}{% for line in offer.lines %}{% with category=line.category %}
        <li data-category="{{ category.code }}">
          <p>{% blocktranslate with label=category.label seen=line.seen %}<strong>{{ label }}</strong>: {{ seen }}{% endblocktranslate %}</p>
          <p class="help">{{ category.description }}</p>
          <form method="post" action="{% url 'portal-share' %}">
            {% csrf_token %}
            <input type="hidden" name="team" value="{{ offer.team.pk }}">
            <input type="hidden" name="category" value="{{ category.code }}">
            {% if information %}<input type="hidden" name="information" value="{{ information.pk }}">{% endif %}
            {% if line.shared %}
              <input type="hidden" name="share" value="no">
              <button type="submit" class="secondary">{% blocktranslate with label=category.label %}Stop sharing: {{ label }}{% endblocktranslate %}</button>
            {% else %}
              <input type="hidden" name="share" value="yes">
              <button type="submit">{% blocktranslate with label=category.label %}Share: {{ label }}{% endblocktranslate %}</button>
            {% endif %}
          </form>
        </li>
      {% endwith %}{% endfor %}"""


def category(number: int, code: str) -> Category:
    return Category(
        pk=number,
        code=code,
        label_fr=f"Logement <{number}> & « co »",
        label_en=f"Housing <{number}> & 'co'",
        description_fr='Où dormir, "SIAO" & démarches',
        description_en='Where to sleep, "SIAO" & steps',
    )


NEEDS = [category(1, "housing"), category(2, "contact"), category(3, "health"), category(4, "a<b")]
READS = {
    "housing": Reading(team_id=12, team="Maraude", consent_id=1, glass_break_id=None, ends_at=None),
    "health": Reading(
        team_id=12,
        team="Maraude",
        consent_id=None,
        glass_break_id=7,
        ends_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ),
}
OFFERS = [
    TeamOffer(team=Team(pk=12, name="Maraude"), needs=NEEDS, shared=["housing", "a<b"], reads=READS),
    TeamOffer(team=Team(pk=3, name="CSAPA"), needs=NEEDS[1:2]),
    TeamOffer(team=Team(pk=4, name="Sans besoin"), needs=[]),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("told", [True, False])
@pytest.mark.parametrize("token", ["aB3<&>x", ""])
def test_a_teams_lines_are_the_templates(language, told, token):
    information = InformationText(pk=5) if told else None
    request = RequestFactory().get("/portal/")
    loop = engines["django"].from_string(LOOP)
    with translation.override(language):
        for offer in OFFERS:
            context = {"offer": offer, "information": information, "csrf_token": token}
            written = loop.render(context, request)
            assert share_lines(offer, information, token) == written
    assert "<1>" not in share_lines(OFFERS[0], information, token)  # every value escaped
