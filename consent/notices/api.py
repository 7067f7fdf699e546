"""HTTP for the person's inbox. No endpoint takes a person id: it is the account's own."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from consent.models import Notice
from consent.notices import inbox
from consent.notices.serializers import (
    NoticeEmailInSerializer,
    NoticeEmailSerializer,
    NoticeReadInSerializer,
    NoticeSerializer,
)
from teams.requests import signed_in
from web.api import DisclosingList


@extend_schema(tags=["portal"])
class MyNotices(DisclosingList):
    """What you should know, newest first: a new team, a consent recorded or withdrawn by a worker,
    a consent about to end, someone reading your information for the first time."""

    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()  # for the schema: rows come from the inbox

    def select(self) -> Selection:
        return inbox.my_notices(user=signed_in(self.request))


@extend_schema(tags=["portal"], request=NoticeReadInSerializer, responses={200: None})
class ReadNotices(generics.GenericAPIView):
    """Mark notices as read: those named in `notices`, or every one."""

    serializer_class = NoticeReadInSerializer

    def post(self, request: Request) -> Response:
        serializer = NoticeReadInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = inbox.mark_read(user=signed_in(request), notice_ids=serializer.validated_data.get("notices"))
        return Response({"marked": count})


@extend_schema(tags=["portal"], request=NoticeEmailInSerializer, responses=NoticeEmailSerializer)
class NoticeEmail(generics.GenericAPIView):
    """Whether to be told by e-mail, and at which address (yours alone: no team sees it)."""

    serializer_class = NoticeEmailSerializer

    def post(self, request: Request) -> Response:
        serializer = NoticeEmailInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = inbox.choose_email(user=signed_in(request), **serializer.validated_data)
        return Response(NoticeEmailSerializer(person).data)
