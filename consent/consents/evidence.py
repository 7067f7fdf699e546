"""The signed consent form (a scan or a photo) kept with a consent, encrypted at rest (R8)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from consent.models import Consent, Evidence, Withdrawal, WithdrawalEvidence
from core.domain_errors import Invalid
from teams.models import User

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


def evidence_type(content: bytes) -> str:
    for magic, content_type in EVIDENCE_TYPES.items():
        if content.startswith(magic):
            return content_type
    raise Invalid("evidence", _("The evidence must be a PDF, a PNG or a JPEG file."))


def check_evidence(evidence: EvidenceFile) -> str:
    """The file's type, or the 400 that refuses it: checked before anything is written."""
    if len(evidence.content) > settings.RELAIS_EVIDENCE_MAX_BYTES:
        raise Invalid(
            "evidence",
            _("The file is too large (at most %(size)s MB).")
            % {"size": settings.RELAIS_EVIDENCE_MAX_BYTES // (1024 * 1024)},
        )
    return evidence_type(evidence.content)


def _stored(user: User, evidence: EvidenceFile) -> dict[str, object]:
    return {
        "filename": evidence.name[-200:] or "evidence",
        "content_type": check_evidence(evidence),
        "size": len(evidence.content),
        "content": base64.b64encode(evidence.content).decode(),
        "uploaded_by": user,
    }


def attach_evidence(*, user: User, consent: Consent, evidence: EvidenceFile) -> Evidence:
    """Keep the signed form (or its photo) with the consent, encrypted (R8)."""
    return Evidence.objects.create(consent=consent, **_stored(user, evidence))


def attach_withdrawal_evidence(
    *, user: User, withdrawal: Withdrawal, evidence: EvidenceFile
) -> WithdrawalEvidence:
    """Keep the signed withdrawal (or its photo) with it, encrypted, as a consent's form is (R8)."""
    return WithdrawalEvidence.objects.create(withdrawal=withdrawal, **_stored(user, evidence))
