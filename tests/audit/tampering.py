"""What someone with write access to the database could do to the log, for the tests to catch."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from audit import append_only
from audit.models import AccessEvent


@contextmanager
def triggers_off():
    """Inside a savepoint that is rolled back: the append-only triggers are gone, as if dropped."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER USER")
            else:
                for statement in append_only.remove_statements("sqlite"):
                    cursor.execute(statement)
        yield
        transaction.set_rollback(True)


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def burn_id() -> None:
    """Leave a gap in the ids, as a rolled-back insert does on PostgreSQL."""
    if connection.vendor == "postgresql":
        execute("SELECT nextval(pg_get_serial_sequence('audit_accessevent', 'id'))")
    else:
        execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'audit_accessevent'")


def ids() -> list[int]:
    return list(AccessEvent.objects.order_by("id").values_list("id", flat=True))


def row(event_id: int) -> tuple[str, str]:
    return AccessEvent.objects.filter(pk=event_id).values_list("body", "hash").get()


def set_row(event_id: int, body: str, digest: str) -> None:
    execute("UPDATE audit_accessevent SET body = %s, hash = %s WHERE id = %s", [body, digest, event_id])


def delete(event_id: int) -> None:
    execute("DELETE FROM audit_accessevent WHERE id = %s", [event_id])


def insert(event_id: int, body: str, digest: str) -> None:
    execute("INSERT INTO audit_accessevent (id, body, hash) VALUES (%s, %s, %s)", [event_id, body, digest])


def swap(first: int, second: int) -> None:
    """Exchange two events; seq is unique, so one of them waits under a placeholder meanwhile."""
    a, b = row(first), row(second)
    set_row(first, '{"seq": -1}', "")
    set_row(second, *a)
    set_row(first, *b)
