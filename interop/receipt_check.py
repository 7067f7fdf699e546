"""Check a FHIR Consent against the signed receipts it carries (``sourceAttachment``): what a
partner does with a consent it received, to know that nobody changed it on the way.

Each attachment's bytes must match its hash, its signature must verify with Relais's public key
(/api/v1/receipt-key/), and the resource must say what the receipt of the consent's giving says:
the consent, the person, the team, the categories and the period. A resource changed after export
(a category added, an end date moved) is named, element by element.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any

from core import signing
from interop import codes


def _moment(text: str | None) -> datetime | None:
    """A moment to the second (FHIR's dateTime, and what the resource shows of the receipt's)."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(microsecond=0)


def _identifier(reference: dict[str, Any]) -> str:
    return str(reference.get("identifier", {}).get("value", ""))


def problems(resource: dict[str, Any], public_key: bytes) -> list[str]:
    """What does not hold between the Consent and its signed receipts; empty when all does."""
    found: list[str] = []
    receipts: dict[str, dict[str, Any]] = {}
    for number, attachment in enumerate(resource.get("sourceAttachment", [])):
        data = base64.b64decode(attachment.get("data", ""))
        digest = base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode()
        if digest != attachment.get("hash"):
            found.append(f"sourceAttachment[{number}]: its hash does not match its data")
            continue
        document = json.loads(data)
        if not signing.verify(document["payload"], document["signature"], public_key):
            found.append(f"sourceAttachment[{number}]: its signature does not verify")
            continue
        receipts[document["payload"]["event"]] = document["payload"]
    given = receipts.get("given")
    if given is None:
        return [*found, "no signed receipt of the consent's giving"]
    provision = resource.get("provision", [{}])[0]
    labels = sorted(
        c["code"] for c in provision.get("securityLabel", []) if c.get("system") == codes.CATEGORY_SYSTEM
    )
    period = resource.get("period", {})
    withdrawn = receipts.get("withdrawn")
    expected_end = _moment(withdrawn["at"]) if withdrawn else _moment(given.get("valid_until"))
    checks = {
        "id": (resource.get("id"), str(given["consent"])),
        "subject": (resource.get("subject", {}).get("reference"), f"Patient/{given['person']}"),
        "grantee": (_identifier(resource.get("grantee", [{}])[0]), str(given["team"])),
        "categories": (labels, sorted(given["categories"])),
        "decision": (resource.get("decision"), "permit" if given["categories"] else "deny"),
        "period.start": (_moment(period.get("start")), _moment(given["at"])),
        "period.end": (_moment(period.get("end")), expected_end),
    }
    found += [
        f"{name}: {shown!r} where the receipt says {signed!r}"
        for name, (shown, signed) in checks.items()
        if shown != signed
    ]
    if withdrawn and resource.get("status") == "active":
        found.append("status: active where a signed receipt says it was withdrawn")
    return found
