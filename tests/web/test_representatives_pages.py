"""Issue "Beyond the best", §2, through the pages: a worker records and ends a representative with its
evidence; the person and the representative see it in the portal; a refused form keeps nothing."""

import pytest

from audit.models import AccessEvent
from consent.models import Notice, PortalInvitation, Representative
from tests.factories import PASSWORD, make_portal_account, make_representative

# Pages that render what the services answer (the rules and the API's tests run on both databases):
# one database is enough; a test below that may differ between the two is marked every_database.
pytestmark = pytest.mark.any_database

FORM = {
    "name": "Marie Dupont",
    "kind": "guardian",
    "scope": "consents",
    "evidence": "Jugement du tribunal judiciaire de Lyon du 3 mars 2026",
}


def rows():
    return (
        Representative.objects.count(),
        PortalInvitation.objects.count(),
        Notice.objects.count(),
        AccessEvent.objects.filter(outcome="allowed").exclude(action="representative.list").count(),
    )


def test_a_worker_records_a_representative_and_the_code_is_shown_once_made(web, person, worker):
    page = web.as_(worker).get(f"/persons/{person.pk}/representatives/")
    assert page.status_code == 200 and "personne de confiance" in page.content.decode()
    response = web.post(f"/persons/{person.pk}/representatives/", FORM)
    assert response.status_code == 302
    agent = Representative.objects.get()
    shown = web.get(response["Location"]).content.decode()
    assert "Marie Dupont" in shown and "tutelle" in shown and 'class="code"' in shown
    assert PortalInvitation.objects.get(representative=agent).used_at is None


def test_a_representative_refused_by_its_form_keeps_nothing(web, person, worker):
    before = rows()
    response = web.as_(worker).post(f"/persons/{person.pk}/representatives/", {**FORM, "evidence": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    assert rows() == before


def test_ending_a_mandate_without_evidence_changes_nothing_and_with_evidence_ends_it(web, person, worker):
    agent, account = make_representative(person, by=worker, kind="guardian")
    before = rows()
    refused = web.as_(worker).post(f"/representatives/{agent.pk}/end/", {"evidence": ""})
    assert refused.status_code == 400 and rows() == before
    assert Representative.objects.get().ended_at is None
    done = web.post(f"/representatives/{agent.pk}/end/", {"evidence": "Jugement de mainlevée"})
    assert done.status_code == 302
    agent.refresh_from_db()
    account.refresh_from_db()
    assert agent.ended_at and agent.end_evidence == "Jugement de mainlevée" and not account.is_active


def test_the_person_sees_who_acts_for_them_and_ends_a_trusted_persons_role(web, person, worker):
    trusted, _account = make_representative(person, by=worker, name="Marie")
    guardian, _other = make_representative(person, by=worker, name="Paul", kind="guardian")
    own = make_portal_account(person)
    page = web.as_(own).get("/portal/representatives/").content.decode()
    assert "Marie" in page and "Paul" in page
    assert f"/portal/representatives/{trusted.pk}/end/" in page
    assert f"/portal/representatives/{guardian.pk}/end/" not in page  # a legal mandate: a worker ends it
    assert web.post(f"/portal/representatives/{trusted.pk}/end/").status_code == 400  # one tap: nothing
    trusted.refresh_from_db()
    assert trusted.ended_at is None
    assert "Oui, mettre fin au rôle de Marie" in page
    assert web.post(f"/portal/representatives/{trusted.pk}/end/", {"confirmed": "yes"}).status_code == 302
    trusted.refresh_from_db()
    assert trusted.ended_at and trusted.ended_by == own


def test_the_representative_is_told_on_every_page_for_whom_and_as_what_they_act(web, person, worker):
    _agent, account = make_representative(person, by=worker, scope="consents")
    client = web.as_(account)
    assert client.get("/")["Location"] == "/portal/representatives/"
    home = client.get("/portal/").content.decode()
    assert "Vous agissez pour Jo, en tant que personne de confiance" in home
    assert "/portal/notices/" not in home and "/portal/journal/" not in home  # the scope is consents only
    assert "/portal/print/" not in home and "/portal/my-data/" not in home  # the person's copy: theirs alone
    role = client.get("/portal/representatives/").content.decode()
    assert "Gérer les accords" in role or "gérer les accords" in role
    assert client.get("/portal/journal/").status_code == 403
    assert client.get("/portal/print/").status_code == 403
    assert client.get("/portal/my-data/").status_code == 403


def test_a_journal_only_representative_activates_and_lands_on_their_role(web, person, worker):
    from consent.representation import services as representatives

    _agent, code, _invitation = representatives.record_representative(
        user=worker,
        person_id=person.pk,
        name="Marie",
        kind="trusted_person",
        scope="journal",
        evidence="Écrit",
    )
    form = {"code": code, "username": "marie", "password": PASSWORD, "password_again": PASSWORD}
    assert web.post("/portal/activate/", form)["Location"] == "/"
    assert web.get("/")["Location"] == "/portal/representatives/"
    role = web.get("/portal/representatives/").content.decode()
    assert "lire le journal" in role and "/portal/journal/" in role and "/portal/receipts/" not in role
    journal = web.get("/portal/journal/")
    assert (
        journal.status_code == 200
        and "C’est le journal de Jo : « vous » y désigne Jo." in journal.content.decode()
    )


def test_a_second_trusted_person_refused_by_the_service_keeps_nothing(web, person, worker):
    make_representative(person, by=worker, name="Marie")
    before = rows()
    response = web.as_(worker).post(
        f"/persons/{person.pk}/representatives/", {**FORM, "kind": "trusted_person"}
    )
    assert response.status_code == 400
    assert "Marie est déjà la personne de confiance" in response.content.decode()
    assert rows() == before


def test_ending_a_role_already_ended_is_refused_on_the_page_and_keeps_nothing(web, person, worker):
    agent, _account = make_representative(person, by=worker, kind="guardian")
    web.as_(worker).post(f"/representatives/{agent.pk}/end/", {"evidence": "Jugement de mainlevée"})
    agent.refresh_from_db()
    ended = (agent.ended_at, agent.end_evidence)
    before = rows()
    again = web.post(f"/representatives/{agent.pk}/end/", {"evidence": "Une autre fois"})
    assert again.status_code == 400 and "Ce rôle a déjà pris fin." in again.content.decode()
    agent.refresh_from_db()
    assert rows() == before and (agent.ended_at, agent.end_evidence) == ended
