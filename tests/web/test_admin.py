"""Managers administer teams, memberships, categories, accounts and portal codes, and nothing of
person data (R4)."""

import html

import pytest
from django.contrib.auth.models import Group

from consent.consents import services as consent_services
from consent.models import PortalInvitation
from teams.models import Team
from tests.factories import UserFactory, make_member

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database


@pytest.fixture
def manager(db):
    return UserFactory(username="direction", is_manager=True)


def test_a_manager_creates_a_team_with_its_needs_and_a_member(web, manager):
    newcomer = UserFactory(username="nouvelle")
    response = web.as_(manager).post(
        "/admin/teams/team/add/",
        {
            "name": "Équipe mobile",
            "continuity_categories": ["1", "2"],
            "commitment_text": "Je m'engage.",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(newcomer.pk),
            "memberships-0-profession": "médiatrice de santé paire",
            "memberships-0-is_peer_worker": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    team = Team.objects.get(name="Équipe mobile")
    assert team.continuity_categories.count() == 2
    assert team.group in newcomer.groups.all()


def test_removing_a_membership_takes_the_user_out_of_the_team_group(web, manager, team):
    member = make_member(team)
    membership = member.memberships.get()
    data = {
        "name": team.name,
        "continuity_categories": [str(c.pk) for c in team.continuity_categories.all()],
        "commitment_text": team.commitment_text,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-team": str(team.pk),
        "memberships-0-user": str(member.pk),
        "memberships-0-profession": membership.profession,
        "memberships-0-DELETE": "on",
    }
    response = web.as_(manager).post(f"/admin/teams/team/{team.pk}/change/", data)
    assert response.status_code == 302
    assert not Group.objects.get(pk=team.group_id).user_set.filter(pk=member.pk).exists()


def test_the_administration_holds_no_person_data(web, manager):
    index = web.as_(manager).get("/admin/").content.decode()
    for absent in (
        "/admin/records/person/",
        "/admin/records/note/",
        "/admin/consent/consent/",
        "/admin/audit/",
    ):
        assert absent not in index
        assert web.get(absent).status_code == 404
    assert "/admin/authtoken/" not in index and "/admin/auth/group/" not in index


def test_portal_codes_show_the_person_by_number_and_can_be_cancelled(web, manager, team, worker):
    from tests.factories import make_person

    person = make_person(team, display_name="Témoin Singulier")
    consent_services.invite_to_portal(user=worker, person_id=person.pk)
    invitation = PortalInvitation.objects.get()
    listing = web.as_(manager).get("/admin/consent/portalinvitation/").content.decode()
    assert f"#{person.pk}" in listing and person.display_name not in listing
    web.post(
        "/admin/consent/portalinvitation/",
        {"action": "expire_now", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    from django.utils import timezone

    assert invitation.expires_at <= timezone.now()


def test_a_manager_cannot_take_over_a_superuser(web, manager):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = web.as_(manager).post(
        f"/admin/teams/user/{root.pk}/password/", {"password1": "x" * 12, "password2": "x" * 12}
    )
    assert response.status_code == 403


def test_members_and_auditors_are_not_let_in(web, worker, auditor):
    for user in (worker, auditor):
        assert web.as_(user).get("/admin/").status_code in (302, 403)
        assert web.get("/admin/teams/team/").status_code in (302, 403)


def test_the_administration_signs_in_through_the_recorded_page(web, db):
    response = web.get("/admin/")
    assert response.status_code == 302
    follow = web.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith("/login/?next=/admin/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/teams/team/",
        "/admin/teams/team/add/",
        "/admin/teams/user/add/",
        "/admin/teams/user/{worker}/change/",
    ],
)
def test_the_administration_speaks_french_with_labels_not_codes(web, manager, url):
    from tests.factories import make_team

    worker = make_member(make_team("Maraude Nord"))
    page = web.as_(manager).get(url.format(worker=worker.pk)).content.decode()
    for english in ("Created at", "User :", "Ajout de ", "Modification de ", "If disabled", ">support_plan<"):
        assert english not in page, english
    if url.endswith("/team/add/"):
        # The apostrophe escaped as either engine escapes it (widgets are Jinja2's: web.form_renderer).
        shown = html.unescape(page)
        assert "Ajouter : équipe" in shown and "Projet d'accompagnement" in shown and "Compte" in shown


def test_the_auditors_page_says_refusal_reasons_in_words(web, db):
    from audit import recorder
    from audit.models import Action

    recorder.deny(None, Action.PORTAL_ACTIVATE, object_type="portal_invitation", reason="unknown code")
    page = web.as_(UserFactory(is_auditor=True)).get("/audit/").content.decode()
    assert "code inconnu" in page and "unknown code" not in page
