"""The journal's count of lines kept and grown (``consent.space.journal_count``): what came since the
last page is counted onto what was kept, the same as the grouped statement counts the whole journal;
an event appended before the last one read but committed after is counted when the journal is read
whole again, five minutes later at most."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import recorder
from audit.models import AccessEvent, Action
from audit.recorder import Event
from consent.space import journal, journal_count, journal_groups
from tests.factories import follow, make_member, make_portal_account
from tests.web.test_journal_grouped import listed

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the count is kept on PostgreSQL")


def _grouped(person, jo) -> int:
    events = AccessEvent.objects.filter(person_id=person.pk).exclude(
        actor_id=jo.pk, action__in=journal.OWN_VIEWS
    )
    return journal_groups.one_line_per_team_and_day(events).count()


def _page_count(jo) -> int:
    with recorder.unit_of_work():
        return journal.journal(user=jo).rows.count()


def test_the_count_grows_by_what_came_since_as_the_whole_journal_counts(team, other_team, worker, person):
    jo = make_portal_account(person, "jo")
    follow(person, other_team)
    nadia = make_member(other_team)
    listed(worker, person, team, at=timezone.now() - timedelta(days=3))
    listed(worker, person, team)
    assert _page_count(jo) == _grouped(person, jo)
    since = [
        lambda: listed(worker, person, team),  # the same team's lists today: no line more
        lambda: listed(nadia, person, other_team),  # another team's: a line
        lambda: recorder.record(nadia, Event(action="person.list", person_id=person.pk)),  # no team: a line
        lambda: recorder.record(nadia, Event(action="person.list", person_id=person.pk)),  # the same reader's
        lambda: recorder.record(
            worker, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk)
        ),
        lambda: recorder.record(jo, Event(action=Action.PORTAL_CONSENTS, person_id=person.pk)),  # her own
    ]
    for append in since:
        append()
        with CaptureQueriesContext(connection) as seen:
            counted = _page_count(jo)
        assert counted == _grouped(person, jo)
        assert not any("ARRAY_AGG" in q["sql"] for q in seen.captured_queries)  # not read whole


def test_an_event_committed_after_the_count_it_precedes_is_counted_at_the_next_whole_reading(
    team, worker, person
):
    jo = make_portal_account(person, "jo")
    ids = {"person": [person.pk], "account": [jo.pk]}
    now = timezone.now()
    listed(worker, person, team)
    assert journal_count.lines("test:journal", journal._whole, ids, now=now) == _grouped(person, jo)
    recorder.record(worker, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk))
    late = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    from django.core.cache import cache

    key = next(k for k in cache._cache if ":journal:lines:test:journal:" in k)
    whole_at, count, _last, recent, lines = cache.get(key.split(":", 2)[2])
    cache.set(key.split(":", 2)[2], (whole_at, count, late, recent, lines))  # as if read before it committed
    assert journal_count.lines("test:journal", journal._whole, ids, now=now) == _grouped(person, jo) - 1
    later = now + journal_count.RECHECK
    assert journal_count.lines("test:journal", journal._whole, ids, now=later) == _grouped(person, jo)
