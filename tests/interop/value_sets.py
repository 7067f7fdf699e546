"""The codes a FHIR resource of Relais may use, checked against the value sets of docs/fhir.md:
fhir.resources checks the structure, not the codes."""

from __future__ import annotations

from interop import codes

CATEGORY_CODES = {
    "contact",
    "housing",
    "support_plan",
    "administrative",
    "health",
    "addiction",
    "justice",
    "family",
}
ACT_CODES = {act for act, _display in codes.CATEGORY_TO_ACT_CODE.values()}
AUDIT_CATEGORIES = {
    (codes.AUDIT_EVENT_TYPE, "rest"),
    (codes.DCM, "110113"),
    (codes.DCM, "110114"),
    (codes.DCM, "110106"),
}
AUDIT_SUBTYPES = {
    codes.RESTFUL_INTERACTION: {"read", "search", "create", "update", "delete", "operation"},
    codes.DCM: {"110127", "110138", "110122", "110123"},
}
OBJECT_ROLES = {"1", "4", "13"}


def _codings(concept):
    return concept.get("coding", [])


def assert_category_coding(coding):
    if coding["system"] == codes.CATEGORY_SYSTEM:
        assert coding["code"] in CATEGORY_CODES, coding
    else:
        assert coding["system"] == codes.ACT_CODE and coding["code"] in ACT_CODES, coding


def assert_consent_codes(resource):
    assert resource["status"] in codes.CONSENT_STATUSES
    assert resource["decision"] in codes.CONSENT_DECISIONS
    for verification in resource["verification"]:
        [method] = _codings(verification["verificationType"])
        assert method["system"] == codes.METHOD_SYSTEM and method["code"] in codes.METHODS
    for basis in resource["regulatoryBasis"]:
        [coding] = _codings(basis)
        assert coding["system"] == codes.REGULATORY_SYSTEM and coding["code"] in codes.REGULATORY_BASES
    for provision in resource["provision"]:
        for label in provision.get("securityLabel", []):
            assert_category_coding(label)
        for kind in provision.get("documentType", []):
            assert kind["system"] == codes.CATEGORY_SYSTEM and kind["code"] in CATEGORY_CODES
        for action in provision["action"]:
            assert {(c["system"], c["code"]) for c in _codings(action)} <= {
                (codes.CONSENT_ACTION, "access"),
                (codes.CONSENT_ACTION, "use"),
            }
        for actor in provision["actor"]:
            # Every member of the team alike (R3): the team is the actor, no code for a profession.
            assert actor["reference"]["type"] == "CareTeam"
            assert [(c["system"], c["code"]) for c in _codings(actor["role"])] == [
                (codes.PARTICIPATION, "IRCP")
            ]


def assert_audit_event_codes(resource):
    assert resource["action"] in codes.AUDIT_ACTIONS
    assert resource["severity"] in codes.AUDIT_SEVERITIES
    assert resource["outcome"]["code"]["system"] == codes.OUTCOME
    assert resource["outcome"]["code"]["code"] in codes.AUDIT_OUTCOMES
    [category] = _codings(resource["category"][0])
    assert (category["system"], category["code"]) in AUDIT_CATEGORIES
    for coding in _codings(resource["code"]):
        if coding["system"] == codes.ACTION_SYSTEM:
            continue
        assert coding["code"] in AUDIT_SUBTYPES[coding["system"]], coding
    for entity in resource.get("entity", []):
        if "role" in entity:
            [role] = _codings(entity["role"])
            assert role["system"] == codes.OBJECT_ROLE and role["code"] in OBJECT_ROLES
        for label in entity.get("securityLabel", []):
            for coding in _codings(label):
                assert_category_coding(coding)


def parses(resource, release="R5"):
    """Parsed again here, by the third-party model, whatever the code did before."""
    from fhir.resources import get_fhir_model_class
    from fhir.resources.R4B import get_fhir_model_class as get_r4b

    model = (get_r4b if release == "R4B" else get_fhir_model_class)(resource["resourceType"])
    return model.model_validate(resource)
