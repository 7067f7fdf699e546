"""The two PostgreSQL roles of a deployment, and what the service's role may do (R6).

The owner role owns the schema and every table: migrations and purges run as it. The service's own
role owns nothing: on the access events it may only SELECT and INSERT, it may not write purge
permits or anchors, and it cannot alter a table, disable a trigger or act as a replica (only an
owner or a superuser can). The grants are made again after every migration, so that a new table
gets its grants at once.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Tables where the service's role may do less than read and write.
LIMITED = {
    "audit_accessevent": "SELECT, INSERT",  # the log: appended to, never changed
    "audit_anchor": "SELECT",  # written by purges only, as the owner
    "audit_purgepermit": "SELECT",  # the door of the delete trigger: the owner's alone
    "audit_chainhead": "SELECT, INSERT, UPDATE",  # heads move; they are a cache, never trusted
    "django_migrations": "SELECT",
    # An account's identity at the OpenID Connect provider: linked once, never changed; it goes with
    # its account.
    "teams_provideridentity": "SELECT, INSERT, DELETE",
}
READ_AND_WRITE = "SELECT, INSERT, UPDATE, DELETE"


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
            f"GRANT {LIMITED.get(table, READ_AND_WRITE)} ON TABLE {name} TO {role}",
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
