"""Issue 23: two organisations share one Relais, and neither's manager nor auditor reaches into the
other. Another organisation's object is the same 404 (or, named in input, the same 400) as a missing
one; R1–R4 and R9 hold across organisations as within one."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from core.domain_errors import SecretNotYours
from teams.accounts import update_account
from teams.asking import refuse_setting_password
from teams.recovery import issue_setup_code, start_recovery
from teams.services import save_organisation
from tests.factories import (
    SYSTEM,
    UserFactory,
    give_consent,
    make_member,
    make_note,
    make_organisation,
    make_person,
    make_portal_account,
    make_team,
    representative_of,
)

MISSING = 2**31 - 2


@pytest.fixture
def two(db):
    """Le Relais du Nord runs Maraude Nord; Horizon Addictions runs CSAPA Horizon. Each has its manager,
    its auditor and a worker; Jo is followed by the Maraude, with her consent, and has a note."""
    nord, horizon = make_organisation("Le Relais du Nord"), make_organisation("Horizon Addictions")
    maraude = make_team("Maraude Nord", organisation=nord)
    csapa = make_team("CSAPA Horizon", ("contact", "health", "addiction"), organisation=horizon)
    camille, nadia = make_member(maraude, username="camille"), make_member(csapa, username="nadia")
    jo = make_person(maraude, display_name="Jo")
    give_consent(jo, maraude, ["housing", "contact"], by=camille)
    note = make_note(jo, camille, maraude, "housing")
    return {
        "nord": nord,
        "horizon": horizon,
        "maraude": maraude,
        "csapa": csapa,
        "camille": camille,
        "nadia": nadia,
        "jo": jo,
        "note": note,
        "nord_manager": UserFactory(is_manager=True, organisation=nord),
        "horizon_manager": UserFactory(is_manager=True, organisation=horizon),
        "nord_auditor": UserFactory(is_auditor=True, audits_deployment=False, organisation=nord),
        "horizon_auditor": UserFactory(is_auditor=True, audits_deployment=False, organisation=horizon),
        "territory": UserFactory(is_auditor=True, audits_deployment=True, organisation=None),
    }


def same_as_missing(api, user, method, path, other_id, body=None):
    """The answer about another organisation's object, and about an id that exists nowhere."""
    client = api.as_(user)
    found = getattr(client, method)(path.format(other_id), body, format="json")
    missing = getattr(client, method)(path.format(MISSING), body, format="json")
    return found, missing


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("get", "/api/v1/teams/{}/", None),
        ("patch", "/api/v1/teams/{}/", {"name": "Prise"}),
        ("get", "/api/v1/teams/{}/memberships/", None),
        ("post", "/api/v1/teams/{}/memberships/", {"user": 1}),
    ],
)
def test_another_organisations_team_answers_like_a_missing_one(api, two, method, path, body):
    found, missing = same_as_missing(api, two["horizon_manager"], method, path, two["maraude"].pk, body)
    assert found.status_code == missing.status_code == 404
    assert found.json() == missing.json()


@pytest.mark.parametrize("path", ["/api/v1/users/{}/recovery/", "/api/v1/users/{}/tokens/revoke/"])
def test_another_organisations_account_answers_like_a_missing_one(api, two, path):
    body = {"lost": "both"} if "recovery" in path else None
    found, missing = same_as_missing(api, two["horizon_manager"], "post", path, two["camille"].pk, body)
    assert found.status_code == missing.status_code == 404
    assert found.json() == missing.json()


def test_a_manager_lists_the_teams_and_accounts_of_their_organisation_only(api, two):
    client = api.as_(two["horizon_manager"])
    teams = client.get("/api/v1/teams/").json()
    assert [t["name"] for t in teams["results"]] == ["CSAPA Horizon"] and teams["count"] == 1
    assert teams["results"][0]["organisation"] == two["horizon"].pk
    accounts = client.get("/api/v1/users/").json()["results"]
    assert {a["organisation"] for a in accounts} == {two["horizon"].pk}
    assert "camille" not in {a["username"] for a in accounts}


