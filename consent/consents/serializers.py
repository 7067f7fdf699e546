"""What the API says of consents, receipts and the portal's consents, in and out.

Long on purpose: the consent's two readers (a worker, the person in their space) see the same record
in different words, and keeping both here keeps those words side by side.
"""

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consent.information.serializers import InformationSummarySerializer
from consent.models import Consent, LegalBasis, Method, Receipt
from web.api import InputSerializer, id_field
from web.presence import confirmed_input_field, presence_input_field


class WithdrawalSerializer(serializers.Serializer):
    method = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.label")


class GivenBySerializer(serializers.Serializer):
    representative = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()


class ConsentOutSerializer(serializers.ModelSerializer):
    team = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(
        source="team.organisation_id",
        read_only=True,
        help_text="The organisation behind the team: the data controller of what it records.",
    )
    categories = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.label")
    withdrawal = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    given_by = serializers.SerializerMethodField()
    information = InformationSummarySerializer(allow_null=True, read_only=True)
    legal_basis = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "team",
            "organisation",
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
            "given_by",
            "information",
            "legal_basis",
            "before_information",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=LegalBasis.choices, allow_null=True))
    def get_legal_basis(self, consent) -> str | None:
        """The basis of the processing; null for a consent recorded before Relais kept it
        (``before_information``), like its information."""
        return consent.legal_basis or None

    @extend_schema_field(GivenBySerializer(allow_null=True))
    def get_given_by(self, consent) -> dict | None:
        """Given by a representative for the person ("given by X for Y"), or null."""
        agent = consent.representative
        return None if agent is None else {"representative": agent.pk, "name": agent.name, "role": agent.kind}

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
        return consent.status


class ConsentInSerializer(InputSerializer):
    team = id_field(help_text="The team the person agrees to share with; it must follow them.")
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=50,
        allow_empty=True,
        help_text="Category codes. An empty list records an explicit refusal.",
    )
    purpose = serializers.CharField(max_length=300)
    method = serializers.ChoiceField(choices=Method.choices)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    replaces = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The team's running consent this one changes, as last seen. If it was withdrawn, "
        "replaced or ended meanwhile, nothing is recorded (409): a withdrawal, once answered, holds.",
    )
    presence = presence_input_field()
    confirmed = confirmed_input_field()
    information = id_field(
        help_text="The information text the person saw or was read (`/api/v1/information/`): its "
        "version, language and reading level are recorded with the consent and signed into its receipt."
    )
    legal_basis = serializers.ChoiceField(
        choices=LegalBasis.choices, help_text="The legal basis of the processing, recorded with the consent."
    )


class WithdrawInSerializer(InputSerializer):
    method = serializers.ChoiceField(choices=Method.choices)


class ReceiptSerializer(serializers.Serializer):
    payload = serializers.DictField()
    signature = serializers.CharField(help_text="base64 Ed25519 signature of the payload as canonical JSON.")

    def to_representation(self, receipt: Receipt):
        return {"payload": json.loads(receipt.payload), "signature": receipt.signature}


class ReceiptKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="base64 of the raw 32-byte Ed25519 public key.")


class CategoryLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not DRF's attribute
    description = serializers.CharField()
