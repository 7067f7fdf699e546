"""The addresses of a space whose password is lost: the person confirms, an auditor reviews.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.recovery import api, views

api_patterns: list[URLPattern] = [
    path("portal/reset/confirm/", api.ConfirmReset.as_view(), name="portal-reset-confirm-api"),
    path("audit/space-resets/", api.ResetQueue.as_view(), name="reset-queue-api"),
    path("audit/space-resets/<int:pk>/review/", api.ReviewReset.as_view(), name="reset-review-api"),
]

page_patterns: list[URLPattern] = [
    path("portal/confirm/", views.confirm, name="portal-reset-confirm"),
    path("audit/resets/", views.review_queue, name="reset-queue"),
    path("audit/resets/<int:pk>/review/", views.review, name="reset-review"),
]
