from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    """Relais in HL7 FHIR: consents, the access log and the person's data as FHIR resources."""

    name = "interop"
    verbose_name = _("FHIR")
    default_auto_field = "django.db.models.BigAutoField"
