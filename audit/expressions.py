"""SQL that reads one value of an event's JSON body, for the columns the database derives from it.

The columns are generated (``GENERATED ALWAYS AS … STORED``): only immutable, per-row expressions are
allowed there, which is why the time is kept in the body as integer microseconds since the epoch.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import BigIntegerField, DateTimeField, F, Func, TextField

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

_KEY = re.compile(r"^[a-z_]+$")


class _BodyValue(Func):
    postgresql = ""
    sqlite = ""

    def __init__(self, key: str, **extra: Any) -> None:
        if not _KEY.match(key):
            raise ValueError(f"not a body key: {key!r}")
        self.key = key
        super().__init__(F("body"), **extra)

    def _render(self, template: str, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _AsSqlType:
        body, params = compiler.compile(self.source_expressions[0])
        return template.format(body=body, key=self.key), params

    def as_sql(  # type: ignore[override]  # the template is per database, not passed by callers
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self._render(self.sqlite, compiler, connection)

    as_sqlite = as_sql

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        return self._render(self.postgresql, compiler, connection)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path, _args, _kwargs = super().deconstruct()
        return path, (self.key,), {}


class BodyInteger(_BodyValue):
    output_field = BigIntegerField()
    postgresql = "((({body})::jsonb ->> '{key}')::bigint)"
    sqlite = "json_extract({body}, '$.{key}')"


class BodyChain(_BodyValue):
    """The chain an event belongs to; events written before there were several chains belong to 1."""

    output_field = BigIntegerField()
    postgresql = "COALESCE((({body})::jsonb ->> '{key}')::bigint, 1)"
    sqlite = "COALESCE(json_extract({body}, '$.{key}'), 1)"

    def __init__(self, key: str = "chain", **extra: Any) -> None:
        super().__init__(key, **extra)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path, _args, _kwargs = super().deconstruct()
        return path, (), {}


class BodyText(_BodyValue):
    output_field = TextField()
    postgresql = "(({body})::jsonb ->> '{key}')"
    sqlite = "json_extract({body}, '$.{key}')"


class BodyTime(_BodyValue):
    """Microseconds since the epoch, as a timestamp (PostgreSQL) or Django's SQLite text form.

    ``%`` is doubled because Django interpolates parameters into the column's definition."""

    output_field = DateTimeField()

    postgresql = "to_timestamp(((({body})::jsonb ->> '{key}')::bigint)::double precision / 1000000)"
    sqlite = (
        "(strftime('%%Y-%%m-%%d %%H:%%M:%%S', json_extract({body}, '$.{key}') / 1000000, 'unixepoch')"
        " || '.' || printf('%%06d', json_extract({body}, '$.{key}') %% 1000000))"
    )


class BodyFirstObject(_BodyValue):
    """The first id in ``object_ids`` when it is a number (an account, an organisation); none when it
    is text (a refused id kept as typed) or missing. Read when filtering, not stored: only the
    auditors of an organisation need it, on the acts that administer one account or organisation."""

    output_field = BigIntegerField()
    postgresql = (
        "(CASE WHEN jsonb_typeof(({body})::jsonb -> '{key}' -> 0) = 'number'"
        " THEN (({body})::jsonb -> '{key}' ->> 0)::bigint END)"
    )
    sqlite = (
        "(CASE WHEN json_type({body}, '$.{key}[0]') = 'integer' THEN json_extract({body}, '$.{key}[0]') END)"
    )

    def __init__(self, key: str = "object_ids", **extra: Any) -> None:
        super().__init__(key, **extra)

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        path, _args, _kwargs = super().deconstruct()
        return path, (), {}
