"""A unit of work's events carry its commit on PostgreSQL: one round trip for the last insert and the
``COMMIT``; nothing committed when that insert fails; the chain whole either way."""

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from psycopg.pq import TransactionStatus

from audit import chain, recorder
from audit.models import AccessEvent
from audit.recorder import Event
from core.domain_errors import AuditUnavailable
from teams.models import Category

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the simple query protocol's")


def _categories_seen_from_another_connection() -> set[str]:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT code FROM records_category")
            return {code for (code,) in cursor.fetchall()}
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_the_events_of_a_unit_of_work_carry_its_commit(flushable_audit, monkeypatch):
    states: list[TransactionStatus] = []
    append = chain.append

    def watched(entries, **options):
        append(entries, **options)
        states.append(connection.connection.pgconn.transaction_status)

    monkeypatch.setattr(chain, "append", watched)
    with CaptureQueriesContext(connection) as queries, recorder.unit_of_work():
        Category.objects.create(code="carried", label_fr="carried", label_en="carried")
        recorder.record(recorder.system("tests"), Event(action="person.view", person_id=7))

    assert states == [TransactionStatus.IDLE]  # committed by the append's own statement
    assert [q["sql"] for q in queries.captured_queries if "audit_accessevent" in q["sql"]][-1].endswith(
        "; COMMIT"
    )
    assert "carried" in _categories_seen_from_another_connection()
    assert AccessEvent.objects.filter(person_id=7).count() == 1
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_unit_of_work_whose_last_insert_fails_commits_nothing(flushable_audit, monkeypatch):
    monkeypatch.setattr(chain, "_INSERT", "INSERT INTO audit_no_such_table (id, body, hash) VALUES ")
    with pytest.raises(AuditUnavailable), recorder.unit_of_work():
        Category.objects.create(code="lost", label_fr="lost", label_en="lost")
        recorder.record(recorder.system("tests"), Event(action="person.view", person_id=8))

    assert "lost" not in _categories_seen_from_another_connection()
    assert not AccessEvent.objects.filter(person_id=8).exists()
    monkeypatch.undo()  # the same connection goes on, and the chain's head was let go
    with recorder.unit_of_work():
        recorder.record(recorder.system("tests"), Event(action="person.view", person_id=9))
    assert AccessEvent.objects.filter(person_id=9).count() == 1
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_unit_of_work_inside_a_transaction_leaves_the_commit_to_it(flushable_audit):
    with transaction.atomic():
        with recorder.unit_of_work():
            recorder.record(recorder.system("tests"), Event(action="person.view", person_id=10))
        assert connection.connection.pgconn.transaction_status == TransactionStatus.INTRANS
        Category.objects.create(code="after", label_fr="after", label_en="after")
    assert AccessEvent.objects.filter(person_id=10).count() == 1
    assert "after" in _categories_seen_from_another_connection()
