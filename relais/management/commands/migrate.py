"""``migrate`` as the owner of the tables when DATABASE_OWNER_URL is set: the service's own role
may not change the schema. The service's role then gets its grants on every table, new ones
included (``relais.db.roles``)."""

from typing import Any

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

from relais.db import roles


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> str | None:
        if options["database"] == "default" and "owner" in settings.DATABASES:
            options["database"] = "owner"
        result = super().handle(*args, **options)
        app_role = roles.app_role_for(settings.DATABASES)
        if app_role is not None and options["database"] == "owner":
            roles.grant(connections["owner"], app_role)
            if options["verbosity"]:
                self.stdout.write(f"Grants of {app_role} made again on every table.")
        return result
