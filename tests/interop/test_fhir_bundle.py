"""Issue 25: the person's data as a FHIR R5 Bundle (GDPR art. 20), from the portal beside the JSON
copy and the printable one: the person, their consents, the notes about them with their category,
and their journal; for the person alone."""

from __future__ import annotations

import base64
import json

import pytest

from audit.models import AccessEvent
from interop import codes
from tests.factories import give_consent, make_note, make_portal_account, representative_of
from tests.interop.value_sets import assert_audit_event_codes, assert_consent_codes, parses

# A FHIR rendering of the person's copy of their data: one database is enough.
pytestmark = pytest.mark.any_database


def by_type(bundle):
    found = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_the_person_takes_their_data_as_a_valid_bundle(api, person, team, worker):
    consent = give_consent(person, team, ["housing", "contact"], by=worker)
    note = make_note(person, worker, team, "housing", "Demande SIAO déposée")
    person.phone = "06 11 22 33 44"
    person.save()
    response = api.as_(make_portal_account(person, "jo")).get("/api/v1/portal/export/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    parses(bundle)
    assert bundle["type"] == "collection"
    found = by_type(bundle)
    [patient] = found["Patient"]
    assert patient["id"] == str(person.pk) and patient["name"][0]["text"] == "Jo"
    assert {"system": "phone", "value": "06 11 22 33 44"} in patient["telecom"]
    [fhir_consent] = found["Consent"]
    assert fhir_consent["id"] == str(consent.pk)
    assert_consent_codes(fhir_consent)
    [document] = found["DocumentReference"]
    assert document["id"] == str(note.pk) and document["status"] == "current"
    assert base64.b64decode(document["content"][0]["attachment"]["data"]).decode() == "Demande SIAO déposée"
    assert document["category"][0]["coding"][0]["system"] == codes.CATEGORY_SYSTEM
    assert document["category"][0]["coding"][0]["code"] == "housing"
    journal = found["AuditEvent"]
    assert {r["id"] for r in journal} >= {
        str(e.pk) for e in AccessEvent.objects.filter(person_id=person.pk, action="consent.record")
    }
    for resource in journal:
        assert_audit_event_codes(resource)
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])


def test_the_bundle_is_recorded_as_the_json_copy_is(api, person, team, worker):
    give_consent(person, team, ["housing"], by=worker)
    make_note(person, worker, team, "housing")
    jo = make_portal_account(person, "jo")
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    api.as_(jo).get("/api/v1/portal/export/fhir/")
    fhir = [(e.action, e.person_id, e.categories) for e in AccessEvent.objects.filter(id__gt=mark)]
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    api.as_(jo).get("/api/v1/portal/export/")
    plain = [(e.action, e.person_id, e.categories) for e in AccessEvent.objects.filter(id__gt=mark)]
    assert fhir == plain == [("portal.export", person.pk, ["contact", "housing"])]


def test_a_corrected_note_is_superseded_and_its_correction_replaces_it(api, person, team, worker):
    from records.models import Note

    first = make_note(person, worker, team, "housing", "Premier jet")
    second = Note.objects.create(
        person=person, author=worker, team=team, category=first.category, body="Corrigé", corrects=first
    )
    bundle = api.as_(make_portal_account(person, "jo")).get("/api/v1/portal/export/fhir/").json()
    documents = {d["id"]: d for d in by_type(bundle)["DocumentReference"]}
    assert documents[str(first.pk)]["status"] == "superseded"
    assert documents[str(second.pk)]["relatesTo"][0]["target"] == {
        "reference": f"DocumentReference/{first.pk}"
    }


def test_a_representative_and_a_worker_are_refused_the_persons_bundle(api, person, worker):
    agent = representative_of(person, worker)
    assert api.as_(agent.account).get("/api/v1/portal/export/fhir/").status_code == 403
    assert api.as_(worker).get("/api/v1/portal/export/fhir/").status_code == 403


def test_the_portal_page_offers_the_fhir_file_beside_the_others(web, person, team, worker):
    give_consent(person, team, ["housing"], by=worker)
    jo = make_portal_account(person, "jo")
    home = web.as_(jo).get("/portal/").content.decode()
    assert "/portal/my-data/" in home and "/portal/print/" in home and "/portal/my-data/fhir/" in home
    response = web.as_(jo).get("/portal/my-data/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    parses(json.loads(response.content))
