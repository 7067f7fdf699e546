"""R4: superusers, staff, managers and auditors get no person data from their role."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def privileged(db):
    return {
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "staff": UserFactory(is_staff=True),
        "manager": UserFactory(is_manager=True),
        "auditor": UserFactory(is_auditor=True),
    }


@pytest.mark.parametrize("role", ["superuser", "staff", "manager", "auditor"])
def test_role_opens_no_person_note_or_contact(api, shared, person, privileged, role):
    consent, note = shared
    client = api.as_(privileged[role])
    for url in (
        "/api/v1/persons/",
        f"/api/v1/persons/{person.pk}/",
        f"/api/v1/persons/{person.pk}/notes/",
        f"/api/v1/notes/{note.pk}/",
        f"/api/v1/persons/{person.pk}/consents/",
        f"/api/v1/consents/{consent.pk}/receipt/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert note.body not in response.content.decode()
        assert person.phone not in response.content.decode()
        assert "Jo" not in response.content.decode()


def test_superuser_shortcut_in_guardian_opens_nothing(api, shared, person, privileged):
    superuser = privileged["superuser"]
    assert superuser.has_perm("records.follow_person", person)  # Django's shortcut says yes...
    response = api.as_(superuser).get(f"/api/v1/persons/{person.pk}/notes/")
    assert response.status_code == 403  # ...the policy does not ask it.


def test_manager_who_is_also_a_member_sees_only_what_the_membership_gives(api, shared, person, team):
    from tests.factories import make_member

    manager = make_member(team, is_manager=True, is_superuser=True)
    consent, note = shared
    body = api.as_(manager).get(f"/api/v1/persons/{person.pk}/notes/").json()
    assert [n["id"] for n in body["results"]] == [note.pk]


def test_superuser_who_is_also_a_member_reaches_no_person_their_teams_do_not_follow(api, team, other_team):
    """R4 beyond the persons the team already follows: the role adds no one to what the teams reach."""
    from tests.factories import give_consent, make_member, make_note, make_person

    superuser = make_member(team, is_superuser=True, is_staff=True)
    nurse = make_member(other_team)
    elsewhere = make_person(other_team, display_name="Ailleurs")
    consent = give_consent(elsewhere, other_team, ["contact"], by=nurse)
    note = make_note(elsewhere, nurse, other_team, "contact")
    client = api.as_(superuser)
    assert client.get("/api/v1/persons/").json()["count"] == 0
    for url in (
        f"/api/v1/persons/{elsewhere.pk}/",
        f"/api/v1/persons/{elsewhere.pk}/notes/",
        f"/api/v1/notes/{note.pk}/",
        f"/api/v1/persons/{elsewhere.pk}/consents/",
        f"/api/v1/consents/{consent.pk}/receipt/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_account_without_the_auditors_role_audits_nothing_whatever_it_lacks(db):
    """The auditor's role is a flag an account holds, never a default: a caller without it (an
    anonymous one, which has no such field at all) is refused, on the record; an auditor of no
    organisation, not the deployment's, reads no queue; the deployment's reach is explicit."""
    from django.contrib.auth.models import AnonymousUser

    from access.auditors import access_auditor
    from access.organisations import audited, audited_disagreements
    from audit.models import AccessEvent
    from consent.models import Disagreement, GlassBreak
    from core.domain_errors import NotAnAuditor

    for caller in (AnonymousUser(), UserFactory()):
        with pytest.raises(NotAnAuditor):
            access_auditor(caller, "audit.view", object_type="event")
    refused = AccessEvent.objects.filter(action="audit.view", outcome="denied")
    assert [(e.object_type, e.reason) for e in refused] == [("event", "NotAnAuditor")] * 2

    of_nothing = access_auditor(
        UserFactory(is_auditor=True, audits_deployment=False, organisation=None),
        "audit.view",
        object_type="event",
    )
    assert (of_nothing.whole_deployment, of_nothing.organisation_id) == (False, None)
    assert audited_disagreements(of_nothing, Disagreement.objects.all()).query.is_empty()
    assert audited(of_nothing, GlassBreak.objects.all(), "team__").query.is_empty()
    territory = UserFactory(is_auditor=True, audits_deployment=True)
    assert access_auditor(territory, "audit.view", object_type="event").whole_deployment is True
