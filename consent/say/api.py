"""HTTP for the person's say (``consent.say``): a worker with the person, or the person in their space,
keeps a member out of the record; the person hides a note, and shows it again."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from consent.say import exclusions, hidings
from consent.say.serializers import (
    ExclusionSerializer,
    HideInSerializer,
    HidingSerializer,
    KeepOutInSerializer,
    KeptOutSerializer,
    LetBackInSerializer,
    OwnNoteSerializer,
)
from teams.requests import signed_in
from web.api import DisclosingList


@extend_schema(tags=["persons"])
class PersonExclusions(generics.GenericAPIView):
    """The members the person keeps out of their record, and whom they could name; POST, with the
    person, keeps one more out (`member`: an account of a following team, whatever its role)."""

    serializer_class = KeptOutSerializer
    pagination_class = None

    def get(self, request: Request, pk: int) -> Response:
        return Response(KeptOutSerializer(exclusions.kept_out(user=signed_in(request), person_id=pk)).data)

    @extend_schema(request=KeepOutInSerializer, responses={201: ExclusionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        serializer = KeepOutInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = exclusions.keep_out(
            user=signed_in(request),
            person_id=pk,
            member_id=data["member"],
            presence=data["presence"],
            confirmed=data["confirmed"],
        )
        return Response(ExclusionSerializer(done).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"])
class MyExclusions(generics.GenericAPIView):
    """For the person: the members they keep out of their record, and whom they could name; POST
    keeps one more out."""

    serializer_class = KeptOutSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        return Response(KeptOutSerializer(exclusions.kept_out(user=signed_in(request))).data)

    @extend_schema(request=KeepOutInSerializer, responses={201: ExclusionSerializer})
    def post(self, request: Request) -> Response:
        serializer = KeepOutInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = exclusions.keep_out(user=signed_in(request), member_id=serializer.validated_data["member"])
        return Response(ExclusionSerializer(done).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["persons"], request=LetBackInSerializer, responses=ExclusionSerializer)
class LetBack(generics.GenericAPIView):
    """The person (in their space, or with a worker) lets a member they kept out read again; through
    a worker, `presence` and `confirmed` say that the person asks it."""

    serializer_class = ExclusionSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = LetBackInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = exclusions.let_back(
            user=signed_in(request), exclusion_id=pk, presence=data["presence"], confirmed=data["confirmed"]
        )
        return Response(ExclusionSerializer(done).data)


@extend_schema(tags=["portal"])
class MyNotes(DisclosingList):
    """For the person: every note about them, newest first, each with how it is hidden, if it is."""

    serializer_class = OwnNoteSerializer

    def select(self) -> Selection:
        return hidings.my_notes(user=signed_in(self.request))


@extend_schema(tags=["portal"], request=HideInSerializer, responses={201: HidingSerializer})
class HideNote(generics.GenericAPIView):
    """Hide a note about you from every team but its author's, or from one team (`team`)."""

    serializer_class = HidingSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = HideInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        done = hidings.hide_note(
            user=signed_in(request), note_id=pk, team_id=serializer.validated_data.get("team")
        )
        return Response(HidingSerializer(done).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"], request=None, responses=HidingSerializer)
class ShowNote(generics.GenericAPIView):
    """Show a hidden note again to the teams it was hidden from."""

    serializer_class = HidingSerializer

    def post(self, request: Request, pk: int) -> Response:
        return Response(HidingSerializer(hidings.show_note(user=signed_in(request), hiding_id=pk)).data)
