"""Issue "Written in stone", §5 and §7: an emergency access that ends stays ended, "already readable"
is the team's, the log names the access behind each read, and no one reviews their own."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.rules import open_glass_categories
from audit.models import AccessEvent
from consent.models import GlassBreak
from records import follow_ups
from records.models import PersonGroupObjectPermission
from teams import services as team_services
from teams.models import Category, Membership, Team
from tests.factories import UserFactory, give_consent, make_member, make_note

OPEN = "/api/v1/persons/{}/emergency-access/"


def body(team, categories=("housing",), reason="cannot_be_asked", **extra):
    return {
        "team": team.pk,
        "categories": list(categories),
        "reason": reason,
        "statement": "Hospitalisé, injoignable.",
        **extra,
    }


def notes(api, user, person):
    return [
        n["id"] for n in api.as_(user).get(f"/api/v1/persons/{person.pk}/notes/").json().get("results", [])
    ]


@pytest.fixture
def opened(api, person, team, worker, colleague):
    """Colleague's emergency access to Jo's housing for Maraude Nord, and a housing note to read."""
    make_note(person, worker, team, "housing", "Hébergement trouvé")
    response = api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    assert response.status_code == 201, response.content
    assert len(notes(api, colleague, person)) == 1
    return GlassBreak.objects.get()


@pytest.fixture
def manager(db):
    return UserFactory(is_manager=True)


def test_switching_the_glass_off_ends_the_access_on_the_record_and_switching_it_on_revives_nothing(
    api, opened, person, team, colleague, manager
):
    team_services.update_team(by=manager, team=team, glass_break_allowed=False)
    opened.refresh_from_db()
    assert opened.end_reason == "switched_off" and opened.ended_by == manager
    assert opened.ended_at is not None and opened.ended_at < opened.ends_at
    event = AccessEvent.objects.get(action="glass_break.end")
    assert (event.reason, event.actor_id, event.person_id, event.team_id) == (
        "switched_off",
        manager.pk,
        person.pk,
        team.pk,
    )
    assert event.data["glass_break"] == opened.pk
    team_services.update_team(by=manager, team=team, glass_break_allowed=True)
    assert notes(api, colleague, person) == []


def test_closing_the_follow_up_ends_the_access_and_reopening_it_revives_nothing(
    api, opened, person, team, other_team, worker, colleague
):
    follow_ups.open_follow_up(
        user=worker, person_id=person.pk, team_id=other_team.pk, presence="in_person", confirmed=True
    )
    nurse = make_member(other_team)
    follow_up = person.follow_ups.get(team=team)
    follow_ups.close_follow_up(user=worker, follow_up_id=follow_up.pk)
    opened.refresh_from_db()
    assert (opened.end_reason, opened.ended_by) == ("follow_up_closed", worker)
    assert [e.reason for e in AccessEvent.objects.filter(action="glass_break.end")] == ["follow_up_closed"]
    follow_ups.open_follow_up(
        user=nurse, person_id=person.pk, team_id=team.pk, presence="in_person", confirmed=True
    )
    assert notes(api, colleague, person) == []


def test_a_mission_that_stops_needing_an_opened_category_ends_the_access_and_widening_revives_nothing(
    api, opened, person, team, colleague, manager
):
    team_services.update_team(by=manager, team=team, continuity_categories=["contact", "support_plan"])
    opened.refresh_from_db()
    assert opened.end_reason == "mission_narrowed"
    team_services.update_team(
        by=manager, team=team, continuity_categories=["contact", "housing", "support_plan"]
    )
    assert notes(api, colleague, person) == []


def test_a_narrowing_that_leaves_the_opened_categories_in_the_mission_ends_nothing(
    api, opened, person, team, colleague, manager
):
    team_services.update_team(by=manager, team=team, continuity_categories=["contact", "housing"])
    opened.refresh_from_db()
    assert opened.ended_at is None and len(notes(api, colleague, person)) == 1


def test_the_end_time_passing_is_written_at_the_planned_end_by_the_command_once(
    api, opened, person, colleague
):
    planned = timezone.now() - timedelta(minutes=5)
    GlassBreak.objects.filter(pk=opened.pk).update(ends_at=planned)
    assert notes(api, colleague, person) == []  # reads stop at the end time, recorded or not
    call_command("end_emergency_accesses")
    call_command("end_emergency_accesses")
    opened.refresh_from_db()
    assert (opened.ended_at, opened.end_reason, opened.ended_by) == (planned, "time_passed", None)
    event = AccessEvent.objects.get(action="glass_break.end")
    assert event.actor_label == "manage.py end_emergency_accesses" and event.reason == "time_passed"


def test_an_access_whose_time_passed_is_left_to_the_command_when_the_glass_is_switched_off(
    opened, team, manager
):
    GlassBreak.objects.filter(pk=opened.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    team_services.update_team(by=manager, team=team, glass_break_allowed=False)
    opened.refresh_from_db()
    assert opened.ended_at is None  # its time ended it first: the command writes that
    call_command("end_emergency_accesses")
    opened.refresh_from_db()
    assert opened.end_reason == "time_passed"


def test_the_read_time_rule_requires_no_recorded_end_and_the_category_in_the_mission(opened, team):
    assert open_glass_categories([team.pk]).count() == 1
    team.continuity_categories.remove(team.continuity_categories.get(code="housing"))  # no listener here
    assert open_glass_categories([team.pk]).count() == 0
    team.continuity_categories.add(Category.objects.get(code="housing"))
    assert open_glass_categories([team.pk]).count() == 1
    GlassBreak.objects.filter(pk=opened.pk).update(ended_at=timezone.now(), end_reason="switched_off")
    assert open_glass_categories([team.pk]).count() == 0


@pytest.mark.parametrize("cause", ["follow_up_closed", "glass_switched_off", "time_passed", "another_team"])
def test_each_read_time_condition_closes_the_access_on_its_own_with_no_end_on_the_record(
    api, opened, person, team, other_team, colleague, cause
):
    """Defence in depth: a row changed straight in the tables (no listener writes the end) closes the
    access at the next read all the same, for each condition the rule repeats; and an access of
    another team is never one of this team's."""
    rows = {
        "follow_up_closed": PersonGroupObjectPermission,
        "glass_switched_off": Team,
        "time_passed": GlassBreak,
    }
    if cause == "follow_up_closed":  # following is the team group's permission on the person
        rows[cause].objects.filter(content_object=person, group=team.group).delete()
    elif cause == "glass_switched_off":
        rows[cause].objects.filter(pk=team.pk).update(glass_break_allowed=False)
    elif cause == "time_passed":
        rows[cause].objects.filter(pk=opened.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert GlassBreak.objects.get(pk=opened.pk).ended_at is None
    asked = [other_team.pk] if cause == "another_team" else [team.pk]
    assert open_glass_categories(asked).count() == 0
    if cause != "another_team":
        assert open_glass_categories(None).count() == 0
        assert notes(api, colleague, person) == []


def test_a_team_change_that_fails_keeps_the_access_open(opened, team, manager, monkeypatch):
    from audit import recorder

    def failing(*args, **kwargs):
        raise RuntimeError("the log is down")

    real = recorder.record
    monkeypatch.setattr(
        recorder,
        "record",
        lambda actor, *events: (
            failing() if any(e.action == "glass_break.end" for e in events) else real(actor, *events)
        ),
    )
    with pytest.raises(RuntimeError):
        team_services.update_team(by=manager, team=team, glass_break_allowed=False)
    opened.refresh_from_db()
    team.refresh_from_db()
    assert opened.ended_at is None and team.glass_break_allowed


def test_already_readable_is_decided_for_the_team_asked_for(api, person, team, other_team, worker):
    both = make_member(team)
    team_services.add_member(by=UserFactory(is_manager=True), team=other_team, user=both)
    Membership.objects.filter(user=both).update(commitment_accepted_at=timezone.now())
    follow_ups.open_follow_up(
        user=worker, person_id=person.pk, team_id=other_team.pk, presence="in_person", confirmed=True
    )
    give_consent(person, team, ["contact"], by=worker)  # the member's first team reads contact first
    give_consent(person, other_team, ["contact"], by=worker)
    refused = api.as_(both).post(OPEN.format(person.pk), body(other_team, ["contact"]), format="json")
    assert refused.status_code == 400 and "categories" in refused.json()
    event = AccessEvent.objects.filter(action="glass_break.open").last()
    assert (event.outcome, event.reason, event.team_id) == ("denied", "already_readable", other_team.pk)
    assert not GlassBreak.objects.exists()


def test_the_auditors_api_page_and_csv_name_the_access_behind_a_read(
    api, web, opened, person, colleague, auditor
):
    notes(api, colleague, person)
    read = AccessEvent.objects.filter(action="note.list", actor_id=colleague.pk).last()
    listed = api.as_(auditor).get("/api/v1/audit/events/", {"action": "note.list"}).json()["results"]
    shown = next(e for e in listed if e["id"] == read.pk)
    assert shown["glass_break"] == opened.pk and shown["consent"] is None
    csv = b"".join(api.as_(auditor).get("/api/v1/audit/events/?format=csv").streaming_content).decode()
    header, *rows = csv.splitlines()
    column = header.split(",").index("glass_break")
    row = next(r.split(",") for r in rows if r.split(",")[0] == str(read.pk))
    assert row[column] == str(opened.pk)
    page = web.as_(auditor).get("/audit/", {"action": "note.list"}).content.decode()
    assert f"urgence n° {opened.pk}" in page


def test_an_ended_access_shows_when_and_why_it_ended(api, web, opened, team, manager, auditor):
    team_services.update_team(by=manager, team=team, glass_break_allowed=False)
    (shown,) = api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json()
    assert shown["end_reason"] == "switched_off" and shown["ended_at"] and shown["ended_by"] == manager.pk
    page = web.as_(auditor).get("/audit/emergencies/").content.decode()
    assert "Terminé" in page and "ont désactivé l’accès d’urgence" in page


def test_the_one_who_opened_it_cannot_review_it(api, person, team, auditor):
    Membership.objects.create(user=auditor, team=team, commitment_accepted_at=timezone.now())
    auditor.groups.add(team.group)
    assert api.as_(auditor).post(OPEN.format(person.pk), body(team), format="json").status_code == 201
    glass_id = GlassBreak.objects.get().pk
    Membership.objects.filter(user=auditor).delete()  # no longer of the team: still the one who opened it
    response = api.as_(auditor).post(
        f"/api/v1/audit/emergency-accesses/{glass_id}/review/",
        {"verdict": "justified", "comment": "Justifié."},
        format="json",
    )
    assert response.status_code == 403 and GlassBreak.objects.get().reviewed_at is None
    event = AccessEvent.objects.filter(action="glass_break.review").last()
    assert (event.outcome, event.reason, event.person_id) == ("denied", "NotIndependent", person.pk)


def test_a_member_of_its_team_cannot_review_it_on_the_page_either(web, opened, team):
    insider = make_member(team, is_auditor=True)
    page = web.as_(insider).get("/audit/emergencies/").content.decode()
    assert "un autre auditeur" in page and f'action="/audit/emergencies/{opened.pk}/review/"' not in page
    response = web.post(f"/audit/emergencies/{opened.pk}/review/", {"verdict": "justified", "comment": "Vu."})
    assert response.status_code == 403 and GlassBreak.objects.get().reviewed_at is None


def test_the_database_refuses_a_review_by_the_one_who_opened_it(opened):
    with pytest.raises(IntegrityError), transaction.atomic():
        GlassBreak.objects.filter(pk=opened.pk).update(
            reviewed_by=opened.opened_by, reviewed_at=timezone.now(), verdict="justified"
        )


def test_a_verdict_is_written_once(api, opened, auditor):
    other = UserFactory(is_auditor=True)
    review = f"/api/v1/audit/emergency-accesses/{opened.pk}/review/"
    first = api.as_(auditor).post(review, {"verdict": "justified", "comment": "Oui."}, format="json")
    second = api.as_(other).post(review, {"verdict": "not_justified", "comment": "Non."}, format="json")
    assert (first.status_code, second.status_code) == (200, 400)
    opened.refresh_from_db()
    assert (opened.verdict, opened.reviewed_by) == ("justified", auditor)


def test_the_person_sees_in_their_space_that_it_ended_and_why(web, opened, person, team, manager):
    from tests.factories import make_portal_account

    jo = make_portal_account(person, "jo")
    team_services.update_team(by=manager, team=team, glass_break_allowed=False)
    home = web.as_(jo).get("/portal/").content.decode()
    assert "Il a pris fin le" in home and "les responsables de l’équipe ont désactivé" in home
    journal = web.get("/portal/journal/").content.decode()
    assert "Un accès d’urgence à vos informations a pris fin." in journal


def test_what_the_person_refuses_or_withdraws_after_it_opened_closes_to_it_unless_life_is_in_danger(
    api, person, team, worker, colleague
):
    from consent.consents import services as consent_services

    make_note(person, worker, team, "housing")
    make_note(person, worker, team, "support_plan")
    api.as_(colleague).post(OPEN.format(person.pk), body(team, ["housing"]), format="json")
    api.as_(colleague).post(
        OPEN.format(person.pk), body(team, ["support_plan"], reason="danger_to_life"), format="json"
    )
    assert len(notes(api, colleague, person)) == 2
    consent = give_consent(person, team, ["contact"], by=worker)  # housing and support_plan left out
    assert len(notes(api, colleague, person)) == 1  # only the danger to life reads on
    consent_services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    assert len(notes(api, colleague, person)) == 1
