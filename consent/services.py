"""Consents given, changed and withdrawn (R7), with their receipts, and portal invitations."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import recorder
from audit.recorder import Event
from consent import policy, receipts
from consent.models import Consent, Evidence, Method, PortalInvitation, Receipt, Withdrawal
from records.models import Category, Person
from records.selectors import reader
from relais.errors import Conflict, Hidden, Invalid
from teams.selectors import team_named_in_input

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand


def _receipt(consent: Consent, event: str, at: datetime, method: str, codes: list[str]) -> Receipt:
    payload = {
        "consent": consent.pk,
        "person": consent.person_id,
        "team": consent.team_id,
        "team_name": consent.team.name,
        "categories": codes,
        "purpose": consent.purpose,
        "method": method,
        "event": event,
        "at": at.isoformat(),
        "valid_until": consent.valid_until.isoformat() if consent.valid_until else None,
        "supersedes": consent.supersedes_id,
    }
    text, signature = receipts.sign(payload)
    return Receipt.objects.create(consent=consent, event=event, payload=text, signature=signature)


def _person_of_actor(user, person_id: int, action: str) -> Person:
    """The person, reached as their own portal account or through one of the user's teams."""
    own = Person.objects.filter(pk=person_id, account=user).defer(*Person.CONTACT_FIELDS).first()
    if own is not None:
        return own
    if Person.objects.filter(account=user).exists():
        # A person's account reaches their own record only; any other is as if it did not exist.
        recorder.deny(user, action, object_type="consent", person_id=person_id, reason="Hidden")
        raise Hidden()
    member = reader(user, action, object_type="consent", person_id=person_id)
    with recorder.denials(user, action, object_type="consent", person_id=person_id):
        return policy.person_for(member, person_id)


def record_consent(
    *,
    user,
    person_id: int,
    team_id: int,
    categories: list[str],
    purpose: str,
    method: str,
    valid_until: datetime | None = None,
    evidence: EvidenceFile | None = None,
) -> Consent:
    """Record what the person agreed to share with a team; it supersedes the team's previous consent.

    An empty list of categories is an explicit refusal. ``evidence`` is an optional scan of the signed
    form, kept encrypted.
    """
    person = _person_of_actor(user, person_id, "consent.record")
    is_person = person.account_id == user.pk
    if is_person != (method == Method.PORTAL):
        raise Invalid(
            "method",
            _("“portal” is for consents the person gives themselves.")
            if not is_person
            else _("A consent given through the portal has the method “portal”."),
        )
    team = team_named_in_input(team_id)
    if not policy.team_follows(team, person):
        raise Invalid("team", _("This team does not follow this person."))
    if valid_until is not None and valid_until <= timezone.now():
        raise Invalid("valid_until", _("The end date must be in the future."))
    codes = sorted(set(categories))
    found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid("categories", _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)})
    needed = set(team.continuity_categories.values_list("code", flat=True))
    beyond = [c for c in codes if c not in needed]
    if beyond:
        raise Invalid(
            "categories",
            _("The mission of %(team)s does not need: %(codes)s.")
            % {"team": team.name, "codes": ", ".join(beyond)},
        )
    previous = Consent.objects.filter(person=person, team=team).order_by("-id").first()
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                person=person,
                team=team,
                purpose=purpose,
                method=method,
                recorded_by=user,
                valid_until=valid_until,
                supersedes=previous,
            )
    except IntegrityError:
        raise Conflict(_("This consent was changed meanwhile; reload and try again.")) from None
    consent.categories.set(found[c] for c in codes)
    if evidence is not None:
        attach_evidence(user=user, consent=consent, evidence=evidence)
    _receipt(consent, Receipt.Event.GIVEN, consent.recorded_at, method, codes)
    recorder.record(
        user,
        Event(
            action="consent.record",
            person_id=person.pk,
            team_id=team.pk,
            object_type="consent",
            object_ids=[consent.pk],
            categories=codes,
            consent_id=consent.pk,
            reason="refusal" if not codes else "",
        ),
    )
    return consent


def withdraw_consent(*, user, consent_id: int, method: str) -> Consent:
    """End a consent now; it cannot be undone, only followed by a new consent."""
    with recorder.denials(user, "consent.withdraw", object_type="consent", object_ids=[consent_id]):
        consent = policy.consent_for(user, consent_id)
    is_person = consent.person.account_id == user.pk
    if is_person != (method == Method.PORTAL):
        raise Invalid("method", _("“portal” is for withdrawals the person makes themselves."))
    if Consent.objects.filter(supersedes=consent).exists():
        raise Conflict(_("This consent has been replaced by a newer one; withdraw that one."))
    try:
        with transaction.atomic():
            withdrawal = Withdrawal.objects.create(consent=consent, method=method, recorded_by=user)
    except IntegrityError:
        raise Conflict(_("This consent is already withdrawn.")) from None
    codes = sorted(consent.categories.values_list("code", flat=True))
    _receipt(consent, Receipt.Event.WITHDRAWN, withdrawal.recorded_at, method, codes)
    recorder.record(
        user,
        Event(
            action="consent.withdraw",
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            categories=codes,
            consent_id=consent.pk,
        ),
    )
    return consent


