"""An event of the access log as a FHIR R5 ``AuditEvent``, with the codes of IHE's Basic Audit Log
Patterns (BALP) where they apply, and the R4B shape BALP itself is written for.

One event of the log is one AuditEvent, built from the event's stored body alone (no query): a
list of persons is already one event per person in the log (R5, BALP's PatientQuery), a read of a
person's record names them as the patient (PatientRead). Each AuditEvent carries the event's
chain, position and hash (``codes.CHAIN_URL``), so that a copy kept outside can be checked
against the log (``manage.py verify_audit`` checks the log itself).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from audit.models import AccessEvent
from interop import codes
from interop.model import Resource, validated

# What each action of the log is, in FHIR's words: a RESTful interaction, an export, a sign-in or
# an emergency override. An action not named here is an operation ("E", execute).
READS = {
    "person.view",
    "note.view",
    "consent.consents.evidence",
    "receipt.view",
}
SEARCHES = {
    "person.list",
    "note.list",
    "consent.view",
    "representative.list",
    "portal.consents",
    "portal.access_log",
    "portal.receipts",
    "portal.notices",
    "audit.view",
    "glass_break.list",
    "space_reset.list",
    "retention.count",
}
CREATES = {
    "person.create",
    "note.create",
    "consent.record",
    "follow_up.open",
    "representative.record",
    "portal.invite",
    "account.create",
    "team.create",
    "membership.add",
    "category.create",
    "account.code",
    "information.publish",
    "retention.notice",
}
UPDATES = {
    "person.update",
    "note.correct",
    "consent.withdraw",
    "follow_up.close",
    "representative.end",
    "account.update",
    "team.update",
    "membership.update",
    "membership.presentation",
    "category.update",
    "commitment.accept",
    "notice.read",
    "notice.email",
    "portal.activate",
    "portal.reset",
    "portal.code_cancel",
    "glass_break.acknowledge",
    "space_reset.confirm",
    "keys.rotate",
    "retention.archive",
}
DELETES = {"membership.remove", "audit.purge", "retention.erase"}
EXPORTS = {"portal.export", "audit.export"}
LOGINS = {"auth.login", "auth.login_failed", "auth.password", "account.open"}
LOGOUTS = {"auth.token_revoke"}
OVERRIDE_STARTED = {"glass_break.open"}
OVERRIDE_STOPPED = {"glass_break.end"}
ALERTS = {"glass_break.review", "space_reset.review", "portal.reset", "mfa.reset"}

INTERACTION = {
    **{a: ("read", "R") for a in READS},
    **{a: ("search", "E") for a in SEARCHES},
    **{a: ("create", "C") for a in CREATES},
    **{a: ("update", "U") for a in UPDATES},
    **{a: ("delete", "D") for a in DELETES},
}
# What the log names, as FHIR resources where Relais publishes one, by identifier elsewhere.
RESOURCE_TYPES = {
    "person": "Patient",
    "note": "DocumentReference",
    "consent": "Consent",
    "audit_event": "AuditEvent",
}
OUTCOMES = {"allowed": ("0", "Success"), "denied": ("8", "Serious failure")}


def _kind(action: str) -> tuple[tuple[str, str, str], dict[str, Any] | None, str]:
    """The event's category, its BALP or DICOM subtype (a coding, if any) and its FHIR action."""
    if action in OVERRIDE_STARTED:
        return codes.SECURITY_ALERT, codes.coding(*codes.EMERGENCY_OVERRIDE_STARTED), "E"
    if action in OVERRIDE_STOPPED:
        return codes.SECURITY_ALERT, codes.coding(*codes.EMERGENCY_OVERRIDE_STOPPED), "E"
    if action in ALERTS:
        return codes.SECURITY_ALERT, None, "E"
    if action in LOGINS:
        return codes.USER_AUTHENTICATION, codes.coding(*codes.LOGIN), "E"
    if action in LOGOUTS:
        return codes.USER_AUTHENTICATION, codes.coding(*codes.LOGOUT), "E"
    if action in EXPORTS:
        return (codes.DCM, "110106", "Export"), None, "R"
    if action in INTERACTION:
        interaction, verb = INTERACTION[action]
        return codes.REST, codes.coding(codes.RESTFUL_INTERACTION, interaction), verb
    return codes.REST, codes.coding(codes.RESTFUL_INTERACTION, "operation"), "E"


