"""What deserves a look, as the auditors' log page lists it: written in Python, once, with the words
and the escaping of the template loop it replaced (tests/audit/test_signal_items.py holds it to that
loop): some five hundred signals took the template a quarter of a second."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import dateformat
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from audit import insights

# Each signal's sentence, as ``{% blocktranslate %}`` made its message: (singular, plural or
# ``None``, the counter's name, what follows the sentence in its branch of the template it replaced).
_SIGNALS: dict[str, tuple[str, str | None, str | None, str]] = {
    "denied": ("%(who)s: %(count)s refused attempts on %(day)s.", None, None, "\n      "),
    "self_grant": (
        "%(who)s gave themselves access on %(day)s (a membership or a role of their own account).",
        "%(who)s gave themselves access %(count)s times on %(day)s (memberships or roles of their own "
        "account).",
        "count",
        "\n      ",
    ),
    "reset_then_read": (
        "On %(day)s, a space given a new password with a code made by %(who)s asked for its copy of the "
        "data or its journal.",
        "On %(day)s, a space given a new password with a code made by %(who)s asked %(count)s times for "
        "its copy of the data or its journal.",
        "count",
        ' <a href="/audit/resets/">{review_resets}</a>\n      ',
    ),
    "glass_waiting": (
        "%(who)s opened emergency access no. %(number)s on %(day)s: still not reviewed after %(days)s day.",
        "%(who)s opened emergency access no. %(number)s on %(day)s: still not reviewed after %(days)s days.",
        "days",
        ' <a href="/audit/emergencies/">{review_it}</a>\n      ',
    ),
    "lockout": (
        "%(who)s: sign-ins stopped on %(day)s, after %(count)s failed attempt.",
        "%(who)s: sign-ins stopped on %(day)s, after %(count)s failed attempts.",
        "count",
        "\n      ",
    ),
    "glass_close": (
        "%(who)s opened %(count)s emergency accesses within an hour of each other on %(day)s.",
        None,
        None,
        "\n      ",
    ),
    "glass_close_team": (
        "Team no. %(team)s: %(count)s emergency accesses within an hour of each other on %(day)s.",
        None,
        None,
        "\n      ",
    ),
    "created_then_added": (
        "%(who)s created an account and added it to a team on %(day)s.",
        "%(who)s created %(count)s accounts and added them to a team on %(day)s.",
        "count",
        "\n      ",
    ),
    "night": ("%(who)s: %(count)s reads at night (22:00–06:00).", None, None, "\n      "),
    "": ("%(who)s: %(count)s different persons read on %(day)s.", None, None, ""),  # many persons
}


def signal_items(signals: Sequence[insights.Signal], glass_review_days: int) -> SafeString:
    """The signals' ``<li>``s, as the template's loop wrote them (``{% blocktranslate %}`` for each,
    its values localised and escaped): written here, the sentences translated once per kind and
    count. Over the bench's million events the page shows some five hundred signals (reads at night
    for most actors), which took the template 0.25 s."""
    if not signals:
        return SafeString(f"\n    <li>{gettext('Nothing unusual.')}</li>\n  ")
    short_date = get_format("SHORT_DATE_FORMAT")
    # Literal strings of the template: translated, not escaped (``{% translate %}`` marks them safe).
    see = gettext("See the events")
    links = {
        "review_resets": gettext("Review the resets"),
        "review_it": gettext("Review it"),
    }
    translated: dict[tuple[str, Any], str] = {}
    # Each value localised and escaped as the template did it, once per value: names and counts
    # repeat (``localize`` reads its formats' settings at each call).
    written: dict[tuple[type, Any], str] = {}

    # Whole numbers as ``localize`` writes them: plain unless the locale groups their digits.
    plain = localize(12345678) == "12345678"

    def shown(value: Any) -> str:
        if plain and type(value) is int:
            return str(value)
        key = (type(value), value)
        if key not in written:
            written[key] = conditional_escape(localize(value))
        return written[key]

    days: dict[date | None, str] = {}
    items = []
    for signal in signals:
        kind = signal.kind if signal.kind in _SIGNALS else ""
        singular, plural, counter, after = _SIGNALS[kind]
        values: dict[str, Any] = {"who": signal.actor_label, "count": signal.count}
        if kind == "glass_waiting":
            values = {"who": signal.actor_label, "number": signal.count, "days": glass_review_days}
        elif kind == "glass_close_team":
            values = {"team": signal.team_id, "count": signal.count}
        if signal.day not in days:
            days[signal.day] = dateformat.format(signal.day, short_date) if signal.day else ""
        values["day"] = days[signal.day]
        number: int = values[counter] if counter else 0
        if (kind, number) not in translated:
            translated[kind, number] = (
                ngettext(singular, plural, number) if plural and counter else gettext(singular)
            )
        sentence = translated[kind, number] % {key: shown(value) for key, value in values.items()}
        if signal.actor_id:
            link = f'<a href="?actor={shown(signal.actor_id)}">{see}</a>'
        elif signal.team_id:
            link = f'<a href="?team={shown(signal.team_id)}">{see}</a>'
        else:
            link = f'<a href="?action=auth.login_failed">{see}</a>'
        items.append(f"\n    <li>\n      {sentence}{after.format(**links)}\n      {link}\n    </li>\n  ")
    return SafeString("".join(items))
