"""HTTP for the signed-in user, and the managers' accounts, teams and memberships.

Long on purpose: the API of one app (signing in, one's own account, the managers' administration),
thin views over its services, read together.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from knox.models import AuthToken
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from audit import recorder
from teams import accounts, asking, organisations, recovery, selectors, services
from teams.models import Membership, Organisation, Team
from teams.requests import administering, signed_in
from teams.serializers import (
    AccountCodeInSerializer,
    MembershipSerializer,
    MeSerializer,
    NewUserSerializer,
    OrganisationSerializer,
    PresentationInSerializer,
    PresentationSerializer,
    RecoveryInSerializer,
    RecoveryOutSerializer,
    TeamSerializer,
    TokenInSerializer,
    TokenOutSerializer,
    UserInSerializer,
    UserSerializer,
)


class IsManager(BasePermission):
    message = gettext_lazy("This is reserved to managers.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return asking.is_manager(request.user)


class LoginThrottle(AnonRateThrottle):
    rate = "20/min"


@extend_schema(tags=["auth"], request=TokenInSerializer, responses=TokenOutSerializer)
class ObtainToken(generics.GenericAPIView):
    """Exchange a username and password, and the second factor where the account has one (or where
    RELAIS_MFA_REQUIRED), for an API token: one request, the factor in `otp` (a TOTP code or a
    recovery code). Without it, such an account gets a 400 naming `otp` and no token. Every attempt
    is audited; a wrong factor counts toward the lock-out as a wrong password does."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]
    serializer_class = TokenInSerializer

    def post(self, request: Request) -> Response:
        serializer = TokenInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's own request: axes marks a lock-out on it for its middleware to answer 429.
        opened = accounts.open_session(request=request._request, **serializer.validated_data)
        if opened is None:
            recorder.fail()  # the failed attempt is kept as a refusal; nothing else is
            return Response(
                {"detail": _("Wrong username, password or second factor.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _user, token, expiry = opened
        return Response({"token": token, "expiry": expiry})


@extend_schema(tags=["auth"], request=AccountCodeInSerializer, responses={204: None})
class OpenWithCode(generics.GenericAPIView):
    """Open one's staff account with the setup or recovery code a manager started, choosing its
    password. A code for a lost password also needs the account's second factor (`otp`). A wrong
    code is a failed sign-in, counted and recorded."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]
    serializer_class = AccountCodeInSerializer

    def post(self, request: Request) -> Response:
        serializer = AccountCodeInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opened = recovery.open_with_code(request=request._request, **serializer.validated_data)
        if opened is None:
            recorder.fail()  # the failed attempt is kept as a refusal; nothing else is
            return Response(
                {"detail": _("This code is wrong, used or ended, or the second factor is missing.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["managers"], request=RecoveryInSerializer, responses=RecoveryOutSerializer)
class UserRecovery(generics.GenericAPIView):
    """Start the recovery of an account (a manager never completes it): a code that needs the
    account's second factor too (lost password), a new factor at the next sign-in (lost factor), or
    a code e-mailed to the account only (lost both, or no factor). The code is in the answer only
    when it could not be e-mailed."""

    permission_classes = [IsManager]
    serializer_class = RecoveryInSerializer

    def get_queryset(self):
        return organisations.administered_accounts(administering(self.request))

    def post(self, request: Request, pk: int) -> Response:
        user = self.get_object()
        serializer = RecoveryInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = recovery.start_recovery(
            by=signed_in(request), user=user, lost=serializer.validated_data["lost"]
        )
        return Response(
            RecoveryOutSerializer(
                {"code": issued.code, "emailed": issued.emailed, "expires_at": issued.expires_at}
            ).data
        )


@extend_schema(tags=["auth"], request=None, responses={204: None})
class RevokeToken(generics.GenericAPIView):
    """End the token this request is signed with (signing out of the API)."""

    def post(self, request: Request) -> Response:
        accounts.end_sessions(
            user=signed_in(request), token=request.auth if isinstance(request.auth, AuthToken) else None
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"], request=None, responses={204: None})
class RevokeAllTokens(generics.GenericAPIView):
    """End every token of mine (a lost phone)."""

    def post(self, request: Request) -> Response:
        accounts.end_sessions(user=signed_in(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["managers"], request=None, responses={204: None})
class UserTokensRevoke(generics.GenericAPIView):
    """End every API token of an account at once."""

    permission_classes = [IsManager]

    def get_queryset(self):
        return organisations.administered_accounts(administering(self.request))

    def post(self, request: Request, pk: int) -> Response:
        accounts.revoke_tokens(by=signed_in(request), user=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["me"], responses=MeSerializer)
class Me(generics.GenericAPIView):
    """Who I am: my teams, whether I accepted their commitment, my roles."""

    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(selectors.me(signed_in(request))).data)


@extend_schema(tags=["me"], request=None, responses=MeSerializer)
class AcceptCommitment(generics.GenericAPIView):
    """Accept the confidentiality commitment of my teams (required before any access to person data)."""

    serializer_class = MeSerializer

    def post(self, request: Request) -> Response:
        services.accept_commitment(user=signed_in(request))
        return Response(MeSerializer(selectors.me(signed_in(request))).data)


@extend_schema(tags=["me"])
@extend_schema_view(
    get=extend_schema(responses=PresentationSerializer(many=True)),
    post=extend_schema(request=PresentationInSerializer, responses=PresentationSerializer),
)
class MyPresentation(generics.GenericAPIView):
    """How I am presented, team by team, to persons (their journal) and colleagues (notes, receipts):
    my title, and whether I tell that I am a peer worker. POST changes it for one of my teams."""

    serializer_class = PresentationSerializer
    pagination_class = None

    def get(self, request: Request) -> Response:
        memberships = selectors.my_memberships(signed_in(request))
        return Response(PresentationSerializer(memberships, many=True).data)

    def post(self, request: Request) -> Response:
        serializer = PresentationInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.present_myself(
            user=signed_in(request),
            team_id=serializer.validated_data["team"],
            title=serializer.validated_data["title"],
            peer_role_shown=serializer.validated_data["peer_role_shown"],
        )
        return Response(PresentationSerializer(membership).data)


@extend_schema(tags=["managers"])
@extend_schema_view(post=extend_schema(request=UserInSerializer, responses={201: NewUserSerializer}))
class UserList(generics.ListCreateAPIView):
    """The accounts of my organisation (every account, for the deployment's administrators)."""

    permission_classes = [IsManager]
    serializer_class = UserSerializer

    def get_queryset(self):
        return organisations.administered_accounts(administering(self.request)).order_by("username")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = UserInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = accounts.create_user(by=signed_in(request), organisation_id=data.pop("organisation"), **data)
        issued = recovery.issue_setup_code(by=signed_in(request), user=user)
        data = UserSerializer(user).data | {
            "organisation_id": user.organisation_id,
            "setup_code": issued.code,
            "setup_code_emailed": issued.emailed,
            "setup_code_expires_at": issued.expires_at,
        }
        return Response(NewUserSerializer(data).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["managers"])
class TeamList(generics.ListCreateAPIView):
    """The teams of my organisation (every team, for the deployment's administrators)."""

    permission_classes = [IsManager]
    serializer_class = TeamSerializer

    def get_queryset(self):
        return organisations.administered_teams(administering(self.request)).prefetch_related(
            "continuity_categories"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = services.create_team(
            by=signed_in(request),
            name=data["name"],
            continuity_categories=[c.code for c in data.get("continuity_categories", [])],
            commitment_text=data.get("commitment_text", ""),
            glass_break_allowed=data.get("glass_break_allowed", True),
            organisation_id=data.get("organisation_id"),
        )
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["managers"])
class TeamDetail(generics.RetrieveUpdateAPIView):
    """One team of my organisation; another organisation's is the same 404 as a missing one."""

    permission_classes = [IsManager]
    serializer_class = TeamSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return organisations.administered_teams(administering(self.request)).prefetch_related(
            "continuity_categories"
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self.get_object()
        serializer = TeamSerializer(team, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("organisation_id", team.organisation_id) != team.organisation_id:
            return Response(
                {"organisation": [_("A team's organisation never changes.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        categories = data.get("continuity_categories")
        team = services.update_team(
            by=signed_in(request),
            team=team,
            name=data.get("name"),
            continuity_categories=[c.code for c in categories] if categories is not None else None,
            commitment_text=data.get("commitment_text"),
            glass_break_allowed=data.get("glass_break_allowed"),
        )
        return Response(
            TeamSerializer(Team.objects.prefetch_related("continuity_categories").get(pk=team.pk)).data
        )


@extend_schema(tags=["managers"])
class MembershipList(generics.ListCreateAPIView):
    permission_classes = [IsManager]
    serializer_class = MembershipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a request
            return Membership.objects.none()
        team = get_object_or_404(
            organisations.administered_teams(administering(self.request)), pk=self.kwargs.get("pk")
        )
        return Membership.objects.filter(team=team).select_related("user")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = get_object_or_404(organisations.administered_teams(administering(request)), pk=kwargs["pk"])
        serializer = MembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = services.add_member(
            by=signed_in(self.request),
            team=team,
            user=selectors.account_named_in_input(administering(request), data["user_id"]),
            profession=data.get("profession", ""),
            is_peer_worker=data.get("is_peer_worker", False),
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["managers"])
class MembershipDetail(generics.DestroyAPIView):
    permission_classes = [IsManager]
    serializer_class = MembershipSerializer

    def get_queryset(self):
        return Membership.objects.filter(
            team_id=self.kwargs["team_pk"],
            team__in=organisations.administered_teams(administering(self.request)),
        ).select_related("user", "team")

    def perform_destroy(self, instance):
        services.remove_member(by=signed_in(self.request), membership=instance)


@extend_schema(tags=["organisations"])
class OrganisationList(generics.ListAPIView):
    """The organisations of the deployment, each the data controller behind its teams: its name, legal
    name, data protection contact and the address persons can write to. Not person data."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.order_by("name")
