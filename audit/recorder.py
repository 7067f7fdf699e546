"""The one recorder of access events (R5), and the all-or-nothing shape of every action.

Services and selectors call ``record`` with what they disclosed or did, and refusals are recorded
where they are raised (``denials``). Events wait in the context of their unit of work (a request, a
command) and are written at its end, in its transaction, in one insert: if the write fails, the
transaction fails and nothing is shown or saved (fail closed). A unit of work that fails rolls
back everything and then writes, in a transaction of its own, its refusals and the reads that its
answer still shows (a form shown again with its error), and nothing else.

An ``action`` (every service that writes) runs in a block of its own: an error inside it undoes its
rows and forgets its events, whoever called it (API, page, administration, command).

Long on purpose: the unit of work, the action block and the writing of events are one mechanism
and are read together.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn, ParamSpec, Protocol, TypeVar

from django.db import DatabaseError, transaction

from audit import chain, context
from audit.models import Outcome
from core.domain_errors import AuditUnavailable, DomainError, Refusal

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class Actor(Protocol):
    """Whoever acts: an account, or the system running a command."""

    @property
    def pk(self) -> Any: ...


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
    # An act of administration: each field changed, as [before, after] (never a secret or person data).
    changes: Mapping[str, Sequence[Any]] | None = None
    # A read allowed by an emergency access rather than a consent: the access, named in its place.
    glass_break_id: int | None = None
    # An act of a representative for the person ("given by X for Y"): the representation, by id.
    representative_id: int | None = None
    # An act of a space lately reset with a worker's code (R10): the reset, and who made the code.
    space_reset_id: int | None = None
    code_made_by: int | None = None


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The ``changes`` of an event: each field whose value differs, as [before, after]."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def assign(instance: object, values: Mapping[str, Any]) -> list[str]:
    """Set on ``instance`` (a model not yet saved) each of ``values`` that differs, and name those
    fields in the order given: the one field-by-field update of the services, whose
    caller saves and records as its rule says (every field, or only the changed ones)."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _label(actor: Actor | None) -> str:
    return (getattr(actor, "label", "") or getattr(actor, "username", "") or "")[:150]


def after_reset(actor_id: int, *, reset_id: int, code_made_by: int) -> None:
    """For the rest of this unit of work, every event of the actor names the reset of their space
    and the maker of its code (R10): set by the policy when it reaches a space lately reset."""
    ctx = context.current()
    if ctx is not None:
        ctx.after_reset[actor_id] = (reset_id, code_made_by)


def _after_reset(event: Event, reset: tuple[int, int] | None) -> dict[str, int]:
    if event.space_reset_id is not None and event.code_made_by is not None:
        return {"space_reset": event.space_reset_id, "code_made_by": event.code_made_by}
    return {"space_reset": reset[0], "code_made_by": reset[1]} if reset else {}


