"""Triggers that refuse UPDATE and DELETE on audit rows, as first written (one chain).

Frozen here: 0005 replaces them with the version of ``audit.append_only`` that knows chains."""

from django.db import migrations

PROTECTED = ("audit_accessevent", "audit_anchor")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purgepermit WHERE up_to_seq >= OLD.seq) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND EXISTS (SELECT 1 FROM audit_purgepermit WHERE up_to_seq >= 9223372036854775807)
    THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [PG_FUNCTION] + [
            s
            for t in PROTECTED
            for s in (
                f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
                f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
            )
        ]
    unless = "WHEN NOT EXISTS (SELECT 1 FROM audit_purgepermit WHERE up_to_seq >= OLD.seq)"
    return [
        s
        for t in PROTECTED
        for s in (
            f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: UPDATE on {t} refused'); END;",
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} {unless} "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: DELETE on {t} refused'); END;",
        )
    ]


def install(apps, schema_editor) -> None:
    for statement in statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor) -> None:
    from audit import append_only

    for statement in append_only.remove_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chained_events")]

    operations = [migrations.RunPython(install, remove)]
