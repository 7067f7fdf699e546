"""The auditors' count of archived and erased files, through the API."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from relais.retention.counts import retention_counts
from teams.requests import signed_in


class RetentionCountSerializer(serializers.Serializer):
    archived = serializers.IntegerField(help_text="Files archived now: no team reads them.")
    erased = serializers.IntegerField(help_text="Files erased, as the log counts them.")
    archive_after_years = serializers.IntegerField()
    erase_after_years = serializers.IntegerField()
    notice_days = serializers.IntegerField()


@extend_schema(tags=["audit"], responses=RetentionCountSerializer)
class RetentionCount(generics.GenericAPIView):
    """For auditors: how many persons' files are archived and how many were erased, with the
    periods in force. Never who."""

    serializer_class = RetentionCountSerializer

    def get(self, request: Request) -> Response:
        return Response(retention_counts(user=signed_in(request)))
