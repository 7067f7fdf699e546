"""The person's inbox asks at every visit who read them first: the statement is served by the index
made for it (``event_person_readers``), whatever the person's number of events."""

import pytest
from django.db import connection
from django.utils import timezone

from access import compiled
from consent.notices import news
from tests.factories import make_person, make_portal_account, make_team

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")


def test_the_first_readers_statement_can_be_served_by_the_readers_index_alone(db):
    person = make_person(make_team("Maraude", ("contact",)), display_name="Jo")
    make_portal_account(person)
    person.refresh_from_db()
    ids = news.ids_of(person)
    sql, params = compiled.statement(
        f"notices:first-reads:{news.shape_of(person)}", news.first_reads, ids, timezone.now()
    )
    with connection.cursor() as cursor:
        # The other ways to the events gone for this transaction: only an index whose condition the
        # statement implies can serve it.
        cursor.execute("DROP INDEX event_person")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using event_person_readers" in plan, plan
