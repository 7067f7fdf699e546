from typing import Any

from rest_framework import serializers

from audit.csv_export import COLUMNS
from audit.models import AccessEvent


class EventSerializer(serializers.ModelSerializer[AccessEvent]):
    """An event as stored: the fields come from its verified body."""

    actor = serializers.IntegerField(source="actor_id", allow_null=True)
    team = serializers.IntegerField(source="team_id", allow_null=True)
    person = serializers.IntegerField(source="person_id", allow_null=True)
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    glass_break = serializers.IntegerField(
        source="glass_break_id",
        allow_null=True,
        help_text="The emergency access that allowed this read (in place of a consent), or that the "
        "event is about.",
    )
    organisation = serializers.SerializerMethodField(
        help_text="The organisation of the actor (or, for the deployment's administrators, of the team)."
    )
    actor_label = serializers.CharField()
    reason = serializers.CharField()
    object_type = serializers.CharField()
    object_ids = serializers.ListField(child=serializers.JSONField())
    categories = serializers.ListField(child=serializers.CharField())
    request_id = serializers.CharField()
    ip = serializers.CharField(allow_null=True)
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="For an act of administration: each field, [before, after]."
    )

    class Meta:
        model = AccessEvent
        fields = [*COLUMNS, "organisation"]
        read_only_fields = fields

    def get_organisation(self, event: AccessEvent) -> int | None:
        value = getattr(event, "organisation_id", None)  # ``audit.scope.with_organisation``
        return value if isinstance(value, int) else None


class CheckpointSerializer(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField()
    last_id = serializers.IntegerField()
    last_hash = serializers.CharField()
    at = serializers.DateTimeField()


class VerdictSerializer(serializers.Serializer[dict[str, Any]]):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_bad = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    checkpoint = CheckpointSerializer(allow_null=True)
