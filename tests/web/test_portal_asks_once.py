"""The portal's pages ask each thing once (issue 26, "Faster still"): the representation a page's
access found is the one its banner shows, never another account's, and never past its unit of work;
an account known to have no person is not looked up; a consent's status and the information texts
come with the statements that read them. The statements are pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.own_space import access_own, acting_for
from audit import recorder
from audit.models import Action
from consent.representation import services as representatives
from core.domain_errors import NotAPortalAccount
from tests.factories import (
    follow,
    give_consent,
    make_member,
    make_person,
    make_portal_account,
    make_representative,
)

REPRESENTATIVE_JOURNAL_QUERIES = 12  # one representation, no person looked up for the account
PORTAL_HOME_QUERIES = 20  # the consents' status in their statement (two fewer each), the texts read once; the last settled event of the person (first readers looked for since)


def _asked(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"'))


def test_a_representatives_journal_asks_for_the_representation_once(web, person, worker):
    _agent, account = make_representative(person, by=worker, scope="both")
    client = web.as_(account)
    with CaptureQueriesContext(connection) as seen:
        page = client.get("/portal/journal/").content.decode()
    assert "Qui a regardé les informations de Jo" in page  # the title, from the banner's representation
    assert "Vous agissez pour Jo, en tant que personne de confiance" in page
    assert _asked(seen.captured_queries, "consent_representative") == 1
    assert _asked(seen.captured_queries, "records_person") == 0  # the account has no person of its own


def test_the_banner_never_shows_another_accounts_representation(person, worker, team):
    _agent, lucie = make_representative(person, by=worker, name="Lucie")
    other = make_person(team, display_name="Sandrine")
    theirs, paul = make_representative(other, by=worker, name="Paul")
    jo = make_portal_account(person, "jo")
    with recorder.unit_of_work():
        found = access_own(lucie, action=Action.PORTAL_ACCESS_LOG, scope_needed="journal").representative
        assert acting_for(lucie) == found and found.person == person
        assert acting_for(paul) == theirs and acting_for(paul).person == other
        assert acting_for(jo) is None


def test_an_ended_role_is_not_shown_by_the_next_unit_of_work(person, worker):
    agent, lucie = make_representative(person, by=worker, kind="guardian")
    with recorder.unit_of_work():
        access_own(lucie, action=Action.PORTAL_ACCESS_LOG, scope_needed="journal")
    representatives.end_representative(user=worker, representative_id=agent.pk, evidence="Mainlevée")
    with recorder.unit_of_work():
        assert acting_for(lucie) is None
    assert acting_for(lucie) is None  # outside any unit of work: asked


def test_an_account_said_to_have_no_person_is_refused_even_if_it_has_one_now(person):
    jo = make_portal_account(person, "jo")
    jo.menu_person = None  # as the signed-in user would have been read before the link
    with pytest.raises(NotAPortalAccount), recorder.unit_of_work():
        access_own(jo, action=Action.PORTAL_ACCESS_LOG, scope_needed="journal")
    del jo.menu_person  # a user read otherwise is asked
    with recorder.unit_of_work():
        assert access_own(jo, action=Action.PORTAL_ACCESS_LOG, scope_needed="journal").person == person


@pytest.mark.parametrize("consents", [1, 2])
def test_portal_home_query_count_is_pinned(
    web, person, team, other_team, worker, consents, django_assert_num_queries
):
    give_consent(person, team, ["housing", "contact"], by=worker)
    if consents == 2:
        follow(person, other_team)
        give_consent(person, other_team, ["health"], by=make_member(other_team))
    jo = make_portal_account(person, "jo")
    web.as_(jo)
    with django_assert_num_queries(PORTAL_HOME_QUERIES):
        assert web.get("/portal/").status_code == 200


def test_a_representatives_journal_query_count_is_pinned(web, person, worker, django_assert_num_queries):
    _agent, account = make_representative(person, by=worker, scope="journal")
    web.as_(account)
    with django_assert_num_queries(REPRESENTATIVE_JOURNAL_QUERIES):
        assert web.get("/portal/journal/").status_code == 200


# What the inbox finds in the record, from statements compiled once on PostgreSQL (``consent.notices.news``):
# the same answers as the querysets they are compiled from, which SQLite runs. On both databases.


def test_an_end_is_news_within_thirty_days_to_the_microsecond(person, team, worker):
    from datetime import timedelta

    from django.utils import timezone

    from consent.notices import inbox
    from consent.notices.news import ENDING_WITHIN

    consent = give_consent(
        person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=40)
    )
    just_past = consent.valid_until - ENDING_WITHIN - timedelta(microseconds=1)
    assert inbox.find_news(person, now=just_past) == []
    found = inbox.find_news(person, now=consent.valid_until - ENDING_WITHIN)
    assert [(n.kind, n.consent_id, n.team_id) for n in found] == [("consent_ending", consent.pk, team.pk)]
    assert inbox.find_news(person, now=consent.valid_until - ENDING_WITHIN) == []  # told once


def test_a_first_reader_is_news_once_and_the_persons_own_reads_never(person, team, worker):
    from audit.recorder import Event
    from consent.notices import inbox

    jo = make_portal_account(person, "jo")
    for actor in (jo, worker, worker):
        recorder.record(actor, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk))
    found = inbox.find_news(person)
    assert [(n.kind, n.actor_id, n.team_id) for n in found] == [("first_reader", worker.pk, team.pk)]
    assert inbox.find_news(person) == []
    assert inbox.unread_count(person) == 1


def test_first_readers_are_looked_for_since_the_last_visit_and_in_the_whole_record_again_later(
    person, team, worker, django_capture_on_commit_callbacks
):
    """A visit reads the events since the last one (every reader found then was told); a reader
    whose read was committed too late for that (here: a last visit said to have seen further than it
    did) is found when the whole record is read again, five minutes later at most."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from audit.recorder import Event
    from consent.notices import inbox, news

    jo = make_portal_account(person, "jo")
    person.refresh_from_db()
    other = make_member(team, display_name="Nadia")
    late = make_member(team, display_name="Tardive")
    recorder.record(worker, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk))
    start = timezone.now() + timedelta(seconds=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert [n.actor_id for n in inbox.find_news(person, now=start)] == [worker.pk]
    recorder.record(other, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk))
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as seen:
        assert [n.actor_id for n in inbox.find_news(person, now=start + timedelta(seconds=5))] == [other.pk]
    assert any('"audit_accessevent"."id" >' in q["sql"] for q in seen.captured_queries)  # since then only
    recorder.record(late, Event(action=Action.PERSON_VIEW, person_id=person.pk, team_id=team.pk))
    key = f"notices:first-readers:{person.pk}:{jo.pk}"
    _settled, since, whole_at = cache.get(key)
    cache.set(key, (10**12, since, whole_at))  # as if its read had been committed after the last visit
    with django_capture_on_commit_callbacks(execute=True):
        assert inbox.find_news(person, now=start + timedelta(seconds=10)) == []
        found = inbox.find_news(person, now=start + news.RECHECK)
    assert [n.actor_id for n in found] == [late.pk]


