"""The code systems and value sets Relais speaks in FHIR, in one place, so that the builders, the
tests and ``docs/fhir.md`` name the same codes.

Relais's own code systems live under ``BASE``: a canonical address that names them, not a server
(no profile or implementation guide is published yet). Codes of HL7, DICOM and IHE are used as
their specifications say; a Relais category is mapped to an HL7 v3 ActCode sensitivity code only
where one means the same thing.
"""

from __future__ import annotations

from typing import Any

BASE = "https://relais.invalid/fhir"

# Relais's own code systems and extensions.
CATEGORY_SYSTEM = f"{BASE}/CodeSystem/category"
METHOD_SYSTEM = f"{BASE}/CodeSystem/consent-method"
REGULATORY_SYSTEM = f"{BASE}/CodeSystem/regulatory-basis"
ACTION_SYSTEM = f"{BASE}/CodeSystem/audit-action"
PURPOSE_SYSTEM = f"{BASE}/CodeSystem/purpose"
ACCOUNT_SYSTEM = f"{BASE}/NamingSystem/account"
TEAM_SYSTEM = f"{BASE}/NamingSystem/team"
CONSENT_SYSTEM = f"{BASE}/NamingSystem/consent"
EMERGENCY_SYSTEM = f"{BASE}/NamingSystem/emergency-access"
REQUEST_SYSTEM = f"{BASE}/NamingSystem/request"
SUPERSEDES_URL = f"{BASE}/StructureDefinition/consent-supersedes"
SUPERSEDED_BY_URL = f"{BASE}/StructureDefinition/consent-superseded-by"
CHAIN_URL = f"{BASE}/StructureDefinition/audit-chain"

# HL7, DICOM, IHE and LOINC.
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_ACTION = "http://terminology.hl7.org/CodeSystem/consentaction"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
LOINC = "http://loinc.org"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
DCM = "http://dicom.nema.org/resources/ontology/DCM"
OUTCOME = "http://terminology.hl7.org/CodeSystem/audit-event-outcome"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
BALP_ENTITY_TYPE = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType"
DOCUMENT_STATUS = "http://hl7.org/fhir/composition-status"

# Value sets the tests hold the resources to (FHIR R5, required bindings).
CONSENT_STATUSES = {"draft", "active", "inactive", "not-done", "entered-in-error", "unknown"}
CONSENT_DECISIONS = {"deny", "permit"}
AUDIT_ACTIONS = {"C", "R", "U", "D", "E"}
AUDIT_OUTCOMES = {"0", "4", "8", "12"}
AUDIT_SEVERITIES = {"emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"}
DOCUMENT_REFERENCE_STATUSES = {"current", "superseded", "entered-in-error"}

# Relais's categories (the default registry), and the v3 ActCode sensitivity code that means the
# same thing, where one does. A category a manager adds later has its local code only.
CATEGORY_TO_ACT_CODE: dict[str, tuple[str, str]] = {
    "contact": ("DEMO", "all demographic information sensitivity"),
    "health": ("BH", "behavioral health information sensitivity"),
    "addiction": ("ETH", "substance abuse information sensitivity"),
    "family": ("SOC", "social services sensitivity"),
    "housing": ("SOC", "social services sensitivity"),
    "support_plan": ("SOC", "social services sensitivity"),
    "administrative": ("SOC", "social services sensitivity"),
}
# No v3 sensitivity code means a judicial situation (HIV, STD, SDV... mean other things).
UNMAPPED_CATEGORIES = ("justice",)

# How a consent was obtained: Relais's methods, and the verification type words of R5.
METHODS = {
    "oral": "given orally to a member of the team",
    "written": "a signed form",
    "portal": "through the person's own space",
}

# The legal basis of sharing inside and between teams, as local codes (docs/fhir.md).
REGULATORY_BASES = {
    "gdpr-6-1-a": "GDPR art. 6(1)(a): consent",
    "gdpr-9-2-a": "GDPR art. 9(2)(a): explicit consent to special-category data",
    "csp-l1110-4": "Code de la santé publique, L1110-4: sharing between professionals",
    "casf-l121-6-2": "Code de l'action sociale et des familles, L121-6-2: shared professional secrecy",
}

PURPOSES = {"continuity": "continuity and coordination of support"}

# BALP and DICOM codes for the events that have one (docs/fhir.md, "AuditEvent").
REST = (AUDIT_EVENT_TYPE, "rest", "Restful Operation")
SECURITY_ALERT = (DCM, "110113", "Security Alert")
USER_AUTHENTICATION = (DCM, "110114", "User Authentication")
PATIENT_RECORD = (DCM, "110110", "Patient Record")
EMERGENCY_OVERRIDE_STARTED = (DCM, "110127", "Emergency Override Started")
EMERGENCY_OVERRIDE_STOPPED = (DCM, "110138", "Emergency Override Stopped")
LOGIN = (DCM, "110122", "Login")
LOGOUT = (DCM, "110123", "Logout")
INTERACTIONS = {"read", "search", "create", "update", "delete"}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], **({"text": text} if text else {})}


def category_codings(code: str, label: str | None = None) -> list[dict[str, Any]]:
    """A category as its local code, then its ActCode sensitivity when one means the same."""
    codings = [coding(CATEGORY_SYSTEM, code, label)]
    if code in CATEGORY_TO_ACT_CODE:
        act, display = CATEGORY_TO_ACT_CODE[code]
        codings.append(coding(ACT_CODE, act, display))
    return codings


def security_labels(codes: list[str]) -> list[dict[str, Any]]:
    """The ActCode sensitivities of categories, each once, in a stable order."""
    seen: dict[str, str] = {}
    for code in codes:
        if code in CATEGORY_TO_ACT_CODE:
            act, display = CATEGORY_TO_ACT_CODE[code]
            seen.setdefault(act, display)
    return [coding(ACT_CODE, act, display) for act, display in sorted(seen.items())]
