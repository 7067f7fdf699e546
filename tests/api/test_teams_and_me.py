"""Managers' endpoints, the signed-in user, token authentication."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from teams.models import Membership, User
from tests.factories import PASSWORD, UserFactory, make_member

# The administration's API and the demo, through the services (the rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


def test_manager_creates_an_account_a_team_and_a_membership(api, db):
    manager = UserFactory(is_manager=True)
    client = api.as_(manager)
    user = client.post("/api/v1/users/", {"username": "amina", "display_name": "Amina"})
    assert user.status_code == 201, user.content
    team = client.post("/api/v1/teams/", {"name": "ACT Sud", "continuity_categories": ["health", "housing"]})
    assert team.status_code == 201, team.content
    assert sorted(team.json()["continuity_categories"]) == ["health", "housing"]
    membership = client.post(
        f"/api/v1/teams/{team.json()['id']}/memberships/",
        {"user": user.json()["id"], "profession": "médiatrice de santé paire", "is_peer_worker": True},
    )
    assert membership.status_code == 201, membership.content
    amina = User.objects.get(username="amina")
    assert amina.groups.filter(team__name="ACT Sud").exists()
    deleted = client.delete(f"/api/v1/teams/{team.json()['id']}/memberships/{membership.json()['id']}/")
    assert deleted.status_code == 204
    assert not amina.groups.exists()


def test_manager_changes_continuity_categories(api, team, db):
    manager = UserFactory(is_manager=True)
    response = api.as_(manager).patch(f"/api/v1/teams/{team.pk}/", {"continuity_categories": ["housing"]})
    assert response.status_code == 200 and response.json()["continuity_categories"] == ["housing"]


def test_unknown_category_for_a_team_is_a_400(api, db):
    manager = UserFactory(is_manager=True)
    response = api.as_(manager).post("/api/v1/teams/", {"name": "X", "continuity_categories": ["astrology"]})
    assert response.status_code == 400 and "continuity_categories" in response.json()


def test_a_password_given_by_a_manager_is_refused_with_a_reason_and_makes_no_account(api, db):
    manager = UserFactory(is_manager=True)
    response = api.as_(manager).post("/api/v1/users/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 400 and list(response.json()) == ["password"]


def test_a_manager_gives_no_password_the_users_api_refuses_one_with_a_reason(api, db):
    manager = UserFactory(is_manager=True)
    response = api.as_(manager).post(
        "/api/v1/users/", {"username": "bob", "password": "un mot de passe long"}
    )
    assert response.status_code == 400 and "password" in response.json()
    assert not User.objects.filter(username="bob").exists()


def test_members_cannot_manage(api, worker):
    assert api.as_(worker).get("/api/v1/users/").status_code == 403
    assert api.as_(worker).post("/api/v1/teams/", {"name": "X"}).status_code == 403


def test_me_tells_teams_commitment_and_roles(api, team):
    newcomer = make_member(team, accepted=False, profession="travailleuse paire", peer=True)
    body = api.as_(newcomer).get("/api/v1/me/").json()
    assert body["roles"] == ["member"]
    assert body["teams"][0]["team"]["name"] == team.name
    assert body["commitment"]["accepted"] is False and body["commitment"]["pending_teams"] == [team.name]
    assert api.as_(newcomer).post("/api/v1/me/commitment/").json()["commitment"]["accepted"] is True
    assert Membership.objects.get(user=newcomer).commitment_accepted_at is not None


def test_token_authentication(api, worker, person):
    token = api.post("/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD}).json()[
        "token"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/persons/").json()["count"] == 1


def test_wrong_password_is_a_readable_400(api, worker):
    response = api.post("/api/v1/auth/token/", {"username": worker.username, "password": "nope"})
    assert response.status_code == 400 and response.json()["detail"]


def test_categories_registry_has_the_eight_defaults(api, worker):
    codes = [c["code"] for c in api.as_(worker).get("/api/v1/categories/").json()["results"]]
    assert codes == [
        "contact",
        "housing",
        "support_plan",
        "administrative",
        "health",
        "addiction",
        "justice",
        "family",
    ]


def test_portal_invitation_gives_a_code_kept_only_as_a_hash(api, person, worker):
    response = api.as_(worker).post(f"/api/v1/persons/{person.pk}/portal-invitation/")
    assert response.status_code == 201
    code = response.json()["code"]
    invitation = person.portal_invitations.get()
    assert code not in invitation.code_hash and len(code) == 14


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo")
    counts = [User.objects.count(), Membership.objects.count()]
    call_command("seed_demo")
    assert [User.objects.count(), Membership.objects.count()] == counts
    assert "relais-demo-2026" in capsys.readouterr().out


def test_a_team_name_as_long_as_allowed_is_accepted_and_renamed(api, db):
    from tests.factories import UserFactory

    manager = UserFactory(is_manager=True)
    client = api.as_(manager)
    created = client.post("/api/v1/teams/", {"name": "n" * 150, "continuity_categories": []}, format="json")
    assert created.status_code == 201, created.content
    renamed = client.patch(f"/api/v1/teams/{created.json()['id']}/", {"name": "m" * 150}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "m" * 150


def test_the_demo_has_a_peer_worker_who_chose_not_to_show_his_role(db):
    from django.utils import translation

    from teams.presentation import presented

    call_command("seed_demo")
    sami = Membership.objects.get(user__username="sami")
    assert sami.is_peer_worker and not sami.peer_role_shown and presented(sami) == "intervenant"
    with translation.override("fr"):
        assert presented(Membership.objects.get(user__username="yves")) == "médiateur de santé, pair-aidant·e"


def test_the_demo_has_a_consent_to_renew_and_an_inbox_with_news(db):
    from consent.models import Consent, Notice

    call_command("seed_demo")
    ending = Consent.objects.filter(person__display_name="Jo", team__name="CSAPA Horizon").get()
    assert timedelta(days=9) < ending.valid_until - timezone.now() <= timedelta(days=10)
    kinds = set(Notice.objects.filter(person__display_name="Jo").values_list("kind", flat=True))
    assert {"follow_up", "consent_recorded"} <= kinds


def test_the_demo_has_an_emergency_access_waiting_for_review(db):
    from consent.models import GlassBreak

    call_command("seed_demo")
    waiting = GlassBreak.objects.get()
    assert waiting.person.display_name == "Karim" and waiting.reviewed_at is None


def test_the_demo_has_a_trusted_person_with_her_own_space_and_a_curator(api, db):
    from consent.models import Representative

    call_command("seed_demo")
    lucie = Representative.objects.get(person__display_name="Jo")
    assert lucie.kind == "trusted_person" and lucie.account.username == "lucie"
    assert User.objects.get(username="jo").person.display_name == "Jo"  # Jo's space stays her own
    curator = Representative.objects.get(person__display_name="Sandrine")
    assert curator.kind == "curator" and curator.account is None
    assert api.as_(lucie.account).get("/api/v1/portal/consents/").status_code == 200
