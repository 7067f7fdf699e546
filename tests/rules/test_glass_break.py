"""Issue "Beyond the best", §1: breaking the glass is narrow, justified, brief and answered for."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AccessEvent
from consent.consents import services as consent_services
from consent.models import GlassBreak, Notice
from teams import services as team_services
from teams.models import Membership, Team
from tests.factories import (
    SYSTEM,
    follow,
    give_consent,
    make_member,
    make_note,
    make_person,
    make_portal_account,
    make_team,
)

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


def test_it_opens_chosen_categories_for_the_team_for_a_few_hours_and_names_itself_in_each_read(
    api, person, team, worker, colleague
):
    housing = make_note(person, worker, team, "housing", "Hébergement trouvé")
    plan = make_note(person, worker, team, "support_plan", "Projet")
    assert notes(api, colleague, person) == []
    response = api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    assert response.status_code == 201, response.content
    opened = GlassBreak.objects.get()
    assert timedelta(hours=3, minutes=59) < opened.ends_at - opened.opened_at <= timedelta(hours=4)
    assert notes(api, colleague, person) == [housing.pk]  # housing only: support_plan stays closed
    read = AccessEvent.objects.filter(action="note.list", actor_id=colleague.pk, outcome="allowed").last()
    assert read.data["glass_break"] == opened.pk and read.data["consent"] is None
    assert read.categories == ["housing"]
    assert plan.pk not in notes(api, colleague, person)
    GlassBreak.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    assert notes(api, colleague, person) == []  # over: closed to the second


def test_what_the_person_refused_or_withdrew_opens_only_for_a_danger_to_life(
    api, person, team, worker, colleague
):
    consent = give_consent(person, team, ["contact"], by=worker)
    consent_services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    refused = api.as_(colleague).post(OPEN.format(person.pk), body(team, ["contact"]), format="json")
    assert refused.status_code == 400 and "reason" in refused.json() and not GlassBreak.objects.exists()
    allowed = api.as_(colleague).post(
        OPEN.format(person.pk), body(team, ["contact"], reason="danger_to_life"), format="json"
    )
    assert allowed.status_code == 201


def test_what_the_person_refused_is_their_own_word_to_that_team(
    api, person, team, other_team, worker, colleague
):
    """Their latest consent to this team decides: not another person's, nor their word to another team."""
    give_consent(person, team, ["housing"], by=worker)  # contact is not shared with the team
    follow(person, other_team)
    give_consent(person, other_team, ["contact"], by=worker)
    give_consent(make_person(team), team, ["contact"], by=worker)
    refused = api.as_(colleague).post(OPEN.format(person.pk), body(team, ["contact"]), format="json")
    assert refused.status_code == 400 and "reason" in refused.json() and not GlassBreak.objects.exists()


