"""Auditors' pages: the log with filters and pagination, the chart, what deserves a look, integrity."""

import time

import pytest
from django.conf import settings

from audit import chain, recorder
from audit.models import AccessEvent
from audit.recorder import Event
from tests.factories import UserFactory, make_member, make_person, write_events


def test_the_log_page_lists_filters_and_records_its_reading(web, auditor, shared, person, colleague, api):
    api.as_(colleague).get(f"/api/v1/persons/{person.pk}/notes/")
    page = web.as_(auditor).get("/audit/", {"action": "note.list"}).content.decode()
    assert "note.list" in page and "person.view" not in page.split("Événements")[-1].split("<tbody>")[1]
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.actor_id, event.reason) == ("audit.view", auditor.pk, "action=note.list")


def test_the_log_page_paginates(web, auditor):
    write_events(120)
    page = web.as_(auditor).get("/audit/").content.decode()
    assert "Page 1 sur 3" in page and 'rel="next"' in page


def test_the_chart_draws_allowed_and_denied_days(web, auditor, db):
    write_events(3)
    recorder.record(None, Event(action="auth.login_failed", outcome="denied"))
    page = web.as_(auditor).get("/audit/").content.decode()
    assert page.count('<rect class="allowed"') == 31 and "<svg" in page


def test_the_csv_link_exports_with_the_same_filters(web, auditor, db):
    write_events(4, action="person.view")
    page = web.as_(auditor).get("/audit/", {"action": "person.view"}).content.decode()
    assert "/api/v1/audit/events/?action=person.view&amp;format=csv" in page
    response = web.get("/api/v1/audit/events/?action=person.view&format=csv")
    assert response.status_code == 200 and len(b"".join(response.streaming_content).splitlines()) == 5


