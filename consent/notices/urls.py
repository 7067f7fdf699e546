"""The addresses of the person's inbox: notices, read or not, and the choice of an e-mail.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.notices import api, views

api_patterns: list[URLPattern] = [
    path("portal/notices/", api.MyNotices.as_view(), name="portal-notice-list"),
    path("portal/notices/read/", api.ReadNotices.as_view(), name="portal-notices-read-api"),
    path("portal/notices/email/", api.NoticeEmail.as_view(), name="portal-notices-email-api"),
]

page_patterns: list[URLPattern] = [
    path("portal/notices/", views.notices, name="portal-notices"),
    path("portal/notices/read/", views.notices_read, name="portal-notices-read"),
    path("portal/notices/email/", views.notices_email, name="portal-notices-email"),
]
