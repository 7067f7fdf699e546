"""The person's data as a FHIR R5 ``Bundle`` (GDPR art. 20, portability): the person as
``Patient``, their consents as ``Consent``, the notes about them as ``DocumentReference`` (with
their category), and their journal as ``AuditEvent``.

It is built from what ``consent.space.export.my_data`` gathered for the person through the policy, the
same data as the JSON copy: nothing is read here.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from consent.models import Receipt
from interop import audit_event, codes
from interop.consent import account_reference, consent_resource, instant, patient, team_reference
from interop.model import Resource, validated
from records.models import Note, Person


def patient_resource(person: Person) -> Resource:
    """The person as they are recorded: the name they go by, their identity and contact details."""
    name: dict[str, Any] = {"use": "usual", "text": person.display_name}
    names = [name]
    if person.first_name or person.last_name:
        official: dict[str, Any] = {"use": "official"}
        if person.last_name:
            official["family"] = person.last_name
        if person.first_name:
            official["given"] = [person.first_name]
        names.append(official)
    resource: Resource = {"resourceType": "Patient", "id": str(person.pk), "name": names}
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", person.phone), ("email", person.email))
        if value
    ]
    if telecom:
        resource["telecom"] = telecom
    if person.address:
        resource["address"] = [{"text": person.address}]
    if person.birth_date:
        resource["birthDate"] = person.birth_date.isoformat()
    return validated(resource)


def note_resource(note: Note, *, corrected: bool = False) -> Resource:
    """A note about the person, as the person reads it: its text, its category, who wrote it, for
    which team; a correction names the note it replaces."""
    resource: Resource = {
        "resourceType": "DocumentReference",
        "id": str(note.pk),
        "status": "superseded" if corrected else "current",
        "docStatus": "final",
        "category": [{"coding": codes.category_codings(note.category.code, note.category.label)}],
        "subject": patient(note.person_id),
        "date": instant(note.created_at),
        "author": [account_reference(note.author_id, note.author.label, "Practitioner")],
        "custodian": team_reference(note.team_id, note.team.name, "Organization"),
        "securityLabel": [{"coding": [label]} for label in codes.security_labels([note.category.code])],
        "content": [
            {
                "attachment": {
                    "contentType": "text/plain; charset=utf-8",
                    "data": base64.b64encode(note.body.encode()).decode(),
                    "creation": instant(note.created_at),
                }
            }
        ],
    }
    if note.corrects_id:
        resource["relatesTo"] = [
            {
                "code": {
                    "coding": [
                        {"system": "http://hl7.org/fhir/document-relationship-type", "code": "replaces"}
                    ]
                },
                "target": {"reference": f"DocumentReference/{note.corrects_id}"},
            }
        ]
    if not resource["securityLabel"]:
        del resource["securityLabel"]
    return validated(resource)


def person_bundle(data: dict[str, Any], *, base: str) -> Resource:
    """Everything ``my_data`` gathered, as one ``collection`` Bundle; ``base`` makes each entry's
    full URL (the FHIR address it would have on this service)."""
    person: Person = data["person"]
    receipts: dict[int, list[Receipt]] = defaultdict(list)
    for receipt in data["receipts"]:
        receipts[receipt.consent_id].append(receipt)
    resources: list[Resource] = [patient_resource(person)]
    resources += [consent_resource(c, receipts[c.pk]) for c in data["consents"]]
    replaced = {n.corrects_id for n in data["notes"] if n.corrects_id}
    resources += [note_resource(n, corrected=n.pk in replaced) for n in data["notes"]]
    resources += [audit_event.of(e) for e in data["access_log"]]
    return validated(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": instant(data["generated_at"]),
            "entry": list(_entries(resources, base)),
        }
    )


def _entries(resources: Iterable[Resource], base: str) -> Iterable[dict[str, Any]]:
    for resource in resources:
        yield {
            "fullUrl": f"{base.rstrip('/')}/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
        }
