"""HTTP for the accompanied person's portal. No endpoint takes a person id: it is the account's own."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from audit.models import AccessEvent
from consent.consents.serializers import ReceiptSerializer
from consent.models import Consent, Receipt
from consent.space import activation, export, journal, portal
from consent.space.serializers import (
    AccessEntrySerializer,
    ActivateInSerializer,
    ActivateOutSerializer,
    ExportSerializer,
    PortalConsentInSerializer,
    PortalConsentSerializer,
    TeamOfferSerializer,
)
from teams.api import LoginThrottle
from teams.models import Team
from teams.requests import signed_in
from web.api import DisclosingList


@extend_schema(tags=["portal"], request=ActivateInSerializer, responses={201: ActivateOutSerializer})
class Activate(generics.GenericAPIView):
    """Open your space with the one-time code your worker gave you; answers a token to sign in with."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]
    serializer_class = ActivateInSerializer

    def post(self, request: Request) -> Response:
        serializer = ActivateInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, token = activation.activate_with_token(**serializer.validated_data)
        return Response({"username": user.username, "token": token}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"])
@extend_schema_view(
    post=extend_schema(request=PortalConsentInSerializer, responses={201: PortalConsentSerializer})
)
class MyConsents(DisclosingList, generics.CreateAPIView):
    """Your consents, newest first, in plain words; POST gives (or changes, or refuses) one yourself."""

    serializer_class = PortalConsentSerializer
    queryset = Consent.objects.none()  # for the schema: rows come from the portal services

    def select(self) -> Selection:
        return portal.my_consents(user=signed_in(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PortalConsentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent = portal.give_consent(user=signed_in(request), team_id=data.pop("team"), **data)
        return Response(PortalConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portal"], responses=TeamOfferSerializer(many=True))
class MyTeams(generics.GenericAPIView):
    """The teams that follow you: what each may ask to see, and what you share with it now."""

    serializer_class = TeamOfferSerializer
    pagination_class = None
    queryset = Team.objects.none()  # for the schema: rows come from the portal services

    def get(self, request: Request) -> Response:
        return Response(TeamOfferSerializer(portal.my_teams(user=signed_in(request)), many=True).data)


@extend_schema(
    tags=["portal"],
    parameters=[
        OpenApiParameter("mine", enum=["0", "1"], required=False, description="1: show your own visits too.")
    ],
)
class AccessLog(DisclosingList):
    """Who looked at your information: who, their team and title, when, what, why; refusals too.
    Your own visits to your space are left out unless `?mine=1`."""

    serializer_class = AccessEntrySerializer
    queryset = AccessEvent.objects.none()  # for the schema: rows come from the portal services

    def select(self) -> Selection:
        mine = self.request.query_params.get("mine", "0")
        if mine not in ("0", "1"):
            raise ValidationError({"mine": [_("0 or 1.")]})
        return journal.journal(user=signed_in(self.request), include_own=mine == "1")


@extend_schema(tags=["portal"])
class MyReceipts(DisclosingList):
    """The signed receipts of your consents and withdrawals."""

    serializer_class = ReceiptSerializer
    queryset = Receipt.objects.none()  # for the schema: rows come from the portal services

    def select(self) -> Selection:
        return portal.my_receipts(user=signed_in(self.request))


@extend_schema(tags=["portal"], responses=ExportSerializer)
class Export(generics.GenericAPIView):
    """All your data as JSON (GDPR art. 15)."""

    serializer_class = ExportSerializer

    def get(self, request: Request) -> Response:
        response = Response(ExportSerializer(export.my_data(user=signed_in(request))).data)
        response["Content-Disposition"] = 'attachment; filename="relais-my-data.json"'
        return response


@extend_schema(tags=["portal"], request=None, responses={201: PortalConsentSerializer})
class RenewConsent(generics.GenericAPIView):
    """Renew a consent of yours that has an end date: the same choices, for as long again. The old
    one is superseded (it ends exactly when it said it would not matter any more)."""

    serializer_class = PortalConsentSerializer

    def post(self, request: Request, pk: int) -> Response:
        consent = portal.renew_consent(user=signed_in(request), consent_id=pk)
        return Response(PortalConsentSerializer(consent).data, status=status.HTTP_201_CREATED)
