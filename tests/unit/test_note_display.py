"""The person page's notes, built in Python: they must read as the template engine would write them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, timezone, translation

from records.note_display import _date_formatter

# Dates written in Python and by the template engine: no database at all.
pytestmark = pytest.mark.any_database

MOMENTS = [
    datetime(2026, 1, 1, 0, 5, tzinfo=ZoneInfo("Europe/Paris")),
    datetime(2026, 7, 14, 23, 59, 58, tzinfo=ZoneInfo("Europe/Paris")),
    datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Paris")),  # the day clocks go forward
    datetime(2026, 7, 14, 23, 59, 3, 250, tzinfo=ZoneInfo("Europe/Paris")),  # the same minute as above
    datetime(2026, 7, 14, 21, 59, 58, tzinfo=ZoneInfo("UTC")),  # the same moment, from elsewhere
    datetime(2026, 10, 25, 0, 30, 10, tzinfo=ZoneInfo("UTC")),  # 2:30 in Paris, the hour given back
    datetime(2026, 10, 25, 1, 30, 10, tzinfo=ZoneInfo("UTC")),  # 2:30 again, an hour later
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "format_string", ["DATETIME_FORMAT", r"j \d\e F Y à H\hi", "N j, Y, P", "l d/m/Y H:i:s T", "r"]
)
def test_the_date_formatter_writes_what_django_writes(language, format_string):
    """Each moment in local time, as the template engine writes it; asked twice, or for another
    moment of the same minute, it says what Django says of that moment."""
    from django.utils.formats import get_format

    with translation.override(language), timezone.override(ZoneInfo("Europe/Paris")):
        resolved = get_format(format_string) if format_string.isupper() else format_string
        formatted = _date_formatter(resolved)
        for moment in MOMENTS + MOMENTS[::-1]:
            assert formatted(moment) == dateformat.format(timezone.localtime(moment), resolved)