def test_a_manager_cannot_join_another_organisations_team_nor_add_its_worker(api, two):
    client = api.as_(two["horizon_manager"])
    own = client.post(
        f"/api/v1/teams/{two['maraude'].pk}/memberships/", {"user": two["horizon_manager"].pk}, format="json"
    )
    assert own.status_code == 404
    theirs = client.post(
        f"/api/v1/teams/{two['csapa'].pk}/memberships/", {"user": two["camille"].pk}, format="json"
    )
    nowhere = client.post(f"/api/v1/teams/{two['csapa'].pk}/memberships/", {"user": MISSING}, format="json")
    assert theirs.status_code == nowhere.status_code == 400
    assert theirs.json() == nowhere.json()
    assert not two["camille"].memberships.filter(team=two["csapa"]).exists()


def test_a_managers_new_team_and_account_are_their_organisations(api, two):
    client = api.as_(two["horizon_manager"])
    team = client.post("/api/v1/teams/", {"name": "CSAPA Sud", "continuity_categories": []}, format="json")
    assert team.status_code == 201 and team.json()["organisation"] == two["horizon"].pk
    theirs = client.post(
        "/api/v1/teams/", {"name": "Maraude Sud", "organisation": two["nord"].pk}, format="json"
    )
    nowhere = client.post("/api/v1/teams/", {"name": "Maraude Sud", "organisation": MISSING}, format="json")
    assert theirs.status_code == nowhere.status_code == 400 and theirs.json() == nowhere.json()
    account = client.post("/api/v1/users/", {"username": "lea"}, format="json")
    assert account.status_code == 201 and account.json()["organisation"] == two["horizon"].pk
    wider = client.post("/api/v1/users/", {"username": "max", "audits_deployment": True}, format="json")
    assert wider.status_code == 400 and "audits_deployment" in wider.json()


def test_the_administration_shows_a_manager_their_organisation_only(web, two):
    web.as_(two["horizon_manager"])
    teams = web.get("/admin/teams/team/").content.decode()
    assert "CSAPA Horizon" in teams and "Maraude Nord" not in teams
    accounts = web.get("/admin/teams/user/").content.decode()
    assert "nadia" in accounts and "camille" not in accounts
    assert web.get(f"/admin/teams/team/{two['maraude'].pk}/change/").status_code == 302  # "does not exist"


def log_of(api, user, **filters):
    response = api.as_(user).get("/api/v1/audit/events/", filters)
    assert response.status_code == 200
    return response.json()["results"]


def test_an_organisations_auditor_reads_its_workers_and_administration_only(api, two):
    api.as_(two["nadia"]).get(f"/api/v1/persons/{two['jo'].pk}/")  # a Horizon worker's (refused) attempt
    api.as_(two["camille"]).get(f"/api/v1/persons/{two['jo'].pk}/")  # a Nord worker's act
    nord_actors = {two["camille"].pk, two["nord_manager"].pk, two["nord_auditor"].pk}
    for event in log_of(api, two["nord_auditor"]):
        assert event["actor"] in nord_actors or event["organisation"] == two["nord"].pk, event
    seen = {e["actor"] for e in log_of(api, two["nord_auditor"])}
    assert two["camille"].pk in seen and two["nadia"].pk not in seen
    horizon = {e["actor"] for e in log_of(api, two["horizon_auditor"])}
    assert two["nadia"].pk in horizon and two["camille"].pk not in horizon
    everyone = {e["actor"] for e in log_of(api, two["territory"])}
    assert {two["camille"].pk, two["nadia"].pk} <= everyone


def test_an_organisations_auditor_sees_its_teams_administration_by_the_deployment(api, two):
    """The administration of its teams, whoever did it: here the tests' set-up, as a command would."""
    actions = {(e["action"], e["team"]) for e in log_of(api, two["horizon_auditor"])}
    assert ("team.create", two["csapa"].pk) in actions and ("team.create", two["maraude"].pk) not in actions


