"""HTTP for emergency accesses: a member opens or ends one; auditors read the queue and review."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from consent.emergency import ending as glass_end
from consent.emergency import services as glass
from consent.emergency.serializers import (
    GlassBreakInSerializer,
    GlassBreakSerializer,
    GlassReviewInSerializer,
)
from teams.requests import signed_in


@extend_schema(tags=["emergency"], request=GlassBreakInSerializer, responses={201: GlassBreakSerializer})
class BreakGlass(generics.GenericAPIView):
    """Open, in an emergency, categories that no consent gives your team, for a few hours (4 by
    default, at most 24), with a reason and a sentence. Recorded, told to the person, reviewed."""

    serializer_class = GlassBreakSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = GlassBreakInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        opened = glass.break_glass(user=signed_in(request), person_id=pk, team_id=data.pop("team"), **data)
        return Response(GlassBreakSerializer(opened).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["emergency"],
    parameters=[
        OpenApiParameter("all", enum=["0", "1"], required=False, description="1: reviewed ones too.")
    ],
    responses=GlassBreakSerializer(many=True),
)
class GlassQueue(generics.GenericAPIView):
    """Auditors: emergency accesses waiting for a verdict, oldest first (`?all=1`: every one)."""

    serializer_class = GlassBreakSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        every = request.query_params.get("all", "0")
        if every not in ("0", "1"):
            raise ValidationError({"all": [gettext_lazy("0 or 1.")]})
        rows = glass.review_queue(user=signed_in(request), waiting_only=every == "0")
        return Response(GlassBreakSerializer(rows[:500], many=True).data)


@extend_schema(tags=["emergency"], request=GlassReviewInSerializer, responses=GlassBreakSerializer)
class ReviewGlass(generics.GenericAPIView):
    """Auditors: close an emergency access with a verdict (justified or not) and a comment."""

    serializer_class = GlassBreakSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = GlassReviewInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = glass.review(user=signed_in(request), glass_break_id=pk, **serializer.validated_data)
        return Response(GlassBreakSerializer(reviewed).data)


@extend_schema(tags=["portal"], request=None, responses=GlassBreakSerializer)
class AcknowledgeGlass(generics.GenericAPIView):
    """The person has seen an emergency access to their information (the banner of their space goes)."""

    serializer_class = GlassBreakSerializer

    def post(self, request: Request, pk: int) -> Response:
        return Response(
            GlassBreakSerializer(glass.acknowledge(user=signed_in(request), glass_break_id=pk)).data
        )


@extend_schema(tags=["emergency"], request=None, responses=GlassBreakSerializer)
class EndGlass(generics.GenericAPIView):
    """A member of its team ends an emergency access before its time (``glass_end.end_early``)."""

    serializer_class = GlassBreakSerializer

    def post(self, request: Request, pk: int) -> Response:
        return Response(
            GlassBreakSerializer(glass_end.end_early(user=signed_in(request), glass_break_id=pk)).data
        )
