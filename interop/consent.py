"""A consent as a FHIR R5 ``Consent``: what it permits (or refuses), to which team, for which
categories, how it was obtained, and the signed receipts that attest it (``sourceAttachment``).

The builder reads a consent already reached through the policy (``interop.selectors``): it decides
nothing about who may see it. Every member of the team is the same actor (R3): no code tells a
peer worker from a colleague.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from django.utils import timezone

from consent.models import Consent, Receipt, Status
from core.signing import canonical_json
from interop import codes
from interop.model import Resource, validated

STATUS = {
    Status.CURRENT: "active",
    Status.SUPERSEDED: "inactive",
    Status.WITHDRAWN: "inactive",
    Status.EXPIRED: "inactive",
}


def instant(value: datetime) -> str:
    """A FHIR dateTime: the moment with its offset, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def patient(person_id: int, display: str | None = None) -> dict[str, Any]:
    return {"reference": f"Patient/{person_id}", **({"display": display} if display else {})}


def team_reference(team_id: int, name: str, kind: str = "CareTeam") -> dict[str, Any]:
    """A team, by identifier: Relais publishes no CareTeam or Organization resource of its own."""
    return {"type": kind, "identifier": {"system": codes.TEAM_SYSTEM, "value": str(team_id)}, "display": name}


def account_reference(account_id: int, display: str, kind: str | None = None) -> dict[str, Any]:
    """An account of Relais (a worker, a person's space), by identifier."""
    return {
        **({"type": kind} if kind else {}),
        "identifier": {"system": codes.ACCOUNT_SYSTEM, "value": str(account_id)},
        "display": display,
    }


def receipt_document(receipt: Receipt) -> bytes:
    """The receipt as the receipt endpoint serves it (payload and signature), in canonical JSON."""
    return canonical_json({"payload": json.loads(receipt.payload), "signature": receipt.signature})


def attachment(receipt: Receipt) -> dict[str, Any]:
    """A signed receipt, whole, with its SHA-1 (as R5's ``Attachment.hash`` asks): anyone with the
    public key (/api/v1/receipt-key/) can check the resource against what Relais signed."""
    data = receipt_document(receipt)
    return {
        "contentType": "application/json",
        "data": base64.b64encode(data).decode(),
        "url": f"/api/v1/consents/{receipt.consent_id}/receipt/?event={receipt.event}",
        "size": str(len(data)),
        "hash": base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode(),
        "title": f"Relais receipt: consent {receipt.event}",
        "creation": instant(receipt.created_at),
    }


def _period(consent: Consent, receipts: Sequence[Receipt]) -> dict[str, str]:
    """From the moment the receipt says it was given to its end: the withdrawal's moment, or the
    end date it was given with."""
    given = next((json.loads(r.payload) for r in receipts if r.event == Receipt.Event.GIVEN), None)
    period = {"start": instant(datetime.fromisoformat(given["at"]) if given else consent.recorded_at)}
    withdrawal = getattr(consent, "withdrawal", None)
    if withdrawal is not None:
        period["end"] = instant(withdrawal.recorded_at)
    elif consent.valid_until:
        period["end"] = instant(consent.valid_until)
    return period


def _verification(consent: Consent) -> dict[str, Any]:
    by_self = consent.method == "portal"
    verified_with = (
        account_reference(consent.representative.pk, consent.representative.name, "RelatedPerson")
        if consent.representative is not None
        else patient(consent.person_id)
    )
    return {
        "verified": True,
        "verificationType": codes.concept(codes.METHOD_SYSTEM, consent.method, codes.METHODS[consent.method]),
        **(
            {}
            if by_self
            else {
                "verifiedBy": account_reference(
                    consent.recorded_by_id, consent.recorded_by.label, "Practitioner"
                )
            }
        ),
        "verifiedWith": verified_with,
        "verificationDate": [instant(consent.recorded_at)],
    }


def _extensions(consent: Consent) -> list[dict[str, Any]]:
    """The versions around this one: the consent it replaced, and the one that replaced it."""
    found = []
    if consent.supersedes_id:
        found.append(
            {"url": codes.SUPERSEDES_URL, "valueReference": {"reference": f"Consent/{consent.supersedes_id}"}}
        )
    newer = getattr(consent, "superseded_by", None)
    if newer is not None:
        found.append({"url": codes.SUPERSEDED_BY_URL, "valueReference": {"reference": f"Consent/{newer.pk}"}})
    return found


def consent_resource(consent: Consent, receipts: Sequence[Receipt]) -> Resource:
    """The consent as an R5 ``Consent``, parsed by the model before it is returned.

    ``consent`` comes with its team, person, recorder, withdrawal, newer version, representative
    and categories; ``receipts`` are its signed receipts (given, then withdrawn)."""
    category_codes = sorted(c.code for c in consent.categories.all())
    labels = {c.code: c.label for c in consent.categories.all()}
    period = _period(consent, receipts)
    team = consent.team
    grantee = team_reference(team.pk, team.name)
    grantor = (
        account_reference(consent.representative.pk, consent.representative.name, "RelatedPerson")
        if consent.representative is not None
        else patient(consent.person_id)
    )
    controller = team_reference(team.pk, team.name, "Organization")
    provision: dict[str, Any] = {
        "period": period,
        "actor": [
            {
                "role": codes.concept(codes.PARTICIPATION, "IRCP", "information recipient"),
                "reference": grantee,
            }
        ],
        "action": [
            codes.concept(codes.CONSENT_ACTION, "access", "Access"),
            codes.concept(codes.CONSENT_ACTION, "use", "Use"),
        ],
        "purpose": [codes.coding(codes.ACT_REASON, "COC", "coordination of care")],
    }
    if category_codes:
        local = [codes.coding(codes.CATEGORY_SYSTEM, code, labels[code]) for code in category_codes]
        provision["securityLabel"] = local + codes.security_labels(category_codes)
        provision["documentType"] = local
    resource: Resource = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        **({"extension": ext} if (ext := _extensions(consent)) else {}),
        "identifier": [{"system": codes.CONSENT_SYSTEM, "value": str(consent.pk)}],
        "status": STATUS[consent.status],
        "category": [
            codes.concept(codes.LOINC, "59284-0", "Consent Document"),
            codes.concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        ],
        "subject": patient(consent.person_id),
        "date": timezone.localtime(consent.recorded_at).date().isoformat(),
        "period": period,
        "grantor": [grantor],
        "grantee": [grantee],
        "manager": [controller],
        "controller": [controller],
        "sourceAttachment": [attachment(r) for r in receipts],
        "regulatoryBasis": [
            codes.concept(codes.REGULATORY_SYSTEM, code, display)
            for code, display in codes.REGULATORY_BASES.items()
        ],
        "verification": [_verification(consent)],
        "decision": "permit" if category_codes else "deny",
        "provision": [provision],
    }
    if consent.purpose:
        resource["text"] = {"status": "additional", "div": _narrative(consent.purpose, category_codes)}
    return validated(resource)


def _narrative(purpose: str, category_codes: list[str]) -> str:
    """The words recorded with the consent (its purpose), which no code carries."""
    shared = ", ".join(category_codes) or "-"
    return f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{escape(purpose)}</p><p>{escape(shared)}</p></div>'
