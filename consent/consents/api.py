"""HTTP for consents, withdrawals, receipts and portal invitations."""

import base64
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from audit.disclosure import Selection
from consent.consents import selectors, services
from consent.consents.serializers import (
    ConsentInSerializer,
    ConsentOutSerializer,
    ReceiptKeySerializer,
    ReceiptSerializer,
    WithdrawInSerializer,
)
from consent.models import Consent
from consent.recovery.serializers import PortalInvitationSerializer
from core import signing
from teams.requests import signed_in
from web.api import DisclosingList


@extend_schema(tags=["consents"])
@extend_schema_view(post=extend_schema(request=ConsentInSerializer, responses={201: ConsentOutSerializer}))
class PersonConsentList(DisclosingList, generics.CreateAPIView):
    """The person's consent history, newest first; POST records a consent (it supersedes the team's last)."""

    serializer_class = ConsentOutSerializer
    queryset = Consent.objects.none()  # for the schema: rows come from the selectors

    def select(self) -> Selection:
        return selectors.consent_history(user=signed_in(self.request), person_id=self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ConsentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        consent = services.record_consent(
            user=signed_in(request), person_id=kwargs["pk"], team_id=data.pop("team"), **data
        )
        return Response(ConsentOutSerializer(consent).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["consents"], request=WithdrawInSerializer, responses=ConsentOutSerializer)
class ConsentWithdraw(generics.GenericAPIView):
    """End the consent now; every later request sees it ended. It cannot be undone."""

    serializer_class = ConsentOutSerializer

    def post(self, request: Request, pk: int) -> Response:
        serializer = WithdrawInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.withdraw_consent(
            user=signed_in(request), consent_id=pk, method=serializer.validated_data["method"]
        )
        return Response(ConsentOutSerializer(consent).data)


@extend_schema(
    tags=["consents"],
    responses=ReceiptSerializer,
    parameters=[OpenApiParameter("event", enum=["given", "withdrawn"], required=False)],
)
class ConsentReceipt(generics.GenericAPIView):
    """The signed receipt of the consent's latest event (or of `?event=`)."""

    serializer_class = ReceiptSerializer

    def get(self, request: Request, pk: int) -> Response:
        receipt = selectors.consent_receipt(
            user=signed_in(request), consent_id=pk, event=request.query_params.get("event")
        )
        return Response(ReceiptSerializer(receipt).data)


@extend_schema(tags=["consents"], responses=ReceiptKeySerializer)
class ReceiptKey(generics.GenericAPIView):
    """The public key that verifies receipts."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = ReceiptKeySerializer

    def get(self, request: Request) -> Response:
        return Response(
            {"algorithm": "Ed25519", "public_key": base64.b64encode(signing.receipt_public_key()).decode()}
        )


@extend_schema(tags=["portal"], request=None, responses={201: PortalInvitationSerializer})
class PortalInvitationCreate(generics.GenericAPIView):
    """A one-time code for the person to open their space, or to choose a new password for it. For a
    space already open whose person gave an address for notices, the code goes there and is not shown."""

    serializer_class = PortalInvitationSerializer

    def post(self, request: Request, pk: int) -> Response:
        code, invitation = services.invite_to_portal(user=signed_in(request), person_id=pk)
        body = {
            "code": code,
            "sent_by_email": invitation.sent_by_email,
            "reopens_restricted": code is not None and invitation.person.account_id is not None,
            "expires_at": invitation.expires_at,
        }
        return Response(body, status=status.HTTP_201_CREATED)
