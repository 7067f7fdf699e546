"""The database's refusal to change or remove audit rows (R6), installed by a migration.

Events and anchors can only be inserted. The one way out is ``purge_audit``: inside its transaction a
``PurgePermit`` row lets the oldest events of a chain through, up to a sequence number, and nothing
else.
On SQLite, a migration that rebuilds one of these tables drops its triggers: such a migration must
reinstall them (the tests that try UPDATE and DELETE would fail otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps

PROTECTED = ("audit_accessevent", "audit_anchor")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM audit_purgepermit WHERE chain = OLD.chain AND up_to_seq >= OLD.seq
    ) THEN
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


def _postgresql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
    ]


_UNLESS_PERMITTED = (
    "WHEN NOT EXISTS (SELECT 1 FROM audit_purgepermit WHERE chain = OLD.chain AND up_to_seq >= OLD.seq)"
)


def _sqlite(table: str) -> list[str]:
    # Table names come from PROTECTED above, never from input.
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: UPDATE on {table} refused'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {_UNLESS_PERMITTED} "
        f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only: DELETE on {table} refused'); END;",
    ]


def install_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [_PG_FUNCTION] + [s for table in PROTECTED for s in _postgresql(table)]
    if vendor == "sqlite":
        return [s for table in PROTECTED for s in _sqlite(table)]
    raise NotImplementedError(f"append-only audit rows are not implemented for {vendor}")


def remove_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        drops = [
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table};"
            for table in PROTECTED
            for name in ("append_only", "no_truncate")
        ]
        return drops + ["DROP FUNCTION IF EXISTS audit_refuse_change();"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_{name};"
        for table in PROTECTED
        for name in ("no_update", "no_delete")
    ]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in install_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in remove_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
