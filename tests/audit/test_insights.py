"""The auditors' chart and the signals counted per actor and day come from one statement
(``insights.tally``): its answers are the four statements' it replaced (each its own scan and
``GROUP BY``), on events placed at the edges that matter: the night's hours in local time, across a
change of the clocks, the thresholds of refusals and of persons read, and events without an actor."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from audit import chain, insights, purge, recorder, selectors
from audit.auditors import Auditor
from audit.models import AccessEvent, Outcome
from audit.recorder import Event
from teams.models import User
from tests.factories import make_member, make_organisation, make_team

PARIS = ZoneInfo("Europe/Paris")
SINCE = datetime(2026, 10, 20, tzinfo=PARIS)
UNTIL = datetime(2026, 11, 19, tzinfo=PARIS)
DAY = datetime(2026, 11, 10, tzinfo=PARIS)  # winter time: UTC+1


@pytest.fixture
def record_at(monkeypatch):
    """Record events as if at ``when`` (the chain stamps its own clock)."""

    def record(when: datetime, actor, *events: Event) -> None:
        monkeypatch.setattr(chain.time, "time_ns", lambda: int(when.timestamp() * 10**9))
        recorder.record(actor, *events)
        monkeypatch.undo()

    return record


@pytest.fixture
def window(team, record_at):
    """Refusals, persons read and reads at night around their thresholds; who did each."""
    refuser = make_member(team, display_name="Refuse")
    reader = make_member(team, display_name="Lecteur")
    owl = make_member(team, display_name="Hibou")
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(DAY + timedelta(hours=10), refuser, *(Event(**denied, person_id=i) for i in range(5)))
    record_at(DAY + timedelta(days=1, hours=10), refuser, *(Event(**denied, person_id=i) for i in range(4)))
    # Twenty persons read one day (one of them twice, one refused, one written about): the threshold.
    record_at(DAY + timedelta(hours=9), reader, *(Event(action="note.list", person_id=i) for i in range(20)))
    record_at(DAY + timedelta(hours=11), reader, Event(action="person.view", person_id=3))
    record_at(DAY + timedelta(hours=12), reader, Event(**denied, person_id=40))
    record_at(DAY + timedelta(hours=12), reader, Event(action="note.create", person_id=41))
    record_at(
        DAY + timedelta(days=1, hours=9), reader, *(Event(action="note.list", person_id=i) for i in range(19))
    )
    # The night, in local time: 22:00 to 06:00.
    for hour, minute, second in ((21, 59, 59), (22, 0, 0), (5, 59, 59), (6, 0, 0)):
        at = DAY.replace(hour=hour, minute=minute, second=second)
        record_at(at, owl, Event(action="consent.view", person_id=1))
    record_at(DAY.replace(hour=23), owl, Event(**denied, person_id=1))  # refused: not a read
    record_at(DAY.replace(hour=23), owl, Event(action="consent.record", person_id=1))  # not a read
    # The clocks went back at 03:00 local time on 25 October (UTC+2, then UTC+1): 04:30 UTC is
    # 05:30 local, at night; 23:30 UTC the day before is 01:30 local, on the 25th (a note written:
    # not a read).
    record_at(
        datetime(2026, 10, 25, 4, 30, tzinfo=ZoneInfo("UTC")), owl, Event(action="note.view", person_id=1)
    )
    record_at(
        datetime(2026, 10, 24, 23, 30, tzinfo=ZoneInfo("UTC")),
        reader,
        Event(action="note.create", person_id=1),
    )
    # Events that name no actor: in the chart, in no signal.
    record_at(DAY + timedelta(hours=8), None, Event(action="auth.login_failed", outcome="denied"))
    # Outside the window: nowhere.
    record_at(UNTIL + timedelta(hours=1), owl, Event(action="note.view", person_id=1))
    record_at(SINCE - timedelta(hours=1), owl, Event(action="note.view", person_id=1))
    return {"refuser": refuser.pk, "reader": reader.pk, "owl": owl.pk}


def _four_statements(events, since, until):
    """The chart's days and the three signals as the page counted them before ``tally``: four
    scans of the window, each its own ``GROUP BY``."""
    tz = timezone.get_current_timezone()
    chart = (
        events.filter(occurred_at__gte=since, occurred_at__lt=until)
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .values("day")
        .annotate(
            allowed=Count("id", filter=Q(outcome=Outcome.ALLOWED)),
            denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
        )
    )
    recent = events.filter(occurred_at__gte=since, occurred_at__lt=until, actor_id__isnull=False)
    by_day = recent.annotate(day=TruncDate("occurred_at", tzinfo=tz))
    denied = (
        by_day.filter(outcome=Outcome.DENIED)
        .values("actor_id", "day")
        .annotate(n=Count("id"))
        .filter(n__gte=insights.DENIED_PER_DAY)
    )
    night = (
        recent.filter(outcome=Outcome.ALLOWED, action__in=insights.READS)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=tz))
        .filter(Q(hour__gte=22) | Q(hour__lt=6))
        .values("actor_id")
        .annotate(n=Count("id"))
    )
    many = (
        by_day.filter(outcome=Outcome.ALLOWED, action__in=insights.READS, person_id__isnull=False)
        .values("actor_id", "day")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n__gte=insights.PERSONS_PER_DAY)
    )
    days = {row["day"]: (row["allowed"], row["denied"]) for row in chart}
    signals = (
        {("denied", r["actor_id"], r["day"], r["n"]) for r in denied}
        | {("night", r["actor_id"], None, r["n"]) for r in night}
        | {("many_persons", r["actor_id"], r["day"], r["n"]) for r in many}
    )
    return days, signals


def test_one_scan_counts_what_the_four_statements_counted(window):
    tallied = insights.tally(AccessEvent.objects.all(), since=SINCE, until=UNTIL)
    days, signals = _four_statements(AccessEvent.objects.all(), SINCE, UNTIL)
    assert tallied.days == days
    assert set(tallied.counted) == signals and len(tallied.counted) == len(signals)


def test_the_counts_at_their_edges(window):
    tallied = insights.tally(AccessEvent.objects.all(), since=SINCE, until=UNTIL)
    day, next_day = DAY.date(), (DAY + timedelta(days=1)).date()
    assert sorted(tallied.counted, key=str) == sorted(
        [
            ("denied", window["refuser"], day, 5),  # four the next day: no signal
            ("many_persons", window["reader"], day, 20),  # nineteen the next day: none
            # 22:00 and 05:59:59 that day, 05:30 local time on the day the clocks went back.
            ("night", window["owl"], None, 3),
        ],
        key=str,
    )
    # Allowed: the reader's 22 (reads and a note written), the owl's 5; refused: 5, 1, 1 and a sign-in.
    assert tallied.days[day] == (20 + 2 + 5, 5 + 1 + 1 + 1)
    assert tallied.days[next_day] == (19, 4)
    change = datetime(2026, 10, 25).date()
    assert tallied.days[change] == (2, 0) and datetime(2026, 10, 24).date() not in tallied.days


def test_the_chart_has_every_day_of_the_window(window):
    tallied = insights.tally(AccessEvent.objects.all(), since=SINCE, until=UNTIL)
    days = insights.per_day(tallied, since=SINCE, until=UNTIL)
    assert (
        len(days) == 30 and days[0].day == SINCE.date() and days[-1].day == (UNTIL - timedelta(days=1)).date()
    )
    assert sum(d.allowed for d in days) == 27 + 19 + 2
    assert [d for d in days if d.day == DAY.date()][0].denied == 8


def test_the_signals_read_the_same_tally_as_the_chart(window):
    scope = AccessEvent.objects.all()
    now = UNTIL
    alone = insights.signals(glass_review_after=timedelta(days=7), scope=scope, now=now)
    shared = insights.signals(
        glass_review_after=timedelta(days=7),
        scope=scope,
        now=now,
        tallied=insights.tally(scope, since=now - timedelta(days=30), until=now),
    )
    assert alone == shared
    assert [(s.kind, s.actor_label, s.count) for s in alone] == [
        ("denied", "Refuse", 5),
        ("many_persons", "Lecteur", 20),
        ("night", "Hibou", 3),
    ]


def test_an_empty_selection_counts_nothing(window):
    tallied = insights.tally(AccessEvent.objects.none(), since=SINCE, until=UNTIL)
    assert tallied == insights.Tally({}, [])


def test_an_actor_is_named_as_their_latest_event_names_them(team, record_at):
    refuser = make_member(team, display_name="Ancien nom")
    other = make_member(team, display_name="Autre")
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(DAY, refuser, *(Event(**denied, person_id=i) for i in range(5)))
    record_at(DAY, other, *(Event(**denied, person_id=i) for i in range(5)))
    refuser.display_name = "Nouveau nom"
    refuser.save()
    record_at(DAY + timedelta(hours=1), refuser, Event(action="auth.login"))
    record_at(DAY + timedelta(hours=2), other, Event(action="auth.login"))
    found = insights.signals(glass_review_after=timedelta(days=7), scope=AccessEvent.objects.all(), now=UNTIL)
    assert sorted(s.actor_label for s in found) == ["Autre", "Nouveau nom"]


# The kept closed days (``insights.closed_days_tally``): the cache's days and the live edges give
# what one scan of the window gives, on the first request (nothing kept) and on the next ones.
DEPLOYMENT = Auditor(user=None, organisation_id=None, whole_deployment=True)


def _both(now: datetime) -> tuple[insights.Tally, insights.Tally]:
    """The window of thirty days up to ``now``: kept and live, then counted in one scan."""
    events = AccessEvent.objects.all()
    since = now - timedelta(days=30)
    marker = selectors.tally_marker(DEPLOYMENT, {})
    kept = insights.closed_days_tally(events, since=since, until=now, now=now, marker=marker)
    return kept, insights.tally(events, since=since, until=now)


def _kept_days() -> int:
    return len([key for key in cache._cache if ":audit:tally:" in key])  # LocMemCache's own


def test_kept_days_and_the_open_day_count_what_one_scan_counts(window, record_at):
    now = datetime(2026, 11, 18, 15, 30, tzinfo=PARIS)  # the window's first day is partial
    cold, live = _both(now)
    assert cold == live and live.counted and live.days
    assert _kept_days() == 29  # the whole days before today; not the partial first day, not today
    warm, live = _both(now)
    assert warm == live
    # Today, just appended (an event's time is taken when it is appended): a fifth refusal, a read
    # at night (22:15 local), counted live; today's closed hours are kept since 15:30.
    owl, refuser = window["owl"], window["refuser"]
    denied = {"action": "person.view", "outcome": "denied"}
    later = now.replace(hour=22)
    record_at(later - timedelta(minutes=15), User.objects.get(pk=owl), Event(action="note.view", person_id=2))
    record_at(
        later - timedelta(minutes=1), User.objects.get(pk=refuser), *(Event(**denied) for _ in range(5))
    )
    warm, live = _both(later)
    assert warm == live
    assert ("denied", refuser, now.date(), 5) in warm.counted
    # Three at night in the fixture's window, one on the 19th of October at 23:00 (within this one).
    assert ("night", owl, None, 5) in warm.counted


def test_a_day_is_kept_only_once_closed_in_local_time(team, record_at):
    """Midnight in Paris is 23:00 UTC in winter: 23:59:59 local is the day before, 00:00 the day
    after. A day is kept an hour after it ends: an event of its last instant appended late (its
    transaction still open at midnight) is counted."""
    worker = make_member(team, display_name="Veilleur")
    midnight = datetime(2026, 11, 12, tzinfo=PARIS)
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(midnight - timedelta(seconds=1), worker, *(Event(**denied, person_id=i) for i in range(5)))
    record_at(midnight, worker, *(Event(**denied, person_id=i) for i in range(5)))
    kept, live = _both(midnight + timedelta(minutes=30))
    assert kept == live and _kept_days() == 28  # the 11th still open: not kept
    late = midnight - timedelta(microseconds=1)
    record_at(late, worker, Event(action="note.view", person_id=1))
    kept, live = _both(midnight + timedelta(minutes=59))
    assert kept == live and live.days[late.date()] == (1, 5)
    kept, live = _both(midnight + timedelta(hours=2))
    assert kept == live and _kept_days() == 29
    assert [c for c in kept.counted if c[0] == "denied"] == [
        ("denied", worker.pk, late.date(), 5),
        ("denied", worker.pk, midnight.date(), 5),
    ]


def test_a_purge_changes_what_the_kept_days_are_kept_under(db, record_at, monkeypatch):
    now = timezone.now()
    # The chains start eleven days ago (the team's and account's creation are recorded): a purge of
    # seven days removes the first days' events.
    monkeypatch.setattr(chain.time, "time_ns", lambda: int((now - timedelta(days=11)).timestamp() * 10**9))
    worker = make_member(make_team("Ancienne équipe", ("contact",)), display_name="Ancienne")
    monkeypatch.undo()
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(now - timedelta(days=10), worker, *(Event(**denied, person_id=i) for i in range(5)))
    record_at(now - timedelta(days=2), worker, *(Event(**denied, person_id=i) for i in range(5)))
    before = selectors.tally_marker(DEPLOYMENT, {})
    kept, live = _both(now)
    assert kept == live and len([c for c in kept.counted if c[0] == "denied"]) == 2
    purge.purge_events(older_than=timedelta(days=7), actor=recorder.system("tests"))
    assert selectors.tally_marker(DEPLOYMENT, {}) != before
    kept, live = _both(now)
    assert kept == live and [c[2] for c in kept.counted if c[0] == "denied"] == [
        timezone.localtime(now - timedelta(days=2)).date()
    ]


def test_an_organisations_kept_days_follow_its_accounts(team, other_team, record_at):
    """An organisation's scope names its accounts by a subquery: an account that moves to another
    organisation takes its past days with it, kept or not."""
    mover = make_member(team, display_name="Partante")
    organisation = team.organisation_id
    auditor = Auditor(user=None, organisation_id=organisation, whole_deployment=False)
    now = timezone.now()
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(now - timedelta(days=3), mover, *(Event(**denied, person_id=i) for i in range(5)))
    scope = selectors.auditable(auditor)
    since = now - timedelta(days=30)

    def kept() -> insights.Tally:
        marker = selectors.tally_marker(auditor, {})
        return insights.closed_days_tally(scope, since=since, until=now, now=now, marker=marker)

    assert kept() == insights.tally(scope, since=since, until=now) and kept().counted
    mover.organisation_id = other_team.organisation_id
    mover.save()
    assert kept() == insights.tally(scope, since=since, until=now)


def _kept_sums() -> int:
    return len([key for key in cache._cache if ":audit:tally-sum:" in key])


def _kept_parts() -> int:
    return len([key for key in cache._cache if ":audit:tally-part:" in key])


def test_the_partial_days_closed_hours_are_kept_as_the_clock_moves_on(window, record_at):
    """Hour after hour, across midnight: the first day's closed hours and today's, kept, and what is
    counted live (at most an hour at each end and the hour just closed) give what one scan gives,
    with events appended as the clock moves (refusals, persons read, reads at night)."""
    reader = User.objects.get(pk=window["reader"])
    start = datetime(2026, 11, 18, 20, 10, tzinfo=PARIS)
    for step in range(0, 9):
        now = start + timedelta(minutes=37 * step)
        record_at(now - timedelta(minutes=2), reader, Event(action="note.view", person_id=100 + step % 3))
        record_at(now - timedelta(minutes=1), reader, Event(action="person.view", outcome="denied"))
        kept, live = _both(now)
        assert kept == live, now
        warm, live = _both(now + timedelta(seconds=30))
        assert warm == live, now
        if now.date() == start.date():  # one entry for each partial day, replaced hour after hour
            assert _kept_parts() <= 2
    assert _kept_parts() >= 2
    # Five of the reads at night (from 22:34 to 01:02), seven refusals on the 18th (until 23:48).
    assert ("night", reader.pk, None, 5) in live.counted
    assert ("denied", reader.pk, start.date(), 7) in live.counted


def test_persons_read_in_a_kept_hour_and_live_are_counted_once(team, record_at):
    """Twenty different persons read today: fifteen in hours kept since, ten in the live hour, five
    of them the same persons. Counted once each: twenty, the threshold."""
    worker = make_member(team, display_name="Lectrice")
    now = datetime(2026, 11, 18, 15, 30, tzinfo=PARIS)
    record_at(now.replace(hour=10), worker, *(Event(action="note.view", person_id=i) for i in range(15)))
    _both(now - timedelta(minutes=6))  # the whole days kept: the next page keeps today's hours
    kept, live = _both(now - timedelta(minutes=5))
    assert kept == live and _kept_parts() >= 1
    assert not [c for c in live.counted if c[0] == "many_persons"]
    record_at(
        now - timedelta(minutes=1), worker, *(Event(action="note.view", person_id=i) for i in range(10, 20))
    )
    kept, live = _both(now)
    assert kept == live
    assert ("many_persons", worker.pk, now.date(), 20) in kept.counted


def test_the_whole_days_are_read_as_one_kept_sum(window, record_at):
    """Once counted, the window's whole days are read from their sum alone: with the days' own
    entries gone, the page counts the same and counts no day again."""
    now = datetime(2026, 11, 18, 15, 30, tzinfo=PARIS)
    cold, live = _both(now)
    assert cold == live and _kept_sums() == 1
    for key in [key for key in cache._cache if ":audit:tally:" in key]:
        del cache._cache[key], cache._expire_info[key]
    warm, live = _both(now + timedelta(minutes=5))
    assert warm == live and _kept_days() == 0 and _kept_sums() == 1
    # The next day, the window's whole days change: a sum of their own, the days counted again.
    tomorrow, live = _both(now + timedelta(days=1))
    assert tomorrow == live and _kept_sums() == 2 and _kept_days() == 29


def test_an_organisations_kept_sum_is_never_served_to_another(team, record_at):
    """Two organisations' auditors, their windows kept side by side: each reads its own."""
    other_team = make_team("Voisins", organisation=make_organisation("Association voisine"))
    ours = make_member(team, display_name="Nôtre")
    theirs = make_member(other_team, display_name="Leur")
    now = timezone.now()
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(now - timedelta(days=3), ours, *(Event(**denied, person_id=i) for i in range(5)))
    record_at(now - timedelta(days=4), theirs, *(Event(**denied, person_id=i) for i in range(6)))
    since = now - timedelta(days=30)
    tallies = []
    for organisation in (team.organisation_id, other_team.organisation_id, team.organisation_id):
        auditor = Auditor(user=None, organisation_id=organisation, whole_deployment=False)
        scope = selectors.auditable(auditor)
        marker = selectors.tally_marker(auditor, {})
        kept = insights.closed_days_tally(scope, since=since, until=now, now=now, marker=marker)
        assert kept == insights.tally(scope, since=since, until=now)
        tallies.append(kept)
    assert tallies[0] == tallies[2] != tallies[1] and _kept_sums() == 2
    assert [c[1] for c in tallies[1].counted if c[0] == "denied"] == [theirs.pk]


