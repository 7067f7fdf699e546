"""The API's words for the person's say (``consent.say``): who is kept out, which notes are hidden."""

from rest_framework import serializers

from web.api import InputSerializer, id_field
from web.presence import confirmed_input_field, presence_input_field


class KeepOutInSerializer(InputSerializer):
    member = id_field(help_text="The account of a member of a team that follows the person.")
    presence = presence_input_field(help_text="Who is present: required, with `confirmed`, through a worker.")
    confirmed = confirmed_input_field(help_text="The person asks it: required through a worker.")


class LetBackInSerializer(InputSerializer):
    presence = presence_input_field(help_text="Who is present: required, with `confirmed`, through a worker.")
    confirmed = confirmed_input_field(help_text="The person asks it: required through a worker.")


class ExclusionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.label")
    recorded_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="user_id")
    name = serializers.CharField()
    teams = serializers.ListField(child=serializers.CharField())


class KeptOutSerializer(serializers.Serializer):
    """The members the person keeps out (current first), and whom they could name."""

    exclusions = ExclusionSerializer(many=True)
    candidates = CandidateSerializer(many=True)


class HideInSerializer(InputSerializer):
    team = id_field(
        required=False,
        allow_null=True,
        help_text="One team that follows you; without it: every team but the author's.",
    )


class HidingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    note = serializers.IntegerField(source="note_id")
    team = serializers.IntegerField(
        source="team_id", allow_null=True, help_text="Empty: every team but the author's."
    )
    recorded_at = serializers.DateTimeField()
    lifted_at = serializers.DateTimeField(allow_null=True)


class OwnNoteSerializer(serializers.Serializer):
    """A note about the person, as they read it in their space, with its current hidings."""

    id = serializers.IntegerField(source="note.pk")
    created_at = serializers.DateTimeField(source="note.created_at")
    team = serializers.CharField(source="note.team.name")
    category = serializers.CharField(source="note.category.code")
    author = serializers.CharField(source="note.author.label")
    body = serializers.CharField(source="note.body")
    hidden = serializers.BooleanField()
    hidings = HidingSerializer(many=True)
