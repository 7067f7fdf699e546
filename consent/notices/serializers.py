"""What the API says to the person about their inbox."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from web.api import InputSerializer, OptionalEmailField


class NoticeSerializer(serializers.Serializer):
    """A notice of the person's inbox (``consent.notices.wording.Worded``), in the reader's language."""

    id = serializers.IntegerField(source="notice.pk")
    kind = serializers.CharField(source="notice.kind")
    text = serializers.CharField()
    happened_at = serializers.DateTimeField(source="notice.happened_at")
    read = serializers.SerializerMethodField()
    link = serializers.CharField(help_text="Where in the person's space to look.")

    def get_read(self, item: Any) -> bool:
        return not item.unread


class NoticeReadInSerializer(InputSerializer):
    notices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="The notices to mark as read; every one if left out.",
    )


class NoticeEmailInSerializer(InputSerializer):
    email = OptionalEmailField(max_length=254, required=False, allow_blank=True, default="")
    enabled = serializers.BooleanField(
        help_text="Send a short e-mail (never its content) when something new happens."
    )


class NoticeEmailSerializer(serializers.Serializer):
    email = serializers.CharField(source="notice_email")
    enabled = serializers.BooleanField(source="notify_by_email")
