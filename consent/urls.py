from django.urls import path

from consent.consents import api
from consent.disagreements import api as disagreement_api
from consent.emergency import api as emergency_api
from consent.information import api as information_api
from consent.recovery import api as recovery_api
from consent.representation import api as representative_api
from consent.space import api as portal_api

urlpatterns = [
    path("persons/<int:pk>/consents/", api.PersonConsentList.as_view(), name="person-consents"),
    path("consents/<int:pk>/withdraw/", api.ConsentWithdraw.as_view(), name="consent-withdraw"),
    path("consents/<int:pk>/receipt/", api.ConsentReceipt.as_view(), name="consent-receipt"),
    path("receipt-key/", api.ReceiptKey.as_view(), name="receipt-key"),
    path("information/", information_api.CurrentInformation.as_view(), name="information-api"),
    path("information/<int:pk>/", information_api.InformationDetail.as_view(), name="information-text-api"),
    path(
        "persons/<int:pk>/portal-invitation/", api.PortalInvitationCreate.as_view(), name="portal-invitation"
    ),
    path("persons/<int:pk>/emergency-access/", emergency_api.BreakGlass.as_view(), name="glass-break-api"),
    path("emergency-accesses/<int:pk>/end/", emergency_api.EndGlass.as_view(), name="glass-end-api"),
    path("audit/emergency-accesses/", emergency_api.GlassQueue.as_view(), name="glass-queue-api"),
    path(
        "audit/emergency-accesses/<int:pk>/review/",
        emergency_api.ReviewGlass.as_view(),
        name="glass-review-api",
    ),
    path(
        "portal/emergency-accesses/<int:pk>/acknowledge/",
        emergency_api.AcknowledgeGlass.as_view(),
        name="glass-acknowledge-api",
    ),
    path(
        "persons/<int:pk>/representatives/",
        representative_api.PersonRepresentatives.as_view(),
        name="person-representatives-api",
    ),
    path(
        "representatives/<int:pk>/end/",
        representative_api.RepresentativeEnd.as_view(),
        name="representative-end-api",
    ),
    path(
        "representatives/<int:pk>/code/",
        representative_api.RepresentativeCode.as_view(),
        name="representative-code-api",
    ),
    path(
        "portal/representatives/",
        representative_api.MyRepresentatives.as_view(),
        name="portal-representatives-api",
    ),
    path("portal/activate/", portal_api.Activate.as_view(), name="portal-activate"),
    path("portal/reset/confirm/", recovery_api.ConfirmReset.as_view(), name="portal-reset-confirm-api"),
    path("audit/space-resets/", recovery_api.ResetQueue.as_view(), name="reset-queue-api"),
    path("audit/space-resets/<int:pk>/review/", recovery_api.ReviewReset.as_view(), name="reset-review-api"),
    path("portal/consents/", portal_api.MyConsents.as_view(), name="portal-consents"),
    path("portal/teams/", portal_api.MyTeams.as_view(), name="portal-teams"),
    path("portal/access-log/", portal_api.AccessLog.as_view(), name="portal-access-log"),
    path("portal/receipts/", portal_api.MyReceipts.as_view(), name="portal-receipts"),
    path("portal/export/", portal_api.Export.as_view(), name="portal-export"),
    path("portal/consents/<int:pk>/renewal/", portal_api.RenewConsent.as_view(), name="portal-renewal"),
    path("portal/notices/", portal_api.MyNotices.as_view(), name="portal-notice-list"),
    path("portal/notices/read/", portal_api.ReadNotices.as_view(), name="portal-notices-read-api"),
    path("portal/notices/email/", portal_api.NoticeEmail.as_view(), name="portal-notices-email-api"),
    path(
        "portal/disagreements/", disagreement_api.MyDisagreements.as_view(), name="portal-disagreements-api"
    ),
    path("audit/disagreements/", disagreement_api.DisagreementQueue.as_view(), name="disagreement-queue-api"),
    path(
        "audit/disagreements/<int:pk>/answer/",
        disagreement_api.AnswerDisagreement.as_view(),
        name="disagreement-answer-api",
    ),
]
