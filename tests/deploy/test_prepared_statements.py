"""A connection keeps the prepared statements of every page a worker serves (``relais/db/prepared.py``)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)

STATEMENTS = 150  # more than psycopg's default of 100, as the pages ask between them


def test_a_connection_keeps_more_prepared_statements_than_psycopgs_default(db):
    with connection.cursor() as cursor:
        for _ in range(3):
            for n in range(STATEMENTS):
                cursor.execute(f"SELECT %s::int + {n}", [1])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + %%'"
        )
        assert cursor.fetchone()[0] == STATEMENTS
