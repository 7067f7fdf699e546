"""The policy's statements compiled once per shape (``access.compiled``) answer what the rules'
querysets answer: the same rows for every shape asked, values put where the markers were, and a
statement whose markers the ORM rewrote is refused rather than guessed at. PostgreSQL only: elsewhere
the querysets run themselves."""

from collections import OrderedDict
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access import compiled
from access.grants import _decision_query
from access.reach import _followed
from consent.emergency import services as glass
from tests.factories import give_consent, make_member, make_person, make_team

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statements are compiled on PostgreSQL only"
)


@pytest.fixture
def world(db):
    maraude = make_team("Maraude", ("contact", "housing", "support_plan"))
    csapa = make_team("CSAPA", ("contact", "health"))
    camille = make_member(maraude)
    nadia = make_member(csapa)
    persons = [make_person(maraude, csapa, display_name=f"P{i}") for i in range(4)]
    give_consent(persons[0], maraude, ["housing", "contact"], by=camille)
    give_consent(persons[1], maraude, ["housing"], by=camille)
    give_consent(persons[1], csapa, ["health"], by=nadia)
    give_consent(persons[2], csapa, ["contact"], by=nadia)
    glass.break_glass(
        user=camille,
        person_id=persons[3].pk,
        team_id=maraude.pk,
        categories=["support_plan"],
        reason="cannot_be_asked",
        statement="Injoignable.",
        hours=4,
    )
    return {"teams": [maraude, csapa], "persons": persons, "camille": camille}


def _orm(build, ids, at):
    return sorted(build({kind: list(values) for kind, values in ids.items()}, at))


@pytest.mark.parametrize("named", [False, True])
def test_the_decision_compiled_once_gives_the_querysets_rows_for_every_shape(world, named):
    teams = [team.pk for team in world["teams"]]
    persons = [person.pk for person in world["persons"]]
    now = timezone.now()
    for team_ids in ([teams[0]], teams):
        for count in (1, 2, 4):
            for shift in range(len(persons) - count + 1):

                def build(ids, at):
                    return _decision_query(ids["team"], ids["person"], at, named=named)

                ids = {"team": team_ids, "person": persons[shift : shift + count]}
                assert sorted(compiled.rows(f"test:{named}", build, ids, now)) == _orm(build, ids, now)
    ids = {"team": teams, "person": persons}
    assert any(row[4] is not None for row in compiled.rows(f"test:{named}", build, ids, now))
    later = now + timedelta(hours=5)  # the emergency access has ended by then: the time is a value too
    assert sorted(compiled.rows(f"test:{named}", build, ids, later)) == _orm(build, ids, later)
    assert all(row[4] is None for row in compiled.rows(f"test:{named}", build, ids, later))


def test_the_person_reached_by_the_compiled_statement_is_the_querysets(world):
    camille = world["camille"]
    groups = sorted(team.group_id for team in world["teams"][:1])
    for person in world["persons"]:
        ids = {"user": [camille.pk], "group": groups, "person": [person.pk]}
        sql, params = compiled.statement("test:reach", _followed, ids, timezone.now())
        raw = [p.pk for p in type(person).objects.raw(sql, params)]
        assert raw == [p.pk for p in _followed(ids, timezone.now())] == [person.pk]


def test_a_marker_the_orm_rewrote_is_refused_not_guessed(world):
    def drops_one(ids, at):
        return _decision_query(ids["team"], ids["person"][:1], at, named=False)

    with pytest.raises(ValueError, match="markers"):
        compiled.statement("test:dropped", drops_one, {"team": [1], "person": [1, 2]}, timezone.now())


def test_a_fixed_time_in_the_rules_stays_fixed_and_only_the_time_asked_at_moves(world):
    """A statement may hold a time of its own (a bound written in the rules) beside the time it is
    asked at: only the latter is a marker to fill in."""
    from consent.models import Consent

    teams = [team.pk for team in world["teams"]]
    persons = [person.pk for person in world["persons"]]
    since = timezone.now() - timedelta(days=1)

    def build(ids, at):
        return (
            Consent.objects.filter(team_id__in=ids["team"], person_id__in=ids["person"])
            .filter(recorded_at__gte=since, recorded_at__lte=at)
            .order_by()
            .values_list("pk", flat=True)
        )

    ids = {"team": teams, "person": persons}
    now = timezone.now()
    assert sorted(r[0] for r in compiled.rows("test:fixed", build, ids, now)) == _orm(build, ids, now)
    assert len(_orm(build, ids, now)) == 4