def test_an_organisations_auditor_sees_the_deployments_acts_on_its_accounts_and_itself(api, two):
    """A deployment's administrator (no organisation) who changes or opens one of Nord's accounts, or
    Nord itself, is read by Nord's auditor, and by no other organisation's."""
    root = UserFactory(is_superuser=True, is_staff=True, organisation=None)
    update_account(by=root, user=two["camille"], display_name="Camille R.")
    issue_setup_code(by=root, user=two["nord_manager"])
    TOTPDevice.objects.create(user=two["camille"], name="phone", confirmed=True)
    start_recovery(by=root, user=two["camille"], lost="factor")
    save_organisation(by=root, organisation=two["nord"], data_protection_contact="dpo@nord.example")
    root_acts = {"account.update", "account.code", "mfa.reset", "organisation.update"}
    nord = [e for e in log_of(api, two["nord_auditor"], actor=root.pk)]
    assert {e["action"] for e in nord} == root_acts
    assert {e["organisation"] for e in nord} == {two["nord"].pk}
    assert log_of(api, two["horizon_auditor"], actor=root.pk) == []
    everyone = log_of(api, two["territory"], actor=root.pk)
    assert len(everyone) == len(nord)
    assert log_of(api, two["territory"], actor=root.pk, organisation=two["horizon"].pk) == []
    # A refused change of an account named by text (not an id) names no organisation, and breaks nothing.
    with pytest.raises(SecretNotYours):
        refuse_setting_password(by=root, account_id="camille")
    assert log_of(api, two["nord_auditor"], actor=root.pk, outcome="denied") == []


def test_the_export_and_the_page_of_the_log_keep_to_the_organisation(api, web, two):
    api.as_(two["camille"]).get(f"/api/v1/persons/{two['jo'].pk}/")
    csv = api.as_(two["horizon_auditor"]).get("/api/v1/audit/events/?format=csv")
    text = b"".join(csv.streaming_content).decode()
    assert "person.view" not in text
    page = web.as_(two["horizon_auditor"]).get("/audit/", {"action": "person.view"}).content.decode()
    assert "camille" not in page.lower()
    nord_page = web.as_(two["nord_auditor"]).get("/audit/", {"action": "person.view"}).content.decode()
    assert str(two["camille"].label) in nord_page


def test_no_manager_nor_auditor_of_either_organisation_reads_a_persons_record(api, two):
    """R4 across organisations: the roles open no person data, whichever organisation they are of."""
    for role in ("nord_manager", "horizon_manager", "nord_auditor", "horizon_auditor", "territory"):
        client = api.as_(two[role])
        assert client.get(f"/api/v1/persons/{two['jo'].pk}/").status_code in (403, 404), role
        assert client.get(f"/api/v1/notes/{two['note'].pk}/").status_code in (403, 404), role


def test_another_organisations_worker_reads_nothing_of_a_person_and_finds_no_trace(api, two):
    """R1, R2 and R9 across organisations: Nadia's team does not follow Jo; Jo answers as missing."""
    client = api.as_(two["nadia"])
    found, missing = client.get(f"/api/v1/persons/{two['jo'].pk}/"), client.get(f"/api/v1/persons/{MISSING}/")
    assert found.status_code == missing.status_code == 404 and found.json() == missing.json()
    note, no_note = client.get(f"/api/v1/notes/{two['note'].pk}/"), client.get(f"/api/v1/notes/{MISSING}/")
    assert note.status_code == no_note.status_code == 404 and note.json() == no_note.json()
    assert client.get("/api/v1/persons/").json()["count"] == 0
    denied = AccessEvent.objects.filter(actor_id=two["nadia"].pk, outcome="denied")
    assert denied.filter(person_id=two["jo"].pk).exists()  # Jo's journal shows the attempt


def test_the_emergency_queue_of_an_auditor_holds_their_organisations_only(api, two):
    api.as_(two["camille"]).post(
        f"/api/v1/persons/{two['jo'].pk}/emergency-access/",
        {
            "team": two["maraude"].pk,
            "categories": ["support_plan"],
            "reason": "danger_to_life",
            "statement": "x",
        },
        format="json",
    )
    nord = api.as_(two["nord_auditor"]).get("/api/v1/audit/emergency-accesses/").json()
    horizon = api.as_(two["horizon_auditor"]).get("/api/v1/audit/emergency-accesses/").json()
    assert len(nord) == 1 and horizon == []
    territory = api.as_(two["territory"]).get("/api/v1/audit/emergency-accesses/").json()
    assert len(territory) == 1  # the deployment's auditor, of no organisation, reviews them all