def _entries(
    actor: Actor | None, events: Iterable[Event], ctx: context.RequestContext | None
) -> list[dict[str, Any]]:
    actor_id = getattr(actor, "pk", None)
    actor_label = _label(actor)
    reset = ctx.after_reset.get(actor_id) if ctx is not None and actor_id is not None else None
    return [
        {
            **({"changes": {k: list(v) for k, v in e.changes.items()}} if e.changes else {}),
            **({"glass_break": e.glass_break_id} if e.glass_break_id else {}),
            **({"representative": e.representative_id} if e.representative_id else {}),
            **_after_reset(e, reset),
            "actor": actor_id,
            "actor_label": actor_label,
            "team": e.team_id,
            "action": str(e.action),
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


def write(entries: list[dict[str, Any]], using: str = "default", *, commit: bool = False) -> None:
    """Chain and insert events in one statement: the single seam through which every event passes.

    ``commit``: they end the transaction, which may commit with them (``chain.append``)."""
    chain.append(entries, using=using, commit=commit)


def _write_now(entries: list[dict[str, Any]], *, savepoint: bool = False, last: bool = False) -> None:
    """Write events in the current transaction (or one of their own); a failure is ``AuditUnavailable``.

    No savepoint by default: inside a unit of work a failed write fails the whole of it anyway.
    ``last``: nothing follows them in the transaction but its commit (``unit_of_work``)."""
    if not entries:
        return
    try:
        if last:  # inside the unit of work's own transaction, which ends with them
            write(entries, commit=True)
        else:
            with transaction.atomic(savepoint=savepoint):
                write(entries)
    except DatabaseError as exc:
        raise AuditUnavailable() from exc


def record(actor: Actor | None, *events: Event) -> None:
    """Record events for ``actor``, to be written at the end of the unit of work.

    Outside any unit of work (a shell, a data migration) they are written at once, in the
    caller's transaction. Either way a failed write raises ``AuditUnavailable`` and nothing is
    committed (fail closed).
    """
    if not events:
        return
    ctx = context.current()
    entries = _entries(actor, events, ctx)
    if ctx is None:
        _write_now(entries)
        return
    ctx.pending.extend(context.Pending(entry, in_action=ctx.actions > 0) for entry in entries)


def record_on(using: str, actor: Actor | None, *events: Event) -> None:
    """Write events at once through another connection (the owner's, for a purge), in its current
    transaction: they commit or roll back with what it does."""
    try:
        write(_entries(actor, events, context.current()), using=using)
    except DatabaseError as exc:
        raise AuditUnavailable() from exc


def deny(
    actor: Actor | None,
    action: str,
    *,
    person_id: int | None = None,
    object_type: str = "",
    object_ids: Sequence[int | str] = (),
    reason: str = "",
    team_id: int | None = None,
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


def refuse(actor: Actor | None, event: Event, error: DomainError) -> NoReturn:
    """Record ``event`` as a denied attempt, then raise ``error``: for a refusal of the policy that
    answers as a form does (a 400 with a message per field) rather than as a 403, such as an
    emergency access the rules do not open. Like every refusal, the event outlives the rollback of
    its action and of its unit of work; the form's own mistakes (a missing sentence) are no attempt
    and are raised without it."""
    record(actor, dataclasses.replace(event, outcome=Outcome.DENIED))
    raise error


@contextmanager
def denials(
    actor: Actor | None,
    action: str,
    *,
    object_type: str = "",
    object_ids: Sequence[int | str] = (),
    person_id: int | None = None,
) -> Iterator[None]:
    """Record any refusal raised inside the block (a 403 or the 404 of R9) as a denied ``action``."""
    try:
        yield
    except Refusal as exc:
        deny(
            actor,
            action,
            person_id=person_id,
            object_type=object_type,
            object_ids=object_ids,
            reason=type(exc).__name__,
        )
        raise


def forget_disclosures() -> None:
    """An error answer replaces the page or document: what it would have shown is not disclosed.

    Called where an error becomes an HTTP answer; refusals and the events of finished actions are
    untouched (the latter are undone with their rows if the unit of work fails)."""
    ctx = context.current()
    if ctx is None:
        return
    for pending in ctx.pending:
        if not pending.in_action and not pending.denied:
            pending.shown = False


def fail() -> None:
    """Have the current unit of work rolled back at its end (an error answer is being made).

    Unlike ``transaction.set_rollback``, the error page can still read what it needs meanwhile."""
    ctx = context.current()
    if ctx is not None:
        ctx.failed = True


# Actions and units of work ------------------------------------------------------------------------


def action(func: Callable[P, R]) -> Callable[P, R]:
    """Make a service all or nothing, zulip's ``do_*`` way: its rows and its events go together.

    Inside a unit of work the action runs in a savepoint; an error rolls it back and forgets the
    events it recorded, except refusals. Outside one (a command, a shell), it is its own unit of
    work.
    """

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = context.current()
        if ctx is None:
            with unit_of_work():
                return run(*args, **kwargs)
        mark = len(ctx.pending)
        ctx.actions += 1
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
        except BaseException:
            ctx.pending[mark:] = [p for p in ctx.pending[mark:] if p.denied]
            raise
        finally:
            ctx.actions -= 1
        if ctx.actions == 0 and any(not p.denied for p in ctx.pending[mark:]):
            ctx.writes += 1  # it did something (a failed attempt that only recorded its refusal did not)
        return result

    run.is_action = True  # type: ignore[attr-defined]
    return run


@dataclass
class Work:
    """A unit of work in progress; ``fail()`` rolls it back at its end, without an exception."""

    ctx: context.RequestContext

    @property
    def failed(self) -> bool:
        return self.ctx.failed

    @failed.setter
    def failed(self, value: bool) -> None:
        self.ctx.failed = value

    def fail(self) -> None:
        self.ctx.failed = True

    @property
    def wrote(self) -> bool:
        """Whether an action finished in this unit of work having done something (an allowed event of
        its own): a rollback would undo a write."""
        return self.ctx.writes > 0


class UndeclaredRollback(RuntimeError):
    """An error answer after a write that nobody undid (see ``error_answer``): a bug of the view."""


def error_answer(work: Work, status: int, where: str, *, strict: bool) -> None:
    """End a unit of work answered with an error ``status`` (4xx): it is always rolled back.

    A view that wants its work undone says so: a domain error does (the error handlers call
    ``fail``), and so does a refused form (``web.pages.form_errors``) or an explicit ``fail()``.
    An error answer after a finished action that nobody undid is a bug of the view: ``strict``
    (tests, development) raises ``UndeclaredRollback``; otherwise it is logged as an error and the
    write is still rolled back, never kept half done. An error answer that wrote nothing (a form
    with mistakes, a refusal) has nothing to undo and says nothing."""
    if not work.failed and work.wrote:
        message = f"{where} answered {status} after a write it did not undo (call recorder.fail())"
        if strict:
            raise UndeclaredRollback(message)
        log.error("%s; rolled back", message)
    work.fail()


def _kept_after_failure(ctx: context.RequestContext) -> list[dict[str, Any]]:
    return [p.entry for p in ctx.pending if p.denied or (p.shown and not p.in_action)]


@contextmanager
def unit_of_work(*, request_id: str = "", ip: str | None = None) -> Iterator[Work]:
    """One transaction with its events, written at its end (see the module's docstring).

    Raises ``AuditUnavailable`` if the events cannot be written; the transaction is then rolled back.
    """
    work = Work(context.RequestContext(request_id=request_id or uuid.uuid4().hex, ip=ip))
    token = context.activate(work.ctx)
    # Its own transaction, not a savepoint of the caller's: its events may carry its commit.
    commits = not transaction.get_connection().in_atomic_block
    try:
        try:
            with transaction.atomic():
                try:
                    yield work
                except BaseException:
                    work.failed = True
                    raise
                if work.failed or transaction.get_rollback():
                    work.failed = True
                    transaction.set_rollback(True)
                else:
                    try:
                        _write_now([p.entry for p in work.ctx.pending], last=commits)
                    except AuditUnavailable:
                        # The answer becomes a 503 that shows nothing; only refusals are tried again.
                        work.failed = True
                        forget_disclosures()
                        raise
        finally:
            if work.failed:
                _write_now(_kept_after_failure(work.ctx), savepoint=True)
    finally:
        context.deactivate(token)


@dataclass(frozen=True)
class SystemActor:
    """The actor of events written by a management command run on the server."""

    label: str
    pk: None = None


def system(command: str) -> SystemActor:
    return SystemActor(label=f"manage.py {command}")
