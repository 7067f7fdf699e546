"""A chain's head is its last event: its row in audit_chainhead is only what an append locks.

``audit_chain_last`` reads a chain's last link (its last event, or the latest anchor a purge left) with
a snapshot of its own: being volatile, it sees what was committed up to the moment it runs, after the
append's statement locked the chain, not only what the statement's snapshot saw before the lock."""

from django.db import migrations

LAST = """
CREATE OR REPLACE FUNCTION audit_chain_last(chain_id bigint, OUT seq bigint, OUT hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    SELECT e.seq, e.hash INTO seq, hash FROM audit_accessevent e
    WHERE e.chain = chain_id ORDER BY e.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        SELECT a.seq, a.hash INTO seq, hash FROM audit_anchor a
        WHERE a.chain = chain_id ORDER BY a.seq DESC LIMIT 1;
    END IF;
END
$$
"""


def create_last(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LAST)


def drop_last(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_last(bigint)")


def heads_from_events(apps, schema_editor):
    """Going back: each head's seq and hash from its chain's last link, as the old appends expect."""
    ChainHead = apps.get_model("audit", "ChainHead")
    AccessEvent = apps.get_model("audit", "AccessEvent")
    Anchor = apps.get_model("audit", "Anchor")
    for head in ChainHead.objects.all():
        last = (
            AccessEvent.objects.filter(chain=head.pk).order_by("-seq").values_list("seq", "hash").first()
            or Anchor.objects.filter(chain=head.pk).order_by("-seq").values_list("seq", "hash").first()
            or (0, "")
        )
        head.seq, head.hash = last
        head.save(update_fields=["seq", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_several_chains"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, heads_from_events),
        migrations.RemoveField(model_name="chainhead", name="seq"),
        migrations.RemoveField(model_name="chainhead", name="hash"),
        migrations.RunPython(create_last, drop_last),
    ]
