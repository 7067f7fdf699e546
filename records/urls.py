from django.urls import path

from records import api

urlpatterns = [
    path("categories/", api.CategoryList.as_view(), name="category-list"),
    path("persons/", api.PersonList.as_view(), name="person-list"),
    path("persons/<int:pk>/", api.PersonDetail.as_view(), name="person-detail"),
    path("persons/<int:pk>/follow-ups/", api.FollowUpOpen.as_view(), name="follow-up-open"),
    path("portal/other-teams/", api.TeamsToAsk.as_view(), name="portal-other-teams"),
    path("follow-ups/<int:pk>/close/", api.FollowUpClose.as_view(), name="follow-up-close"),
    path("persons/<int:pk>/notes/", api.PersonNoteList.as_view(), name="person-notes"),
    path("notes/<int:pk>/", api.NoteDetail.as_view(), name="note-detail"),
    path("notes/<int:pk>/correction/", api.NoteCorrection.as_view(), name="note-correction"),
    path("persons/<int:pk>/contact/", api.PersonContact.as_view(), name="person-contact"),
    path("renewals/", api.RenewalList.as_view(), name="renewal-list"),
]
