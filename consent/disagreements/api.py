"""The API of disagreements: the person's (or their representative's) and the auditors' queue."""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from consent.disagreements import services as disagreements
from consent.disagreements.serializers import (
    AnswerInSerializer,
    DisagreeInSerializer,
    DisagreementQueueSerializer,
    DisagreementSerializer,
)
from teams.requests import signed_in
from web.api import DisclosingList


@extend_schema(tags=["portal"])
@extend_schema_view(
    post=extend_schema(request=DisagreeInSerializer, responses={201: DisagreementQueueSerializer})
)
class MyDisagreements(DisclosingList, generics.CreateAPIView):
    """The person's disagreements with their answers; POST says why one disagrees with a journal line
    (`event`) or an emergency access (`emergency`)."""

    serializer_class = DisagreementSerializer
    # The journal line or emergency access named in the body: another's is the same 404 as a missing one.
    names_objects_in_body = True

    def select(self) -> Selection:
        return disagreements.mine(user=signed_in(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DisagreeInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        written = disagreements.disagree(
            user=signed_in(request),
            statement=data["statement"],
            event_id=data.get("event"),
            glass_break_id=data.get("emergency"),
        )
        return Response(DisagreementQueueSerializer(written).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["audit"],
    parameters=[OpenApiParameter("all", str, enum=["0", "1"], description="1: answered ones too.")],
)
class DisagreementQueue(DisclosingList):
    """Auditors: the persons' disagreements waiting for an answer, oldest first (`?all=1`: every one)."""

    serializer_class = DisagreementQueueSerializer

    def select(self) -> Selection:
        every = self.request.query_params.get("all", "0")
        if every not in ("0", "1"):
            raise ValidationError({"all": [gettext_lazy("0 or 1.")]})
        return disagreements.queue(user=signed_in(self.request), waiting_only=every == "0")


@extend_schema(tags=["audit"], request=AnswerInSerializer, responses=DisagreementQueueSerializer)
class AnswerDisagreement(generics.GenericAPIView):
    """Auditors: answer a disagreement, once; the person reads it in their space."""

    serializer_class = DisagreementQueueSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = AnswerInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = disagreements.answer(
            user=signed_in(request), disagreement_id=pk, text=serializer.validated_data["answer"]
        )
        return Response(DisagreementQueueSerializer(done).data)
