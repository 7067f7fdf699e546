"""The addresses of emergency access: opening one, ending it early, the auditors' review, the
person's acknowledgement.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.emergency import api, views

api_patterns: list[URLPattern] = [
    path("persons/<int:pk>/emergency-access/", api.BreakGlass.as_view(), name="glass-break-api"),
    path("emergency-accesses/<int:pk>/end/", api.EndGlass.as_view(), name="glass-end-api"),
    path("audit/emergency-accesses/", api.GlassQueue.as_view(), name="glass-queue-api"),
    path(
        "audit/emergency-accesses/<int:pk>/review/",
        api.ReviewGlass.as_view(),
        name="glass-review-api",
    ),
    path(
        "portal/emergency-accesses/<int:pk>/acknowledge/",
        api.AcknowledgeGlass.as_view(),
        name="glass-acknowledge-api",
    ),
]

page_patterns: list[URLPattern] = [
    path("audit/emergencies/", views.review_queue, name="glass-queue"),
    path("audit/emergencies/<int:pk>/review/", views.review, name="glass-review"),
    path("persons/<int:pk>/emergency/", views.break_glass, name="glass-break"),
    path("emergency-accesses/<int:pk>/end/", views.end_early, name="glass-end"),
]
