from django.urls import path

from teams import api

urlpatterns = [
    path("auth/token/", api.ObtainToken.as_view(), name="auth-token"),
    path("auth/token/revoke/", api.RevokeToken.as_view(), name="auth-token-revoke"),
    path("auth/tokens/revoke/", api.RevokeAllTokens.as_view(), name="auth-tokens-revoke"),
    path("auth/account-code/", api.OpenWithCode.as_view(), name="auth-account-code"),
    path("me/", api.Me.as_view(), name="me"),
    path("me/commitment/", api.AcceptCommitment.as_view(), name="me-commitment"),
    path("me/presentation/", api.MyPresentation.as_view(), name="me-presentation"),
    path("users/", api.UserList.as_view(), name="user-list"),
    path("users/<int:pk>/tokens/revoke/", api.UserTokensRevoke.as_view(), name="user-tokens-revoke"),
    path("users/<int:pk>/recovery/", api.UserRecovery.as_view(), name="user-recovery"),
    path("organisations/", api.OrganisationList.as_view(), name="organisation-list"),
    path("teams/", api.TeamList.as_view(), name="team-list"),
    path("teams/<int:pk>/", api.TeamDetail.as_view(), name="team-detail"),
    path("teams/<int:pk>/memberships/", api.MembershipList.as_view(), name="membership-list"),
    path(
        "teams/<int:team_pk>/memberships/<int:pk>/", api.MembershipDetail.as_view(), name="membership-detail"
    ),
]
