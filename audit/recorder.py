"""The one recorder of access events (R5).

Services call ``record`` with what they disclosed or refused. Allowed events are written at once,
in the caller's transaction, in one bulk insert: if the write fails, the transaction fails and the
data is neither returned nor saved. Denied events are kept aside during a request and written by
the middleware once the request's transaction has ended, because a refused request rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from audit import context
from audit.models import AccessEvent, Outcome
from relais.errors import AuditUnavailable, CommitmentRequired, Hidden, NotAMember


@dataclass(frozen=True)
class Event:
    action: str
    outcome: str = Outcome.ALLOWED
    person_id: int | None = None
    team_id: int | None = None
    object_type: str = ""
    object_ids: Sequence[int | str] = ()
    categories: Sequence[str] = ()
    consent_id: int | None = None
    reason: str = ""


def _rows(actor, events: Iterable[Event], ctx: context.RequestContext | None) -> list[AccessEvent]:
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    actor_label = (getattr(actor, "label", "") or getattr(actor, "username", "") or "")[:150]
    return [
        AccessEvent(
            occurred_at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            team_id=e.team_id,
            action=e.action,
            outcome=e.outcome,
            reason=e.reason[:200],
            person_id=e.person_id,
            object_type=e.object_type,
            object_ids=list(e.object_ids),
            categories=sorted(set(e.categories)),
            consent_id=e.consent_id,
            request_id=ctx.request_id if ctx else "",
            ip=ctx.ip if ctx else None,
        )
        for e in events
    ]


def write(rows: list[AccessEvent]) -> None:
    """Insert rows in one statement. The single seam through which every event reaches the database."""
    AccessEvent.objects.bulk_create(rows)


def record(actor, *events: Event) -> None:
    """Record events for ``actor``; raise ``AuditUnavailable`` (fail closed) if they cannot be written."""
    if not events:
        return
    ctx = context.current()
    allowed = [e for e in events if e.outcome == Outcome.ALLOWED]
    denied = [e for e in events if e.outcome != Outcome.ALLOWED]
    if denied and ctx is not None:
        ctx.deferred.extend(_rows(actor, denied, ctx))
    elif denied:
        allowed = allowed + denied
    if allowed:
        try:
            # No savepoint of its own: a failed write must fail the whole transaction anyway.
            with transaction.atomic(savepoint=False):
                write(_rows(actor, allowed, ctx))
        except DatabaseError as exc:
            raise AuditUnavailable() from exc


def flush_deferred(ctx: context.RequestContext) -> None:
    """Write the denials kept during a request, in a transaction of their own."""
    if not ctx.deferred:
        return
    rows, ctx.deferred = ctx.deferred, []
    try:
        with transaction.atomic():
            write(rows)
    except DatabaseError as exc:
        raise AuditUnavailable() from exc


def deny(
    actor, action: str, *, person_id=None, object_type="", object_ids=(), reason="", team_id=None
) -> None:
    """Shorthand for one denied attempt."""
    record(
        actor,
        Event(
            action=action,
            outcome=Outcome.DENIED,
            person_id=person_id,
            object_type=object_type,
            object_ids=object_ids,
            reason=reason,
            team_id=team_id,
        ),
    )


@contextmanager
def denials(actor, action: str, *, object_type: str = "", object_ids=(), person_id=None) -> Iterator[None]:
    """Record any refusal raised inside the block (a 403 or the 404 of R9) as a denied ``action``."""
    try:
        yield
    except (Hidden, NotAMember, CommitmentRequired) as exc:
        deny(
            actor,
            action,
            person_id=person_id,
            object_type=object_type,
            object_ids=object_ids,
            reason=type(exc).__name__,
        )
        raise
