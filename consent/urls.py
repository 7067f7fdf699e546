from django.urls import path

from consent import api

urlpatterns = [
    path("persons/<int:pk>/consents/", api.PersonConsentList.as_view(), name="person-consents"),
    path("consents/<int:pk>/withdraw/", api.ConsentWithdraw.as_view(), name="consent-withdraw"),
    path("consents/<int:pk>/receipt/", api.ConsentReceipt.as_view(), name="consent-receipt"),
    path("receipt-key/", api.ReceiptKey.as_view(), name="receipt-key"),
    path(
        "persons/<int:pk>/portal-invitation/", api.PortalInvitationCreate.as_view(), name="portal-invitation"
    ),
]
