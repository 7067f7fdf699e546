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

Categories' codes are markers too (text no code can be). A ``values()`` queryset comes back as
``Rows``: counted and sliced as a paginator asks, each row the dict the queryset would give.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, overload

from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable

from core import page_slices

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
    # For a ``values()`` queryset: each column's name, and the converters the ORM would apply.
    names: tuple[str, ...] = ()
    converters: Mapping[int, tuple[list[Callable[..., Any]], Any]] | None = None


_templates: OrderedDict[tuple[Any, ...], _Template] = OrderedDict()
# Shapes are few (a page holds at most a hundred persons, a member a few teams); should callers ever
# ask more, the least recently used is forgotten (and compiled again if asked again) rather than
# every statement kept without bound, or all of them forgotten at once, the busiest with the rest.
MAX_TEMPLATES = 1024


def _markers(shape: Mapping[str, tuple[int, bool]]) -> dict[str, list[Any]]:
    """Marker values no real id, code or time can be: negative ids, one range per kind; text that
    no category's code is."""
    return {
        kind: [
            f"~marker~{number}~{i}~" if text else -(number + 1) * _MARKER_SPACING - i for i in range(count)
        ]
        for number, (kind, (count, text)) in enumerate(sorted(shape.items()))
    }


def _template(build: Build, shape: Mapping[str, tuple[int, bool]]) -> _Template:
    markers = _markers(shape)
    query = build(markers, _AT)
    compiler = query.query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    where = {marker: (kind, i) for kind, values in markers.items() for i, marker in enumerate(values)}
    slots = []
    for param in params:
        if isinstance(param, datetime) and param == _AT:
            slots.append(("at", 0))
        elif isinstance(param, int | str) and not isinstance(param, bool) and param in where:
            slots.append(where[param])
        else:
            slots.append(("constant", param))
    found = {slot for slot in slots if slot[0] not in ("at", "constant")}
    if len(found) != len(where):  # a marker the ORM dropped or rewrote: never guess where it went
        raise ValueError(f"{len(found)} of the {len(where)} markers found in the compiled statement")
    names: tuple[str, ...] = ()
    converters = None
    if query._iterable_class is ValuesIterable:  # a values() query: its rows are read as dicts
        # Each column's alias, in the order the statement selects them (an annotation may come between
        # two fields, as values() lists them).
        names = tuple(alias for _column, _sql, alias in compiler.select)
        if None in names or len(names) != len(compiler.select):
            raise ValueError(f"{len(compiler.select)} columns selected for {len(names)} names")
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return _Template(sql=sql, slots=tuple(slots), names=names, converters=converters)


def _kept(name: str, build: Build, ids: Ids) -> _Template:
    shape = {kind: (len(values), bool(values) and isinstance(values[0], str)) for kind, values in ids.items()}
    key = (name, connection.alias, *sorted(shape.items()))
    template = _templates.get(key)
    if template is None:
        while len(_templates) >= MAX_TEMPLATES:
            _templates.popitem(last=False)
        template = _templates[key] = _template(build, shape)
    else:
        _templates.move_to_end(key)
    return template


def _params(template: _Template, ids: Ids, at: datetime) -> list[Any]:
    values = {**ids, "at": (at,)}
    return [value if kind == "constant" else values[kind][value] for kind, value in template.slots]


def statement(name: str, build: Build, ids: Ids, at: datetime) -> tuple[str, list[Any]]:
    """The SQL of ``build(ids, at)`` and its parameters, compiled once for this shape (PostgreSQL
    only). ``name`` tells the statements of different callers apart."""
    template = _kept(name, build, ids)
    return template.sql, _params(template, ids, at)


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


class Rows:
    """The rows of a compiled ``values()`` statement, read as a paginator reads a queryset: counted in
    one statement, a page sliced in another, each row the dict the queryset would have given. Its length
    reads the rows whole, as a queryset's does (``list()`` asks it first)."""

    ordered = True  # the statement keeps the queryset's ORDER BY

    def __init__(self, template: _Template, params: list[Any]):
        self._template, self._params = template, params
        self._count: int | None = None
        self._all: list[dict[str, Any]] | None = None

    def _read(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        names, converters = self._template.names, self._template.converters or {}
        rows = []
        for row in map(list, found):
            for position, (functions, expression) in converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            rows.append(dict(zip(names, row, strict=True)))
        return rows

    def count(self) -> int:
        if self._all is not None:
            return len(self._all)
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({self._template.sql}) AS counted", self._params)  # noqa: S608 (compiled)
                self._count = cursor.fetchone()[0]
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = page_slices.forward(index, "rows")
        if stop is None:
            return self._read(f"{self._template.sql} OFFSET %s", [*self._params, start])
        return self._read(
            f"{self._template.sql} LIMIT %s OFFSET %s", [*self._params, max(stop - start, 0), start]
        )

    def __len__(self) -> int:
        return len(self._whole())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._whole())

    def _whole(self) -> list[dict[str, Any]]:
        if self._all is None:
            self._all = self._read(self._template.sql, self._params)
        return self._all


def values(name: str, build: Build, ids: Ids, at: datetime) -> Rows | QuerySet[Any]:
    """The rows of ``build(ids, at)``, a ``values()`` queryset of dicts: on PostgreSQL a ``Rows`` of
    its compiled statement, elsewhere the queryset itself. Every kind of id names at least one."""
    if connection.vendor != "postgresql":
        return build({kind: list(values) for kind, values in ids.items()}, at)
    template = _kept(name, build, ids)
    if not template.names:
        raise ValueError(f"{name} is not a values() query")
    return Rows(template, _params(template, ids, at))
