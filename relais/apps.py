from django.contrib.admin.apps import AdminConfig


class RelaisAdminConfig(AdminConfig):
    default_site = "relais.admin.RelaisAdminSite"