def test_a_consent_that_ends_between_two_reads_of_the_same_shape_is_gone_from_the_second(world):
    """The time a statement is asked at is a value of each call, never the time it was first
    compiled at: a consent whose end falls between two reads counts in the first only."""
    from consent.models import Consent

    maraude = world["teams"][0]
    person = world["persons"][0]
    Consent.objects.filter(person=person, team=maraude).update(
        valid_until=timezone.now() + timedelta(hours=1)
    )

    def build(ids, at):
        return _decision_query(ids["team"], ids["person"], at, named=False)

    ids = {"team": [maraude.pk], "person": [person.pk]}
    before = compiled.rows("test:ending", build, ids, timezone.now())
    after = compiled.rows("test:ending", build, ids, timezone.now() + timedelta(hours=2))
    assert sorted(row[1] for row in before) == ["contact", "housing"]
    assert after == []


def test_each_kind_of_decision_keeps_a_statement_of_its_own(world):
    """The member's teams or every team, plain or named: four statements of the decision that may
    share a shape (as many persons), each kept apart, each giving the querysets' rows."""
    from access.grants import _rows
    from records.models import Person

    teams = [team.pk for team in world["teams"]]
    persons = [person.pk for person in world["persons"]]
    for _round in range(2):  # the second round reads the statements kept by the first
        for team_ids in (teams, None):
            for named in (False, True):
                by_ids = _rows(team_ids, persons, named=named)
                by_query = _rows(team_ids, Person.objects.filter(pk__in=persons), named=named)
                assert by_ids == by_query
                assert len(by_ids[0]) == (7 if named else 5)


def test_a_shape_is_compiled_once_and_the_kept_statements_stay_bounded(world, monkeypatch):
    """The point of the compiled statements is that the ORM builds each shape once, not once per
    read; and however many shapes callers ask, no more than ``MAX_TEMPLATES`` are kept, the least
    recently used forgotten first."""
    built = []
    template = compiled._template
    monkeypatch.setattr(
        compiled, "_template", lambda build, shape: built.append(shape) or template(build, shape)
    )
    monkeypatch.setattr(compiled, "_templates", OrderedDict())
    monkeypatch.setattr(compiled, "MAX_TEMPLATES", 2)
    teams = [team.pk for team in world["teams"]]
    persons = [person.pk for person in world["persons"]]

    def build(ids, at):
        return _decision_query(ids["team"], ids["person"], at, named=False)

    now = timezone.now()
    for shift in range(3):  # one shape (a team, a person), three reads
        compiled.rows("test:once", build, {"team": teams[:1], "person": persons[shift : shift + 1]}, now)
    assert built == [{"team": (1, False), "person": (1, False)}]
    for count in (2, 3, 4):  # three more shapes, with room for two
        compiled.rows("test:once", build, {"team": teams[:1], "person": persons[:count]}, now)
        compiled.rows("test:once", build, {"team": teams[:1], "person": persons[:1]}, now)  # the busiest
        assert len(compiled._templates) <= compiled.MAX_TEMPLATES
    assert len(built) == 4  # the busiest shape, asked between the others, was never forgotten


