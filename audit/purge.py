"""Retention: the one controlled way events leave the log (R6, CNIL: 6 to 12 months).

A purge runs as the owner of the tables (``DATABASE_OWNER_URL``): the service's own role may not
write the permits that let the delete trigger through, nor the anchors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import chain, checkpoints, recorder
from audit.models import AccessEvent, Action, PurgePermit
from audit.recorder import Actor, Event


class ChainBroken(Exception):
    """Purging a broken chain would erase the evidence; verify and investigate first."""


@dataclass(frozen=True)
class Purged:
    count: int
    up_to_id: int | None
    checkpoint: dict[str, Any] | None


def owner_alias() -> str:
    """The connection of the tables' owner if one is configured, else the only one there is."""
    return "owner" if "owner" in settings.DATABASES else "default"


def purge_events(*, older_than: timedelta, actor: Actor, using: str | None = None) -> Purged:
    """Remove the oldest events, those before now − ``older_than``, and keep the rest verifiable.

    The chains are verified first. In one transaction: each chain's head is locked, a signed anchor
    records the seq and hash of its last event removed (verification resumes from it), a permit
    lets the delete trigger through for those events only, and the purge is itself recorded. A
    checkpoint is written after the commit.
    """
    using = using or owner_alias()
    verdict = chain.verify()
    if not verdict.ok:
        raise ChainBroken(f"event #{verdict.first_bad}: {verdict.reason}")
    cutoff = timezone.now() - older_than
    events = AccessEvent.objects.using(using)
    with transaction.atomic(using=using):
        removed, last_ids = 0, []
        for number in sorted(set(events.values_list("chain", flat=True))):
            in_chain = events.filter(chain=number)
            first_kept = (
                in_chain.filter(occurred_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
            )
            old = in_chain if first_kept is None else in_chain.filter(seq__lt=first_kept)
            last = old.order_by("seq").values_list("seq", "id", "hash").last()
            if last is None:
                continue
            seq, last_id, last_hash = last
            checkpoints.make_anchor(number, seq, last_id, last_hash, using=using)
            permit = PurgePermit.objects.using(using).create(chain=number, up_to_seq=seq)
            count, _ = in_chain.filter(seq__lte=seq).delete()
            permit.delete()
            removed += count
            last_ids.append(last_id)
        recorder.record_on(
            using,
            actor,
            Event(
                action=Action.AUDIT_PURGE,
                object_type="audit_event",
                reason=f"{removed} events before {cutoff:%Y-%m-%d %H:%M} UTC removed"
                + (f", up to #{max(last_ids)}" if last_ids else ""),
            ),
        )
    up_to = max(last_ids) if last_ids else None
    return Purged(count=removed, up_to_id=up_to, checkpoint=checkpoints.write(using))
