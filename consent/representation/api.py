"""HTTP for representatives (``consent.representation.services``): workers record and end them; the person
and the representative see them in the portal."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from consent.representation import services as representatives
from consent.representation.serializers import (
    RepresentativeCodeSerializer,
    RepresentativeCreatedSerializer,
    RepresentativeEndInSerializer,
    RepresentativeInSerializer,
    RepresentativeSerializer,
)
from teams.requests import signed_in


@extend_schema(tags=["representatives"])
class PersonRepresentatives(generics.GenericAPIView):
    """Who acts, or acted, for the person (current roles first); POST records one, with its evidence,
    and answers the one-time code that opens the representative's own space (shown once)."""

    serializer_class = RepresentativeSerializer
    pagination_class = None

    @extend_schema(responses=RepresentativeSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        roles = representatives.representatives_of(user=signed_in(request), person_id=pk)
        return Response(RepresentativeSerializer(roles.representatives, many=True).data)

    @extend_schema(request=RepresentativeInSerializer, responses={201: RepresentativeCreatedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        serializer = RepresentativeInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent, code, invitation = representatives.record_representative(
            user=signed_in(request), person_id=pk, **serializer.validated_data
        )
        body = {"representative": agent, "code": code, "expires_at": invitation.expires_at}
        return Response(RepresentativeCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["representatives"], request=RepresentativeEndInSerializer, responses=RepresentativeSerializer
)
class RepresentativeEnd(generics.GenericAPIView):
    """End a representative's role now: a worker, with evidence; the person themselves, a trusted
    person's role (not a legal mandate). The representative's space closes at once."""

    serializer_class = RepresentativeSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = RepresentativeEndInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent = representatives.end_representative(
            user=signed_in(request), representative_id=pk, **serializer.validated_data
        )
        return Response(RepresentativeSerializer(agent).data)


@extend_schema(tags=["representatives"], request=None, responses={201: RepresentativeCodeSerializer})
class RepresentativeCode(generics.GenericAPIView):
    """A new one-time code for a representative whose role lasts (a first code lost, or a password)."""

    serializer_class = RepresentativeCodeSerializer

    def post(self, request: Request, pk: int) -> Response:
        code, invitation = representatives.new_code_for(user=signed_in(request), representative_id=pk)
        return Response({"code": code, "expires_at": invitation.expires_at}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"], responses=RepresentativeSerializer(many=True))
class MyRepresentatives(generics.GenericAPIView):
    """For the person: who acts, or acted, for them. For a representative: their own role."""

    serializer_class = RepresentativeSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        roles = representatives.my_representatives(user=signed_in(request))
        return Response(RepresentativeSerializer(roles.representatives, many=True).data)
