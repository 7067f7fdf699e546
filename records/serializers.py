from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from records.authorship import author_presented, note_author_presented
from records.models import ADDRESS_MAX_CHARS, PHONE_PATTERN, FollowUp, Note
from records.validators import validate_birth_date
from teams.models import Category, User
from teams.serializers import OrganisationSerializer
from web.api import InputSerializer, OptionalEmailField, id_field
from web.presence import confirmed_input_field, presence_input_field


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "label_fr", "label_en", "description_fr", "description_en"]


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FollowUpSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer()

    class Meta:
        model = FollowUp
        fields = ["id", "person", "team", "opened_at", "closed_at"]


class PersonOutSerializer(serializers.Serializer):
    """Renders a ``PersonView``: contact fields are absent, not blank, when not the reader's to see."""

    CONTACT_HELP = "Present only when the reader may see the category contact."

    id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    IDENTITY_HELP = "Present once one of the reader's teams has a consent that shares something."
    first_name = serializers.CharField(required=False, help_text=IDENTITY_HELP)
    last_name = serializers.CharField(required=False, help_text=IDENTITY_HELP)
    birth_date = serializers.DateField(required=False, allow_null=True, help_text=IDENTITY_HELP)
    # Not read-only on purpose: the schema would then call them required, and they are omitted when hidden.
    phone = serializers.CharField(required=False, help_text=CONTACT_HELP)
    email = serializers.CharField(required=False, help_text=CONTACT_HELP)
    address = serializers.CharField(required=False, help_text=CONTACT_HELP)
    visible_categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    follow_ups = FollowUpSerializer(many=True, required=False, help_text="On a single person.")
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        person = instance.person
        data = {
            "id": person.pk,
            "display_name": person.display_name,
            "visible_categories": instance.categories,
            "created_at": self.fields["created_at"].to_representation(person.created_at),
        }
        if instance.identity:
            data["first_name"] = person.first_name
            data["last_name"] = person.last_name
            data["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
        if instance.contact is not None:
            data.update(instance.contact)
        if instance.follow_ups:
            data["follow_ups"] = FollowUpSerializer(instance.follow_ups, many=True).data
        return data


class PersonInSerializer(InputSerializer):
    team = id_field(help_text="The team that will follow the person; you must be a member.")
    display_name = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_birth_date]
    )
    phone = serializers.RegexField(PHONE_PATTERN, max_length=40, required=False, allow_blank=True, default="")
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(
        max_length=ADDRESS_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not DRF's attribute
    title = serializers.CharField(help_text="How the author chose to be presented in the note's team.")


class NoteOutSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer()
    author = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.code")

    @extend_schema_field(AuthorSerializer)
    def get_author(self, note: Note) -> dict[str, Any]:
        return {"id": note.author_id, "label": note.author.label, "title": note_author_presented(note)}

    class Meta:
        model = Note
        fields = ["id", "person", "team", "author", "category", "body", "created_at", "corrects"]
        extra_kwargs = {"corrects": {"help_text": "The note this one corrects (replaces), if any."}}


class NoteRowSerializer(NoteOutSerializer):
    """The same output as ``NoteOutSerializer``, from a row of ``selectors.NOTE_ROW``: built directly,
    without a model instance or a nested serializer per note."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "id": instance["id"],
            "person": instance["person_id"],
            "team": {"id": instance["team_id"], "name": instance["team__name"]},
            "author": {
                "id": instance["author_id"],
                "label": User.label_of(instance),
                "title": author_presented(instance),
            },
            "category": instance["category__code"],
            "body": instance["body"],
            "created_at": _CREATED_AT.to_representation(instance["created_at"]),
            "corrects": instance["corrects_id"],
        }


_CREATED_AT = serializers.DateTimeField()


class NoteInSerializer(InputSerializer):
    team = id_field(help_text="The team you write for; you must be a member and it must follow the person.")
    category = serializers.CharField(max_length=40, help_text="A category code of the registry.")
    body = serializers.CharField(max_length=settings.RELAIS_NOTE_MAX_CHARS)


class NoteCorrectionSerializer(InputSerializer):
    body = serializers.CharField(max_length=settings.RELAIS_NOTE_MAX_CHARS, help_text="The corrected text.")


class ContactInSerializer(InputSerializer):
    """The contact details to change; a field left out is kept as it is."""

    phone = serializers.RegexField(PHONE_PATTERN, max_length=40, required=False, allow_blank=True)
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=ADDRESS_MAX_CHARS, required=False, allow_blank=True)


class ContactOutSerializer(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()


class TeamToAskSerializer(serializers.Serializer):
    """A team the person may ask to follow them, with the organisation it answers to."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    organisation = OrganisationSerializer()


class AskedTeamInSerializer(InputSerializer):
    team = id_field(help_text="The team you ask to follow you: it sees your name only until you share more.")


class FollowUpInSerializer(InputSerializer):
    team = id_field()
    presence = presence_input_field()
    confirmed = confirmed_input_field()


class RenewalSerializer(serializers.Serializer):
    """A consent of one of my teams that ends within 30 days, or a person a team of mine follows
    with no consent (``consent`` and ``valid_until`` null)."""

    person = PersonOutSerializer(source="view")
    team = TeamRefSerializer()
    consent = serializers.IntegerField(source="consent.pk", allow_null=True, default=None)
    valid_until = serializers.DateTimeField(source="ends_at", allow_null=True)
