"""The context of a unit of work (a request, a command), carried through ``contextvars`` rather than
passed through every call: who is asking from where, and the events waiting to be written."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Pending:
    """An event waiting for the end of its unit of work.

    ``in_action`` marks events recorded inside an action (a write): they share the action's fate.
    ``shown`` is cleared when an error answer replaces what the event disclosed.
    """

    entry: dict[str, Any]
    in_action: bool
    shown: bool = True

    @property
    def denied(self) -> bool:
        return bool(self.entry["outcome"] != "allowed")


@dataclass
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    pending: list[Pending] = field(default_factory=list)
    actions: int = 0  # how many actions are running, nested
    failed: bool = False  # the unit of work is to be rolled back at its end
    writes: int = 0  # actions finished with an allowed event: what a rollback would undo
    # Accounts whose space was reset with a worker's code lately: actor -> (reset, the code's maker).
    after_reset: dict[int, tuple[int, int]] = field(default_factory=dict)


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(ctx: RequestContext) -> Token[RequestContext | None]:
    return _current.set(ctx)


def deactivate(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
