import json

from django.utils import timezone
from rest_framework import serializers

from consent.models import Consent, Method, Receipt


class WithdrawalSerializer(serializers.Serializer):
    method = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.label")


class ConsentOutSerializer(serializers.ModelSerializer):
    team = serializers.SerializerMethodField()
    categories = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.label")
    withdrawal = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "team",
            "categories",
            "purpose",
            "method",
            "recorded_by",
            "recorded_at",
            "valid_until",
            "supersedes",
            "superseded_by",
            "withdrawal",
            "status",
        ]

    def get_team(self, consent) -> dict:
        return {"id": consent.team_id, "name": consent.team.name}

    def get_categories(self, consent) -> list[str]:
        return sorted(c.code for c in consent.categories.all())

    def get_withdrawal(self, consent) -> dict | None:
        withdrawal = getattr(consent, "withdrawal", None)
        return WithdrawalSerializer(withdrawal).data if withdrawal else None

    def get_superseded_by(self, consent) -> int | None:
        successor = getattr(consent, "superseded_by", None)
        return successor.pk if successor else None

    def get_status(self, consent) -> str:
        """`current`, `superseded`, `withdrawn` or `expired`, derived from the record."""
        if getattr(consent, "withdrawal", None):
            return "withdrawn"
        if getattr(consent, "superseded_by", None):
            return "superseded"
        if consent.valid_until and consent.valid_until <= timezone.now():
            return "expired"
        return "current"


class ConsentInSerializer(serializers.Serializer):
    team = serializers.IntegerField(
        help_text="The team the person agrees to share with; it must follow them."
    )
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=50,
        allow_empty=True,
        help_text="Category codes. An empty list records an explicit refusal.",
    )
    purpose = serializers.CharField(max_length=300)
    method = serializers.ChoiceField(choices=Method.choices)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class WithdrawInSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Method.choices)


class ReceiptSerializer(serializers.Serializer):
    payload = serializers.DictField()
    signature = serializers.CharField(help_text="base64 Ed25519 signature of the payload as canonical JSON.")

    def to_representation(self, receipt: Receipt):
        return {"payload": json.loads(receipt.payload), "signature": receipt.signature}


class ReceiptKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="base64 of the raw 32-byte Ed25519 public key.")


class PortalInvitationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Shown once; give it to the person.")
    expires_at = serializers.DateTimeField()