def test_the_notes_listed_by_the_compiled_statement_are_the_querysets_page_by_page(world):
    """The person's notes (the API's list and the page's): the same rows, in the same order, with
    the same values (each body decrypted as the ORM decrypts it) as the queryset, for a member who
    reads through one team and through two, with their own notes, a corrected note and a note the
    person hid from one team; counted and sliced as a paginator does."""
    from access.persons import readable_person
    from audit import recorder
    from audit.models import Action
    from consent.say.hidings import hide_note
    from records import selectors, services
    from teams import services as team_services
    from teams.models import Membership
    from tests.factories import make_note, make_portal_account

    maraude, csapa = world["teams"]
    camille = world["camille"]
    jo = world["persons"][1]  # consents to both teams
    nadia = make_member(csapa)
    both = make_member(maraude)
    team_services.add_member(by=recorder.system("test"), team=csapa, user=both)
    Membership.objects.filter(user=both).update(commitment_accepted_at=timezone.now())
    notes = [make_note(jo, nadia, csapa, "health", f"Santé {i}") for i in range(3)]
    notes += [make_note(jo, camille, maraude, code, f"Note {code}") for code in ("housing", "contact")]
    services.correct_note(user=camille, note_id=notes[-1].pk, body="Corrigée")
    own = make_note(jo, both, maraude, "support_plan", "Ma note seule")
    hide_note(user=make_portal_account(jo), note_id=notes[0].pk, team_id=csapa.pk)
    for reader in (camille, nadia, both):
        reached = readable_person(reader, jo.pk, action=Action.NOTE_LIST, object_type="note")
        rows = selectors.notes_of(reached).rows
        assert not isinstance(rows, type(selectors._as_rows(selectors._listed_notes(reached, None))))
        expected = list(selectors._as_rows(selectors._listed_notes(reached, None)))
        assert list(rows) == expected
        assert rows.count() == len(expected)
        assert list(rows[1:3]) == expected[1:3]
        assert list(rows[len(expected) :]) == [] and list(rows[2:1]) == []
        assert rows[0] == expected[0] and rows[len(expected) - 1] == expected[-1]
        with pytest.raises(IndexError):
            rows[len(expected)]
        for backwards in (slice(-1, None), slice(None, -1), slice(None, None, 2)):
            with pytest.raises(ValueError, match="forwards"):
                rows[backwards]
        assert selectors.note_authors(reached).notes == len(expected)

    def bodies(reader):
        reached = readable_person(reader, jo.pk, action=Action.NOTE_LIST)
        return sorted(row["body"] for row in selectors.notes_of(reached).rows)

    assert bodies(both) == ["Ma note seule", "Note housing", "Santé 1", "Santé 2"]
    assert bodies(camille) == ["Corrigée", "Note housing"] and own.pk


def test_what_the_person_said_read_by_the_compiled_statement_is_the_querysets(world):
    """The members a person kept out and the notes they hid (``exclusions.say_of``), read through
    the statement compiled once: the rows of the queryset, for a person with both and without."""
    from access import exclusions
    from consent.models import Exclusion, NoteHiding
    from tests.factories import make_note

    maraude, csapa = world["teams"]
    jo, other = world["persons"][:2]
    kept_out = make_member(maraude)
    Exclusion.objects.create(person=jo, member=kept_out, recorded_by=world["camille"])
    note = make_note(jo, world["camille"], maraude, "housing", "Logement")
    NoteHiding.objects.create(person=jo, note=note, team=csapa, recorded_by=world["camille"])
    for person in (jo, other):
        ids = {"person": [person.pk]}
        compiled_rows = compiled.rows("test:say", exclusions._say_rows, ids, timezone.now())
        assert sorted(compiled_rows, key=str) == sorted(exclusions._say_rows(ids, timezone.now()), key=str)
    said = exclusions.say_of(jo.pk)
    assert said.hidden == {note.pk: (csapa.pk,)} and list(said.kept_out) == [maraude.pk]
    # Several of one team, a note hidden from two: in the order of the accounts and of the teams.
    also = make_member(maraude, display_name="Zoé")
    Exclusion.objects.create(person=jo, member=also, recorded_by=world["camille"])
    NoteHiding.objects.create(person=jo, note=note, team=None, recorded_by=world["camille"])
    said = exclusions.say_of(jo.pk)
    assert said.kept_out[maraude.pk] == (kept_out.label, "Zoé") and kept_out.pk < also.pk
    assert said.hidden == {note.pk: (None, csapa.pk)}
    assert exclusions.say_of(other.pk).hidden == {} and exclusions.say_of(other.pk).kept_out == {}


