"""What the API says of a code for a person's space and of a space's reset with a worker's code
(``consent.recovery.services``), and what it takes to confirm or review one."""

from rest_framework import serializers

from web.api import InputSerializer


class PortalInvitationSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True,
        help_text="Shown once; give it to the person. Null when it was sent to the address the person "
        "gave for notices: then nobody but the person sees it.",
    )
    sent_by_email = serializers.BooleanField(help_text="Sent to the address the person gave for notices.")
    reopens_restricted = serializers.BooleanField(
        help_text="The person's space is already open and the code is handed over: it reopens restricted "
        "(no copy of the data, no journal of other teams' reads) until the person confirms or the "
        "cooling period ends."
    )
    expires_at = serializers.DateTimeField()


class SpaceResetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    representative = serializers.IntegerField(source="representative_id", allow_null=True)
    code_made_by = serializers.IntegerField(source="code_made_by_id", help_text="Who made the code.")
    by_email = serializers.BooleanField(help_text="The code went to the person's own address.")
    restricted = serializers.BooleanField(
        help_text="The code was handed over: the space reopened restricted."
    )
    reset_at = serializers.DateTimeField()
    watched_until = serializers.DateTimeField(help_text="Until then, the space's acts name this reset.")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    verdict = serializers.CharField()
    review_comment = serializers.CharField()


class ConfirmResetInSerializer(InputSerializer):
    previous_password = serializers.CharField(
        max_length=128, style={"input_type": "password"}, help_text="The password your space had before."
    )


class ConfirmResetSerializer(serializers.Serializer):
    confirmed_at = serializers.DateTimeField()


class ResetReviewInSerializer(InputSerializer):
    verdict = serializers.ChoiceField(choices=["justified", "not_justified"])
    comment = serializers.CharField(max_length=2000)
