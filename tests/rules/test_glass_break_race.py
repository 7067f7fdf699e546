"""Issue "Written in stone", §7, under concurrency: an emergency access opened at the very moment its
team's glass is turned off, or its follow-up closed, never escapes its end.

The opening reads the team's switch and its follow-up under their row locks: a switch-off or a
closing that commits first is seen (a recorded refusal); one that comes second waits for the new
access and ends it. Either way, turning the glass back on or reopening the follow-up gives nothing
back. SQLite runs one writer at a time, which gives the same order.
"""

from __future__ import annotations

import functools
import threading

import pytest
from django.db import connection, connections

from access.grants import readership_of
from access.who_is_asking import member_for
from consent.emergency import services as glass
from consent.models import GlassBreak
from core.domain_errors import DomainError
from records import follow_ups
from teams import services as team_services
from teams.models import Team
from tests.factories import UserFactory, make_member, make_person, make_team

ROUNDS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"),
]


def together(*calls) -> list:
    """Run the calls at the same moment, each in a thread and a connection of its own."""
    started, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            started.wait()
            results[index] = call()
        except DomainError as refused:
            results[index] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def open_for(member, person, team):
    return lambda: glass.break_glass(
        user=member,
        person_id=person.pk,
        team_id=team.pk,
        categories=["housing"],
        reason="cannot_be_asked",
        statement="Injoignable.",
    )


def switch_off(manager, team):
    return team_services.update_team(by=manager, team=Team.objects.get(pk=team.pk), glass_break_allowed=False)


def read_by_glass(member, person, team) -> set[str]:
    member_for(member)  # still a member who may read
    team = Team.objects.get(pk=team.pk)
    return {c for c, g in readership_of(person.pk).of_team(team.pk).items() if g.glass_break_id}


def test_an_access_opened_as_the_glass_is_turned_off_is_ended_or_refused(flushable_audit):
    team = make_team("Maraude", ("housing",))
    member, manager = make_member(team), UserFactory(is_manager=True)
    person = make_person(team)
    for _ in range(ROUNDS):
        team_services.update_team(by=manager, team=Team.objects.get(pk=team.pk), glass_break_allowed=True)
        opened, _ = together(open_for(member, person, team), lambda: switch_off(manager, team))
        team_services.update_team(by=manager, team=Team.objects.get(pk=team.pk), glass_break_allowed=True)
        assert read_by_glass(member, person, team) == set()
        if isinstance(opened, GlassBreak):
            opened.refresh_from_db()
            assert opened.end_reason == "switched_off"


def test_an_access_opened_as_the_follow_up_closes_is_ended_or_refused(flushable_audit):
    team, other = make_team("Maraude", ("housing",)), make_team("CSAPA", ("housing",))
    member, nurse = make_member(team), make_member(other)
    person = make_person(team)
    follow_ups.open_follow_up(
        user=member, person_id=person.pk, team_id=other.pk, presence="in_person", confirmed=True
    )
    for _ in range(ROUNDS):
        follow_up = person.follow_ups.get(team=team, closed_at__isnull=True)
        close = functools.partial(follow_ups.close_follow_up, user=nurse, follow_up_id=follow_up.pk)
        opened, _ = together(open_for(member, person, team), close)
        follow_ups.open_follow_up(
            user=nurse, person_id=person.pk, team_id=team.pk, presence="in_person", confirmed=True
        )
        assert read_by_glass(member, person, team) == set()
        if isinstance(opened, GlassBreak):
            opened.refresh_from_db()
            assert opened.end_reason == "follow_up_closed"