def test_the_consent_history_listed_by_the_compiled_statement_is_the_querysets(world):
    """The person page's consent history (``listed_consents``): the queryset's rows, and consents
    that say what the ORM's instances say (status, team, who recorded it and how they are presented,
    the method, the days), for a consent changed since, one withdrawn and one current."""
    from consent.consents import selectors as consent_selectors
    from consent.consents import services as consent_services
    from teams.models import Membership

    maraude, csapa = world["teams"]
    camille = world["camille"]
    jo, other = world["persons"][1], world["persons"][3]
    Membership.objects.filter(user=camille, team=maraude).update(title="Éducatrice")
    give_consent(
        jo, maraude, ["housing", "contact"], by=camille, valid_until=timezone.now() + timedelta(days=9)
    )
    withdrawn = jo.consents.get(team=csapa)
    consent_services.withdraw_consent(user=camille, consent_id=withdrawn.pk, method="oral")
    for person in (jo, other):
        ids = {"person": [person.pk]}
        queryset = consent_selectors._listed_rows(ids, timezone.now())
        assert list(
            compiled.values("test:listed", consent_selectors._listed_rows, ids, timezone.now())
        ) == list(queryset)

        def said(consent):
            return (
                consent.pk,
                consent.team_id,
                consent.team.name,
                consent.status,
                consent_selectors.recorded_by_label(consent),
                consent.get_method_display(),
                consent.recorded_at,
                consent.valid_until,
            )

        listed = consent_selectors.listed_consents(person)
        assert [said(c) for c in listed] == [
            said(c) for c in _presented(consent_selectors.consents_of(person))
        ]
    statuses = sorted(str(c.status) for c in consent_selectors.listed_consents(jo))
    assert statuses == ["current", "superseded", "withdrawn"]
    assert "Éducatrice" in consent_selectors.recorded_by_label(consent_selectors.listed_consents(jo)[0])


def _presented(consents):
    from teams.presentation import with_presentation

    return list(with_presentation(consents, member="recorded_by", prefix="recorder"))


def test_the_follow_ups_and_contact_read_by_the_compiled_statements_are_the_querysets(world):
    """The person view's follow-ups (each with its team, whole) and contact details, read through
    the statements compiled once: what ``select_related`` and ``values`` read."""
    from django.forms.models import model_to_dict

    from access.persons import person_view, readable_person
    from audit.models import Action
    from records.models import FollowUp, Person

    camille = world["camille"]
    for person in world["persons"][:2]:
        view = person_view(readable_person(camille, person.pk, action=Action.PERSON_VIEW))
        expected = list(FollowUp.objects.filter(person=person, closed_at__isnull=True).select_related("team"))
        assert [model_to_dict(f) for f in view.follow_ups] == [model_to_dict(f) for f in expected]
        assert [model_to_dict(f.team) for f in view.follow_ups] == [model_to_dict(f.team) for f in expected]
        assert [f.opened_at for f in view.follow_ups] == [f.opened_at for f in expected]
        assert all(f.person is view.person for f in view.follow_ups) and expected
    shared = person_view(readable_person(camille, world["persons"][0].pk, action=Action.PERSON_VIEW))
    assert (
        shared.contact == Person.objects.filter(pk=world["persons"][0].pk).values(*Person.CONTACT_FIELDS)[0]
    )
    unshared = person_view(readable_person(camille, world["persons"][1].pk, action=Action.PERSON_VIEW))
    assert unshared.contact is None


def test_a_rows_columns_are_named_in_the_order_values_lists_them(world):
    """An annotation listed between two fields: each column keeps its own name (naming the fields
    first, then the annotations, gave each of them its neighbour's value)."""
    from django.db.models import ExpressionWrapper, F, IntegerField

    from records.models import FollowUp

    def build(ids, at):
        return (
            FollowUp.objects.filter(team_id__in=ids["team"])
            .annotate(twice=ExpressionWrapper(F("team_id") * 2, output_field=IntegerField()))
            .values("person_id", "twice", "team_id")
            .order_by("id")
        )

    ids = {"team": [team.pk for team in world["teams"]]}
    rows = list(compiled.values("test.annotation_between_fields", build, ids, timezone.now()))
    assert rows == list(build(ids, None)) and rows
    assert all(row["twice"] == 2 * row["team_id"] for row in rows)
