"""Retention: the one controlled way events leave the log (R6, CNIL: 6 to 12 months)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit import chain, checkpoints, recorder
from audit.models import AccessEvent, PurgePermit
from audit.recorder import Event


class ChainBroken(Exception):
    """Purging a broken chain would erase the evidence; verify and investigate first."""


@dataclass(frozen=True)
class Purged:
    count: int
    up_to_id: int | None
    checkpoint: dict | None


def purge_events(*, older_than: timedelta, actor) -> Purged:
    """Remove the oldest events, those before now − ``older_than``, and keep the rest verifiable.

    The chain is verified first. In one transaction: the head is locked, a signed anchor records
    the seq and hash of the last event removed (verification resumes from it), a permit lets the
    delete trigger through for those events only, and the purge is itself recorded. A checkpoint
    is written after the commit.
    """
    verdict = chain.verify()
    if not verdict.ok:
        raise ChainBroken(f"event #{verdict.first_bad}: {verdict.reason}")
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        chain.lock_head()
        first_kept = (
            AccessEvent.objects.filter(occurred_at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        old = AccessEvent.objects.order_by("seq")
        if first_kept is not None:
            old = old.filter(seq__lt=first_kept)
        last = old.values_list("seq", "id", "hash").last()
        count = 0
        if last is not None:
            seq, last_id, last_hash = last
            checkpoints.make_anchor(seq, last_id, last_hash)
            permit = PurgePermit.objects.create(up_to_seq=seq)
            count, _ = AccessEvent.objects.filter(seq__lte=seq).delete()
            permit.delete()
        recorder.record(
            actor,
            Event(
                action="audit.purge",
                object_type="audit_event",
                reason=f"{count} events before {cutoff:%Y-%m-%d %H:%M} UTC removed"
                + (f", up to #{last[1]}" if last else ""),
            ),
        )
    return Purged(count=count, up_to_id=last[1] if last else None, checkpoint=checkpoints.write())
