"""Triggers that keep the record's ends final, on PostgreSQL and SQLite alike (issue "Written in stone").

The grants of ``relais.db.roles`` decide which columns the service's role may update at all. Some of
those columns are written once, when something ends or is decided: a follow-up's closing, an
emergency access's review and acknowledgement, a representative's end, a code's use. Once set, they
are the record: these triggers refuse to change them again, whoever asks (the owner included; the
retention job deletes rows, it never rewrites them). Encrypted columns are not guarded here, since
``rotate_keys`` re-encrypts them in place.

On PostgreSQL a further trigger refuses an account made ``is_superuser`` or ``is_staff`` by anyone but
the tables' owner (the grants already refuse the service's role an update of those columns).
On SQLite a migration that rebuilds one of these tables drops its triggers: such a migration must
install them again (``tests/rules/test_r6_record_is_append_only.py`` would fail otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps

# table -> [(the column whose value marks the end, the columns that may not change once it is set)]
SET_ONCE: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "records_followup": [("closed_at", ("closed_at", "closed_by_id"))],
    "consent_glassbreak": [
        ("reviewed_at", ("reviewed_at", "reviewed_by_id", "verdict", "review_comment")),
        ("acknowledged_at", ("acknowledged_at",)),
        ("ended_at", ("ended_at", "ended_by_id", "end_reason")),
    ],
    "consent_representative": [("ended_at", ("ended_at", "ended_by_id"))],
    "consent_portalinvitation": [("used_at", ("used_at",))],
    "consent_spacereset": [
        ("reviewed_at", ("reviewed_at", "reviewed_by_id", "verdict", "review_comment")),
        ("confirmed_at", ("confirmed_at",)),
    ],
}

MESSAGE = "the record is final: this {table} was ended or decided already, and cannot be changed"


def _changed(columns: tuple[str, ...], differs: str) -> str:
    return " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in columns)


def _postgresql(table: str) -> list[str]:
    checks = "\n".join(
        f"    IF OLD.{guard} IS NOT NULL AND ({_changed(columns, 'IS DISTINCT FROM')}) THEN\n"
        f"        RAISE EXCEPTION '{MESSAGE.format(table=table)}' USING ERRCODE = 'insufficient_privilege';\n"
        "    END IF;"
        for guard, columns in SET_ONCE[table]
    )
    return [
        f"CREATE OR REPLACE FUNCTION {table}_set_once() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{checks}\n    RETURN NEW;\nEND\n$$;",
        f"CREATE TRIGGER {table}_set_once BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_set_once();",
    ]


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_set_once_{guard} BEFORE UPDATE ON {table} "
        f"WHEN OLD.{guard} IS NOT NULL AND ({_changed(columns, 'IS NOT')}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(table=table)}'); END;"
        for guard, columns in SET_ONCE[table]
    ]


# Only the owner of teams_user (or a superuser) makes a superuser or staff account.
_PG_ACCOUNT_GUARD = [
    """CREATE OR REPLACE FUNCTION teams_user_no_superuser() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.is_superuser OR NEW.is_staff)
       AND (TG_OP = 'INSERT' OR NEW.is_superuser IS DISTINCT FROM OLD.is_superuser
            OR NEW.is_staff IS DISTINCT FROM OLD.is_staff)
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
    THEN
        RAISE EXCEPTION 'only the owner of the tables makes a superuser or staff account'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;""",
    "CREATE TRIGGER teams_user_no_superuser BEFORE INSERT OR UPDATE ON teams_user "
    "FOR EACH ROW EXECUTE FUNCTION teams_user_no_superuser();",
]


def install_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [s for table in SET_ONCE for s in _postgresql(table)] + _PG_ACCOUNT_GUARD
    if vendor == "sqlite":
        return [s for table in SET_ONCE for s in _sqlite(table)]
    raise NotImplementedError(f"the record's guards are not implemented for {vendor}")


def remove_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        drops = [
            f"DROP TRIGGER IF EXISTS {t}_set_once ON {t}; DROP FUNCTION IF EXISTS {t}_set_once();"
            for t in SET_ONCE
        ]
        return [
            *drops,
            "DROP TRIGGER IF EXISTS teams_user_no_superuser ON teams_user;",
            "DROP FUNCTION IF EXISTS teams_user_no_superuser();",
        ]
    return [f"DROP TRIGGER IF EXISTS {t}_set_once_{guard};" for t in SET_ONCE for guard, _ in SET_ONCE[t]]


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in install_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in remove_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
