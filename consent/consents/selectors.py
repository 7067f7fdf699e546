"""Reads of consents, their receipts and their evidence; each one is recorded (R5)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access.reach import access_person_or_own
from access.reach_consents import access_consent, access_consent_evidence
from audit import recorder
from audit.disclosure import Selection
from audit.models import Action
from audit.recorder import Event
from consent.models import (
    Consent,
    Evidence,
    InformationText,
    PortalInvitation,
    Receipt,
    Representative,
    Status,
    Withdrawal,
    WithdrawalEvidence,
)
from core.domain_errors import Invalid
from records.models import Person
from teams.models import User
from teams.presentation import named_in_team, presented_from, with_presentation


def consents_of(person: Person, *, details: bool = True) -> QuerySet[Consent]:
    """The consent history of a person the caller has already reached through the policy; without
    ``details`` (categories, who withdrew), as the person page lists it: one statement, not two."""
    if not details:
        # Who recorded each consent, as they chose to be presented in its team: in the same statement.
        listed = Consent.objects.filter(person=person).select_related(
            "team", "recorded_by", "withdrawal", "superseded_by", "representative", "information"
        )
        return with_presentation(listed, member="recorded_by", prefix="recorder")
    return (
        Consent.objects.filter(person=person)
        .select_related(
            "team", "recorded_by", "withdrawal__recorded_by", "superseded_by", "representative", "information"
        )
        .prefetch_related("categories")
    )


def current_consent(*, user: User, person: Person, team_id: int) -> Consent | None:
    """The team's current consent, for a change that starts from it (a prefilled form); recorded.

    ``person`` is one the caller has already reached through the policy."""
    latest = consents_of(person).filter(team_id=team_id).order_by("-id").first()
    if latest is None or latest.status != Status.CURRENT:
        return None
    _record_consents(user, person, [latest], Action.CONSENT_VIEW)
    return latest


def open_invitation(*, person: Person, invitation_id: object) -> PortalInvitation | None:
    """The person's code the worker just made, while it can still be used; ``person`` is one the
    caller has reached through the policy."""
    if not isinstance(invitation_id, int):
        return None
    return PortalInvitation.objects.filter(
        pk=invitation_id,
        person=person,
        representative__isnull=True,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


def _record_consents(
    user: User, person: Person, consents: Sequence[Consent], action: str
) -> Sequence[Consent]:
    recorder.record(
        user,
        Event(action=action, person_id=person.pk, object_type="consent", object_ids=[c.pk for c in consents]),
    )
    return consents


def history_of(
    user: User, person: Person, *, action: str = Action.CONSENT_VIEW, details: bool = True
) -> Selection[Consent]:
    """Every consent of a reached person, for every team, newest first; a shown page is recorded."""
    return Selection(
        rows=consents_of(person, details=details),
        record=lambda page: _record_consents(user, person, page, action),
    )


def consent_history(*, user: User, person_id: int) -> Selection[Consent]:
    """The consent history, for a member of a following team or for the person themselves."""
    access = access_person_or_own(user, person_id, action=Action.CONSENT_VIEW, object_type="consent")
    return history_of(user, access.person)


def consent_receipt(*, user: User, consent_id: int, event: str | None = None) -> Receipt:
    """The receipt of the consent's latest event, or of the one asked for."""
    consent = access_consent(user, consent_id, action=Action.RECEIPT_VIEW)
    receipts = Receipt.objects.filter(consent=consent).select_related("consent__person").order_by("-id")
    if event and event not in Receipt.Event.values:
        raise Invalid("event", _("Ask for the receipt of “given” or “withdrawn”."))
    if event:
        receipts = receipts.filter(event=event)
    receipt = receipts.first()
    if receipt is None:
        raise Invalid("event", _("This consent has no receipt of that kind."))
    recorder.record(
        user,
        Event(
            action=Action.RECEIPT_VIEW,
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            consent_id=consent.pk,
        ),
    )
    return receipt


def consent_evidence(
    *, user: User, consent_id: int, event: str | None = None
) -> tuple[Evidence | WithdrawalEvidence, bytes]:
    """The evidence of a consent (or, for ``event`` "withdrawn", of its withdrawal), for whoever may
    see the consent; the download is recorded."""
    consent, evidence = access_consent_evidence(
        user, consent_id, action=Action.CONSENT_EVIDENCE, withdrawn=event == Receipt.Event.WITHDRAWN
    )
    recorder.record(
        user,
        Event(
            action=Action.CONSENT_EVIDENCE,
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            consent_id=consent.pk,
        ),
    )
    return evidence, base64.b64decode(evidence.content)


def _given_by(name: str, kind: str, person: Person) -> str:
    """ "Given by X for Y": the representative, in what capacity, for whom."""
    role = dict(Representative.Kind.choices).get(kind, kind)
    return _("%(name)s (%(role)s), for %(person)s") % {
        "name": name,
        "role": role,
        "person": person.display_name,
    }


def recorded_by_label(consent: Consent) -> str:
    """Who recorded a consent read through ``consents_of(details=False)``: their name and the words
    they chose for its team ("Name (title)")."""
    if consent.representative is not None:
        return _given_by(consent.representative.name, consent.representative.kind, consent.person)
    label = consent.recorded_by.label
    words = presented_from(vars(consent), "recorder")
    return f"{label} ({words})" if words else label


def receipt_has_evidence(receipt: Receipt) -> bool:
    """Whether the act a receipt attests (the consent, or its withdrawal) has a signed paper kept."""
    if receipt.event == Receipt.Event.WITHDRAWN:
        return WithdrawalEvidence.objects.filter(withdrawal__consent_id=receipt.consent_id).exists()
    return Evidence.objects.filter(consent_id=receipt.consent_id).exists()


def receipt_recorded_by(receipt: Receipt) -> str:
    """Who recorded what a receipt attests, as they chose to be presented in the consent's team; empty
    when the person did it themselves (the receipt says so by its method)."""
    consent = receipt.consent
    given_by = json.loads(receipt.payload).get("given_by")
    if given_by:  # what the receipt itself says, signed
        return _given_by(given_by["name"], given_by["role"], consent.person)
    if receipt.event == Receipt.Event.WITHDRAWN:
        withdrawal = Withdrawal.objects.filter(consent=consent).select_related("recorded_by").first()
        by = withdrawal.recorded_by if withdrawal else None
    else:
        by = consent.recorded_by
    if by is None or by.pk == consent.person.account_id:
        return ""
    return named_in_team(by, consent.team_id)


def receipt_information(payload: dict) -> InformationText | None:
    """The text a receipt's signed part names, to show it and link to its words; none for a receipt
    of a consent recorded before Relais kept it. Texts are never edited, so the words are the ones
    the digest in the receipt covers."""
    named = payload.get("information")
    return InformationText.objects.filter(pk=named["id"]).first() if named else None
