from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RelaisConfig(AppConfig):
    """The project itself: its commands (migrate as the owner, the database roles)."""

    name = "relais"
    default = True


class RelaisAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "relais.admin.RelaisAdminSite"
