"""A chain taken in one call: ``audit_take_chain`` locks a free chain (or, none free, waits for the one
asked for), reads its last link after the lock, and draws the new events' ids, in one round trip.

Before, an append that found every chain busy sent a second statement to queue behind one: with 32
processes on 8 chains, most appends paid that round trip while holding nothing."""

from django.db import migrations

TAKE = """
CREATE OR REPLACE FUNCTION audit_take_chain(
    wanted bigint, n integer, OUT chain bigint, OUT seq bigint, OUT hash varchar, OUT ids bigint[]
)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    SELECT h.id INTO chain FROM audit_chainhead h ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        SELECT h.id INTO chain FROM audit_chainhead h WHERE h.id = wanted FOR UPDATE;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;
    -- Each statement of a volatile function reads with a snapshot of its own, taken after the lock.
    SELECT l.seq, l.hash INTO seq, hash FROM audit_chain_last(chain) l;
    ids := ARRAY(SELECT nextval(pg_get_serial_sequence('audit_accessevent', 'id')) FROM generate_series(1, n));
END
$$
"""


def create_take(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TAKE)


def drop_take(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_take_chain(bigint, integer)")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0006_heads_are_events"),
    ]

    operations = [
        migrations.RunPython(create_take, drop_take),
    ]
