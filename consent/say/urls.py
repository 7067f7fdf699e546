"""The addresses of the person's say (issue 24): who is kept out of the record, and the notes hidden.

``api_patterns`` are included under /api/v1/ by ``relais/urls.py``, ``page_patterns`` at the site's
root by ``relais/web_urls.py``: names and paths are those the tests reverse."""

from django.urls import URLPattern, path

from consent.say import api, views

api_patterns: list[URLPattern] = [
    path("persons/<int:pk>/exclusions/", api.PersonExclusions.as_view(), name="person-exclusions-api"),
    path("exclusions/<int:pk>/lift/", api.LetBack.as_view(), name="exclusion-lift-api"),
    path("portal/exclusions/", api.MyExclusions.as_view(), name="portal-exclusions-api"),
    path("portal/notes/", api.MyNotes.as_view(), name="portal-notes-api"),
    path("portal/notes/<int:pk>/hide/", api.HideNote.as_view(), name="portal-note-hide-api"),
    path("portal/note-hidings/<int:pk>/lift/", api.ShowNote.as_view(), name="portal-note-show-api"),
]

page_patterns: list[URLPattern] = [
    path("persons/<int:pk>/exclusions/", views.person_exclusions, name="person-exclusions"),
    path("exclusions/<int:pk>/lift/", views.lift, name="exclusion-lift"),
    path("portal/exclusions/", views.portal_exclusions, name="portal-exclusions"),
    path("portal/notes/", views.portal_notes, name="portal-notes"),
    path("portal/notes/<int:pk>/hide/", views.portal_note_hide, name="portal-note-hide"),
    path("portal/note-hidings/<int:pk>/show/", views.portal_note_show, name="portal-note-show"),
]
