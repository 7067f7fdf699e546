"""The addresses of consents, their receipts and evidence, and the code a worker makes for the person's space.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.consents import api, views

api_patterns: list[URLPattern] = [
    path("persons/<int:pk>/consents/", api.PersonConsentList.as_view(), name="person-consents"),
    path("consents/<int:pk>/withdraw/", api.ConsentWithdraw.as_view(), name="consent-withdraw"),
    path("consents/<int:pk>/receipt/", api.ConsentReceipt.as_view(), name="consent-receipt"),
    path("receipt-key/", api.ReceiptKey.as_view(), name="receipt-key"),
    path(
        "persons/<int:pk>/portal-invitation/", api.PortalInvitationCreate.as_view(), name="portal-invitation"
    ),
]

page_patterns: list[URLPattern] = [
    path("persons/<int:pk>/consents/new/", views.consent_new, name="consent-new"),
    path("persons/<int:pk>/portal-code/", views.portal_invite, name="portal-invite"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent-withdrawal"),
    path("consents/<int:pk>/receipt/", views.consent_receipt, name="consent-receipt-page"),
    path("consents/<int:pk>/evidence/", views.consent_evidence, name="consent-evidence"),
]