def test_the_inbox_statements_are_compiled_once_per_shape(web, person, team, worker, monkeypatch):
    from access import compiled

    give_consent(person, team, ["housing"], by=worker)
    web.as_(make_portal_account(person, "jo")).get("/portal/")
    built = []
    monkeypatch.setattr(compiled, "_template", lambda build, shape: built.append(build) or None)
    assert web.get("/portal/").status_code == 200 and web.get("/portal/notices/").status_code == 200
    assert built == []  # every statement of the second visit was compiled by the first
    if connection.vendor == "postgresql":
        names = {key[0] for key in compiled._templates}
        assert {"notices:ending:own", "notices:first-reads:own", "notices:unread"} <= names


@pytest.mark.any_database
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_journal_lines_time_reads_as_djangos_date_format_writes_it(language):
    from datetime import UTC, datetime

    from django.utils import formats, timezone, translation

    from consent.space.journal import Line

    for at in (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night summer time begins in Paris
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # and the night it ends
        datetime(2026, 12, 8, 3, 9, 22, 123456, tzinfo=UTC),
    ):
        with translation.override(language):
            line = Line(1, at, "", "", "", "", [], "", refused=False, by_you=False)
            assert line.when == formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Cayenne"])
def test_a_journals_count_compiled_once_is_the_grouped_statements(team, other_team, worker, person, zone):
    """The journal's count, from its events' statement compiled once (``journal_groups.count_compiled``):
    the lines of the grouped statement, with the person's own visits or without, in the page's time
    zone (a statement of its own per zone: its days)."""
    from datetime import timedelta

    from django.utils import timezone

    from access.own_space import ScopeNeeded, own_journal
    from audit.recorder import Event
    from consent.space import journal, journal_groups
    from tests.web.test_journal_grouped import listed

    jo = make_portal_account(person, "jo")
    follow(person, other_team)
    nadia = make_member(other_team)
    now = timezone.now()
    for hours, reader, team_of in [
        (50, worker, team),
        (49, worker, team),
        (30, nadia, other_team),
        (23, worker, team),
    ]:
        listed(reader, person, team_of, at=now - timedelta(hours=hours))
    for reader in (worker, worker, nadia):  # lists that named no team: one line per reader and day
        recorder.record(reader, Event(action="person.list", person_id=person.pk))
    recorder.record(
        worker, Event(action="person.list", outcome="denied", person_id=person.pk, team_id=team.pk)
    )
    recorder.record(jo, Event(action="portal.consents", person_id=person.pk))
    with timezone.override(zone):
        for include_own in (False, True):
            with recorder.unit_of_work():
                rows = journal.journal(user=jo, include_own=include_own).rows
                access = access_own(jo, action=Action.PORTAL_ACCESS_LOG, scope_needed=ScopeNeeded.JOURNAL)
                events = own_journal(jo, access)
                if not include_own:
                    events = events.exclude(actor_id=jo.pk, action__in=journal.OWN_VIEWS)
                grouped = journal_groups.one_line_per_team_and_day(events).count()
                assert rows.count() == grouped == journal_groups.count_lines(events), (include_own, grouped)
    if connection.vendor == "postgresql":
        from access import compiled

        names = {key[0] for key in compiled._templates}
        assert {f"journal:others:lines:{zone}", f"journal:all:lines:{zone}"} <= names


def test_a_restricted_space_counts_only_the_journal_it_reads(api, team, other_team, person, worker):
    """A space reopened with a worker's code reads fewer events (R10): its journal's count is theirs,
    never the whole journal's (which would tell how many other teams' reads there are)."""
    from audit.recorder import Event
    from tests.rules.test_r10_space_recovery import _camille_takes_over

    follow(person, other_team)
    nurse = make_member(other_team, username="infirmier")
    make_portal_account(person, "jo")
    for _ in range(3):
        recorder.record(nurse, Event(action="person.view", person_id=person.pk, team_id=other_team.pk))
    _camille_takes_over(api, worker, person)
    body = api.get("/api/v1/portal/access-log/").json()
    assert body["count"] == len(body["results"]) > 0
    assert all(nurse.display_name not in line["who"] for line in body["results"])
