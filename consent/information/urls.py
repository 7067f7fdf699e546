"""The addresses of the information texts given before a consent: anyone may read them.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``."""

from django.urls import URLPattern, path

from consent.information import api, views

api_patterns: list[URLPattern] = [
    path("information/", api.CurrentInformation.as_view(), name="information-api"),
    path("information/<int:pk>/", api.InformationDetail.as_view(), name="information-text-api"),
]

page_patterns: list[URLPattern] = [
    path("information/", views.current, name="information"),
    path("information/<int:pk>/", views.text, name="information-text"),
]
