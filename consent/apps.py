from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consents and portal codes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A team's change ends the emergency accesses it ends (``consent.emergency.ending``): teams cannot
        # import consent, so consent listens (``teams.changes``).
        from consent.emergency import ending as glass_end
        from teams import changes

        changes.listen(glass_end.end_with_team_change)
