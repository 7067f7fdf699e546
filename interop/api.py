"""HTTP for FHIR: a consent as a Consent, the access log as AuditEvents, the person's data as a
Bundle. Each answers ``application/fhir+json`` (or ``application/json`` when asked), and its
errors in the API's JSON, like every other endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from audit.auditors import Auditor
from audit.filters import EventFilter
from audit.models import AccessEvent
from interop import audit_event, selectors
from interop.model import validated
from interop.serializers import FhirBundleSerializer, FhirConsentSerializer
from teams.requests import signed_in
from web.pagination import Pagination


class FHIRRenderer(JSONRenderer):
    """FHIR's own media type for JSON."""

    media_type = "application/fhir+json"
    format = "fhir"


class FHIRNegotiation(DefaultContentNegotiation):
    """FHIR's JSON, or plain JSON when that is what the client accepts; an unknown ``?format=`` or an
    unusual ``Accept`` falls back to FHIR's JSON rather than a 404 or a 406."""

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[BaseRenderer]:  # noqa: A002
        return [r for r in renderers if r.format == format] or list(renderers)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        offered = list(renderers)
        try:
            return super().select_renderer(request, offered, format_suffix)
        except NotAcceptable:
            return offered[0], str(offered[0].media_type)


# The schema offers the two media types; a format parameter would only restate them.
NO_FORMAT = OpenApiParameter("format", exclude=True)


class FHIRView(generics.GenericAPIView):
    renderer_classes = [FHIRRenderer, JSONRenderer]
    content_negotiation_class = FHIRNegotiation

    def handle_exception(self, exc: Exception) -> Response:
        # An error is told in the API's JSON (a FHIR client reads its status), as everywhere else.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def fhir_base(self) -> str:
        """Where the resources would be found on this service: each Bundle entry's full URL."""
        return self.request.build_absolute_uri("/api/v1/fhir")


@extend_schema(tags=["fhir"], responses=FhirConsentSerializer, parameters=[NO_FORMAT])
class ConsentResource(FHIRView):
    """The consent as a FHIR R5 Consent, for whoever may see its receipt. `sourceAttachment` holds
    the signed receipts: check the resource against them with the key of /api/v1/receipt-key/."""

    def get(self, request: Request, pk: int) -> Response:
        return Response(selectors.consent_as_fhir(user=signed_in(request), consent_id=pk))


@extend_schema(
    tags=["fhir"],
    responses=FhirBundleSerializer,
    operation_id="v1_audit_fhir_AuditEvent_search",
    parameters=[NO_FORMAT],
)
class AuditEventSearch(FHIRView, generics.ListAPIView[AccessEvent]):
    """Auditors: the access log as FHIR R5 AuditEvents (IHE BALP codes), newest first, in a
    `searchset` Bundle, with the log's filters; each carries its event's chain, position and hash."""

    filterset_class = EventFilter
    queryset = AccessEvent.objects.none()  # for the schema: rows come from the selector
    auditor: Auditor

    def get_queryset(self) -> Any:
        # Who is asking, established once: the listing and the recording of its page share it.
        self.auditor = selectors.auditor_of_the_log(user=self.request.user)
        return selectors.events_for_auditor(self.auditor)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        selected = self.filter_queryset(self.get_queryset())
        params = request.query_params
        filters = {k: params[k] for k in params if k in EventFilter.Meta.fields}
        selection = selectors.audit_events(auditor=self.auditor, selected=selected, filters=filters)
        paginator = Pagination()  # a searchset names its pages in its links, not in a wrapper
        page = paginator.paginate_queryset(selection.rows, request, view=self)  # type: ignore[arg-type]
        shown = selection.disclose(page or [])
        links = [{"relation": "self", "url": request.build_absolute_uri()}]
        for relation, url in (
            ("next", paginator.get_next_link()),
            ("previous", paginator.get_previous_link()),
        ):
            if url:
                links.append({"relation": relation, "url": url})
        total = paginator.page.paginator.count if paginator.page is not None else len(shown)
        base = self.fhir_base()
        entries = [audit_event.of(event) for event in shown]
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [
                {"fullUrl": f"{base}/AuditEvent/{e['id']}", "resource": e, "search": {"mode": "match"}}
                for e in entries
            ],
        }
        return Response(validated(bundle))


@extend_schema(tags=["fhir", "portal"], responses=FhirBundleSerializer, parameters=[NO_FORMAT])
class MyBundle(FHIRView):
    """All your data as a FHIR R5 Bundle (GDPR art. 20): you (Patient), your consents (Consent), the
    notes about you (DocumentReference) and your journal (AuditEvent)."""

    def get(self, request: Request) -> Response:
        response = Response(selectors.my_bundle(user=signed_in(request), base=self.fhir_base()))
        response["Cache-Control"] = "no-store"
        return response
