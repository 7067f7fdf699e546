from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RelaisConfig(AppConfig):
    """The project itself: its commands (migrate as the owner, the database roles, the demo), the
    composition root's wiring of records and consent (``relais/listeners.py``), and how many prepared
    statements each PostgreSQL connection keeps (``relais/db/prepared.py``)."""

    name = "relais"
    default = True

    def ready(self) -> None:
        # Records and consent are independent: what one tells the other is wired here, above both.
        from relais import listeners
        from relais.db import prepared

        listeners.connect()
        prepared.connect()


class RelaisAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "relais.admin.RelaisAdminSite"
