"""The person page's team cards, written in Python (``relais.person_cards``): the HTML the page's
template wrote, for every kind of card, in both languages. The template below is the page's, as it
was: the oracle the Python is held to."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import translation

from consent.models import Consent
from records.models import FollowUp
from relais.person_cards import team_cards
from teams.models import Team

# Words and HTML only: no database at all.
pytestmark = pytest.mark.any_database

TEMPLATE = """{% load i18n %}{% for item in panel %}
      <div class="card">
        <h3>{{ item.follow_up.team.name }}</h3>
        {% if item.consent %}
          {% if item.shared %}
            <p>{% translate "Shared:" %} {{ item.shared|join:", " }}</p>
          {% else %}
            <p>{% translate "Nothing is shared (the person refused)." %}</p>
          {% endif %}
          <p>{% blocktranslate with day=item.consent.recorded_at|date:"DATE_FORMAT" %}Since {{ day }}{% endblocktranslate %} ·
            {% if item.consent.valid_until %}{% blocktranslate with day=item.consent.valid_until|date:"DATE_FORMAT" %}until {{ day }}{% endblocktranslate %}{% else %}{% translate "no end date" %}{% endif %}</p>
          <p class="muted">{% blocktranslate with method=item.consent.get_method_display who=item.recorded_by %}Obtained {{ method }}, recorded by {{ who }}.{% endblocktranslate %}</p>
          <p>
            <a href="{% url 'consent-receipt-page' item.consent.pk %}">{% translate "Receipt" %}</a> ·
            <a href="{% url 'consent-withdrawal' item.consent.pk %}">{% translate "Withdraw" %}</a>
          </p>
        {% else %}
          <p><span class="badge bad">{% translate "No consent" %}</span> {% if item.name_only %}{% translate "This team sees only the name the person goes by." %}{% else %}{% translate "This team sees the name the person goes by, and what an emergency access opens." %}{% endif %}</p>
        {% endif %}
        {% if item.emergency %}
          <p>{% translate "Open through an emergency access:" %} {{ item.emergency|join:", " }} ({% blocktranslate with end=item.emergency_ends|date:"DATETIME_FORMAT" %}until {{ end }}{% endblocktranslate %})</p>
        {% endif %}
        <p><a class="button secondary" href="{% url 'consent-new' person.pk %}?team={{ item.follow_up.team.pk }}">{% if item.consent %}{% translate "Change the consent" %}{% else %}{% translate "Record a consent" %}{% endif %}</a></p>
        {% if item.mine %}
        <details class="no-print">
          <summary>{% blocktranslate with team=item.follow_up.team.name %}End the follow-up by {{ team }}{% endblocktranslate %}</summary>
          <p>{% translate "The team will no longer see anything about this person, at once. Its notes and consents are kept." %}</p>
          <form method="post" action="{% url 'follow-up-close-page' item.follow_up.pk %}">
            {% csrf_token %}
            <button type="submit" class="secondary">{% translate "Confirm: end the follow-up" %}</button>
          </form>
        </details>
        {% endif %}
      </div>
    {% endfor %}"""


def _item(number: int, *, consent: bool, shared=(), until=None, emergency=(), mine=False, name_only=False):
    team = Team(pk=10 + number, name=f"Équipe <{number}> & « co »")
    follow_up = FollowUp(pk=20 + number, team=team)
    recorded = datetime(2026, 3, 29, 0, 30, tzinfo=UTC) + timedelta(days=number)
    return {
        "follow_up": follow_up,
        "consent": Consent(pk=30 + number, method="oral", recorded_at=recorded, valid_until=until)
        if consent
        else None,
        "recorded_by": "Camille O'Brien (éducatrice <spécialisée>)" if consent else "",
        "shared": list(shared),
        "shared_until": until,
        "emergency": list(emergency),
        "emergency_ends": datetime(2026, 10, 25, 0, 30, tzinfo=UTC) if emergency else None,
        "name_only": name_only,
        "mine": mine,
    }


PANEL = [
    _item(1, consent=True, shared=["Logement", "Santé & soins"], mine=True),
    _item(2, consent=True, until=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)),
    _item(3, consent=True, emergency=["Justice"], mine=True),
    _item(4, consent=False, name_only=True, mine=True),
    _item(5, consent=False, emergency=["Santé", "Addictions"]),
    _item(6, consent=False),
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_team_cards_are_what_the_template_wrote(language):
    with translation.override(language):
        for panel in (PANEL, PANEL[:1], PANEL[3:4], []):
            expected = (
                engines["django"]
                .from_string(TEMPLATE)
                .render({"panel": panel, "person": {"pk": 42}, "csrf_token": "j<t>"})
            )
            assert expected.count('<div class="card">') == len(panel)
            assert team_cards(panel, 42, "j<t>") == expected
