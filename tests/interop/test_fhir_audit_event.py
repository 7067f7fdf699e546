"""Issue 25: the access log as FHIR R5 AuditEvents following IHE BALP where it applies, for auditors
with the log's filters, and as NDJSON from ``export_audit --fhir`` that resumes like the JSON lines;
each event carries its chain's hash, and an R4B shape is offered."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AccessEvent, Action
from consent.emergency import services as glass
from interop import audit_event, codes
from interop.management.commands.export_audit import position
from tests.factories import UserFactory, give_consent, make_member, make_note, make_person, write_events
from tests.interop.value_sets import assert_audit_event_codes, parses

# FHIR renderings of the log's events, filtered by equality only (the log's own tests run on both): one database is enough.
pytestmark = pytest.mark.any_database


def search(api, user, query=""):
    return api.as_(user).get(f"/api/v1/audit/fhir/AuditEvent{query}")


def resources(response):
    return [entry["resource"] for entry in response.json()["entry"]]


def codes_of(resource):
    return {(c["system"], c["code"]) for c in resource["code"]["coding"]}


def test_every_action_of_the_log_maps_to_codes_of_the_value_sets(db):
    for number, action in enumerate(Action.values, start=1):
        for outcome in ("allowed", "denied"):
            body = {
                "action": action,
                "outcome": outcome,
                "t": 1_765_000_000_000_000,
                "actor": 3,
                "actor_label": "Camille",
                "person": 7,
                "team": 2,
                "consent": 4,
                "object_type": "note",
                "object_ids": [11, 12],
                "categories": ["health", "housing", "justice"],
                "reason": "" if outcome == "allowed" else "NotFollowed",
                "request_id": "abc",
                "ip": "192.0.2.1",
            }
            resource = audit_event.build(number, 1, number, "f" * 64, json.dumps(body))
            parses(resource)
            assert_audit_event_codes(resource)
            parses(audit_event.r4b(resource), release="R4B")


def test_a_read_of_one_record_is_a_balp_patient_read(api, shared, worker, person, auditor):
    api.as_(worker).get(f"/api/v1/persons/{person.pk}/")
    [resource] = resources(search(api, auditor, "?action=person.view"))
    parses(resource)
    assert (codes.RESTFUL_INTERACTION, "read") in codes_of(resource)
    assert resource["category"][0]["coding"][0]["code"] == "rest"
    assert resource["action"] == "R"
    assert resource["patient"] == {"reference": f"Patient/{person.pk}"}
    assert resource["outcome"]["code"]["code"] == "0"
    assert resource["agent"][0]["who"]["identifier"]["value"] == str(worker.pk)


def test_a_list_is_a_balp_patient_query_with_one_event_per_person(api, team, worker, auditor):
    jo, sam = make_person(team, display_name="Jo"), make_person(team, display_name="Sam")
    api.as_(worker).get("/api/v1/persons/")
    found = resources(search(api, auditor, "?action=person.list"))
    assert sorted(r["patient"]["reference"] for r in found) == [f"Patient/{jo.pk}", f"Patient/{sam.pk}"]
    assert all((codes.RESTFUL_INTERACTION, "search") in codes_of(r) and r["action"] == "E" for r in found)


def test_a_consent_decision_names_its_consent_and_a_denial_its_outcome_code(
    api, shared, worker, person, auditor
):
    consent, note = shared
    api.as_(worker).get(f"/api/v1/notes/{note.pk}/")
    stranger = make_member(make_person.__globals__["make_team"]("Ailleurs"))
    api.as_(stranger).get(f"/api/v1/notes/{note.pk}/")
    allowed, denied = sorted(resources(search(api, auditor, "?action=note.view")), key=lambda r: int(r["id"]))
    assert {"reference": f"Consent/{consent.pk}"} in [e["what"] for e in allowed["entity"]]
    assert {"reference": f"DocumentReference/{note.pk}"} in [e["what"] for e in allowed["entity"]]
    assert denied["outcome"]["code"] == {
        "system": codes.OUTCOME,
        "code": "8",
        "display": "Serious failure",
    }
    assert denied["outcome"]["detail"][0]["text"]


def test_an_emergency_access_is_a_security_alert_and_its_review_too(api, team, person, worker, auditor):
    opened = glass.break_glass(
        user=worker,
        person_id=person.pk,
        team_id=team.pk,
        categories=["support_plan"],
        reason="danger_to_life",
        statement="Hospitalisé.",
    )
    glass.review(user=auditor, glass_break_id=opened.pk, verdict="justified", comment="Vu.")
    [started] = resources(search(api, auditor, "?action=glass_break.open"))
    [review] = resources(search(api, auditor, "?action=glass_break.review"))
    for resource in (started, review):
        assert resource["category"][0]["coding"][0] == {
            "system": codes.DCM,
            "code": "110113",
            "display": "Security Alert",
        }
        assert resource["severity"] == "alert"
    assert (codes.DCM, "110127") in codes_of(started)  # emergency override started
    assert (codes.ACTION_SYSTEM, "glass_break.review") in codes_of(review)


def test_each_audit_event_carries_its_chains_hash(api, auditor):
    write_events(3)
    for resource in resources(search(api, auditor, "?action=person.view")):
        event = AccessEvent.objects.get(pk=int(resource["id"]))
        chain = {e["url"]: e for e in resource["extension"][0]["extension"]}
        assert resource["extension"][0]["url"] == codes.CHAIN_URL
        assert chain["hash"]["valueString"] == event.hash
        assert (chain["chain"]["valueInteger"], int(chain["seq"]["valueInteger64"])) == (
            event.chain,
            event.seq,
        )


def test_the_search_is_a_searchset_with_the_logs_filters_and_pages(api, auditor, person):
    write_events(5, person_id=person.pk)
    write_events(3)
    about_jo = AccessEvent.objects.filter(person_id=person.pk).count()  # their creation too
    response = search(api, auditor, f"?person={person.pk}&page_size=2")
    bundle = response.json()
    parses(bundle)
    assert response["Content-Type"].startswith("application/fhir+json")
    assert bundle["type"] == "searchset" and bundle["total"] == about_jo and len(bundle["entry"]) == 2
    assert "next" in {link["relation"] for link in bundle["link"]}
    assert all(e["resource"]["patient"]["reference"] == f"Patient/{person.pk}" for e in bundle["entry"])
    since = (timezone.now() + timedelta(days=1)).isoformat()
    assert search(api, auditor, "?since=" + since.replace("+", "%2B")).json()["total"] == 0


def test_the_search_is_recorded_like_the_logs_own_list(api, auditor, person):
    write_events(2, person_id=person.pk)
    mark = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    shown = [int(r["id"]) for r in resources(search(api, auditor, f"?person={person.pk}"))]
    [event] = AccessEvent.objects.filter(id__gt=mark)
    assert (event.action, event.outcome, event.person_id) == ("audit.view", "allowed", person.pk)
    assert event.object_ids == shown and event.reason == f"person={person.pk}"


@pytest.mark.parametrize("query", ["?person=x", "?action=nothing", "?since=yesterday", "?page_size=0"])
def test_a_wrong_filter_is_a_400_on_its_field(api, auditor, query):
    response = search(api, auditor, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_only_auditors_read_it_and_a_refusal_is_recorded(api, shared, worker):
    for user in (worker, UserFactory(is_manager=True)):
        assert search(api, user).status_code == 403
    refused = AccessEvent.objects.filter(action="audit.view", outcome="denied")
    assert refused.count() == 2


def ndjson(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_export_audit_fhir_streams_ndjson_audit_events_and_resumes(db, tmp_path):
    out = tmp_path / "audit.ndjson"
    write_events(20)
    call_command("export_audit", "--fhir", "-o", str(out))
    first = ndjson(out)
    write_events(7)
    call_command("export_audit", "--fhir", "-o", str(out))  # a restart: only what is new
    lines = ndjson(out)
    ids = [int(r["id"]) for r in lines]
    assert len(ids) == len(set(ids)) and len(lines) > len(first)
    assert set(ids) == set(AccessEvent.objects.filter(id__lte=max(ids)).values_list("id", flat=True))
    for resource in lines:
        parses(resource)
        assert_audit_event_codes(resource)
        event = AccessEvent.objects.get(pk=int(resource["id"]))
        assert position(resource) == (event.chain, event.seq)
    started = [e.reason for e in AccessEvent.objects.filter(action="audit.export")]
    assert started == ["stream of FHIR R5 AuditEvents started"] * 2


def test_a_torn_last_fhir_line_is_dropped_and_written_again(db, tmp_path):
    out = tmp_path / "audit.ndjson"
    write_events(5)
    call_command("export_audit", "--fhir", "-o", str(out))
    whole = out.read_text()
    out.write_text(whole[:-20])
    call_command("export_audit", "--fhir", "-o", str(out))
    assert set(out.read_text().splitlines()) >= set(whole.splitlines())
    ids = [r["id"] for r in ndjson(out)]
    assert len(ids) == len(set(ids))


def test_export_audit_fhir_r4b_gives_the_r4b_shape(db, tmp_path):
    out = tmp_path / "audit-r4b.ndjson"
    write_events(3)
    call_command("export_audit", "--fhir", "--r4b", "-o", str(out))
    lines = ndjson(out)
    assert lines and all(parses(r, release="R4B") for r in lines)
    assert all("type" in r and "category" not in r for r in lines)
    call_command("export_audit", "--fhir", "--r4b", "-o", str(out))  # resumes from the R4B lines too
    assert len(ndjson(out)) == len(lines) + 1  # the second start's own event


def test_an_allowed_read_names_its_note_and_its_categories(api, team, person, worker, colleague, auditor):
    give_consent(person, team, ["housing"], by=worker)
    note = make_note(person, worker, team, "housing")
    api.as_(colleague).get(f"/api/v1/notes/{note.pk}/")
    [resource] = resources(search(api, auditor, f"?action=note.view&actor={colleague.pk}"))
    [read] = [e for e in resource["entity"] if e["what"].get("reference") == f"DocumentReference/{note.pk}"]
    labels = {(c["system"], c["code"]) for label in read["securityLabel"] for c in label["coding"]}
    assert labels == {(codes.CATEGORY_SYSTEM, "housing"), (codes.ACT_CODE, "SOC")}
