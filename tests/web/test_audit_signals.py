"""Issue 21, item 16: "deserves a look" points out a lock-out after repeated failed sign-ins, two
emergency accesses within an hour (by one member, or for one team), and a manager who created an
account and put it in a team; the emergency queue names the person as the log does."""

from consent.emergency import services as glass
from tests.factories import UserFactory, make_person


def _page(web, auditor) -> str:
    return web.as_(auditor).get("/audit/").content.decode().replace("&#x27;", "'").replace("’", "'")


def _fail_to_sign_in(web, username: str, times: int) -> None:
    for _ in range(times):
        web.post("/login/", {"username": username, "password": "pas le bon"})


def test_a_lock_out_deserves_a_look(web, auditor, worker, settings):
    _fail_to_sign_in(web, worker.username, settings.AXES_FAILURE_LIMIT + 1)
    web.logout()
    page = _page(web, auditor)
    assert f"{worker.username} : connexions bloquées le" in page
    assert "Rien d'inhabituel" not in page


def test_a_few_wrong_passwords_are_no_lock_out(web, auditor, worker):
    _fail_to_sign_in(web, worker.username, 2)
    web.logout()
    assert "connexions bloquées" not in _page(web, auditor)


def _glass(user, person, team):
    return glass.break_glass(
        user=user,
        person_id=person.pk,
        team_id=team.pk,
        categories=["housing"],
        reason="cannot_be_asked",
        statement="Hospitalisé, injoignable.",
    )


def test_two_emergency_accesses_within_an_hour_by_one_member_deserve_a_look(web, auditor, worker, team):
    _glass(worker, make_person(team, display_name="Karim"), team)
    _glass(worker, make_person(team, display_name="Jo"), team)
    page = _page(web, auditor)
    assert f"{worker.label} a ouvert 2 accès d'urgence à moins d'une heure d'intervalle" in page
    assert f"Équipe n° {team.pk} : 2 accès d'urgence à moins d'une heure d'intervalle" in page


def test_one_emergency_access_is_no_signal(web, auditor, worker, team):
    _glass(worker, make_person(team, display_name="Karim"), team)
    assert "moins d'une heure d'intervalle" not in _page(web, auditor)


def test_two_members_of_one_team_within_an_hour_point_out_the_team(web, auditor, worker, colleague, team):
    _glass(worker, make_person(team, display_name="Karim"), team)
    _glass(colleague, make_person(team, display_name="Jo"), team)
    page = _page(web, auditor)
    assert f"Équipe n° {team.pk} : 2 accès d'urgence" in page
    assert f"{worker.label} a ouvert" not in page


def test_a_manager_who_creates_an_account_and_adds_it_to_a_team_deserves_a_look(web, api, auditor, team):
    boss = UserFactory(is_manager=True, display_name="Cheffe")
    created = api.as_(boss).post("/api/v1/users/", {"username": "nouvelle"}, format="json")
    assert created.status_code == 201, created.content
    response = api.post(
        f"/api/v1/teams/{team.pk}/memberships/",
        {"user": created.json()["id"], "profession": "éducatrice"},
        format="json",
    )
    assert response.status_code == 201
    page = _page(web, auditor)
    assert "Cheffe a créé un compte et l'a ajouté à une équipe le" in page


def test_adding_an_existing_colleague_is_no_signal(web, api, auditor, team):
    boss = UserFactory(is_manager=True, display_name="Cheffe")
    colleague = UserFactory(display_name="Collègue")
    api.as_(boss).post(
        f"/api/v1/teams/{team.pk}/memberships/", {"user": colleague.pk, "profession": "x"}, format="json"
    )
    assert "a créé un compte" not in _page(web, auditor)


def test_the_emergency_queue_names_the_person_as_the_log_does(web, auditor, worker, team):
    karim = make_person(team, display_name="Karim")
    _glass(worker, karim, team)
    page = web.as_(auditor).get("/audit/emergencies/").content.decode()
    assert f"Karim (n° {karim.pk})" in page


def test_the_emergency_queue_api_names_the_person_too(api, auditor, worker, team):
    karim = make_person(team, display_name="Karim")
    _glass(worker, karim, team)
    rows = api.as_(auditor).get("/api/v1/audit/emergency-accesses/").json()
    assert [(row["person"], row["person_name"]) for row in rows] == [(karim.pk, "Karim")]
