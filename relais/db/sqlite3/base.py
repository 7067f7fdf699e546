"""SQLite as the embedded database, made to answer like PostgreSQL where the difference would show.

- Bound parameters: Django 5.2 assumes SQLite's historic limit of 999 variables and splits a bulk
  insert of a hundred audit events into two statements; every SQLite since 3.32 allows 32,766
  (Debian's allows more), so a list page writes its events in one statement on both databases.
- Integers beyond 64 bits: Python's sqlite3 refuses to bind them (OverflowError, a 500), where
  PostgreSQL compares them and finds nothing. An id asked for in a URL or a body may be any
  number of digits; such a value names no row, and here it says so too.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features

INT64 = (-(2**63), 2**63 - 1)


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


def _beyond_int64(value: object) -> bool:
    return type(value) is int and not INT64[0] <= value <= INT64[1]


def _as_text(params):
    """The parameters with every integer beyond 64 bits bound as text, which equals no integer."""
    if isinstance(params, dict):
        return {k: str(v) if _beyond_int64(v) else v for k, v in params.items()}
    return [str(v) if _beyond_int64(v) else v for v in params]


class CursorWrapper(base.SQLiteCursorWrapper):
    def execute(self, query, params=None):
        try:
            return super().execute(query, params)
        except OverflowError:
            if params is None:
                raise
            return super().execute(query, _as_text(params))


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)
