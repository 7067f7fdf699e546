from django.urls import path

from audit import api

urlpatterns = [
    path("audit/events/", api.EventList.as_view(), name="audit-events"),
    path("audit/verify/", api.Verify.as_view(), name="audit-verify"),
]
