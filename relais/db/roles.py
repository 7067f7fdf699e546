"""The two PostgreSQL roles of a deployment, and what the service's role may do (R6).

The owner role owns the schema and every table: migrations, purges, key rotation and the retention
job run as it. The service's own role owns nothing: on the access events it may only SELECT and
INSERT, it may not write purge permits or anchors, and it cannot alter a table, disable a trigger or
act as a replica (only an owner or a superuser can). The rest of the record is append-only for it as
well (issue "Written in stone"): consents, withdrawals, receipts, evidence, notes, persons and
emergency accesses may be inserted, and only the columns the service legitimately changes may be
updated (``RECORD`` names them); nothing there may be deleted. On accounts it never writes
``is_superuser`` or ``is_staff`` (a trigger of ``relais.db.record_guards`` refuses them on insert,
the grants on update). The grants are made again after every migration, so that a new table gets its
grants at once; a new table is read and written freely unless it is named here.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Tables where the service's role may do less than read and write.
LIMITED = {
    "audit_accessevent": "SELECT, INSERT",  # the log: appended to, never changed
    "audit_anchor": "SELECT",  # written by purges only, as the owner
    "audit_purgepermit": "SELECT",  # the door of the delete trigger: the owner's alone
    "audit_chainhead": "SELECT, INSERT, UPDATE",  # appends lock a chain's row (FOR UPDATE needs UPDATE)
    "django_migrations": "SELECT",
    # An account's identity at the OpenID Connect provider: linked once, never changed; it goes with
    # its account.
    "teams_provideridentity": "SELECT, INSERT, DELETE",
}
READ_AND_WRITE = "SELECT, INSERT, UPDATE, DELETE"

# The record: what the service may UPDATE on each table (nothing else, and never DELETE). A
# correction is a new version, an end is a row of its own or a column set once (the set-once
# columns are guarded by triggers, ``relais.db.record_guards``).
RECORD: dict[str, tuple[str, ...]] = {
    "consent_consent": (),
    "consent_consent_categories": (),
    "consent_withdrawal": (),
    "consent_receipt": (),
    "consent_evidence": (),
    "consent_withdrawalevidence": (),
    "consent_informationtext": (),  # a new wording is a new version: a text is never edited
    "records_note": (),
    # contact details, the portal account an activation links, the person's choices for notices
    "records_person": ("phone", "email", "address", "account_id", "notice_email", "notify_by_email"),
    "records_followup": ("closed_at", "closed_by_id"),
    "consent_glassbreak": (
        "acknowledged_at",
        "reviewed_by_id",
        "reviewed_at",
        "verdict",
        "review_comment",
        "ended_at",
        "ended_by_id",
        "end_reason",
    ),
    "consent_glassbreak_categories": (),
    "consent_representative": ("account_id", "ended_at", "ended_by_id", "end_evidence"),
    "consent_notice": ("read_at", "emailed_at"),
    "consent_disagreement": ("answered_by_id", "answered_at", "answer"),  # an auditor's answer, once
    # the person's "not this person" and "not this note": lifted once, never deleted
    "consent_exclusion": ("lifted_at", "lifted_by_id"),
    "consent_notehiding": ("lifted_at", "lifted_by_id"),
    "consent_portalinvitation": ("used_at", "expires_at"),
    # a reset of a person's space: the person's confirmation, then an auditor's verdict
    "consent_spacereset": (
        "confirmed_at",
        "previous_password",
        "reviewed_by_id",
        "reviewed_at",
        "verdict",
        "review_comment",
    ),
    # signing in, a holder's own password, a manager's recorded changes; never is_superuser, is_staff
    "teams_user": (
        "password",
        "last_login",
        "username",
        "display_name",
        "email",
        "is_active",
        "is_auditor",
        "is_manager",
        "password_change_required",
        "factor_reset_required",
    ),
}


def privileges(connection: BaseDatabaseWrapper, table: str) -> str:
    """The privileges of the service's role on one table."""
    if table in LIMITED:
        return LIMITED[table]
    if table in RECORD:
        columns = ", ".join(quoted(connection, c) for c in RECORD[table])
        return f"SELECT, INSERT, UPDATE ({columns})" if columns else "SELECT, INSERT"
    return READ_AND_WRITE


def quoted(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_statements(connection: BaseDatabaseWrapper, app_role: str) -> list[str]:
    """The grants that give the service's role exactly what each table needs, and no more."""
    role = quoted(connection, app_role)
    statements = [f"GRANT USAGE ON SCHEMA public TO {role}"]
    for table in sorted(connection.introspection.table_names()):
        name = quoted(connection, table)
        statements += [
            f"REVOKE ALL ON TABLE {name} FROM {role}",
            f"GRANT {privileges(connection, table)} ON TABLE {name} TO {role}",
        ]
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    return statements


def grant(connection: BaseDatabaseWrapper, app_role: str) -> None:
    with connection.cursor() as cursor:
        for statement in grant_statements(connection, app_role):
            cursor.execute(statement)


def app_role_for(databases: dict) -> str | None:
    """The service's role, when migrations run as another one (the owner)."""
    if "owner" not in databases or databases["default"]["ENGINE"] != "django.db.backends.postgresql":
        return None
    app, owner = databases["default"].get("USER"), databases["owner"].get("USER")
    return app if app and app != owner else None
