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
