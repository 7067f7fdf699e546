"""The request context of audit events, carried through ``contextvars`` rather than every call."""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    # Events wait here until the end of the request's transaction (see audit.recorder.flush).
    pending: list = field(default_factory=list)


_current: ContextVar[RequestContext | None] = ContextVar("audit_request_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def activate(ctx: RequestContext) -> Token:
    return _current.set(ctx)


def deactivate(token: Token) -> None:
    _current.reset(token)
