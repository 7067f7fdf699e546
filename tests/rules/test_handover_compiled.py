"""The handover's statements, compiled once per shape (``records.handover_rows``), answer what their
querysets answer: for every moment of a last visit (each statement's time), after each change, row by
row and column by column; and a consent that ended is not in force, however standing it is."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access import compiled
from access.grants import grants_for
from access.who_is_asking import member_for
from consent.consents import services as consent_services
from records import follow_ups, note_ids
from records import handover_rows as rows
from records.models import HandoverMark
from tests.factories import give_consent, make_member, make_note, make_person, make_team

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statements are compiled on PostgreSQL only"
)


@pytest.fixture
def world(db):
    maraude = make_team("Maraude", ("contact", "housing", "support_plan"))
    csapa = make_team("CSAPA", ("contact", "health"))
    camille = make_member(maraude)
    nadia = make_member(csapa)
    persons = [make_person(maraude, display_name=f"P{i}") for i in range(4)]
    start = timezone.now()
    give_consent(persons[0], maraude, ["housing", "contact"], by=camille)
    withdrawn = give_consent(persons[1], maraude, ["housing"], by=camille)
    give_consent(persons[2], maraude, [], by=camille)  # a refusal
    make_note(persons[0], nadia, maraude, "housing")
    make_note(persons[0], camille, maraude, "housing")  # her own: never news
    make_note(persons[1], nadia, maraude, "support_plan")
    middle = timezone.now()
    consent_services.withdraw_consent(user=camille, consent_id=withdrawn.pk, method="oral")
    give_consent(persons[0], maraude, ["housing"], by=camille)  # supersedes the first
    follow_ups.open_follow_up(
        user=camille, person_id=persons[3].pk, team_id=csapa.pk, presence="in_person", confirmed=True
    )
    make_note(persons[0], nadia, maraude, "housing")  # read under the new consent
    return {"camille": camille, "persons": persons, "times": [start, middle, timezone.now()]}


def _orm(build, ids, at):
    return list(build({kind: list(values) for kind, values in ids.items()}, at))


@on_postgresql
def test_each_statement_compiled_once_gives_its_querysets_rows_for_every_last_visit(world):
    member = member_for(world["camille"])
    followed = rows.followed_ids(member)
    assert sorted(followed) == sorted(p.pk for p in world["persons"])
    grants = grants_for(member, followed)
    team_ids = {"team": sorted(member.team_ids), "person": followed}
    statements = [  # each read as the handover reads it: values() as dicts, values_list() as tuples
        (
            "handover:notes",
            rows._new_notes,
            note_ids.listed_ids(member.user.pk, followed, grants),
            compiled.rows,
        ),
        ("handover:consents", rows._consents, team_ids, compiled.values),
        ("handover:withdrawals", rows._withdrawals, team_ids, compiled.values),
        ("handover:follow-ups", rows._follow_ups, team_ids, compiled.rows),
    ]
    for since in [world["times"][0] - timedelta(seconds=1), *world["times"]]:
        for name, build, ids, read in statements:
            assert list(read(name, build, ids, since)) == _orm(build, ids, since), (name, since)
    # Something happened in each window but the last: the comparisons above were not of nothing.
    assert rows.new_notes(member, followed, grants, world["times"][1]) == [(world["persons"][0].pk, 1)]
    assert len(rows.withdrawals(member, followed, world["times"][1])) == 1
    assert rows.withdrawals(member, followed, world["times"][2]) == []


def test_the_consents_say_which_are_in_force_now_and_each_column_is_its_own(world):
    member = member_for(world["camille"])
    followed = rows.followed_ids(member)
    p0, p1, p2, _p3 = (p.pk for p in world["persons"])
    since = world["times"][1]
    found = rows.consents(member, followed, since)
    # The first consent to P0 (superseded) and P1's (withdrawn) neither stand nor are news.
    assert [(c["person_id"], c["in_force"], c["shares"]) for c in found] == [
        (p2, True, False),  # the refusal, standing
        (p0, True, True),  # recorded since
    ]
    assert p1 not in {c["person_id"] for c in found}
    assert all(c["recorded_by__username"] == world["camille"].username for c in found)
    assert all(c["team__name"] == "Maraude" and c["representative_id"] is None for c in found)
    # A consent that has ended stands on the record but is not in force: its person is followed
    # without one.
    from consent.models import Consent

    Consent.objects.filter(person_id=p2).update(valid_until=timezone.now() - timedelta(minutes=1))
    ended = [c for c in rows.consents(member, followed, since) if c["person_id"] == p2]
    assert ended and all(c["standing"] and not c["in_force"] for c in ended)


def test_the_last_visit_is_read_from_the_mark(world):
    camille = world["camille"]
    assert rows.seen_at(camille) is None
    seen = timezone.now() - timedelta(minutes=5)
    HandoverMark.objects.create(user=camille, seen_at=seen)
    assert rows.seen_at(camille) == seen


def test_a_member_whose_teams_follow_nobody_asks_nothing_of_what_changed(db, django_assert_num_queries):
    team = make_team("Personne")
    member = member_for(make_member(team))
    since = timezone.now() - timedelta(days=1)
    assert rows.followed_ids(member) == []
    with django_assert_num_queries(0):
        assert rows.consents(member, [], since) == []
        assert rows.withdrawals(member, [], since) == []
        assert rows.follow_ups(member, [], since) == []
        assert rows.new_notes(member, [], {}, since) == []


def test_the_persons_with_news_are_read_as_the_deferring_queryset_reads_them(world):
    from records.models import Person

    ids = [p.pk for p in reversed(world["persons"])]
    for chosen in (ids, ids[:1], ids[1:3]):
        expected = list(
            Person.objects.filter(pk__in=chosen).defer(*Person.DEFERRED).order_by("display_name", "pk")
        )
        found = rows.persons(chosen)
        assert [p.pk for p in found] == [p.pk for p in expected]
        for person, same in zip(found, expected, strict=True):
            assert person.get_deferred_fields() == same.get_deferred_fields()
            for name in rows._PERSON:
                assert getattr(person, name) == getattr(same, name), name
    assert rows.persons([]) == []


def test_the_followed_ids_are_the_policys_followed_persons_kept_out_and_archived_included(world):
    """The compiled statement asks the policy's own ``followed_persons`` for a member built of the
    user and groups alone: a person who kept the member out, or archived, is left out as the policy
    leaves them out, on both databases."""
    from django.db.models import Q

    from access.rules import followed_persons
    from consent.models import Exclusion
    from records.models import Person

    camille, persons = world["camille"], world["persons"]
    Exclusion.objects.create(person=persons[0], member=camille, recorded_by=camille)
    Person.objects.filter(pk=persons[1].pk).update(archived_at=timezone.now())
    member = member_for(camille)
    expected = sorted(followed_persons(member).values_list("pk", flat=True))
    assert rows.followed_ids(member) == expected
    assert not Person.objects.filter(Q(pk__in=expected), Q(pk=persons[0].pk) | Q(pk=persons[1].pk)).exists()
    assert expected  # the others are still followed
