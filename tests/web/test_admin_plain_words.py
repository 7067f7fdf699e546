"""Issue 21, item 17: the administration keeps portal accounts (persons, representatives) apart from
the teams' staff and never offers them as members; it speaks without Django's jargon, switches
language, and the service's small things are in place (the lock-out page's way back, a favicon, the
README's word on the demo's emergency access)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from core.domain_errors import Invalid
from teams import services as team_services
from tests.factories import (
    SYSTEM,
    UserFactory,
    make_portal_account,
    make_representative,
)

# Pages of the administration that render what the services answer (the rules and the API's tests run
# on both databases): one database is enough.
pytestmark = pytest.mark.any_database


@pytest.fixture
def manager(db):
    return UserFactory(username="direction", is_manager=True)


@pytest.fixture
def portal_accounts(person, worker):
    jo = make_portal_account(person, "jo")
    _agent, lucie = make_representative(person, by=worker, username="lucie", name="Lucie Marchand")
    return jo, lucie


def _rows(page: str) -> str:
    return page.split('id="result_list"')[-1].split("</table>")[0]


def test_the_accounts_list_shows_staff_only_by_default(web, manager, worker, portal_accounts):
    rows = _rows(web.as_(manager).get("/admin/teams/user/").content.decode())
    assert "camille" in rows
    assert ">jo<" not in rows and ">lucie<" not in rows


def test_persons_and_representatives_spaces_are_listed_apart(web, worker, portal_accounts):
    web.as_(UserFactory(username="root", is_superuser=True, is_staff=True, organisation=None))
    persons = _rows(web.get("/admin/teams/user/?kind=person").content.decode())
    assert ">jo<" in persons and "camille" not in persons and ">lucie<" not in persons
    agents = _rows(web.get("/admin/teams/user/?kind=representative").content.decode())
    assert ">lucie<" in agents and "camille" not in agents and ">jo<" not in agents


def test_an_organisations_manager_sees_no_persons_or_representatives_spaces(web, manager, portal_accounts):
    """They belong to no organisation: the deployment's administrators alone see them."""
    web.as_(manager)
    assert ">jo<" not in _rows(web.get("/admin/teams/user/?kind=person").content.decode())
    assert ">lucie<" not in _rows(web.get("/admin/teams/user/?kind=representative").content.decode())


def test_portal_accounts_are_never_offered_as_team_members(web, manager, team, worker, portal_accounts):
    page = web.as_(manager).get(f"/admin/teams/team/{team.pk}/change/").content.decode()
    choices = page.split('name="memberships-0-user"')[1].split("</select>")[0]
    assert ">jo<" not in choices and ">lucie<" not in choices


def test_a_representatives_space_cannot_join_a_team(team, portal_accounts):
    _jo, lucie = portal_accounts
    with pytest.raises(Invalid):
        team_services.add_member(by=SYSTEM, team=team, user=lucie, profession="x")


def test_the_team_page_speaks_without_django_jargon(web, manager, team, worker):
    page = web.as_(manager).get(f"/admin/teams/team/{team.pk}/change/").content.decode()
    assert "objet" not in page and "Appartenance" not in page
    assert " @ " not in page
    assert f"{worker.label}, membre de Maraude Nord" in page
    assert "Ajouter : Membre" in page


def test_an_accounts_page_shows_no_password_hash(web, manager, worker):
    page = web.as_(manager).get(f"/admin/teams/user/{worker.pk}/change/").content.decode()
    for jargon in ("md5$", "pbkdf2", "algorithme", "hachage", "Mot de passe brut"):
        assert jargon not in page


def test_the_administration_switches_language(web, manager):
    page = web.as_(manager).get("/admin/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'value="en"' in page
    web.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Relais administration" in web.get("/admin/").content.decode()


def test_the_lock_out_page_leads_back_to_signing_in(web, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = web.post("/login/", {"username": worker.username, "password": "pas le bon"})
    assert response.status_code == 429
    assert 'href="/login/"' in response.content.decode()


def test_the_favicon_is_served_and_linked(web, worker):
    icon = web.get("/favicon.ico")
    assert icon.status_code == 200 and b"".join(icon.streaming_content).startswith(b"\x00\x00\x01\x00")
    page = web.as_(worker).get("/persons/").content.decode()
    assert 'rel="icon"' in page
    assert finders.find("relais/favicon.svg")  # the page's link: a static file, like the style sheet


def test_the_readme_says_the_demo_opens_with_an_emergency_access_on_karim():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "emergency access on Karim" in readme