def test_a_worker_records_no_consent_for_another_organisations_team(api, two):
    """Across organisations, nothing by default: Nadia's team follows Jo now, but Camille, of another
    organisation, cannot record Jo's consent for it; Nadia can, or Jo in her space."""
    from tests.factories import follow, informed

    follow(two["jo"], two["csapa"])
    body = {
        "team": two["csapa"].pk,
        "categories": ["health"],
        "purpose": "soins",
        "method": "oral",
        "presence": "in_person",
        "confirmed": True,
        **informed(),
    }
    refused = api.as_(two["camille"]).post(f"/api/v1/persons/{two['jo'].pk}/consents/", body, format="json")
    assert refused.status_code == 400 and refused.json()["team"] == [
        "CSAPA Horizon belongs to another organisation: one of its members records its consent with the "
        "person, or the person does in their space."
    ]
    assert not two["jo"].consents.filter(team=two["csapa"]).exists()
    given = api.as_(two["nadia"]).post(
        f"/api/v1/persons/{two['jo'].pk}/consents/", {**body, "presence": None}, format="json"
    )
    assert given.status_code == 201, given.json()


def test_a_worker_brings_in_no_team_of_another_organisation(api, web, two):
    """Across organisations, nothing by default: Camille cannot start CSAPA Horizon's follow-up of Jo,
    even with Jo present (a 400 on the team, nothing opened, nothing told), and her page does not
    offer it; another team of her own organisation she can bring in."""
    jo, csapa = two["jo"], two["csapa"]
    body = {"team": csapa.pk, "presence": "in_person", "confirmed": True}
    refused = api.as_(two["camille"]).post(f"/api/v1/persons/{jo.pk}/follow-ups/", body, format="json")
    assert refused.status_code == 400 and "team" in refused.json()
    assert not jo.follow_ups.filter(team=csapa).exists()
    assert not AccessEvent.objects.filter(action="follow_up.open", person_id=jo.pk).exists()
    page = web.as_(two["camille"]).post(f"/persons/{jo.pk}/follow-ups/new/", body)
    assert page.status_code == 400 and not jo.follow_ups.filter(team=csapa).exists()
    assert "appartient à une autre organisation" in page.content.decode()
    halte = make_team("Halte de nuit", organisation=two["nord"])
    shown = web.as_(two["camille"]).get(f"/persons/{jo.pk}/").content.decode()
    form = shown[shown.index(f'action="/persons/{jo.pk}/follow-ups/new/"') :]
    choices = re.search(r'<select name="team"[^>]*>(.*?)</select>', form, re.S)
    assert choices is not None
    assert f'value="{halte.pk}"' in choices.group(1) and f'value="{csapa.pk}"' not in choices.group(1)
    ours = api.as_(two["camille"]).post(
        f"/api/v1/persons/{jo.pk}/follow-ups/", {**body, "team": halte.pk}, format="json"
    )
    assert ours.status_code == 201


def test_the_person_asks_another_organisations_team_to_follow_them(api, two):
    """The person's own act brings CSAPA Horizon in: it sees Jo's name, nothing more until Jo shares,
    and the event is Jo's, in Jo's journal."""
    jo, csapa = two["jo"], two["csapa"]
    account = make_portal_account(jo, "jo")
    offered = api.as_(account).get("/api/v1/portal/other-teams/").json()
    assert [(t["id"], t["organisation"]["name"]) for t in offered] == [(csapa.pk, "Horizon Addictions")]
    asked = api.as_(account).post("/api/v1/portal/other-teams/", {"team": csapa.pk}, format="json")
    assert asked.status_code == 201, asked.json()
    assert jo.follow_ups.filter(team=csapa, closed_at__isnull=True, opened_by=account).exists()
    event = AccessEvent.objects.get(action="follow_up.open", person_id=jo.pk)
    assert (event.actor_id, event.team_id, event.outcome) == (account.pk, csapa.pk, "allowed")
    nadia = api.as_(two["nadia"])
    assert nadia.get(f"/api/v1/persons/{jo.pk}/").status_code == 200
    assert nadia.get(f"/api/v1/persons/{jo.pk}/notes/").json()["count"] == 0  # R1: no consent to it yet
    again = api.as_(account).post("/api/v1/portal/other-teams/", {"team": csapa.pk}, format="json")
    assert again.status_code == 409
    assert api.as_(account).get("/api/v1/portal/other-teams/").json() == []


