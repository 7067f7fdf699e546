"""The policy's hottest statements, compiled once per shape: on PostgreSQL, a read asked the ORM to
build and compile the same few statements of ``access.rules`` at every request (half of the secure
notes list's time, for statements that run in a tenth of a millisecond once prepared).

A statement is built once from the rules' querysets with marker values in place of the ids it is
asked about (teams, persons, an account) and of the time it is asked at; its SQL is kept with where
each marker went, and each later call of the same shape (the same number of each kind of id) puts
its own values in those places. The rules stay the one text (``access.rules``): what runs is what
they compile to. The values are parameters, bound by the server (``server_side_binding``), so
PostgreSQL prepares the statement once per connection too. SQLite, where the ORM turns stored text
back into dates, runs the queryset itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

# Markers no real id or time can be: negative ids, one range per kind; a microsecond of 1901.
_MARKER_SPACING = 10**12
_AT = datetime(1901, 1, 1, 0, 0, 0, 424242, tzinfo=UTC)

Ids = Mapping[str, Sequence[int]]
Build = Callable[[Mapping[str, list[int]], datetime], QuerySet[Any]]


@dataclass(frozen=True)
class _Template:
    sql: str
    # For each parameter: (kind of id, position), ("at", 0), or ("constant", value).
    slots: tuple[tuple[str, Any], ...]


_templates: dict[tuple[Any, ...], _Template] = {}
# Shapes are few (a page holds at most a hundred persons, a member a few teams); should callers ever
# ask more, the kept statements are forgotten and compiled again rather than kept without bound.
MAX_TEMPLATES = 1024


def _template(build: Build, shape: Mapping[str, int]) -> _Template:
    markers = {
        kind: [-(number + 1) * _MARKER_SPACING - i for i in range(count)]
        for number, (kind, count) in enumerate(sorted(shape.items()))
    }
    query = build(markers, _AT)
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    where = {marker: (kind, i) for kind, values in markers.items() for i, marker in enumerate(values)}
    slots = []
    for param in params:
        if isinstance(param, datetime) and param == _AT:
            slots.append(("at", 0))
        elif isinstance(param, int) and not isinstance(param, bool) and param in where:
            slots.append(where[param])
        else:
            slots.append(("constant", param))
    found = {slot for slot in slots if slot[0] not in ("at", "constant")}
    if len(found) != len(where):  # a marker the ORM dropped or rewrote: never guess where it went
        raise ValueError(f"{len(found)} of the {len(where)} markers found in the compiled statement")
    return _Template(sql=sql, slots=tuple(slots))


def statement(name: str, build: Build, ids: Ids, at: datetime) -> tuple[str, list[Any]]:
    """The SQL of ``build(ids, at)`` and its parameters, compiled once for this shape (PostgreSQL
    only). ``name`` tells the statements of different callers apart."""
    shape = {kind: len(values) for kind, values in ids.items()}
    key = (name, connection.alias, *sorted(shape.items()))
    template = _templates.get(key)
    if template is None:
        if len(_templates) >= MAX_TEMPLATES:
            _templates.clear()
        template = _templates[key] = _template(build, shape)
    values = {**ids, "at": (at,)}
    params = [value if kind == "constant" else values[kind][value] for kind, value in template.slots]
    return template.sql, params


def rows(name: str, build: Build, ids: Ids, at: datetime) -> list[Any]:
    """The rows of ``build(ids, at)``, a ``values_list`` queryset: on PostgreSQL from its
    ``statement``, elsewhere from the queryset itself. No row where a kind of id names nothing."""
    if connection.vendor != "postgresql":
        return list(build({kind: list(values) for kind, values in ids.items()}, at))
    if not all(ids.values()):  # ``IN ()`` matches nothing: the ORM does not even ask
        return []
    sql, params = statement(name, build, ids, at)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]
