"""Issue 25: a consent as a FHIR R5 Consent, for whoever may see its receipt, that says what it
means, parses with fhir.resources, uses only the codes of its value sets, and can be checked
against its signed receipt."""

from __future__ import annotations

import base64
import copy
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from consent.consents import services
from core import signing
from interop import codes, receipt_check
from tests.factories import (
    give_consent,
    informed,
    make_member,
    make_portal_account,
    make_representative,
    make_team,
)
from tests.interop.value_sets import assert_consent_codes, parses

# FHIR renderings of what the services answer (the reads' rules run on both databases): one database is enough.
pytestmark = pytest.mark.any_database


def fhir_consent(api, user, consent_id):
    return api.as_(user).get(f"/api/v1/consents/{consent_id}/fhir/")


def test_a_consent_reads_as_a_valid_r5_consent_with_every_element(api, shared, worker, person, team):
    consent, _note = shared
    response = fhir_consent(api, worker, consent.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = response.json()
    parses(resource)
    assert_consent_codes(resource)
    assert resource["status"] == "active" and resource["decision"] == "permit"
    assert resource["subject"] == {"reference": f"Patient/{person.pk}"}
    assert resource["grantor"] == [{"reference": f"Patient/{person.pk}"}]
    assert resource["grantee"][0]["identifier"]["value"] == str(team.pk)
    assert resource["manager"] and resource["controller"]
    assert resource["date"] and resource["period"]["start"]
    [verification] = resource["verification"]
    assert verification["verificationType"]["coding"][0]["code"] == "oral"
    assert verification["verifiedBy"]["identifier"]["value"] == str(worker.pk)
    [provision] = resource["provision"]
    local = sorted(c["code"] for c in provision["securityLabel"] if c["system"] == codes.CATEGORY_SYSTEM)
    sensitivities = sorted(c["code"] for c in provision["securityLabel"] if c["system"] == codes.ACT_CODE)
    assert local == ["contact", "housing"]
    assert sensitivities == ["DEMO", "SOC"]  # contact: demographics; housing: social services
    assert [c["code"] for c in provision["documentType"]] == ["contact", "housing"]
    assert {a["coding"][0]["code"] for a in provision["action"]} == {"access", "use"}
    assert provision["purpose"][0]["code"] == "COC"
    [given] = resource["sourceAttachment"]
    assert given["contentType"] == "application/json" and given["hash"] and given["data"]


def test_the_read_is_recorded_like_its_json_twin(api, shared, worker, person, team):
    consent, _note = shared
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    fhir_consent(api, worker, consent.pk)
    [event] = AccessEvent.objects.filter(id__gt=mark)
    assert (event.action, event.outcome, event.person_id, event.team_id, event.consent_id) == (
        "consent.view",
        "allowed",
        person.pk,
        team.pk,
        consent.pk,
    )


def test_a_refusal_is_a_deny_without_categories(api, person, team, worker):
    refusal = give_consent(person, team, [], by=worker)
    resource = fhir_consent(api, worker, refusal.pk).json()
    parses(resource)
    assert_consent_codes(resource)
    assert resource["decision"] == "deny"
    assert "securityLabel" not in resource["provision"][0]


def test_a_withdrawal_makes_it_inactive_and_ends_its_period(api, shared, worker):
    consent, _note = shared
    services.withdraw_consent(user=worker, consent_id=consent.pk, method="oral")
    resource = fhir_consent(api, worker, consent.pk).json()
    parses(resource)
    assert resource["status"] == "inactive"
    assert resource["period"]["end"]
    assert [a["title"] for a in resource["sourceAttachment"]] == [
        "Relais receipt: consent given",
        "Relais receipt: consent withdrawn",
    ]
    assert receipt_check.problems(resource, signing.receipt_public_key()) == []


def test_a_superseded_version_points_to_the_newer_one(api, shared, worker, person, team):
    old, _note = shared
    newer = give_consent(person, team, ["housing"], by=worker)
    before = fhir_consent(api, worker, old.pk).json()
    after = fhir_consent(api, worker, newer.pk).json()
    parses(before), parses(after)
    assert before["status"] == "inactive" and after["status"] == "active"
    assert {"url": codes.SUPERSEDED_BY_URL, "valueReference": {"reference": f"Consent/{newer.pk}"}} in before[
        "extension"
    ]
    assert {"url": codes.SUPERSEDES_URL, "valueReference": {"reference": f"Consent/{old.pk}"}} in after[
        "extension"
    ]


def test_an_ended_consent_is_inactive(api, person, team, worker):
    ending = give_consent(
        person, team, ["housing"], by=worker, valid_until=timezone.now() + timedelta(days=1)
    )
    from consent.models import Consent

    Consent.objects.filter(pk=ending.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    assert fhir_consent(api, worker, ending.pk).json()["status"] == "inactive"


def test_a_representative_is_the_grantor_as_related_person(api, person, team, worker):
    agent, account = make_representative(person, by=worker, kind="guardian", scope="consents")
    given = services.record_consent(
        user=account,
        person_id=person.pk,
        team_id=team.pk,
        categories=["housing"],
        purpose="suivi",
        method="portal",
        **informed(),
    )
    resource = fhir_consent(api, worker, given.pk).json()
    parses(resource)
    [grantor] = resource["grantor"]
    assert grantor["type"] == "RelatedPerson" and grantor["display"] == agent.name
    assert "verifiedBy" not in resource["verification"][0]  # given in the portal, by the person's side


def test_the_person_and_their_representative_read_it_as_the_receipt(api, shared, person, worker):
    consent, _note = shared
    _agent, account = make_representative(person, by=worker, scope="consents")
    assert fhir_consent(api, make_portal_account(person, "jo"), consent.pk).status_code == 200
    assert fhir_consent(api, account, consent.pk).status_code == 200


def test_a_hidden_consent_answers_like_a_missing_one_and_the_attempt_names_the_person(api, shared, person):
    consent, _note = shared
    stranger = make_member(make_team("Autre équipe"))
    hidden = fhir_consent(api, stranger, consent.pk)
    missing = fhir_consent(api, stranger, 999999)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden["Content-Type"].startswith("application/json")  # errors in the API's JSON
    denied = AccessEvent.objects.filter(action="consent.view", outcome="denied").order_by("id")
    assert [e.person_id for e in denied] == [person.pk, None]


def test_peer_workers_and_colleagues_read_the_same_resource(api, shared, peer, colleague):
    consent, _note = shared
    assert fhir_consent(api, peer, consent.pk).json() == fhir_consent(api, colleague, consent.pk).json()


def test_a_consent_untouched_holds_against_its_receipt(api, shared, worker):
    consent, _note = shared
    resource = fhir_consent(api, worker, consent.pk).json()
    assert receipt_check.problems(resource, signing.receipt_public_key()) == []


def test_a_consent_tampered_with_after_export_is_caught_by_its_receipt(api, shared, worker):
    consent, _note = shared
    exported = fhir_consent(api, worker, consent.pk).json()
    key = signing.receipt_public_key()

    more = copy.deepcopy(exported)
    more["provision"][0]["securityLabel"].append({"system": codes.CATEGORY_SYSTEM, "code": "health"})
    assert [p.split(":")[0] for p in receipt_check.problems(more, key)] == ["categories"]

    longer = copy.deepcopy(exported)
    longer["period"]["end"] = "2099-01-01T00:00:00Z"
    assert [p.split(":")[0] for p in receipt_check.problems(longer, key)] == ["period.end"]

    forged = copy.deepcopy(exported)
    attachment = forged["sourceAttachment"][0]
    document = base64.b64decode(attachment["data"]).replace(b'"contact",', b'"contact","health",')
    attachment["data"] = base64.b64encode(document).decode()
    assert "its hash does not match" in receipt_check.problems(forged, key)[0]


def test_plain_json_when_asked_and_fhir_json_for_any_other_format(api, shared, worker):
    consent, _note = shared
    client = api.as_(worker)
    asked = client.get(f"/api/v1/consents/{consent.pk}/fhir/", HTTP_ACCEPT="application/json")
    assert asked["Content-Type"].startswith("application/json")
    for odd in ({"format": "-58800"}, {"format": "xml"}):
        response = client.get(f"/api/v1/consents/{consent.pk}/fhir/", odd)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    unusual = client.get(f"/api/v1/consents/{consent.pk}/fhir/", HTTP_ACCEPT="text/csv")
    assert unusual.status_code == 200 and unusual.json()["resourceType"] == "Consent"
