"""What the API says to the person in their space: consents, teams on offer, notices, export."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from consent.consents.serializers import (
    CategoryLabelSerializer,
    ConsentOutSerializer,
    ReceiptSerializer,
)
from consent.information.serializers import InformationTextSerializer
from consent.models import Status
from web.api import InputSerializer, id_field


class PortalConsentSerializer(ConsentOutSerializer):
    """A consent as the person reads it: labels in their language, and one sentence that says it all."""

    category_labels = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta(ConsentOutSerializer.Meta):
        fields = ConsentOutSerializer.Meta.fields + ["category_labels", "summary"]

    def get_category_labels(self, consent) -> list[str]:
        return [c.label for c in sorted(consent.categories.all(), key=lambda c: c.pk)]

    def get_summary(self, consent) -> str:
        labels = self.get_category_labels(consent)
        what = (
            _("%(team)s may see: %(labels)s.") % {"team": consent.team.name, "labels": ", ".join(labels)}
            if labels
            else _("You refused to share anything with %(team)s.") % {"team": consent.team.name}
        )
        since = _("Since %(day)s.") % {"day": _day(consent.recorded_at)}
        until = (
            _("Until %(day)s.") % {"day": _day(consent.valid_until)}
            if consent.valid_until
            else _("No end date.")
        )
        status = {
            Status.WITHDRAWN: _("You withdrew it: it no longer applies."),
            Status.SUPERSEDED: _("Replaced by a newer consent."),
            Status.EXPIRED: _("It has ended."),
            Status.CURRENT: _("It applies now."),
        }[Status(self.get_status(consent))]
        return " ".join([what, since, until, status])


class TeamOfferSerializer(serializers.Serializer):
    team = serializers.SerializerMethodField()
    needs = CategoryLabelSerializer(many=True, help_text="What this team's mission may need.")
    current_consent = serializers.IntegerField(source="current.pk", allow_null=True, default=None)
    shared = serializers.ListField(child=serializers.CharField(), help_text="What you share with it now.")

    def get_team(self, offer) -> dict:
        return {"id": offer.team.pk, "name": offer.team.name}


class PortalConsentInSerializer(InputSerializer):
    team = id_field(help_text="A team that follows you.")
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40),
        max_length=50,
        allow_empty=True,
        help_text="What you agree to share. An empty list means you share nothing with this team.",
    )
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    information = id_field(
        help_text="The information text you were shown (`/api/v1/information/`): it is recorded with "
        "your consent, so that you can read it again."
    )

    def validate_purpose(self, value: str) -> str:
        return value or str(_("Continuity of my support"))


class AccessEntrySerializer(serializers.Serializer):
    """A line of the person's journal (``consent.space.journal.Line``): the wording is the journal's own."""

    id = serializers.IntegerField(source="event_id")
    at = serializers.DateTimeField()
    who = serializers.CharField()
    team = serializers.CharField(help_text="The team of the person who acted.")
    title = serializers.CharField(help_text="How the person who acted chose to be presented.")
    sentence = serializers.CharField(help_text="What happened, in plain words.")
    categories = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    refused = serializers.BooleanField()
    by_you = serializers.BooleanField()
    count = serializers.IntegerField(
        help_text="How many events the line tells: one team's lists showing the name in a day are one line."
    )
    summary = serializers.CharField(help_text="The whole line: when, who, what, which information, why.")


class ActivateInSerializer(InputSerializer):
    code = serializers.CharField(max_length=40, help_text="The code your worker gave you.")
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class ActivateOutSerializer(serializers.Serializer):
    username = serializers.CharField()
    token = serializers.CharField()


class ExportSerializer(serializers.Serializer):
    """Everything held about the person, decrypted for them alone."""

    def to_representation(self, data: dict) -> dict:
        person = data["person"]
        return {
            "generated_at": data["generated_at"].isoformat(),
            "person": {
                "id": person.pk,
                "display_name": person.display_name,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "birth_date": person.birth_date.isoformat() if person.birth_date else None,
                "phone": person.phone,
                "email": person.email,
                "address": person.address,
                "notice_email": person.notice_email,
                "notify_by_email": person.notify_by_email,
            },
            "follow_ups": [
                {
                    "team": f.team.name,
                    "opened_at": f.opened_at.isoformat(),
                    "closed_at": f.closed_at.isoformat() if f.closed_at else None,
                }
                for f in data["follow_ups"]
            ],
            "consents": PortalConsentSerializer(data["consents"], many=True).data,
            # The exact words the person was given before each consent (issue 24), once each.
            "information_texts": InformationTextSerializer(
                sorted({c.information for c in data["consents"] if c.information}, key=lambda t: t.pk),
                many=True,
            ).data,
            "receipts": ReceiptSerializer(data["receipts"], many=True).data,
            "representatives": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "scope": r.scope,
                    "evidence": r.evidence,
                    "recorded_at": r.recorded_at.isoformat(),
                    "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                    "end_evidence": r.end_evidence,
                }
                for r in data["representatives"]
            ],
            "kept_out": [
                {
                    "member": e.member.label,
                    "recorded_at": e.recorded_at.isoformat(),
                    "lifted_at": e.lifted_at.isoformat() if e.lifted_at else None,
                }
                for e in data["exclusions"]
            ],
            "hidden_notes": [
                {
                    "note": h.note_id,
                    "hidden_from": h.team.name if h.team else None,  # None: every team but the author's
                    "recorded_at": h.recorded_at.isoformat(),
                    "lifted_at": h.lifted_at.isoformat() if h.lifted_at else None,
                }
                for h in data["note_hidings"]
            ],
            "notes": [
                {
                    "id": n.pk,
                    "written_at": n.created_at.isoformat(),
                    "author": n.author.label,
                    "team": n.team.name,
                    "category": n.category.code,
                    "body": n.body,
                }
                for n in data["notes"]
            ],
            "access_log": [event.data | {"id": event.pk, "hash": event.hash} for event in data["access_log"]],
        }


def _day(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")
