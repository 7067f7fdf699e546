"""Create the database's two roles and their grants, as a PostgreSQL superuser (once per deployment).

The roles and the database are those named by DATABASE_OWNER_URL (the owner) and DATABASE_URL (the
service's role); the superuser's connection comes from ``--admin-url`` (or DATABASE_ADMIN_URL).
Run it again at any time: it changes nothing that is already right. Then ``migrate`` (as the
owner) makes the tables and grants the service's role what each needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg import sql

from relais.db import roles


def _connect(url: Mapping[str, Any], dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(
        host=url.get("HOST") or None,
        port=url.get("PORT") or None,
        user=url.get("USER") or None,
        password=url.get("PASSWORD") or None,
        dbname=dbname or url.get("NAME"),
        autocommit=True,
    )


def _role(cursor, name: str, password: str | None) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    options = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
    statement = sql.SQL("{} ROLE {} WITH {}").format(sql.SQL(verb), sql.Identifier(name), options)
    if password:
        statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
    cursor.execute(statement)


class Command(BaseCommand):
    help = "Create the owner role, the service's role and the database, with their grants (superuser)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin-url", default=os.getenv("DATABASE_ADMIN_URL", ""))

    def handle(self, *args: Any, **options: Any) -> None:
        if "owner" not in settings.DATABASES:
            raise CommandError(
                "Set DATABASE_OWNER_URL (the owner's role) as well as DATABASE_URL (the service's)."
            )
        if not options["admin_url"]:
            raise CommandError("Give a superuser's connection: --admin-url postgres://postgres@host/postgres")
        app, owner = settings.DATABASES["default"], settings.DATABASES["owner"]
        if app["NAME"] != owner["NAME"] or not app["USER"] or app["USER"] == owner["USER"]:
            raise CommandError("DATABASE_URL and DATABASE_OWNER_URL must name one database and two roles.")
        admin = dj_database_url.parse(options["admin_url"])
        database = app["NAME"]
        with _connect(admin) as connection, connection.cursor() as cursor:
            _role(cursor, owner["USER"], owner.get("PASSWORD"))
            _role(cursor, app["USER"], app.get("PASSWORD"))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(database), sql.Identifier(owner["USER"])
                    )
                )
            cursor.execute(
                sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                    sql.Identifier(database), sql.Identifier(owner["USER"])
                )
            )
            cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
            cursor.execute(
                sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                    sql.Identifier(database), sql.Identifier(app["USER"])
                )
            )
        with _connect(admin, database) as connection, connection.cursor() as cursor:
            owner_role, app_role = sql.Identifier(owner["USER"]), sql.Identifier(app["USER"])
            cursor.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner_role))
            cursor.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_role))
            # Tables made before the roles existed (by a superuser, say) pass to the owner.
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'p')"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(sql.Identifier(name), owner_role))
            cursor.execute(
                "SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public'"
            )
            for (function,) in cursor.fetchall():
                cursor.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(function), owner_role))
        from django.db import connections

        roles.grant(connections["owner"], app["USER"])
        self.stdout.write(
            f"Roles ready: {owner['USER']} owns {database}; "
            f"{app['USER']} owns nothing and appends to the log."
        )
