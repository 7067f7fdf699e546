"""HTTP for persons, follow-ups and notes: translate, call a selector or service, render."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from access import persons
from audit.disclosure import Selection
from records import follow_ups, renewals, selectors, services
from records.filters import NoteFilter
from records.models import Note, Person
from records.serializers import (
    AskedTeamInSerializer,
    CategorySerializer,
    ContactInSerializer,
    ContactOutSerializer,
    FollowUpInSerializer,
    FollowUpSerializer,
    NoteCorrectionSerializer,
    NoteInSerializer,
    NoteOutSerializer,
    NoteRowSerializer,
    PersonInSerializer,
    PersonOutSerializer,
    RenewalSerializer,
    TeamToAskSerializer,
)
from teams.models import Category
from teams.requests import signed_in
from web.api import DisclosingList


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CategoryList(generics.ListAPIView):
    """The category registry."""

    serializer_class = CategorySerializer
    queryset = Category.objects.all()


@extend_schema(tags=["persons"])
@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("search", str, description="Part of a name.")]),
    post=extend_schema(request=PersonInSerializer, responses={201: PersonOutSerializer}),
)
class PersonList(DisclosingList, generics.CreateAPIView):
    """Persons followed by my teams (`?search=` on names); POST creates one followed by `team`."""

    serializer_class = PersonOutSerializer
    queryset = Person.objects.none()  # for the schema: rows come from the selectors

    def select(self) -> Selection:
        return selectors.find_persons(
            user=signed_in(self.request), search=self.request.query_params.get("search", "")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(PersonInSerializer, request)
        view = services.create_person(user=signed_in(request), team_id=data.pop("team"), **data)
        return Response(PersonOutSerializer(view).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["persons"])
class PersonDetail(generics.RetrieveAPIView):
    """Identity, plus the categorised fields I may see, and the teams that follow the person."""

    serializer_class = PersonOutSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view = persons.person_detail(user=signed_in(request), person_id=kwargs["pk"])
        return Response(PersonOutSerializer(view).data)


@extend_schema(tags=["follow-ups"], request=FollowUpInSerializer, responses={201: FollowUpSerializer})
class FollowUpOpen(generics.GenericAPIView):
    """Another team starts following the person (it reads nothing until the person consents)."""

    serializer_class = FollowUpSerializer

    def post(self, request: Request, pk: int) -> Response:
        data = _valid(FollowUpInSerializer, request)
        follow_up = follow_ups.open_follow_up(
            user=signed_in(request),
            person_id=pk,
            team_id=data["team"],
            presence=data["presence"],
            confirmed=data["confirmed"],
        )
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"])
@extend_schema_view(
    get=extend_schema(responses=TeamToAskSerializer(many=True)),
    post=extend_schema(request=AskedTeamInSerializer, responses={201: FollowUpSerializer}),
)
class TeamsToAsk(generics.GenericAPIView):
    """The teams that do not follow you, each with its organisation; POST asks one of them to follow
    you (it sees your name only, until you share something with it). The one way a team of another
    organisation starts following you: no worker of another organisation does it for you."""

    serializer_class = TeamToAskSerializer
    pagination_class = None
    queryset = Person.objects.none()  # for the schema: rows come from the selector

    def get(self, request: Request) -> Response:
        return Response(TeamToAskSerializer(selectors.teams_to_ask(user=signed_in(request)), many=True).data)

    def post(self, request: Request) -> Response:
        data = _valid(AskedTeamInSerializer, request)
        follow_up = follow_ups.ask_to_be_followed(user=signed_in(request), team_id=data["team"])
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["follow-ups"], request=None, responses=FollowUpSerializer)
class FollowUpClose(generics.GenericAPIView):
    """A team stops following the person: its members lose access at once."""

    serializer_class = FollowUpSerializer

    def post(self, request: Request, pk: int) -> Response:
        follow_up = follow_ups.close_follow_up(user=signed_in(request), follow_up_id=pk)
        return Response(FollowUpSerializer(follow_up).data)


@extend_schema(tags=["notes"])
@extend_schema_view(post=extend_schema(request=NoteInSerializer, responses={201: NoteOutSerializer}))
class PersonNoteList(DisclosingList, generics.CreateAPIView):
    """The person's notes I may read, newest first; POST writes one (readable by me alone until consent)."""

    serializer_class = NoteOutSerializer
    queryset = Note.objects.none()  # for the schema: rows come from the selectors

    filterset_class = NoteFilter  # for the schema: the selector applies it, after the policy

    def select(self) -> Selection:
        return selectors.person_note_rows(
            user=signed_in(self.request), person_id=self.kwargs["pk"], filters=self.request.query_params
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return NoteRowSerializer if self.request.method == "GET" else NoteOutSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(NoteInSerializer, request)
        note = services.write_note(
            user=signed_in(request),
            person_id=kwargs["pk"],
            team_id=data["team"],
            category=data["category"],
            body=data["body"],
        )
        return Response(NoteOutSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["notes"])
class NoteDetail(generics.RetrieveAPIView):
    serializer_class = NoteOutSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(
            NoteOutSerializer(selectors.note_detail(user=signed_in(request), note_id=kwargs["pk"])).data
        )


@extend_schema(tags=["notes"], request=NoteCorrectionSerializer, responses={201: NoteOutSerializer})
class NoteCorrection(generics.GenericAPIView):
    """Its author corrects a note: a new version that replaces it in lists; the old one is kept."""

    serializer_class = NoteOutSerializer

    def post(self, request: Request, pk: int) -> Response:
        data = _valid(NoteCorrectionSerializer, request)
        note = services.correct_note(user=signed_in(request), note_id=pk, body=data["body"])
        return Response(NoteOutSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["persons"], request=ContactInSerializer, responses=ContactOutSerializer)
class PersonContact(generics.GenericAPIView):
    """Change the person's contact details, where their consent shares them with one of my teams."""

    serializer_class = ContactOutSerializer

    def post(self, request: Request, pk: int) -> Response:
        data = _valid(ContactInSerializer, request)
        person = services.update_contact(user=signed_in(request), person_id=pk, **data)
        return Response(ContactOutSerializer(person).data)


@extend_schema(tags=["persons"], responses=RenewalSerializer(many=True))
class RenewalList(generics.GenericAPIView):
    """What my teams should renew with the persons: consents ending within 30 days (soonest first),
    then persons followed without any consent. Each person listed is recorded as a list records it."""

    serializer_class = RenewalSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        return Response(RenewalSerializer(renewals.to_renew(user=signed_in(request)), many=True).data)
