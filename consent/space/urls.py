"""The addresses of the person's own space: activation, home, sharing, journal, receipts, export, renewals.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.space import api, views

api_patterns: list[URLPattern] = [
    path("portal/activate/", api.Activate.as_view(), name="portal-activate"),
    path("portal/consents/", api.MyConsents.as_view(), name="portal-consents"),
    path("portal/teams/", api.MyTeams.as_view(), name="portal-teams"),
    path("portal/access-log/", api.AccessLog.as_view(), name="portal-access-log"),
    path("portal/receipts/", api.MyReceipts.as_view(), name="portal-receipts"),
    path("portal/export/", api.Export.as_view(), name="portal-export"),
    path("portal/consents/<int:pk>/renewal/", api.RenewConsent.as_view(), name="portal-renewal"),
]

page_patterns: list[URLPattern] = [
    path("portal/activate/", views.activate, name="portal-activation"),
    path("portal/", views.home, name="portal-home"),
    path("portal/share/", views.share, name="portal-share"),
    path("portal/consents/<int:pk>/stop/", views.stop_all, name="portal-stop-all"),
    path("portal/journal/", views.journal_page, name="portal-journal"),
    path("portal/consents/<int:pk>/renew/", views.renew, name="portal-renew"),
    path("portal/emergencies/<int:pk>/acknowledge/", views.acknowledge, name="portal-glass-acknowledge"),
    path("portal/receipts/", views.receipts, name="portal-receipt-list"),
    path("portal/my-data/", views.download, name="portal-download"),
    path("portal/print/", views.printable, name="portal-print"),
]