def _moment(micros: int) -> str:
    return datetime.fromtimestamp(micros / 1_000_000, UTC).isoformat().replace("+00:00", "Z")


def _agent(body: dict[str, Any]) -> dict[str, Any]:
    """Who acted: an account of Relais (a worker, a person's space, a representative's) by its
    identifier, or Relais itself for a command or a refused sign-in."""
    actor = body.get("actor")
    label = body.get("actor_label") or "relais"
    who: dict[str, Any] = (
        {"identifier": {"system": codes.ACCOUNT_SYSTEM, "value": str(actor)}, "display": label}
        if actor is not None
        else {"type": "Device", "display": label}
    )
    agent: dict[str, Any] = {
        "type": codes.concept(codes.PARTICIPATION, "IRCP", "information recipient"),
        "who": who,
        "requestor": True,
    }
    if body.get("ip"):
        agent["networkString"] = body["ip"]
    return agent


def _reference(object_type: str, object_id: int | str) -> dict[str, Any]:
    kind = RESOURCE_TYPES.get(object_type)
    if kind:
        return {"reference": f"{kind}/{object_id}"}
    return {"identifier": {"system": f"{codes.BASE}/NamingSystem/{object_type}", "value": str(object_id)}}


def _entities(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The person (BALP: the patient entity), what was read or done (with its categories), the
    consent or emergency access that allowed it, and the request (BALP's X-Request-Id)."""
    found: list[dict[str, Any]] = []
    if body.get("person") is not None:
        found.append(
            {
                "what": {"reference": f"Patient/{body['person']}"},
                "role": codes.concept(codes.OBJECT_ROLE, "1", "Patient"),
            }
        )
    labels = [{"coding": codes.category_codings(code)} for code in body.get("categories", [])]
    for object_id in body.get("object_ids", []):
        entity: dict[str, Any] = {
            "what": _reference(body.get("object_type") or "object", object_id),
            "role": codes.concept(codes.OBJECT_ROLE, "4", "Domain Resource"),
        }
        if labels:
            entity["securityLabel"] = labels
        found.append(entity)
    if not body.get("object_ids") and labels:
        found.append({"what": {"display": body.get("object_type") or "-"}, "securityLabel": labels})
    if body.get("consent") is not None:
        found.append(
            {
                "what": {"reference": f"Consent/{body['consent']}"},
                "role": codes.concept(codes.OBJECT_ROLE, "13", "Security Resource"),
            }
        )
    if body.get("glass_break") is not None:
        found.append(
            {
                "what": {"identifier": {"system": codes.EMERGENCY_SYSTEM, "value": str(body["glass_break"])}},
                "role": codes.concept(codes.OBJECT_ROLE, "13", "Security Resource"),
            }
        )
    if body.get("request_id"):
        found.append({"what": {"identifier": {"system": codes.REQUEST_SYSTEM, "value": body["request_id"]}}})
    return found


def chain_extension(chain: int, seq: int, digest: str, *, release: str = "R5") -> dict[str, Any]:
    """Where the event sits in the log and its hash: what a copy outside is checked with."""
    position = (
        {"url": "seq", "valueInteger64": str(seq)}
        if release == "R5"
        else {"url": "seq", "valueString": str(seq)}
    )
    return {
        "url": codes.CHAIN_URL,
        "extension": [
            {"url": "chain", "valueInteger": chain},
            position,
            {"url": "hash", "valueString": digest},
        ],
    }


def build(event_id: int, chain: int, seq: int, digest: str, body_text: str) -> Resource:
    """The R5 AuditEvent of one stored event (its id, chain, position, hash and exact body)."""
    body = json.loads(body_text)
    action = body["action"]
    category, subtype, verb = _kind(action)
    denied = body.get("outcome") == "denied"
    outcome_code, outcome_display = OUTCOMES["denied" if denied else "allowed"]
    outcome: dict[str, Any] = {"code": codes.coding(codes.OUTCOME, outcome_code, outcome_display)}
    if body.get("reason"):
        outcome["detail"] = [{"text": body["reason"]}]
    severity = "alert" if category == codes.SECURITY_ALERT else "warning" if denied else "informational"
    resource: Resource = {
        "resourceType": "AuditEvent",
        "id": str(event_id),
        "extension": [chain_extension(chain, seq, digest)],
        "category": [codes.concept(*category)],
        "code": {"coding": [*([subtype] if subtype else []), codes.coding(codes.ACTION_SYSTEM, action)]},
        "action": verb,
        "severity": severity,
        "occurredDateTime": _moment(body["t"]),
        "recorded": _moment(body["t"]),
        "outcome": outcome,
        **({"patient": {"reference": f"Patient/{body['person']}"}} if body.get("person") is not None else {}),
        "agent": [_agent(body)],
        "source": {
            "observer": {"type": "Device", "display": "Relais"},
            "type": [codes.concept(codes.SOURCE_TYPE, "4", "Application Server")],
        },
    }
    entities = _entities(body)
    if entities:
        resource["entity"] = entities
    return validated(resource)


def of(event: AccessEvent) -> Resource:
    """``build`` for a row of the log."""
    return build(event.pk, event.chain, event.seq, event.hash, event.body)


def r4b(resource: Resource) -> Resource:
    """The same event in the R4B shape (``type``/``subtype``, as BALP and the ANS's profiles are
    written), parsed by the R4B model."""
    category = resource["category"][0]["coding"][0]
    chain = resource["extension"][0]["extension"]
    seq = next(e["valueInteger64"] for e in chain if e["url"] == "seq")
    digest = next(e["valueString"] for e in chain if e["url"] == "hash")
    chain_no = next(e["valueInteger"] for e in chain if e["url"] == "chain")
    agent = dict(resource["agent"][0])
    network = agent.pop("networkString", None)
    if network:
        agent["network"] = {"address": network, "type": "2"}
    old: Resource = {
        "resourceType": "AuditEvent",
        "id": resource["id"],
        "extension": [chain_extension(chain_no, int(seq), digest, release="R4B")],
        "type": category,
        "subtype": resource["code"]["coding"],
        "action": resource["action"],
        "period": {"start": resource["occurredDateTime"], "end": resource["occurredDateTime"]},
        "recorded": resource["recorded"],
        "outcome": resource["outcome"]["code"]["code"],
        **(
            {"outcomeDesc": resource["outcome"]["detail"][0]["text"]}
            if "detail" in resource["outcome"]
            else {}
        ),
        "agent": [agent],
        "source": {
            "observer": resource["source"]["observer"],
            "type": [c["coding"][0] for c in resource["source"]["type"]],
        },
    }
    entities = []
    for entity in resource.get("entity", []):
        item = {"what": entity["what"]}
        if "role" in entity:
            item["role"] = entity["role"]["coding"][0]
        if entity["what"].get("identifier", {}).get("system") == codes.REQUEST_SYSTEM:
            item["type"] = codes.coding(codes.BALP_ENTITY_TYPE, "XrequestId", "X-Request-Id")
        if "securityLabel" in entity:
            item["securityLabel"] = [c for label in entity["securityLabel"] for c in label["coding"]]
        entities.append(item)
    if entities:
        old["entity"] = entities
    return validated(old, release="R4B")