def consent_history(*, user, person_id: int) -> tuple[Person, QuerySet[Consent]]:
    """Every consent of the person, for every team, newest first (nothing is ever edited away)."""
    person = _person_of_actor(user, person_id, "consent.view")
    return person, consents_of(person)


def consents_of(person: Person) -> QuerySet[Consent]:
    """The consent history of a person the caller has already reached through the policy."""
    return (
        Consent.objects.filter(person=person)
        .select_related("team", "recorded_by", "withdrawal__recorded_by", "superseded_by")
        .prefetch_related("categories")
    )


def disclose_consents(*, user, person: Person, consents: list[Consent]) -> list[Consent]:
    recorder.record(
        user,
        Event(
            action="consent.view",
            person_id=person.pk,
            object_type="consent",
            object_ids=[c.pk for c in consents],
        ),
    )
    return consents


def consent_receipt(*, user, consent_id: int, event: str | None = None) -> Receipt:
    """The receipt of the consent's latest event, or of the one asked for."""
    with recorder.denials(user, "receipt.view", object_type="consent", object_ids=[consent_id]):
        consent = policy.consent_for(user, consent_id)
    receipts_ = Receipt.objects.filter(consent=consent).order_by("-id")
    if event:
        receipts_ = receipts_.filter(event=event)
    receipt = receipts_.first()
    if receipt is None:
        raise Invalid("event", _("This consent has no receipt of that kind."))
    recorder.record(
        user,
        Event(
            action="receipt.view",
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            consent_id=consent.pk,
        ),
    )
    return receipt


def hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def invite_to_portal(*, user, person_id: int) -> tuple[str, PortalInvitation]:
    """A one-time code, shown once, for the person to open their portal account."""
    member = reader(user, "portal.invite", object_type="person", person_id=person_id)
    with recorder.denials(user, "portal.invite", object_type="person", person_id=person_id):
        person = policy.person_for(member, person_id)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in range(0, 12, 4))
    invitation = PortalInvitation.objects.create(
        person=person,
        code_hash=hash_code(code),
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=settings.RELAIS_PORTAL_CODE_TTL_HOURS),
    )
    recorder.record(
        user,
        Event(
            action="portal.invite",
            person_id=person.pk,
            object_type="portal_invitation",
            object_ids=[invitation.pk],
        ),
    )
    return code, invitation


# Evidence files -----------------------------------------------------------------------------------

# Recognised by their first bytes, not by the name or type the browser claims.
EVIDENCE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes


def _evidence_type(content: bytes) -> str:
    for magic, content_type in EVIDENCE_TYPES.items():
        if content.startswith(magic):
            return content_type
    raise Invalid("evidence", _("The evidence must be a PDF, a PNG or a JPEG file."))


def attach_evidence(*, user, consent: Consent, evidence: EvidenceFile) -> Evidence:
    """Keep the signed form (or its photo) with the consent, encrypted (R8)."""
    if len(evidence.content) > settings.RELAIS_EVIDENCE_MAX_BYTES:
        raise Invalid(
            "evidence",
            _("The file is too large (at most %(size)s MB).")
            % {"size": settings.RELAIS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
        )
    content_type = _evidence_type(evidence.content)
    return Evidence.objects.create(
        consent=consent,
        filename=evidence.name[-200:] or "evidence",
        content_type=content_type,
        size=len(evidence.content),
        content=base64.b64encode(evidence.content).decode(),
        uploaded_by=user,
    )


def consent_evidence(*, user, consent_id: int) -> tuple[Evidence, bytes]:
    """The evidence of a consent, for whoever may see the consent; the download is recorded."""
    with recorder.denials(user, "consent.evidence", object_type="consent", object_ids=[consent_id]):
        consent = policy.consent_for(user, consent_id)
        evidence = Evidence.objects.filter(consent=consent).first()
        if evidence is None:
            raise Hidden()
    recorder.record(
        user,
        Event(
            action="consent.evidence",
            person_id=consent.person_id,
            team_id=consent.team_id,
            object_type="consent",
            object_ids=[consent.pk],
            consent_id=consent.pk,
        ),
    )
    return evidence, base64.b64decode(evidence.content)