def test_only_the_person_or_their_representative_asks_a_team_for_them(api, two):
    """A worker, a manager or another person asking through the portal is refused and recorded; a
    representative whose role covers consents may ask, one whose role covers the journal only may not."""
    jo, csapa = two["jo"], two["csapa"]
    make_portal_account(jo, "jo")
    for user in (two["camille"], two["nadia"], two["horizon_manager"]):
        refused = api.as_(user).post("/api/v1/portal/other-teams/", {"team": csapa.pk}, format="json")
        assert refused.status_code == 403
    assert not jo.follow_ups.filter(team=csapa).exists()
    journal_only = representative_of(jo, two["camille"], scope="journal")
    refused = api.as_(journal_only.account).post(
        "/api/v1/portal/other-teams/", {"team": csapa.pk}, format="json"
    )
    assert refused.status_code == 403
    assert AccessEvent.objects.filter(
        actor_id=journal_only.account_id, action="follow_up.open", outcome="denied", person_id=jo.pk
    ).exists()
    type(journal_only).objects.filter(pk=journal_only.pk).update(scope="consents")
    asked = api.as_(journal_only.account).post(
        "/api/v1/portal/other-teams/", {"team": csapa.pk}, format="json"
    )
    assert asked.status_code == 201


def test_the_territorys_auditor_filters_the_log_by_organisation(api, two):
    api.as_(two["camille"]).get(f"/api/v1/persons/{two['jo'].pk}/")
    api.as_(two["nadia"]).get(f"/api/v1/persons/{two['jo'].pk}/")
    nord = {e["actor"] for e in log_of(api, two["territory"], organisation=two["nord"].pk)}
    assert two["camille"].pk in nord and two["nadia"].pk not in nord
    # An organisation's auditor filtering by another organisation finds nothing of it.
    assert log_of(api, two["horizon_auditor"], organisation=two["nord"].pk) == []
    bad = api.as_(two["territory"]).get("/api/v1/audit/events/", {"organisation": "x"})
    assert bad.status_code == 400 and "organisation" in bad.json()


def test_a_consent_names_its_teams_organisation(api, two):
    history = api.as_(two["camille"]).get(f"/api/v1/persons/{two['jo'].pk}/consents/").json()["results"]
    assert {c["organisation"] for c in history} == {two["nord"].pk}


def test_each_event_names_its_organisation(api, two):
    api.as_(two["nadia"]).get(f"/api/v1/persons/{two['jo'].pk}/")
    events = log_of(api, two["territory"], actor=two["nadia"].pk)
    assert events and {e["organisation"] for e in events} == {two["horizon"].pk}
    created = log_of(api, two["territory"], action="team.create", team=two["maraude"].pk)
    assert [e["organisation"] for e in created] == [two["nord"].pk]  # the set-up's, as a command's


def test_the_reach_of_an_administration_is_the_managers_organisation_or_nothing(two):
    """Who is asking, in the administration: a worker, an auditor, a manager of no organisation and
    an anonymous caller reach no organisation, whatever their own; a manager reaches theirs; the
    deployment's administrators (a superuser, a command) every one."""
    from django.contrib.auth.models import AnonymousUser

    from teams.organisations import administered_accounts, administered_teams, administration_of

    nord = two["nord"]
    for nobody in (
        two["camille"],
        UserFactory(organisation=nord, is_auditor=True),
        UserFactory(organisation=None, is_manager=True),
        AnonymousUser(),
    ):
        reach = administration_of(nobody)
        assert (reach.every_organisation, reach.organisation_id) == (False, None)
        assert not administered_teams(reach).exists() and not administered_accounts(reach).exists()
    manager = administration_of(UserFactory(organisation=nord, is_manager=True))
    assert list(administered_teams(manager).values_list("name", flat=True)) == ["Maraude Nord"]
    for everyone in (UserFactory(organisation=None, is_superuser=True), SYSTEM):
        assert administered_teams(administration_of(everyone)).count() == 2
