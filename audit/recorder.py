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

from audit import chain, context
from audit.models import Outcome
from relais.errors import (
    AuditUnavailable,
    CommitmentRequired,
    Hidden,
    NotAMember,
    NotAnAuditor,
    NotAPortalAccount,
)


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


def _entries(actor, events: Iterable[Event], ctx: context.RequestContext | None) -> list[dict]:
    actor_id = getattr(actor, "pk", None)
    actor_label = (getattr(actor, "label", "") or getattr(actor, "username", "") or "")[:150]
    return [
        {
            "actor": actor_id,
            "actor_label": actor_label,
            "team": e.team_id,
            "action": e.action,
            "outcome": str(e.outcome),
            "reason": e.reason[:200],
            "person": e.person_id,
            "object_type": e.object_type,
            "object_ids": list(e.object_ids),
            "categories": sorted(set(e.categories)),
            "consent": e.consent_id,
            "request_id": ctx.request_id if ctx else "",
            "ip": ctx.ip if ctx else None,
        }
        for e in events
    ]


def write(entries: list[dict]) -> None:
    """Chain and insert events in one statement: the single seam through which every event passes."""
    chain.append(entries)


def _write_now(entries: list[dict]) -> None:
    try:
        # No savepoint of its own: a failed write must fail the whole transaction anyway.
        with transaction.atomic(savepoint=False):
            write(entries)
    except DatabaseError as exc:
        raise AuditUnavailable() from exc


def record(actor, *events: Event) -> None:
    """Record events for ``actor``.

    During a request the events wait in the request context and are written by the middleware at
    the end of the request's transaction, so that the chain head is locked only for the commit.
    Elsewhere (commands) they are written at once. Either way a failed write raises
    ``AuditUnavailable`` and nothing is committed (fail closed).
    """
    if not events:
        return
    ctx = context.current()
    entries = _entries(actor, events, ctx)
    if ctx is not None:
        ctx.pending.extend(entries)
    else:
        _write_now(entries)


def flush(ctx: context.RequestContext, *, succeeded: bool) -> None:
    """Write the request's events: all of them inside a transaction that will commit, or only the
    denials, in a transaction of their own, after a refused request rolled back."""
    entries, ctx.pending = ctx.pending, []
    if not succeeded:
        entries = [e for e in entries if e["outcome"] != Outcome.ALLOWED]
    if entries:
        _write_now(entries)


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
    except (Hidden, NotAMember, CommitmentRequired, NotAnAuditor, NotAPortalAccount) as exc:
        deny(
            actor,
            action,
            person_id=person_id,
            object_type=object_type,
            object_ids=object_ids,
            reason=type(exc).__name__,
        )
        raise


@dataclass(frozen=True)
class SystemActor:
    """The actor of events written by a management command run on the server."""

    label: str
    pk: None = None


def system(command: str) -> SystemActor:
    return SystemActor(label=f"manage.py {command}")
