"""The API's words for disagreements (``consent.disagreements.services``): what the person sends, what they
read back, and what the auditors' queue shows."""

from rest_framework import serializers

from web.api import InputSerializer, id_field


class DisagreeInSerializer(InputSerializer):
    event = id_field(required=False, help_text="The id of the journal line you disagree with.")
    emergency = id_field(required=False, help_text="The id of the emergency access you disagree with.")
    statement = serializers.CharField(max_length=2000, help_text="Why you disagree, in your words.")


class DisagreementSerializer(serializers.Serializer):
    """A disagreement as its person reads it (``consent.disagreements.services.Told``)."""

    id = serializers.IntegerField(source="disagreement.pk")
    written_at = serializers.DateTimeField(source="disagreement.written_at")
    event = serializers.IntegerField(source="disagreement.event_id", allow_null=True)
    emergency = serializers.IntegerField(source="disagreement.glass_break_id", allow_null=True)
    about = serializers.CharField(source="about.text", help_text="What it is about, in plain words.")
    statement = serializers.CharField(source="disagreement.statement")
    answer = serializers.CharField(source="disagreement.answer", help_text="Empty until an auditor answers.")
    answered_at = serializers.DateTimeField(source="disagreement.answered_at", allow_null=True)


class DisagreementQueueSerializer(serializers.Serializer):
    """A disagreement as the auditors see it."""

    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    event = serializers.IntegerField(source="event_id", allow_null=True)
    emergency = serializers.IntegerField(source="glass_break_id", allow_null=True)
    statement = serializers.CharField()
    written_at = serializers.DateTimeField()
    written_by = serializers.IntegerField(source="written_by_id")
    representative = serializers.IntegerField(source="representative_id", allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = serializers.IntegerField(source="answered_by_id", allow_null=True)


class AnswerInSerializer(InputSerializer):
    answer = serializers.CharField(max_length=2000, help_text="The answer the person will read.")