def test_what_an_expired_consent_shared_was_not_refused(api, person, team, worker, colleague):
    """Run out is not refused: what the person's last consent shared opens without a danger to life."""
    from consent.models import Consent

    consent = give_consent(person, team, ["housing"], by=worker)
    Consent.objects.filter(pk=consent.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    opened = api.as_(colleague).post(OPEN.format(person.pk), body(team, ["housing"]), format="json")
    assert opened.status_code == 201, opened.content


def test_it_never_opens_a_team_that_does_not_follow_the_person(api, person, team, other_team, worker):
    nurse = make_member(other_team)
    assert (
        api.as_(nurse).post(OPEN.format(person.pk), body(other_team, ["health"]), format="json").status_code
        == 404
    )
    both = make_member(team)
    from teams.models import Membership

    Membership.objects.create(user=both, team=other_team, commitment_accepted_at=timezone.now())
    both.groups.add(other_team.group)
    response = api.as_(both).post(OPEN.format(person.pk), body(other_team, ["health"]), format="json")
    assert response.status_code == 400 and "team" in response.json()


def test_managers_turn_it_off_and_open_accesses_end_at_once(api, person, team, worker, colleague):
    make_note(person, worker, team, "housing")
    api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    assert len(notes(api, colleague, person)) == 1
    from tests.factories import UserFactory

    manager = UserFactory(is_manager=True)
    assert (
        api.as_(manager)
        .patch(f"/api/v1/teams/{team.pk}/", {"glass_break_allowed": False}, format="json")
        .status_code
        == 200
    )
    assert notes(api, colleague, person) == []
    assert api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json").status_code == 400
    changed = AccessEvent.objects.filter(action="team.update").last()
    assert changed.data["changes"]["glass_break_allowed"] == [True, False]


def test_the_hours_the_reason_and_the_sentence_are_checked(api, person, team, colleague):
    for bad in (
        body(team, hours=25),
        body(team, hours=0),
        body(team, reason="curiosity"),
        body(team, statement=""),
        body(team, categories=["health"]),
        body(team, categories=[]),
    ):
        assert api.as_(colleague).post(OPEN.format(person.pk), bad, format="json").status_code == 400, bad
    assert not GlassBreak.objects.exists()


def test_the_person_is_told_in_a_banner_their_journal_and_their_inbox(
    web, api, person, team, worker, colleague
):
    jo = make_portal_account(person, "jo")
    make_note(person, worker, team, "housing")
    api.as_(colleague).post(OPEN.format(person.pk), body(team, reason="danger_to_life"), format="json")
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    home = web.as_(jo).get("/portal/").content.decode()
    assert "a ouvert un accès d’urgence à vos informations" in home and "Raison : danger de mort" in home
    journal = web.get("/portal/journal/").content.decode()
    assert (
        "a ouvert un accès d’urgence à vos informations." in journal
        and "Accès d’urgence : danger de mort." in journal
    )
    assert Notice.objects.filter(kind="glass_broken", person=person).exists()
    glass_id = GlassBreak.objects.get().pk
    assert web.post(f"/portal/emergencies/{glass_id}/acknowledge/").status_code == 302
    assert "a ouvert un accès d’urgence" not in web.get("/portal/").content.decode()
    assert AccessEvent.objects.filter(action="glass_break.acknowledge", actor_id=jo.pk).count() == 1


def test_auditors_review_each_one_and_the_verdict_is_an_event(web, api, person, team, colleague, auditor):
    api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    glass_id = GlassBreak.objects.get().pk
    assert api.as_(colleague).get("/api/v1/audit/emergency-accesses/").status_code == 403
    queue = api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json()
    assert [g["id"] for g in queue] == [glass_id] and queue[0]["statement"] == "Hospitalisé, injoignable."
    page = web.as_(auditor).get("/audit/emergencies/").content.decode()
    assert "Hospitalisé, injoignable." in page
    refused = web.post(f"/audit/emergencies/{glass_id}/review/", {"verdict": "justified", "comment": ""})
    assert refused.status_code == 400 and GlassBreak.objects.get().reviewed_at is None
    done = web.post(
        f"/audit/emergencies/{glass_id}/review/",
        {"verdict": "justified", "comment": "Hospitalisation confirmée."},
    )
    assert done.status_code == 302
    reviewed = GlassBreak.objects.get()
    assert reviewed.verdict == "justified" and reviewed.reviewed_by == auditor
    event = AccessEvent.objects.get(action="glass_break.review")
    assert (
        event.data["glass_break"] == glass_id and event.reason == "justified" and event.person_id == person.pk
    )
    assert api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json() == []


def test_one_left_unreviewed_for_seven_days_deserves_a_look(
    web, api, person, team, colleague, auditor, monkeypatch
):
    from audit import insights
    from relais.web_urls import urlpatterns

    api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    glass_id = GlassBreak.objects.get().pk
    page = web.as_(auditor).get("/audit/").content.decode()
    assert "encore sans verdict après 7 jours" not in page
    # As if a week had passed (the log is never rewritten): the page waits no time at all.
    log_page = next(pattern for pattern in urlpatterns if pattern.name == "audit-log")
    monkeypatch.setitem(log_page.default_args, "glass_review_after", timedelta(days=-1))
    assert f"a ouvert l’accès d’urgence n° {glass_id}" in web.get("/audit/").content.decode()
    api.as_(auditor).post(
        f"/api/v1/audit/emergency-accesses/{glass_id}/review/",
        {"verdict": "not_justified", "comment": "Non."},
        format="json",
    )
    assert insights._glass_waiting(timedelta(days=-1), AccessEvent.objects.all()) == []


def test_the_sentence_is_encrypted_at_rest(api, person, team, colleague):
    api.as_(colleague).post(OPEN.format(person.pk), body(team), format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM consent_glassbreak")
        stored = cursor.fetchone()[0]
    assert "Hospitalisé" not in stored


@pytest.mark.parametrize("kind", ["peer", "colleague"])
def test_a_peer_worker_has_exactly_the_same_right(api, person, team, worker, peer, colleague, kind):
    user = peer if kind == "peer" else colleague
    response = api.as_(user).post(OPEN.format(person.pk), body(team), format="json")
    assert response.status_code == 201


def test_a_refused_emergency_access_through_the_page_answers_400_and_keeps_nothing(
    web, person, team, worker, colleague
):
    from consent.models import Notice

    give_consent(
        person, team, ["housing"], by=worker
    )  # support_plan left out: opens only for a danger to life
    before = (
        GlassBreak.objects.count(),
        Notice.objects.count(),
        AccessEvent.objects.filter(outcome="allowed").count(),
    )
    data = {
        "team": team.pk,
        "categories": ["support_plan"],
        "reason": "cannot_be_asked",
        "statement": "Urgent.",
        "hours": "4",
    }
    response = web.as_(colleague).post(f"/persons/{person.pk}/emergency/", data)
    assert response.status_code == 400 and "danger de mort" in response.content.decode()
    after = (
        GlassBreak.objects.count(),
        Notice.objects.count(),
        AccessEvent.objects.filter(outcome="allowed").count(),
    )
    assert after == before


REFUSALS = {
    # why: (the field the 400 names, the reason's words in English)
    "not_a_team_of_the_member": ("team", "Choose one of your teams that follows this person."),
    "team_does_not_follow": ("team", "Choose one of your teams that follows this person."),
    "switched_off": ("team", "The managers of Maraude Nord have turned emergency access off."),
    "beyond_the_mission": ("categories", "The mission of Maraude Nord does not need: Health."),
    "already_readable": ("categories", "Maraude Nord already reads: Housing (the person's consent)."),
    "refused_by_the_person": (
        "reason",
        "The person refused or withdrew Contact details, Support plan: only a danger to life opens it.",
    ),
}


@pytest.mark.parametrize("why", REFUSALS)
def test_each_refusal_names_its_field_says_why_and_is_recorded_as_an_attempt(
    api, person, team, other_team, worker, colleague, why
):
    """Each rule that keeps an emergency access closed: the field and the words of its 400 (in the
    caller's language), and the refused attempt on the record with its kind, person, team and
    categories; nothing opened."""
    asked_team, codes = team, ["housing"]
    if why == "not_a_team_of_the_member":
        follow(person, other_team)
        asked_team = other_team
    elif why == "team_does_not_follow":
        asked_team = make_team("Accueil de jour", ("housing",))
        team_services.add_member(by=SYSTEM, team=asked_team, user=colleague)
        Membership.objects.filter(user=colleague).update(commitment_accepted_at=timezone.now())
    elif why == "switched_off":
        Team.objects.filter(pk=team.pk).update(glass_break_allowed=False)
    elif why == "beyond_the_mission":
        codes = ["health"]
    elif why == "already_readable":
        give_consent(person, team, ["housing"], by=worker)
    elif why == "refused_by_the_person":
        give_consent(person, team, ["housing"], by=worker)
        codes = ["contact", "support_plan"]
    field, words = REFUSALS[why]
    refused = api.as_(colleague).post(
        OPEN.format(person.pk), body(asked_team, codes), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()[field] == [words]
    assert not GlassBreak.objects.exists()
    attempt = AccessEvent.objects.get(action="glass_break.open")
    assert (attempt.outcome, attempt.actor_id, attempt.reason) == ("denied", colleague.pk, why)
    assert attempt.object_type == "glass_break"
    assert (attempt.person_id, attempt.team_id, attempt.categories) == (person.pk, asked_team.pk, codes)


def test_the_person_page_offers_an_emergency_access_exactly_when_something_is_left_to_open(
    person, team, worker
):
    """The page's "Break the glass" (``anything_openable``) is ``openable``'s answer, whatever is
    shared: the whole mission before consent, nothing once consent shares all of it, the rest after
    a narrower consent, nothing where the team does not allow it."""
    from access.grants import readership_of
    from access.who_is_asking import member_for
    from consent.emergency import services as glass

    def offered() -> bool:
        member, readership = member_for(worker), readership_of(person.pk)
        answer = glass.anything_openable(member, person, readership)
        assert answer == bool(glass.openable(member, person, readership))
        return answer

    mission = list(team.continuity_categories.values_list("code", flat=True))
    assert len(mission) > 1 and offered()
    give_consent(person, team, mission, by=worker)
    assert not offered()
    give_consent(person, team, mission[:1], by=worker)  # a narrower consent replaces it
    assert offered()
    Team.objects.filter(pk=team.pk).update(glass_break_allowed=False)
    assert not offered()