def test_a_kept_count_and_todays_events_count_what_the_log_holds(window, record_at):
    """The closed days counted once and kept, today's live: as many as a count of every event, on
    the first page (nothing kept), the next ones, and after an event appended today."""
    now = datetime(2026, 11, 10, 15, tzinfo=PARIS)
    marker = selectors.tally_marker(DEPLOYMENT, {})
    for selected in (AccessEvent.objects.all(), AccessEvent.objects.filter(outcome="denied")):
        assert insights.kept_count(selected, now=now, marker=marker) == selected.count()
        assert insights.kept_count(selected, now=now, marker=marker) == selected.count()
    record_at(now - timedelta(minutes=1), User.objects.get(pk=window["owl"]), Event(action="person.view"))
    record_at(now, User.objects.get(pk=window["owl"]), Event(action="person.view", outcome="denied"))
    for selected in (AccessEvent.objects.all(), AccessEvent.objects.filter(outcome="denied")):
        assert insights.kept_count(selected, now=now, marker=marker) == selected.count()
    assert insights.kept_count(AccessEvent.objects.none(), now=now, marker=marker) == 0


def test_the_kept_names_give_way_to_a_later_event_today(team, record_at):
    """The actors' names of the closed days are kept; an event of today names the actor anew."""
    worker = make_member(team, display_name="Ancien nom")
    other = make_member(team, display_name="Autre")
    now = DAY + timedelta(days=2, hours=15)
    record_at(DAY, worker, Event(action="auth.login"))
    record_at(DAY, other, Event(action="auth.login"))
    marker = selectors.tally_marker(DEPLOYMENT, {})
    actors = {worker.pk, other.pk}
    assert insights._labels(actors, now=now, marker=marker) == {worker.pk: "Ancien nom", other.pk: "Autre"}
    worker.display_name = "Nouveau nom"
    worker.save()
    record_at(now - timedelta(minutes=1), worker, Event(action="auth.login"))
    kept = insights._labels(actors, now=now, marker=marker)
    assert kept == insights._labels(actors) == {worker.pk: "Nouveau nom", other.pk: "Autre"}
    assert insights._labels({worker.pk, 10**9}, now=now, marker=marker) == {worker.pk: "Nouveau nom"}
    # Today's events of an actor not asked for are read too (``_labels``), but never named.
    record_at(now - timedelta(minutes=1), other, Event(action="auth.login"))
    assert insights._labels({worker.pk}, now=now, marker=marker) == {worker.pk: "Nouveau nom"}


