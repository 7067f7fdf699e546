"""The addresses of representatives: those a worker records for a person, and the person's own page of them.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.representation import api, views

api_patterns: list[URLPattern] = [
    path(
        "persons/<int:pk>/representatives/",
        api.PersonRepresentatives.as_view(),
        name="person-representatives-api",
    ),
    path(
        "representatives/<int:pk>/end/",
        api.RepresentativeEnd.as_view(),
        name="representative-end-api",
    ),
    path(
        "representatives/<int:pk>/code/",
        api.RepresentativeCode.as_view(),
        name="representative-code-api",
    ),
    path(
        "portal/representatives/",
        api.MyRepresentatives.as_view(),
        name="portal-representatives-api",
    ),
]

page_patterns: list[URLPattern] = [
    path(
        "persons/<int:pk>/representatives/",
        views.person_representatives,
        name="person-representatives",
    ),
    path("representatives/<int:pk>/end/", views.end, name="representative-end"),
    path("representatives/<int:pk>/code/", views.new_code, name="representative-code"),
    path("portal/representatives/", views.portal_page, name="portal-representatives"),
    path(
        "portal/representatives/<int:pk>/end/",
        views.portal_end,
        name="portal-representative-end",
    ),
]
