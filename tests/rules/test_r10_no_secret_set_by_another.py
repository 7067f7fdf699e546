"""R10, nobody becomes someone else: no manager, no administrator chooses another account's password.

The attack of issue 19 (1 and 3): a manager sets a person's or a worker's password in the
administration, then signs in as them. Each path is refused, changes nothing, and the attempt is on
the record.
"""

import pytest

from audit.models import AccessEvent
from teams import accounts
from tests.factories import PASSWORD, UserFactory, make_portal_account

TAKEOVER = "le mot de passe du directeur"


@pytest.fixture
def manager(db):
    return UserFactory(is_manager=True, is_staff=True, username="direction")


def _password_of(user) -> str:
    user.refresh_from_db()
    return user.password


@pytest.mark.parametrize("whose", ["person", "worker"])
def test_a_manager_cannot_set_an_accounts_password_in_the_administration(web, manager, person, worker, whose):
    target = make_portal_account(person, "jo") if whose == "person" else worker
    before = _password_of(target)
    client = web.as_(manager)
    assert client.get(f"/admin/teams/user/{target.pk}/password/").status_code == 403
    response = client.post(
        f"/admin/teams/user/{target.pk}/password/",
        {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"},
    )
    assert response.status_code == 403
    assert _password_of(target) == before
    assert not target.check_password(TAKEOVER)


def test_the_administrations_refusal_is_recorded_naming_the_account(web, manager, worker):
    web.as_(manager).post(
        f"/admin/teams/user/{worker.pk}/password/", {"password1": TAKEOVER, "password2": TAKEOVER}
    )
    event = AccessEvent.objects.get(action="account.update")
    assert (event.actor_id, event.outcome, event.object_ids, event.reason) == (
        manager.pk,
        "denied",
        [worker.pk],
        "SecretNotYours",
    )
    assert TAKEOVER not in event.body


def test_the_account_page_of_the_administration_links_to_no_password_form(web, manager, worker):
    page = web.as_(manager).get(f"/admin/teams/user/{worker.pk}/change/").content.decode()
    assert "password/" not in page and "pbkdf2" not in page


def test_a_changed_account_keeps_its_password_whatever_the_form_sends(web, manager, worker):
    before = _password_of(worker)
    response = web.as_(manager).post(
        f"/admin/teams/user/{worker.pk}/change/",
        {"username": worker.username, "display_name": "Camille", "is_active": "on", "password": "x"},
    )
    assert response.status_code == 302
    assert _password_of(worker) == before


def test_the_users_api_refuses_a_password_with_a_400_naming_it(api, manager):
    response = api.as_(manager).post("/api/v1/users/", {"username": "camille2", "password": TAKEOVER})
    assert response.status_code == 400 and list(response.json()) == ["password"]
    assert not AccessEvent.objects.filter(action="account.create").exists()


def test_an_account_made_through_the_api_has_no_password_anyone_knows(api, manager):
    response = api.as_(manager).post("/api/v1/users/", {"username": "camille2"})
    assert response.status_code == 201
    event = AccessEvent.objects.get(action="account.create")
    assert event.changes.get("password", [None, None])[1] in (None, "chosen by its holder with a code")
    from teams.models import User

    assert not User.objects.get(username="camille2").has_usable_password()


def test_no_service_lets_a_manager_set_another_accounts_password():
    assert not hasattr(accounts, "set_password")


def test_the_owner_still_changes_their_own_password(web, worker):
    client = web.as_(worker)
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": TAKEOVER, "new_password2": TAKEOVER},
    )
    assert response.status_code == 302
    assert worker.__class__.objects.get(pk=worker.pk).check_password(TAKEOVER)


def test_the_service_that_makes_accounts_takes_no_password_at_all():
    import inspect

    assert "password" not in inspect.signature(accounts.create_user).parameters


def test_the_demo_and_its_public_password_are_refused_in_production(db, settings):
    from django.core.management import CommandError, call_command

    settings.RELAIS_ENV = "production"
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