def test_bad_filters_are_shown_not_a_500(web, auditor):
    response = web.as_(auditor).get("/audit/", {"since": "hier"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_what_deserves_a_look(web, auditor, team, monkeypatch):
    prowler = make_member(team, display_name="Rôdeur")
    recorder.record(prowler, *(Event(action="person.view", outcome="denied", person_id=i) for i in range(6)))
    reader = make_member(team, display_name="Grand lecteur")
    persons = [make_person(team) for _ in range(21)]
    recorder.record(reader, *(Event(action="person.view", person_id=p.pk) for p in persons))
    night = time.mktime((2026, 11, 20, 2, 30, 0, 0, 0, -1)) * 10**9
    real = time.time_ns
    monkeypatch.setattr(chain.time, "time_ns", lambda: int(night))
    owl = make_member(team, display_name="Hibou")
    recorder.record(owl, Event(action="note.list", person_id=persons[0].pk))
    monkeypatch.setattr(chain.time, "time_ns", real)
    page = web.as_(auditor).get("/audit/").content.decode()
    assert "Rôdeur : 6 tentatives refusées" in page
    assert "Grand lecteur : 21 personnes différentes" in page
    assert "Hibou : 1 lectures la nuit" in page


def test_a_manager_who_gives_themselves_access_is_pointed_out(web, api, auditor, team):
    boss = UserFactory(is_manager=True, display_name="Cheffe")
    colleague = UserFactory(display_name="Collègue")
    for user in (colleague, boss):
        response = api.as_(boss).post(
            f"/api/v1/teams/{team.pk}/memberships/",
            {"user": user.pk, "profession": "éducatrice"},
            format="json",
        )
        assert response.status_code == 201
    page = web.as_(auditor).get("/audit/").content.decode()
    assert "Cheffe s’est donné accès le" in page or "Cheffe s'est donné accès le" in page
    assert page.count("donné accès") == 1  # adding a colleague is the job, not a signal
    assert f'href="?actor={boss.pk}"' in page


def test_verification_from_the_page(web, auditor):
    write_events(5)
    response = web.as_(auditor).post("/audit/integrity/")
    checked = 5 + settings.RELAIS_AUDIT_CHAINS  # and the first event of each chain
    assert (
        "Intact" in response.content.decode()
        and f"{checked} événements vérifiés" in response.content.decode()
    )
    assert AccessEvent.objects.order_by("-id").first().action == "audit.verify"


@pytest.mark.parametrize("url", ["/audit/", "/audit/integrity/"])
def test_only_auditors_reach_the_log_pages(web, worker, url):
    manager = UserFactory(is_manager=True, is_superuser=True)
    for user in (worker, manager):
        assert web.as_(user).get(url).status_code == 403
    assert AccessEvent.objects.filter(outcome="denied", actor_id=manager.pk).exists()


# The session and the user; the log's count and page; the chart with the signals counted per actor
# and day (one statement: ``insights.closed_days_tally``, over the days not kept yet) and the latest
# anchor its kept days depend on (``selectors.tally_marker``); the category labels and the names of
# the persons shown; the acts the other signals read one by one (one statement: ``insights._acts``);
# the append. Whatever the rows.
AUDIT_PAGE_QUERIES = 13


@pytest.mark.parametrize("rows", [10, 100])
def test_log_page_query_count_does_not_grow_with_rows(web, auditor, rows, django_assert_num_queries):
    write_events(rows)
    web.as_(auditor)
    with django_assert_num_queries(AUDIT_PAGE_QUERIES):
        assert web.get("/audit/").status_code == 200


def _event_rows(page: str) -> str:
    return page.split("<tbody>")[-1].split("</tbody>")[0]


def test_an_auditor_filters_by_a_persons_name_ignoring_accents(web, auditor, team, worker):
    joelle = make_person(team, display_name="Joëlle")
    other = make_person(team, display_name="Zéphyrine")
    recorder.record(worker, Event(action="person.view", person_id=joelle.pk, team_id=team.pk))
    recorder.record(worker, Event(action="person.view", person_id=other.pk, team_id=team.pk))
    rows = _event_rows(web.as_(auditor).get("/audit/", {"person_name": "JOELLE"}).content.decode())
    assert f"#{joelle.pk}" in rows and "Joëlle" in rows and "Zéphyrine" not in rows


def test_an_auditor_filters_by_an_actors_and_a_teams_name(web, auditor, team, other_team):
    camille = make_member(team, display_name="Camille Roux")
    nadia = make_member(other_team, display_name="Nadia Keller")
    recorder.record(camille, Event(action="person.view", person_id=1, team_id=team.pk))
    recorder.record(nadia, Event(action="note.list", person_id=2, team_id=other_team.pk))
    by_actor = _event_rows(web.as_(auditor).get("/audit/", {"actor_name": "camille"}).content.decode())
    assert "Camille Roux" in by_actor and "Nadia" not in by_actor
    by_team = _event_rows(web.get("/audit/", {"team_name": other_team.name.upper()}).content.decode())
    assert "Nadia Keller" in by_team and "Camille" not in by_team and other_team.name in by_team


def test_a_name_that_matches_nobody_lists_nothing(web, auditor, team, worker):
    recorder.record(worker, Event(action="person.view", person_id=1, team_id=team.pk))
    page = web.as_(auditor).get("/audit/", {"person_name": "personne inconnue"}).content.decode()
    assert "Aucun événement ne correspond" in _event_rows(page)
    assert "Exporter en CSV" not in page  # the export filters by id and would export more


def test_the_action_is_chosen_from_a_list_in_the_readers_language(web, auditor):
    page = web.as_(auditor).get("/audit/").content.decode()
    assert '<select id="f-action" name="action">' in page
    assert '<option value="note.list">Notes lues</option>' in page


def test_rows_name_the_team_and_the_person_next_to_their_ids(web, auditor, team, worker):
    joelle = make_person(team, display_name="Joëlle")
    recorder.record(worker, Event(action="note.list", person_id=joelle.pk, team_id=team.pk))
    rows = _event_rows(web.as_(auditor).get("/audit/", {"action": "note.list"}).content.decode())
    assert f'Joëlle <span class="muted">#{joelle.pk}</span>' in rows
    assert f'{team.name} <span class="muted">#{team.pk}</span>' in rows


def test_an_invalid_filter_shows_its_error_in_words_and_lists_nothing(web, auditor, team, worker):
    recorder.record(worker, Event(action="person.view", person_id=1, team_id=team.pk))
    page = web.as_(auditor).get("/audit/", {"actor": "abc"}).content.decode()
    assert "Auteur (identifiant) :" in page and "actor:" not in page
    rows = _event_rows(page)
    assert "Corrigez le filtre" in rows and "person.view" not in rows


def test_an_auditors_own_views_of_the_log_are_grouped(web, auditor):
    web.as_(auditor)
    for _ in range(4):
        web.get("/audit/")
    rows = _event_rows(web.get("/audit/").content.decode())
    assert rows.count('class="grouped"') == 1 and "4 fois de suite" in rows


def open_emergencies(team, worker, rows):
    """``rows`` emergency accesses waiting for a verdict, of as many persons, each naming a category."""
    from datetime import timedelta

    from django.utils import timezone

    from consent.models import GlassBreak
    from teams.models import Category

    category = Category.objects.get(code="housing")
    for i in range(rows):
        glass = GlassBreak.objects.create(
            person=make_person(team, display_name=f"Personne {i}"),
            team=team,
            opened_by=worker,
            reason="cannot_be_asked",
            statement="Injoignable.",
            ends_at=timezone.now() + timedelta(hours=4),
        )
        glass.categories.add(category)


# The queue, its categories, the auditor's teams (who may review which: separation of duties), the
# menu's roles with the user, and the listing's event.
EMERGENCY_QUEUE_QUERIES = 9


@pytest.mark.parametrize("rows", [10, 100])
def test_emergency_queue_page_query_count_is_pinned(web, team, worker, rows, django_assert_num_queries):
    open_emergencies(team, worker, rows)
    web.as_(UserFactory(is_auditor=True))
    with django_assert_num_queries(EMERGENCY_QUEUE_QUERIES):
        page = web.get("/audit/emergencies/")
    assert page.status_code == 200
    assert page.content.decode().count('action="/audit/emergencies/') == rows


def test_the_emergency_queue_offers_no_review_to_a_member_of_the_team(web, team, worker):
    """Separation of duties on the page as in the service: an auditor who is a member of the team
    that opened an emergency access sees it, and is offered no verdict on it."""
    open_emergencies(team, worker, 2)
    auditor = make_member(team, is_auditor=True)
    web.as_(auditor)
    page = web.get("/audit/emergencies/").content.decode()
    assert page.count("Personne ") == 2 and 'action="/audit/emergencies/' not in page
