from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("allowed")
    DENIED = "denied", _("denied")


class AccessEvent(models.Model):
    """One access to person data (or to the log itself).

    References are plain integers, not foreign keys: the log must outlive what it names and must
    never be touched by a cascade.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=150, blank=True)
    team_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    person_id = models.BigIntegerField(null=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_ids = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    consent_id = models.BigIntegerField(null=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person_id", "occurred_at"], name="event_person_time"),
            models.Index(fields=["actor_id", "occurred_at"], name="event_actor_time"),
            models.Index(fields=["action", "occurred_at"], name="event_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} #{self.pk}"
