"""A statement of the log compiled once per shape gives what compiling it again would, for any times."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Q

from audit import timed_statements
from audit.models import AccessEvent

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 11, 10, 9, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def nothing_kept():
    timed_statements._kept.clear()
    yield
    timed_statements._kept.clear()


def _built(calls: list[int], action: str = "note.view"):
    def build(times):
        calls.append(len(times))
        return AccessEvent.objects.filter(
            Q(occurred_at__gte=times[0], occurred_at__lt=times[1], action=action)
        ).values("id")

    return build


def _compiled(query):
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    return sql, list(params)


def test_a_shape_is_compiled_once_and_each_call_binds_its_own_times(db):
    calls: list[int] = []
    for hours in (1, 2, 5):
        times = [START, START + timedelta(hours=hours)]
        statement = timed_statements.with_times(_built(calls), times, shape="note.view", using="default")
        assert statement == _compiled(_built([])(times))
    assert calls == [2] and len(timed_statements._kept) == 1


def test_shapes_are_kept_apart(db):
    times = [START, START + timedelta(hours=1)]
    views = timed_statements.with_times(_built([]), times, shape="note.view", using="default")
    lists = timed_statements.with_times(_built([], "note.list"), times, shape="note.list", using="default")
    assert views != lists and lists == _compiled(_built([], "note.list")(times))


def test_a_statement_that_repeats_a_time_is_compiled_at_every_call(db):
    calls: list[int] = []

    def build(times):
        calls.append(len(times))
        twice = Q(occurred_at__gte=times[0]) | Q(occurred_at=times[0])
        return AccessEvent.objects.filter(twice, occurred_at__lt=times[1]).values("id")

    for hours in (1, 2):
        times = [START, START + timedelta(hours=hours)]
        statement = timed_statements.with_times(build, times, shape="twice", using="default")
        assert (
            statement[1][:2] == [times[0], times[0]]
            or statement[1][:2] == [connection.ops.adapt_datetimefield_value(times[0])] * 2
        )
    # The markers once (the shape is remembered as not placeable), then the times at each call.
    assert list(timed_statements._kept.values()) == [None] and len(calls) == 3


def test_the_kept_statements_are_bounded(db, monkeypatch):
    monkeypatch.setattr(timed_statements, "MAX_KEPT", 2)
    times = [START, START + timedelta(hours=1)]
    for shape in ("a", "b", "a", "c"):
        timed_statements.with_times(_built([]), times, shape=shape, using=connection.alias)
    # The least recently used forgotten first: "b", not "a", which was asked again.
    assert [key[0] for key in timed_statements._kept] == ["a", "c"]
