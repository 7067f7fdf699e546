from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consents and portal codes")
    default_auto_field = "django.db.models.BigAutoField"
