"""What the API says of information texts: whole, or as a consent names them."""

from rest_framework import serializers

from consent.models import InformationText


class InformationTextSerializer(serializers.ModelSerializer):
    """A text the person was given, whole: the exact words, with their version and reading level."""

    class Meta:
        model = InformationText
        fields = ["id", "version", "language", "easy_read", "title", "body", "published_at"]


class InformationSummarySerializer(serializers.ModelSerializer):
    """The text a consent names, without its words (they are at ``/api/v1/information/{id}/``)."""

    class Meta:
        model = InformationText
        fields = ["id", "version", "language", "easy_read", "title"]