def test_today_is_kept_as_it_grows_and_a_late_event_is_counted_at_the_next_step(team, record_at):
    """Today's kept part grows by what came since the last page, not counted again whole (kept by
    hours, up to two hours of events were counted live at every page). An event appended late into
    what is kept is counted when the part is counted again whole, at the next step of five minutes:
    not lost."""
    worker = make_member(team, display_name="Lectrice")
    now = datetime(2026, 11, 18, 15, 31, tzinfo=PARIS)
    denied = {"action": "person.view", "outcome": "denied"}
    record_at(now - timedelta(minutes=30), worker, *(Event(**denied, person_id=i) for i in range(3)))
    _both(now - timedelta(seconds=1))  # the whole days kept: the next page keeps today's part
    kept, live = _both(now)
    assert kept == live and not [c for c in kept.counted if c[0] == "denied"]
    record_at(now - timedelta(minutes=30), worker, Event(**denied, person_id=8))  # late, into the kept part
    record_at(now + timedelta(seconds=30), worker, Event(**denied, person_id=9))  # since the last page
    later = now + timedelta(minutes=1)  # the same step
    kept, live = _both(later)
    assert ("denied", worker.pk, now.date(), 5) in live.counted
    assert not [c for c in kept.counted if c[0] == "denied"]
    today = now.date()
    assert kept.days[today][1] == live.days[today][1] - 1  # the new one counted, not the late one
    kept, live = _both(now + insights.EDGE_STEP)  # a new step: today's part counted again whole
    assert kept == live and ("denied", worker.pk, now.date(), 5) in kept.counted
