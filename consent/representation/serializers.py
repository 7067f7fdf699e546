"""What the API says of a representative (``consent.representation.services``), and what it takes to record
or end one."""

from rest_framework import serializers

from consent.models import Representative
from web.api import InputSerializer


class RepresentativeInSerializer(InputSerializer):
    name = serializers.CharField(max_length=150, help_text="The name of the person who will act.")
    kind = serializers.ChoiceField(choices=Representative.Kind.values)
    scope = serializers.ChoiceField(choices=Representative.Scope.values)
    evidence = serializers.CharField(
        max_length=1000, help_text="What proves it: a written designation, a court's judgement…"
    )


class RepresentativeEndInSerializer(InputSerializer):
    evidence = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What proves it ends. Required from a worker; the person may leave it out.",
    )


class RepresentativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    scope = serializers.CharField()
    scope_label = serializers.CharField(source="get_scope_display")
    evidence = serializers.CharField()
    account_open = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    end_evidence = serializers.CharField()

    def get_account_open(self, agent: Representative) -> bool:
        return agent.account_id is not None


class RepresentativeCreatedSerializer(serializers.Serializer):
    representative = RepresentativeSerializer()
    code = serializers.CharField(help_text="Shown once: the representative opens their own space with it.")
    expires_at = serializers.DateTimeField()


class RepresentativeCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    expires_at = serializers.DateTimeField()
