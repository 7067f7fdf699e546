"""HTTP for the resets of open spaces (``.services``): the person confirms; auditors review."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from consent.recovery import services as recovery
from consent.recovery.serializers import (
    ConfirmResetInSerializer,
    ConfirmResetSerializer,
    ResetReviewInSerializer,
    SpaceResetSerializer,
)
from teams.requests import signed_in


@extend_schema(tags=["portal"], request=ConfirmResetInSerializer, responses=ConfirmResetSerializer)
class ConfirmReset(generics.GenericAPIView):
    """Your space was reopened with a code a worker handed over: confirm it is yours with the password
    it had before, and it shows everything again at once."""

    serializer_class = ConfirmResetSerializer

    def post(self, request: Request) -> Response:
        serializer = ConfirmResetInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reset = recovery.confirm(user=signed_in(request), **serializer.validated_data)
        return Response({"confirmed_at": reset.confirmed_at})


@extend_schema(
    tags=["audit"],
    parameters=[
        OpenApiParameter("all", enum=["0", "1"], required=False, description="1: reviewed ones too.")
    ],
    responses=SpaceResetSerializer(many=True),
)
class ResetQueue(generics.GenericAPIView):
    """Auditors: resets of open spaces with a worker's code, waiting for a verdict, oldest first
    (`?all=1`: every one)."""

    serializer_class = SpaceResetSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        every = request.query_params.get("all", "0")
        if every not in ("0", "1"):
            raise ValidationError({"all": [gettext_lazy("0 or 1.")]})
        rows = recovery.review_queue(user=signed_in(request), waiting_only=every == "0")
        return Response(SpaceResetSerializer(rows[:500], many=True).data)


@extend_schema(tags=["audit"], request=ResetReviewInSerializer, responses=SpaceResetSerializer)
class ReviewReset(generics.GenericAPIView):
    """Auditors: close a reset with a verdict (justified or not) and a comment."""

    serializer_class = SpaceResetSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = ResetReviewInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = recovery.review(user=signed_in(request), reset_id=pk, **serializer.validated_data)
        return Response(SpaceResetSerializer(reviewed).data)
