"""The person page's team cards, written in Python (``relais.person_cards``): the HTML the page's
template wrote, for every kind of card, in both languages. The template below is the page's, as it
was: the oracle the Python is held to."""

from datetime import UTC, datetime, timedelta

import pytest
from django import forms
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from consent.models import Consent, Withdrawal
from records.models import FollowUp
from relais.person_cards import FieldsHtml, field_html, history_lines, status_lines, team_cards
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


STATUS = """{% load i18n %}{% for item in status %}
    <li data-team="{{ item.follow_up.team.pk }}"><strong>{% blocktranslate with team=item.follow_up.team.name %}{{ team }}:{% endblocktranslate %}</strong>
      {% if item.name_only %}{% translate "only the name the person goes by." %}{% endif %}
      {% if item.shared %}{% translate "by consent:" %} {{ item.shared|join:", " }}{% if item.shared_until %} ({% blocktranslate with day=item.shared_until|date:"DATE_FORMAT" %}until {{ day }}{% endblocktranslate %}){% endif %}.{% endif %}
      {% if item.emergency %}<span class="badge bad">{% translate "Emergency access" %}</span> {{ item.emergency|join:", " }} ({% blocktranslate with end=item.emergency_ends|date:"DATETIME_FORMAT" %}until {{ end }}{% endblocktranslate %}).{% endif %}
    </li>
  {% endfor %}"""

HISTORY = """{% load i18n %}{% for consent in history %}
      <li>{{ consent.recorded_at|date:"SHORT_DATE_FORMAT" }} — {{ consent.team.name }} — {{ consent.status.label }}
        (<a href="{% url 'consent-receipt-page' consent.pk %}">{% blocktranslate with number=consent.pk %}no. {{ number }}{% endblocktranslate %}</a>)</li>
    {% empty %}
      <li>{% translate "No consent recorded yet." %}</li>
    {% endfor %}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_status_lines_are_what_the_template_wrote(language):
    panel = [*PANEL, _item(7, consent=True, shared=["Logement"], until=datetime(2027, 1, 1, tzinfo=UTC))]
    with translation.override(language):
        for status in (panel, panel[1:2], panel[4:5], []):
            expected = engines["django"].from_string(STATUS).render({"status": status})
            assert expected.count("<li ") == len(status)
            assert status_lines(status) == expected


def _consent(number: int, *, withdrawn=False, superseded=False, ended=False) -> Consent:
    consent = Consent(
        pk=1000 * number,
        team=Team(pk=number, name=f"Équipe <{number}> & co"),
        method="written",
        recorded_at=datetime(2026, 1, number, 23, 30, tzinfo=UTC),
        valid_until=datetime(2026, 2, 1, tzinfo=UTC) if ended else None,
    )
    Consent.withdrawal.related.set_cached_value(consent, Withdrawal(pk=number) if withdrawn else None)
    Consent.superseded_by.related.set_cached_value(consent, Consent(pk=number + 1) if superseded else None)
    return consent


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_history_lines_are_what_the_template_wrote(language):
    history = [
        _consent(1),
        _consent(2, withdrawn=True),
        _consent(3, superseded=True),
        _consent(4, ended=True),
    ]
    with translation.override(language):
        for shown in (history, history[1:2], []):
            expected = engines["django"].from_string(HISTORY).render({"history": shown})
            assert expected.count("<li>") == max(len(shown), 1)
            assert history_lines(shown) == expected


class _Form(forms.Form):
    team = forms.ChoiceField(label="L'équipe <qui lit>", choices=[(1, "Maraude & co"), (2, "CSAPA")])
    body = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 6}), help_text="Au plus <b>10</b>."
    )
    day = forms.DateField(label=mark_safe("Le <em>jour</em>"), required=False)
    confirm = forms.BooleanField(label="Je comprends", required=False)
    agree = forms.BooleanField(label="D'accord")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_fields_are_what_the_include_writes(language):
    """``field_html`` against the page's own include, live: every kind of field, unbound, bound
    with errors (one marked safe) and bound without."""
    with translation.override(language):
        bound = _Form({"team": "3", "body": "", "day": "hier"})
        bound.is_valid()
        bound.add_error("team", mark_safe("Choisissez <strong>une</strong> équipe."))
        for form in (_Form(), bound, _Form({"team": "1", "body": "x", "agree": "on"})):
            for name in form.fields:
                expected = render_to_string("includes/field.html", {"field": form[name]})
                assert FieldsHtml(form)[name] == field_html(form[name]) == expected
        assert bound["team"].errors and bound["agree"].errors
