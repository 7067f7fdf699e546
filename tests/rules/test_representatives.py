"""Issue "Beyond the best", §2: a trusted person or legal representative manages consent with, or for,
the person, within a scope, named in everything they do, and never reads notes."""

import json

import pytest
from django.db import connection
from knox.models import AuthToken

from audit.models import AccessEvent
from consent.models import Consent, Notice, PortalInvitation, Receipt, Representative, Withdrawal
from consent.notices.email import email_text
from consent.representation import services as representatives
from consent.space import activation
from core import signing
from teams.models import User
from tests.factories import (
    give_consent,
    information_text,
    make_member,
    make_note,
    make_portal_account,
    make_representative,
)

RECORD = "/api/v1/persons/{}/representatives/"
END = "/api/v1/representatives/{}/end/"
CODE = "/api/v1/representatives/{}/code/"


def body(**extra):
    return {
        "name": "Marie Dupont",
        "kind": "trusted_person",
        "scope": "both",
        "evidence": "Désignation écrite signée le 3 mars 2026",
        **extra,
    }


def events(action, **fields):
    return [
        e
        for e in AccessEvent.objects.filter(action=action)
        if all(e.data.get(k) == v for k, v in fields.items())
    ]


# Recording ----------------------------------------------------------------------------------------


def test_a_worker_records_a_representative_with_evidence_and_gets_a_one_time_code(api, person, worker):
    response = api.as_(worker).post(RECORD.format(person.pk), body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    agent = Representative.objects.get()
    assert created["representative"]["id"] == agent.pk and created["code"]
    assert (agent.person, agent.kind, agent.scope, agent.account) == (person, "trusted_person", "both", None)
    invitation = PortalInvitation.objects.get(representative=agent)
    assert invitation.person == person
    assert events("representative.record", person=person.pk, representative=agent.pk, actor=worker.pk)
    assert events("portal.invite", person=person.pk, representative=agent.pk)
    assert Notice.objects.get(person=person).kind == Notice.Kind.REPRESENTATIVE_RECORDED


def test_the_evidence_is_encrypted_at_rest(person, worker):
    agent, _account = make_representative(person, by=worker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence FROM consent_representative WHERE id = %s", [agent.pk])
        stored = cursor.fetchone()[0]
    assert "Désignation" not in stored and agent.evidence.startswith("Désignation")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"evidence": "  "}, "evidence"),
        ({"kind": "friend"}, "kind"),
        ({"scope": "notes"}, "scope"),
        ({"name": ""}, "name"),
    ],
)
def test_a_representative_without_evidence_or_with_an_unknown_role_is_refused_and_nothing_kept(
    api, person, worker, change, field
):
    response = api.as_(worker).post(RECORD.format(person.pk), body(**change), format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Representative.objects.exists() and not PortalInvitation.objects.exists()
    assert not Notice.objects.exists() and not events("representative.record")


def test_a_team_that_does_not_follow_the_person_cannot_see_or_record_one(api, person, worker, other_team):
    make_representative(person, by=worker)
    nurse = make_member(other_team)
    assert api.as_(nurse).get(RECORD.format(person.pk)).status_code == 404
    assert api.as_(nurse).post(RECORD.format(person.pk), body(), format="json").status_code == 404
    assert Representative.objects.count() == 1
    assert events("representative.record", outcome="denied", actor=nurse.pk, person=person.pk)


def test_the_code_opens_the_representatives_own_account_not_the_persons(api, person, worker):
    code = api.as_(worker).post(RECORD.format(person.pk), body(), format="json").json()["code"]
    response = api.post(
        "/api/v1/portal/activate/",
        {"code": code, "username": "marie", "password": "un mot de passe solide 42"},
        format="json",
    )
    assert response.status_code == 201, response.content
    person.refresh_from_db()
    agent = Representative.objects.get()
    assert person.account is None and agent.account.username == "marie"
    assert agent.account.display_name == "Marie Dupont"
    assert events("portal.activate", person=person.pk, representative=agent.pk, actor=agent.account_id)


# Acting within the scope --------------------------------------------------------------------------


def test_a_representative_gives_a_consent_that_names_them_in_the_consent_receipt_event_and_inbox(
    api, person, team, worker
):
    agent, account = make_representative(person, by=worker, scope="consents")
    Notice.objects.all().delete()
    response = api.as_(account).post(
        "/api/v1/portal/consents/",
        {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "Continuité",
            "information": information_text().pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.representative, consent.method) == (account, agent, "portal")
    assert response.json()["given_by"] == {
        "representative": agent.pk,
        "name": "Marie Dupont",
        "role": "trusted_person",
    }
    receipt = Receipt.objects.get(consent=consent)
    assert json.loads(receipt.payload)["given_by"] == {
        "representative": agent.pk,
        "name": "Marie Dupont",
        "role": "trusted_person",
    }
    assert signing.verify(json.loads(receipt.payload), receipt.signature, signing.receipt_public_key())
    assert events("consent.record", person=person.pk, actor=account.pk, representative=agent.pk)
    notice = Notice.objects.get(person=person)
    assert (notice.kind, notice.representative, notice.actor) == ("consent_recorded", agent, account)
    assert "acts for you" in email_text(notice.kind, by_representative=True)


def test_a_representative_withdraws_a_consent_and_the_withdrawal_names_them(api, person, team, worker):
    consent = give_consent(person, team, ["housing"], by=worker)
    agent, account = make_representative(person, by=worker)
    response = api.as_(account).post(
        f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "portal"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Withdrawal.objects.get(consent=consent).representative == agent
    assert json.loads(Receipt.objects.get(consent=consent, event="withdrawn").payload)["given_by"][
        "name"
    ] == ("Marie Dupont")
    assert events("consent.withdraw", person=person.pk, representative=agent.pk)


def test_a_representative_renews_a_consent_for_the_person(api, person, team, worker):
    from datetime import timedelta

    from django.utils import timezone

    consent = give_consent(
        person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=5)
    )
    agent, account = make_representative(person, by=worker)
    response = api.as_(account).post(f"/api/v1/portal/consents/{consent.pk}/renewal/")
    assert response.status_code == 201, response.content
    assert Consent.objects.get(supersedes=consent).representative == agent


def test_a_journal_only_representative_reads_the_journal_but_cannot_touch_consents(api, person, team, worker):
    consent = give_consent(person, team, ["housing"], by=worker)
    _agent, account = make_representative(person, by=worker, scope="journal")
    assert api.as_(account).get("/api/v1/portal/access-log/").status_code == 200
    for refused in (
        api.as_(account).get("/api/v1/portal/consents/"),
        api.as_(account).get("/api/v1/portal/teams/"),
        api.as_(account).get("/api/v1/portal/receipts/"),
        api.as_(account).post(
            f"/api/v1/consents/{consent.pk}/withdraw/", {"method": "portal"}, format="json"
        ),
        api.as_(account).get(f"/api/v1/persons/{person.pk}/consents/"),
    ):
        assert refused.status_code == 403, refused.content
    assert not Withdrawal.objects.exists()
    denied = AccessEvent.objects.filter(actor_id=account.pk, outcome="denied")
    assert denied.count() == 5 and {e.person_id for e in denied} == {person.pk}


def test_a_consents_only_representative_cannot_read_the_journal(api, person, worker):
    _agent, account = make_representative(person, by=worker, scope="consents")
    assert api.as_(account).get("/api/v1/portal/consents/").status_code == 200
    assert api.as_(account).get("/api/v1/portal/access-log/").status_code == 403


def test_a_representative_never_reads_notes_nor_the_persons_own_data_and_inbox(api, person, team, worker):
    note = make_note(person, worker, team, "housing", "Hébergement trouvé")
    give_consent(person, team, ["housing"], by=worker)
    _agent, account = make_representative(person, by=worker)
    client = api.as_(account)
    assert client.get(f"/api/v1/persons/{person.pk}/notes/").status_code == 403
    assert client.get(f"/api/v1/notes/{note.pk}/").status_code in (403, 404)
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 403
    for path in ("/api/v1/portal/export/", "/api/v1/portal/notices/"):
        assert client.get(path).status_code == 403, path
    assert b"H\xc3\xa9bergement" not in b"".join(
        client.get(path).content for path in ("/api/v1/portal/consents/", "/api/v1/portal/access-log/")
    )


def test_a_representative_reaches_no_other_person(api, person, team, worker):
    from tests.factories import make_person

    other = make_person(team, display_name="Sam")
    theirs = give_consent(other, team, ["housing"], by=worker)
    _agent, account = make_representative(person, by=worker)
    assert api.as_(account).get(f"/api/v1/persons/{other.pk}/consents/").status_code == 404
    response = api.as_(account).post(
        f"/api/v1/consents/{theirs.pk}/withdraw/", {"method": "portal"}, format="json"
    )
    assert response.status_code == 404
    assert api.as_(account).get(f"/api/v1/consents/{theirs.pk}/receipt/").status_code == 404
    assert events("consent.withdraw", outcome="denied", actor=account.pk, person=other.pk)


def test_the_person_and_the_representative_both_see_the_role(api, person, worker):
    agent, account = make_representative(person, by=worker)
    own = make_portal_account(person)
    mine = api.as_(own).get("/api/v1/portal/representatives/").json()
    assert [r["id"] for r in mine] == [agent.pk] and mine[0]["scope"] == "both"
    theirs = api.as_(account).get("/api/v1/portal/representatives/").json()
    assert [r["id"] for r in theirs] == [agent.pk]
    assert len(events("representative.list", person=person.pk)) == 2


def test_the_persons_journal_names_the_representative_and_their_role(api, person, team, worker):
    _agent, account = make_representative(person, by=worker)
    api.as_(account).post(
        "/api/v1/portal/consents/",
        {
            "team": team.pk,
            "categories": ["housing"],
            "purpose": "Continuité",
            "information": information_text().pk,
        },
        format="json",
    )
    own = make_portal_account(person)
    lines = [line["sentence"] for line in api.as_(own).get("/api/v1/portal/access-log/").json()["results"]]
    assert "Marie Dupont (trusted person) recorded your consent for Maraude Nord." in lines
    assert "Marie Dupont (trusted person) opened their space, to act for you." in lines


# Ending -------------------------------------------------------------------------------------------


def test_the_person_ends_a_trusted_persons_role_and_their_space_closes_at_once(api, person, worker):
    agent, account = make_representative(person, by=worker)
    own = make_portal_account(person)
    AuthToken.objects.create(account)
    response = api.as_(own).post(END.format(agent.pk), {}, format="json")
    assert response.status_code == 200, response.content
    agent.refresh_from_db()
    account.refresh_from_db()
    assert agent.ended_at and agent.ended_by == own and not account.is_active
    assert not AuthToken.objects.filter(user=account).exists()
    assert events("representative.end", person=person.pk, actor=own.pk, reason="by the person")
    assert api.as_(account).get("/api/v1/portal/consents/").status_code == 403  # nothing left to act for


def test_the_person_cannot_end_a_legal_mandate_a_worker_does_with_evidence(api, person, worker):
    agent, account = make_representative(person, by=worker, kind="guardian")
    own = make_portal_account(person)
    refused = api.as_(own).post(END.format(agent.pk), {}, format="json")
    assert refused.status_code == 400
    agent.refresh_from_db()
    assert agent.ended_at is None and User.objects.get(pk=account.pk).is_active
    without = api.as_(worker).post(END.format(agent.pk), {"evidence": ""}, format="json")
    assert without.status_code == 400 and "evidence" in without.json()
    assert Representative.objects.get().ended_at is None and not events("representative.end")
    done = api.as_(worker).post(
        END.format(agent.pk), {"evidence": "Jugement de mainlevée du 2 nov."}, format="json"
    )
    assert done.status_code == 200 and done.json()["ended_at"]
    assert Notice.objects.filter(person=person, kind="representative_end", representative=agent).exists()


def test_an_ended_roles_code_opens_nothing(api, person, worker):
    agent, code, _invitation = representatives.record_representative(
        user=worker, person_id=person.pk, name="Marie", kind="curator", scope="both", evidence="Jugement"
    )
    representatives.end_representative(user=worker, representative_id=agent.pk, evidence="Mainlevée")
    from core.domain_errors import Invalid

    with pytest.raises(Invalid):
        activation.activate(code=code, username="marie", password="un mot de passe solide 42")
    assert Representative.objects.get().account is None


def test_a_new_code_gives_a_representative_a_new_password_and_ends_their_tokens(api, person, worker):
    agent, account = make_representative(person, by=worker)
    AuthToken.objects.create(account)
    response = api.as_(worker).post(CODE.format(agent.pk))
    assert response.status_code == 201
    activation.activate(code=response.json()["code"], username="marie2", password="un autre mot de passe 42")
    account.refresh_from_db()
    assert account.username == "marie2" and not AuthToken.objects.filter(user=account).exists()
    assert Representative.objects.get().account == account


def test_the_person_cannot_make_codes_for_their_representative(api, person, worker):
    agent, _account = make_representative(person, by=worker)
    own = make_portal_account(person)
    assert api.as_(own).post(CODE.format(agent.pk)).status_code == 403
    assert PortalInvitation.objects.filter(representative=agent).count() == 1


def test_the_persons_copy_of_their_data_holds_who_acts_for_them(api, person, worker):
    make_representative(person, by=worker)
    own = make_portal_account(person)
    held = api.as_(own).get("/api/v1/portal/export/").json()["representatives"]
    assert [(r["name"], r["kind"], r["scope"]) for r in held] == [("Marie Dupont", "trusted_person", "both")]


def test_a_person_has_one_trusted_person_at_a_time(api, person, worker):
    first, _account = make_representative(person, by=worker)
    again = api.as_(worker).post(RECORD.format(person.pk), body(name="Paul"), format="json")
    assert again.status_code == 400 and "Marie Dupont" in again.json()["kind"][0]
    assert Representative.objects.count() == 1
    assert (
        api.as_(worker).post(RECORD.format(person.pk), body(kind="curator"), format="json").status_code == 201
    )
    representatives.end_representative(user=worker, representative_id=first.pk, evidence="Révoquée par écrit")
    assert api.as_(worker).post(RECORD.format(person.pk), body(name="Paul"), format="json").status_code == 201


def test_another_persons_representative_answers_like_a_missing_one_and_the_attempt_names_them(
    api, person, worker, other_team
):
    agent, _account = make_representative(person, by=worker)
    stranger = make_member(other_team)
    for asked in (agent.pk, 2**64):  # another person's, and an id no table holds
        response = api.as_(stranger).post(END.format(asked), {}, format="json")
        assert response.status_code == 404
    named, impossible = AccessEvent.objects.filter(outcome="denied").order_by("id")
    assert (named.action, named.actor_id, named.object_type, named.object_ids, named.person_id) == (
        "representative.end",
        stranger.pk,
        "representative",
        [agent.pk],
        person.pk,
    )
    assert (impossible.object_ids, impossible.person_id) == ([str(2**64)], None)
