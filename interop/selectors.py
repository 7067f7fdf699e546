"""Reads of FHIR resources: each one goes through the same policy, and is recorded by the same
recorder, as its JSON twin (the receipt's access rule for a consent, the auditors' rule and filters
for the log, the person's own copy for their Bundle)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from access.reach_consents import access_consent
from audit import recorder
from audit import selectors as audit_selectors
from audit.auditors import Auditor
from audit.disclosure import Selection
from audit.models import AccessEvent, Action
from audit.recorder import Actor, Event
from consent.consents import selectors as consent_selectors
from consent.models import Receipt
from consent.space import export
from interop.bundle import person_bundle
from interop.consent import consent_resource
from interop.model import Resource
from teams.models import User


def consent_as_fhir(*, user: User, consent_id: int) -> Resource:
    """A consent as an R5 Consent, for whoever may see its receipt; the read is recorded."""
    reached = access_consent(user, consent_id, action=Action.CONSENT_VIEW)
    consent = consent_selectors.consents_of(reached.person).get(pk=reached.pk)
    receipts = list(Receipt.objects.filter(consent=consent).order_by("id"))
    recorder.record(
        user,
        Event(
            action=Action.CONSENT_VIEW,
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            consent_id=consent.pk,
        ),
    )
    return consent_resource(consent, receipts)


def audit_events(*, auditor: Auditor, selected: Any, filters: Mapping[str, str]) -> Selection[AccessEvent]:
    """The events an auditor filtered, as the log's own list records them (``audit.view``)."""
    return audit_selectors.selected_events(auditor=auditor, selected=selected, filters=filters)


def auditor_of_the_log(*, user: Actor) -> Auditor:
    """The auditor asking for the log as FHIR, or the recorded 403 of ``audit.view`` for anyone else."""
    return audit_selectors.access_log_reader(user, action=Action.AUDIT_VIEW)


def events_for_auditor(auditor: Auditor) -> Any:
    """Every event the auditor reads, newest first."""
    return audit_selectors.events(auditor)


def my_bundle(*, user: User, base: str) -> Resource:
    """The person's own data as a Bundle: the same gathering, and the same event, as the JSON copy."""
    return person_bundle(export.my_data(user=user), base=base)
