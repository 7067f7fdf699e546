"""What the API says of an emergency access (``.services``), and what it takes to open or review one."""

from typing import Any

from rest_framework import serializers

from web.api import InputSerializer, id_field


class GlassBreakInSerializer(InputSerializer):
    team = id_field(help_text="One of your teams that follows the person.")
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40), min_length=1, max_length=50
    )
    reason = serializers.ChoiceField(choices=["danger_to_life", "cannot_be_asked", "urgent_care"])
    statement = serializers.CharField(max_length=500, help_text="Why it cannot wait, in a sentence.")
    hours = serializers.IntegerField(min_value=1, max_value=24, required=False, default=4)


class GlassBreakSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    person_name = serializers.CharField(
        source="person.display_name",
        help_text="The name the person goes by: what the access log already names auditors by.",
    )
    team = serializers.IntegerField(source="team_id")
    opened_by = serializers.IntegerField(source="opened_by_id")
    categories = serializers.SerializerMethodField()
    reason = serializers.CharField()
    statement = serializers.CharField()
    opened_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.IntegerField(source="reviewed_by_id", allow_null=True)
    verdict = serializers.CharField()
    review_comment = serializers.CharField()
    ended_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it ended on the record (its time passed, or earlier); null while open.",
    )
    ended_by = serializers.IntegerField(source="ended_by_id", allow_null=True)
    end_reason = serializers.ChoiceField(
        choices=["", "time_passed", "switched_off", "follow_up_closed", "mission_narrowed", "ended_early"],
        help_text="Why it ended; empty while open.",
    )

    def get_categories(self, glass: Any) -> list[str]:
        return sorted(c.code for c in glass.categories.all())


class GlassReviewInSerializer(InputSerializer):
    verdict = serializers.ChoiceField(choices=["justified", "not_justified"])
    comment = serializers.CharField(max_length=2000)
