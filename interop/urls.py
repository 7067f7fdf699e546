from django.urls import path

from interop import api

urlpatterns = [
    path("consents/<int:pk>/fhir/", api.ConsentResource.as_view(), name="consent-fhir"),
    path("audit/fhir/AuditEvent", api.AuditEventSearch.as_view(), name="audit-fhir-events"),
    path("portal/export/fhir/", api.MyBundle.as_view(), name="portal-export-fhir"),
]
