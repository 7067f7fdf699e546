"""Issue 21, item 10: the person's journal names the team of each consent entry, and tells the names
seen in lists as one line per team and day, with how many times and by whom (page and API); the
reading still names every event the line stands for."""

import time
import types
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from audit import recorder
from audit.models import AccessEvent
from audit.recorder import Event
from tests.factories import give_consent, make_member, make_portal_account


@pytest.fixture
def jo(person):
    return make_portal_account(person, "jo")


def listed(reader, person, team, *, at: datetime | None = None):
    """A member's page of persons that showed the person's name, now or at ``at``."""
    if at is None:
        recorder.record(reader, Event(action="person.list", person_id=person.pk, team_id=team.pk))
        return
    import audit.chain

    real = audit.chain.time
    audit.chain.time = types.SimpleNamespace(time_ns=lambda: int(at.timestamp() * 1_000_000_000))
    try:
        recorder.record(reader, Event(action="person.list", person_id=person.pk, team_id=team.pk))
    finally:
        audit.chain.time = real
    assert real is time


def test_consent_entries_name_the_team_they_are_for(web, api, team, worker, person, jo):
    consent = give_consent(person, team, ["housing"], by=worker)
    web.as_(jo).post(f"/portal/consents/{consent.pk}/stop/", {"confirmed": "yes"})
    page = web.get("/portal/journal/").content.decode()
    assert "a enregistré votre accord pour Maraude Nord." in page
    assert "Vous avez retiré votre accord pour Maraude Nord." in page
    sentences = [line["sentence"] for line in api.as_(jo).get("/api/v1/portal/access-log/").json()["results"]]
    assert any(s.endswith("recorded your consent for Maraude Nord.") for s in sentences)


def test_names_seen_in_lists_are_one_line_per_team_and_day(web, api, team, other_team, worker, person, jo):
    give_consent(person, team, ["housing"], by=worker)
    sami = make_member(team, display_name="Sami Haddad")
    yesterday = timezone.localtime() - timedelta(days=1)
    listed(worker, person, team, at=yesterday)
    for reader in (worker, sami, worker):
        listed(reader, person, team)
    page = web.as_(jo).get("/portal/journal/").content.decode()
    assert page.count("dans une liste") == 2  # today's three as one line, yesterday's alone
    assert "Votre nom a été vu 3 fois dans une liste ce jour-là par Maraude Nord\u00a0:" in page
    assert page.count("Sami Haddad") == 1
    lines = api.as_(jo).get("/api/v1/portal/access-log/").json()["results"]
    grouped = [line for line in lines if line["count"] > 1]
    assert [line["count"] for line in grouped] == [3]
    assert "Your name was seen in a list 3 times that day by Maraude Nord" in grouped[0]["sentence"]
    # The reading names every event the grouped line stands for, not only the one shown.
    read = AccessEvent.objects.filter(action="portal.access_log", actor_id=jo.pk).latest("id").data
    lists = set(AccessEvent.objects.filter(action="person.list").values_list("id", flat=True))
    assert lists <= set(read["object_ids"])


def test_lists_of_another_team_the_same_day_are_a_line_of_their_own(web, team, other_team, person, jo):
    from tests.factories import follow

    follow(person, other_team)
    listed(make_member(team), person, team)
    listed(make_member(team), person, team)
    listed(make_member(other_team), person, other_team)
    page = web.as_(jo).get("/portal/journal/").content.decode()
    assert "2 fois dans une liste ce jour-là par Maraude Nord" in page
    assert "par CSAPA Est" not in page and page.count("dans une liste") == 2


def test_lists_that_named_no_team_are_one_line_per_reader_and_day(web, api, team, worker, person, jo):
    """A member whose team reads nothing of the person's contact sees their name in lists too (the
    event names no team): those are one line per reader and day, not a line per page opened."""
    sami = make_member(team, display_name="Sami Haddad")
    for reader in (worker, worker, worker, sami):
        recorder.record(reader, Event(action="person.list", person_id=person.pk))
    page = web.as_(jo).get("/portal/journal/").content.decode()
    assert page.count("dans une liste") == 2  # the worker's three as one line, Sami's alone
    assert "Votre nom a été vu 3 fois dans une liste ce jour-là par Maraude Nord" in page
    lines = api.as_(jo).get("/api/v1/portal/access-log/").json()["results"]
    assert sorted(line["count"] for line in lines if "list" in line["sentence"]) == [1, 3]
    read = AccessEvent.objects.filter(action="portal.access_log", actor_id=jo.pk).latest("id").data
    lists = set(AccessEvent.objects.filter(action="person.list").values_list("id", flat=True))
    assert lists <= set(read["object_ids"])


def test_a_page_of_lines_is_the_grouped_statements_page_whatever_the_page(
    monkeypatch, team, other_team, worker, person, jo
):
    """``journal_groups.lines`` finds a page by reading the events newest first; the lines, their
    order and their count are those of the grouped statement (``one_line_per_team_and_day``) for
    every page, read in one batch or in several, and for pages that end where the statement takes over."""
    from access.own_space import ScopeNeeded, access_own, own_journal
    from consent.space import journal_groups
    from tests.factories import follow

    follow(person, other_team)
    sami, nadia = make_member(team, display_name="Sami Haddad"), make_member(other_team)
    now = timezone.localtime()
    for days, reader, team_of in [
        (3, worker, team), (3, sami, team), (3, nadia, other_team), (2, worker, team), (2, worker, team),
        (2, nadia, other_team), (1, sami, team), (0, worker, team), (0, nadia, other_team),
    ]:  # fmt: skip
        listed(reader, person, team_of, at=now - timedelta(days=days))
        recorder.record(reader, Event(action="person.view", person_id=person.pk, team_id=team_of.pk))
    for reader in (worker, worker, sami):  # lists that named no team: one line per reader and day
        recorder.record(reader, Event(action="person.list", person_id=person.pk))
    listed(sami, person, team, at=now - timedelta(days=1))  # the same team and day: the same line
    listed(nadia, person, other_team, at=now - timedelta(days=1))  # another team's: a line of its own
    recorder.record(sami, Event(action="person.list", outcome="denied", person_id=person.pk, team_id=team.pk))
    listed(worker, person, team)
    access = access_own(jo, action="portal.access_log", scope_needed=ScopeNeeded.JOURNAL)
    events = own_journal(jo, access)
    grouped = journal_groups.one_line_per_team_and_day(events)
    expected = [e.pk for e in grouped]
    assert len(expected) == 20  # 11 lists by team and day made 8 lines; 3 lists by no team, 2
    for first_batch, deep in [(50, 150), (2, 150), (3, 5)]:
        monkeypatch.setattr(journal_groups, "FIRST_BATCH", first_batch)
        monkeypatch.setattr(journal_groups, "DEEP", deep)
        lines = journal_groups.lines(events)
        assert lines.count() == len(expected) == len(lines) == grouped.count()
        assert journal_groups.count_lines(events) == len(expected)
        assert [e.pk for e in lines] == expected
        for start in range(len(expected) + 2):
            for stop in range(start, len(expected) + 3):
                assert [e.pk for e in lines[start:stop]] == expected[start:stop], (start, stop)
        assert lines[4].pk == expected[4] and lines[4].day == grouped[4].day
