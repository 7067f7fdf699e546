from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Persons and information")
    default_auto_field = "django.db.models.BigAutoField"
