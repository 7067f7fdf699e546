"""Reads of consents, their receipts and their evidence; each one is recorded (R5)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from access import compiled
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
from teams.models import Team, User
from teams.presentation import named_in_team, presentation_fields, presented_from, with_presentation


def consents_of(person: Person) -> QuerySet[Consent]:
    """The consent history of a person the caller has already reached through the policy, with its
    details (categories, who withdrew, what the person was told)."""
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


def history_of(user: User, person: Person, *, action: str = Action.CONSENT_VIEW) -> Selection[Consent]:
    """Every consent of a reached person, for every team, newest first; a shown page is recorded."""
    return Selection(
        rows=consents_of(person),
        record=lambda page: _record_consents(user, person, page, action),
    )


def shown_history(user: User, person: Person) -> Sequence[Consent]:
    """Every consent of a reached person as the person page lists them whole (``listed_consents``:
    without their categories, who withdrew them or what the person was told), recorded as shown."""
    return _record_consents(user, person, listed_consents(person), Action.CONSENT_VIEW)


# What the person page needs of each consent, read as one row: the consent, its team's name, who
# recorded it (and how they chose to be presented in its team), for whom, and whether it was
# withdrawn or changed since (its status). Not what the person was told: the page does not show it.
_LISTED_CONSENT = (
    "id",
    "team_id",
    "purpose",
    "method",
    "recorded_by_id",
    "recorded_at",
    "valid_until",
    "supersedes_id",
    "representative_id",
    "information_id",
    "legal_basis",
    "before_information",
)
_LISTED_ROW = (
    *_LISTED_CONSENT,
    "team__name",
    "recorded_by__display_name",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "recorded_by__username",
    "representative__name",
    "representative__kind",
    "withdrawal__id",
    "superseded_by__id",
    *presentation_fields("recorder"),
)
M = TypeVar("M", bound=Model)
_RECORDER = ("display_name", "first_name", "last_name", "username")


def _listed_rows(ids: Mapping[str, Sequence[Any]], _at: datetime) -> QuerySet[Any]:
    listed = Consent.objects.filter(person_id=ids["person"][0])
    return with_presentation(listed, member="recorded_by", prefix="recorder").values(*_LISTED_ROW)


def _partial(model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of ``model`` with these fields read (by attribute name), as the database would
    give it: ``from_db`` takes them in the model's order; any other field is read if ever asked for."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


def _listed(row: Mapping[str, Any], person: Person) -> Consent:
    """The consent of one row, with what the page reads of its relations already in place, as
    ``select_related`` would put them."""
    consent = _partial(Consent, {name: row[name] for name in _LISTED_CONSENT})
    consent.person = person
    consent.team = _partial(Team, {"id": row["team_id"], "name": row["team__name"]})
    consent.recorded_by = _partial(
        User, {"id": row["recorded_by_id"], **{name: row[f"recorded_by__{name}"] for name in _RECORDER}}
    )
    consent.representative = (
        _partial(
            Representative,
            {
                "id": row["representative_id"],
                "name": row["representative__name"],
                "kind": row["representative__kind"],
            },
        )
        if row["representative_id"] is not None
        else None
    )
    relations: tuple[tuple[str, type[Withdrawal | Consent], int | None], ...] = (
        ("withdrawal", Withdrawal, row["withdrawal__id"]),
        ("superseded_by", Consent, row["superseded_by__id"]),
    )
    for relation, model, pk in relations:
        getattr(Consent, relation).related.set_cached_value(
            consent, None if pk is None else _partial(model, {"id": pk})
        )
    for name in presentation_fields("recorder"):
        setattr(consent, name, row[name])
    return consent


def listed_consents(person: Person) -> list[Consent]:
    """The consent history of a reached person as the person page lists it, newest first: its
    statement compiled once (``access.compiled``), as the notes' are; the ORM built its seven
    tables at every page, for more time than the database took to run it."""
    rows = compiled.values("consents:listed", _listed_rows, {"person": [person.pk]}, timezone.now())
    return [_listed(row, person) for row in rows]


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
    """Who recorded a consent read through ``listed_consents``: their name and the words
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
