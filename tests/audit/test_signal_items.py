"""The signals' list written by ``audit.signals_html.signal_items`` is the HTML the template's loop wrote
(``OLD_LOOP``, as it was): every kind, singular and plural, in French and in English, with a name to
escape."""

from datetime import date

import pytest
from django.template import engines
from django.utils import translation

from audit import signals_html
from audit.insights import Signal

OLD_LOOP = (
    "{% load i18n %}<ul>\n"
    + '  {% for signal in signals %}\n    <li>\n      {% if signal.kind == "denied" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count=signal.count %}{{ who }}: {{ count }} refused attempts on {{ day }}.{% endblocktranslate %}\n      {% elif signal.kind == "self_grant" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count count=signal.count %}{{ who }} gave themselves access on {{ day }} (a membership or a role of their own account).{% plural %}{{ who }} gave themselves access {{ count }} times on {{ day }} (memberships or roles of their own account).{% endblocktranslate %}\n      {% elif signal.kind == "reset_then_read" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count count=signal.count %}On {{ day }}, a space given a new password with a code made by {{ who }} asked for its copy of the data or its journal.{% plural %}On {{ day }}, a space given a new password with a code made by {{ who }} asked {{ count }} times for its copy of the data or its journal.{% endblocktranslate %} <a href="/audit/resets/">{% translate "Review the resets" %}</a>\n      {% elif signal.kind == "glass_waiting" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" number=signal.count count days=glass_review_days %}{{ who }} opened emergency access no. {{ number }} on {{ day }}: still not reviewed after {{ days }} day.{% plural %}{{ who }} opened emergency access no. {{ number }} on {{ day }}: still not reviewed after {{ days }} days.{% endblocktranslate %} <a href="/audit/emergencies/">{% translate "Review it" %}</a>\n      {% elif signal.kind == "lockout" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count count=signal.count %}{{ who }}: sign-ins stopped on {{ day }}, after {{ count }} failed attempt.{% plural %}{{ who }}: sign-ins stopped on {{ day }}, after {{ count }} failed attempts.{% endblocktranslate %}\n      {% elif signal.kind == "glass_close" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count=signal.count %}{{ who }} opened {{ count }} emergency accesses within an hour of each other on {{ day }}.{% endblocktranslate %}\n      {% elif signal.kind == "glass_close_team" %}{% blocktranslate with team=signal.team_id day=signal.day|date:"SHORT_DATE_FORMAT" count=signal.count %}Team no. {{ team }}: {{ count }} emergency accesses within an hour of each other on {{ day }}.{% endblocktranslate %}\n      {% elif signal.kind == "created_then_added" %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count count=signal.count %}{{ who }} created an account and added it to a team on {{ day }}.{% plural %}{{ who }} created {{ count }} accounts and added them to a team on {{ day }}.{% endblocktranslate %}\n      {% elif signal.kind == "night" %}{% blocktranslate with who=signal.actor_label count=signal.count %}{{ who }}: {{ count }} reads at night (22:00–06:00).{% endblocktranslate %}\n      {% else %}{% blocktranslate with who=signal.actor_label day=signal.day|date:"SHORT_DATE_FORMAT" count=signal.count %}{{ who }}: {{ count }} different persons read on {{ day }}.{% endblocktranslate %}{% endif %}\n      {% if signal.actor_id %}<a href="?actor={{ signal.actor_id }}">{% translate "See the events" %}</a>{% elif signal.team_id %}<a href="?team={{ signal.team_id }}">{% translate "See the events" %}</a>{% else %}<a href="?action=auth.login_failed">{% translate "See the events" %}</a>{% endif %}\n    </li>\n  {% empty %}\n    <li>{% translate "Nothing unusual." %}</li>\n  {% endfor %}'
    + "\n  </ul>"
)

SIGNALS = [
    Signal("denied", 3, "Ana <b>&", date(2026, 11, 10), 5),
    Signal("many_persons", 3, "Ana", date(2026, 11, 9), 1234),
    Signal("night", 4, "Hibou", None, 1),
    Signal("night", 5, "Chouette", None, 12),
    Signal("self_grant", 6, "Chef", date(2026, 1, 2), 1),
    Signal("self_grant", 6, "Chef", date(2026, 1, 3), 2),
    Signal("reset_then_read", 7, "Ré", date(2026, 2, 3), 1),
    Signal("reset_then_read", 7, "Ré", date(2026, 2, 4), 3),
    Signal("glass_waiting", 8, "Urgence", date(2026, 3, 4), 17),
    Signal("lockout", None, "camille", date(2026, 4, 5), 1),
    Signal("lockout", None, "camille", date(2026, 4, 6), 5),
    Signal("glass_close", 9, "Vite", date(2026, 5, 6), 2),
    Signal("glass_close_team", None, "", date(2026, 5, 6), 3, team_id=12),
    Signal("created_then_added", 10, "Fait", date(2026, 6, 7), 1),
    Signal("created_then_added", 10, "Fait", date(2026, 6, 8), 4),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("review_days", [1, 7])
@pytest.mark.parametrize("signals", [SIGNALS, []])
def test_the_signals_are_written_as_the_template_wrote_them(language, review_days, signals):
    old = engines["django"].from_string(OLD_LOOP)
    with translation.override(language):
        expected = old.render({"signals": signals, "glass_review_days": review_days})
        written = signals_html.signal_items(signals, review_days)
    assert "<ul>\n" + "  " + written + "\n  </ul>" == expected
