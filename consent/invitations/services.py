"""One-time codes made by a worker: for a person to open their space, or for their representative to
open one of their own. A step of the actions that decide who may make one (``consent.consents.services``,
``consent.representation.services``), which record it in their unit of work."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit import recorder
from audit.models import Action
from audit.recorder import Event
from consent.invitations.codes import hash_code, new_code
from consent.models import PortalInvitation, Representative
from teams.models import User


def make_invitation(
    user: User, person_id: int, representative: Representative | None = None, *, by_email: bool = False
) -> tuple[str, PortalInvitation]:
    """A new code (shown once, or e-mailed ``by_email`` to the person's own address; only its hash
    is kept) and its ``portal.invite`` event."""
    code = new_code()
    invitation = PortalInvitation.objects.create(
        person_id=person_id,
        representative=representative,
        code_hash=hash_code(code),
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=settings.RELAIS_PORTAL_CODE_TTL_HOURS),
        sent_by_email=by_email,
    )
    recorder.record(
        user,
        Event(
            action=Action.PORTAL_INVITE,
            person_id=person_id,
            object_type="portal_invitation",
            object_ids=[invitation.pk],
            representative_id=representative.pk if representative else None,
            reason="sent to the person's address" if by_email else "",
        ),
    )
    return code, invitation
