from typing import Any

from rest_framework import serializers

from core.domain_errors import SecretNotYours
from teams.models import Category, Membership, Organisation, Team, User
from teams.presentation import presented
from web.api import InputSerializer, OptionalEmailField, StrictInput


class OrganisationSerializer(serializers.ModelSerializer):
    """An organisation, as persons and its staff are told it: the data controller behind its teams."""

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "legal_name",
            "data_protection_contact",
            "postal_address",
            "archive_after_years",
            "erase_after_years",
        ]


class UserSerializer(serializers.ModelSerializer):
    organisation = serializers.IntegerField(
        source="organisation_id",
        allow_null=True,
        read_only=True,
        help_text="The account's organisation; none for the deployment's own accounts and persons' spaces.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "is_auditor",
            "is_manager",
            "organisation",
            "audits_deployment",
        ]


class UserInSerializer(InputSerializer):
    """A new account; its password is chosen by its owner, never here (R10): a ``password`` is refused."""

    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    display_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = OptionalEmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the setup code goes; without one, the code is shown once in the answer.",
    )
    is_auditor = serializers.BooleanField(required=False, default=False)
    is_manager = serializers.BooleanField(required=False, default=False)
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="A manager's accounts are their organisation's; the deployment's administrators choose.",
    )
    audits_deployment = serializers.BooleanField(
        required=False, default=False, help_text="Set by the deployment's administrators only."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict) and "password" in self.initial_data:
            raise serializers.ValidationError({"password": [str(SecretNotYours.default_detail)]})
        return attrs


class TeamSerializer(StrictInput, serializers.ModelSerializer):
    continuity_categories = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Category.objects.all(), required=False
    )
    organisation = serializers.IntegerField(
        source="organisation_id",
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="Given once, at creation (a manager's team is their organisation's); never changes.",
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "organisation",
            "continuity_categories",
            "commitment_text",
            "glass_break_allowed",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"name": {"validators": []}, "commitment_text": {"required": False}}


class MembershipSerializer(StrictInput, serializers.ModelSerializer):
    # An id, checked by the service against the accounts the manager reaches: another organisation's
    # account is the same 400 as one that does not exist.
    user = serializers.IntegerField(source="user_id", min_value=1, max_value=2**31 - 1)

    class Meta:
        model = Membership
        fields = ["id", "user", "team", "profession", "is_peer_worker", "commitment_accepted_at"]
        read_only_fields = ["team", "commitment_accepted_at"]
        validators: list[Any] = []


class MyMembershipSerializer(serializers.ModelSerializer):
    team = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["team", "profession", "is_peer_worker", "commitment_accepted_at"]

    def get_team(self, membership) -> dict:
        return {"id": membership.team_id, "name": membership.team.name}


class PresentationSerializer(serializers.ModelSerializer):
    """How I am presented in one team: my choice, and the words it gives (``presented``)."""

    team = serializers.SerializerMethodField()
    presented = serializers.SerializerMethodField(help_text="The words after my name, as persons read them.")

    class Meta:
        model = Membership
        fields = ["team", "title", "peer_role_shown", "is_peer_worker", "profession", "presented"]

    def get_team(self, membership: Membership) -> dict:
        return {"id": membership.team_id, "name": membership.team.name}

    def get_presented(self, membership: Membership) -> str:
        return presented(membership)


class PresentationInSerializer(InputSerializer):
    team = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="One of my teams.")
    title = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    peer_role_shown = serializers.BooleanField(required=False, default=False)


class CommitmentSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()
    pending_teams = serializers.ListField(child=serializers.CharField())
    texts = serializers.DictField(child=serializers.CharField(), help_text="Team name to commitment text.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    teams = MyMembershipSerializer(many=True)
    commitment = CommitmentSerializer()


class TokenInSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "The second factor, for an account that has one (or where RELAIS_MFA_REQUIRED): the current "
            "6-digit TOTP code, or one of its recovery codes (used up). Without it such an account gets a "
            "400 naming `otp`; a wrong one is a failed sign-in, counted toward the lock-out. An account "
            "that must still enrol a factor or choose its password does so on the site first."
        ),
    )


class NewUserSerializer(UserSerializer):
    """The account made, and its setup code: shown here once when the account has no e-mail (to be
    handed over in person), else e-mailed to it and never shown."""

    setup_code = serializers.CharField(allow_null=True, read_only=True)
    setup_code_emailed = serializers.BooleanField(read_only=True)
    setup_code_expires_at = serializers.DateTimeField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "setup_code", "setup_code_emailed", "setup_code_expires_at"]


class RecoveryInSerializer(InputSerializer):
    lost = serializers.ChoiceField(
        choices=["password", "factor", "both"],
        help_text=(
            "`password`: a code that also needs the account's second factor; `factor`: a new factor "
            "enrolled at the next sign-in with the password; `both` (or no factor): a code e-mailed to "
            "the account only."
        ),
    )


class RecoveryOutSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True, help_text="Shown once, only when it could not be e-mailed; hand it over in person."
    )
    emailed = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)


class AccountCodeInSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    code = serializers.CharField(max_length=40)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a lost password: the account's current TOTP code or one of its recovery codes.",
    )


class TokenOutSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once; send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(allow_null=True, help_text="When the token stops working.")
