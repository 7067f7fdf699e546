"""Statements of the log that differ only by the times they are asked about, compiled once per shape.

The log page counts the window's edges live at every request (``insights.closed_days_tally``): the
same grouped statement over the same selection, with other times. Building and compiling it through
the ORM took 1.3 ms of the page's CPU each time (twice on a filtered page), for a statement the
server runs in about two. So, as ``access.compiled`` does for the policy's statements: it is built
once with marker times in place of the real ones, its SQL kept with where each marker went, and each
later call of the same shape puts its own times in those places. What runs is what the ORM compiles.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Marker times no event can have: microseconds of the first day of 1901.
_MARK = datetime(1901, 1, 1, tzinfo=UTC)
# Shapes are few (one per selection an auditor filters by, and number of ranges); should callers
# ever ask more, the least recently used is forgotten rather than every statement kept without bound.
MAX_KEPT = 512

_kept: OrderedDict[Hashable, tuple[str, tuple[Any, ...], tuple[int | None, ...]] | None] = OrderedDict()


def _compiled(query: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    return sql, tuple(params)


def _slot(param: Any, markers: dict[Any, int]) -> int | None:
    try:
        return markers.get(param)
    except TypeError:  # a list or another value that cannot be a marker
        return None


def with_times(
    build: Callable[[Sequence[datetime]], QuerySet[Any]],
    times: Sequence[datetime],
    *,
    shape: Hashable,
    using: str,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of ``build(times)``. ``shape`` names everything the statement's text
    depends on besides ``times`` (the selection's statement and parameters, the time zone): calls of
    one shape and as many times share one compiled statement. A statement where a marker is not
    found exactly once (the ORM dropped, repeated or rewrote it) is compiled at every call, never
    guessed. Raises ``EmptyResultSet`` as compiling would."""
    ops = connections[using].ops
    key = (shape, len(times), using)
    if key not in _kept:
        markers = [_MARK + timedelta(microseconds=i + 1) for i in range(len(times))]
        sql, params = _compiled(build(markers))
        where = {ops.adapt_datetimefield_value(marker): i for i, marker in enumerate(markers)}
        slots = tuple(_slot(param, where) for param in params)
        while len(_kept) >= MAX_KEPT:
            _kept.popitem(last=False)
        placed = sorted(slot for slot in slots if slot is not None) == list(range(len(times)))
        _kept[key] = (sql, params, slots) if placed else None  # None: compiled at every call
    _kept.move_to_end(key)
    kept = _kept[key]
    if kept is None:
        sql, params = _compiled(build(times))
        return sql, list(params)
    sql, params, slots = kept
    return sql, [
        param if slot is None else ops.adapt_datetimefield_value(times[slot])
        for param, slot in zip(params, slots, strict=True)
    ]
