"""Getting back in: a new code resets a person's space, on the record, and the pages say to each kind
of user what to do."""

import pytest

from audit.models import AccessEvent
from consent.consents import services as consent_services
from consent.space import activation
from teams import sign_in_limits, tokens
from tests.factories import PASSWORD, UserFactory, make_portal_account

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database

NEW_PASSWORD = "un tout nouveau mot de passe"


def _fail_to_sign_in(web, username: str, times: int) -> None:
    for _ in range(times):
        web.post("/login/", {"username": username, "password": "pas le bon"})


def test_a_new_code_gives_a_persons_existing_space_a_new_password(web, person, worker):
    jo = make_portal_account(person, "jo")
    token, _expiry = tokens.issue(jo)
    sign_in_limits.note_failure("jo", "10.0.0.9")
    code, invitation = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    page = web.as_(worker).get(f"/persons/{person.pk}/").content.decode()
    assert "Créer un code pour un nouveau mot de passe" in page
    user = activation.activate(code=code, username="jo.nouveau", password=NEW_PASSWORD)
    assert user.pk == jo.pk and user.check_password(NEW_PASSWORD) and user.username == "jo.nouveau"
    person.refresh_from_db()
    assert person.account_id == jo.pk  # the same space: consents, journal and receipts are kept
    assert tokens.revoke_all(jo) == 0 and not sign_in_limits.account_stopped("jo")
    event = AccessEvent.objects.order_by("-id").first()
    assert (event.action, event.actor_id, event.person_id, event.object_ids) == (
        "portal.reset",
        jo.pk,
        person.pk,
        [invitation.pk],
    )
    assert NEW_PASSWORD not in event.body and token not in event.body


def test_the_person_reads_the_reset_in_their_journal(web, person, worker):
    make_portal_account(person, "jo")
    code, _invitation = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    activation.activate(code=code, username="jo", password=NEW_PASSWORD)
    web.post("/login/", {"username": "jo", "password": NEW_PASSWORD})
    journal = web.get("/portal/journal/?mine=1").content.decode().replace("&#x27;", "'")
    assert "Votre espace a reçu un nouveau mot de passe avec un code créé par un intervenant" in journal


def test_the_lock_out_page_speaks_to_workers_and_to_persons(web, worker, settings):
    _fail_to_sign_in(web, worker.username, settings.AXES_FAILURE_LIMIT + 1)
    page = web.post("/login/", {"username": worker.username, "password": "pas le bon"}).content.decode()
    assert (
        "Vous travaillez dans une équipe" in page and "Demandez à la personne qui gère votre équipe" in page
    )
    assert "Vous êtes accompagné" in page and "Demandez un nouveau code à votre intervenant" in page


def test_the_sign_in_page_links_to_help_for_a_forgotten_password(web, db):
    page = web.get("/login/").content.decode()
    assert 'href="/password/forgotten/"' in page
    help_page = web.get("/password/forgotten/").content.decode()
    assert "Mot de passe oublié" in help_page and "Demandez un nouveau code à votre intervenant" in help_page


def test_a_refused_reset_by_code_answers_400_and_changes_nothing(web, person, worker):
    from consent.models import PortalInvitation

    jo = make_portal_account(person, "jo")
    token, _expiry = tokens.issue(jo)
    code, invitation = consent_services.invite_to_portal(user=worker, person_id=person.pk)
    UserFactory(username="pris")
    before = AccessEvent.objects.exclude(outcome="denied").count()
    for username, password in (("pris", NEW_PASSWORD), ("jo", "123")):  # taken name, weak password
        response = web.post(
            "/portal/activate/",
            {"code": code, "username": username, "password": password, "password_again": password},
        )
        assert response.status_code == 400
    jo.refresh_from_db()
    assert jo.username == "jo" and jo.check_password(PASSWORD) and not jo.check_password(NEW_PASSWORD)
    assert PortalInvitation.objects.get(pk=invitation.pk).used_at is None
    assert tokens.revoke_all(jo) == 1  # the token was not ended by the refused attempt
    assert AccessEvent.objects.exclude(outcome="denied").count() == before
