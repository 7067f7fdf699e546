"""The auditors' API: the access log, its CSV export, and the chain's verification."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from audit import selectors
from audit.auditors import Auditor
from audit.filters import EventFilter
from audit.models import AccessEvent, Action
from audit.serializers import EventSerializer, VerdictSerializer


class CSVRenderer(BaseRenderer):
    """Lets ``?format=csv`` through content negotiation; the view streams the CSV itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        return data if isinstance(data, bytes | str) else b""


@extend_schema(
    tags=["audit"],
    parameters=[OpenApiParameter("format", enum=["json", "csv"], required=False)],
    responses={200: EventSerializer(many=True), (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
)
class EventList(generics.ListAPIView[AccessEvent]):
    """Access events, newest first, for auditors. `?format=csv` exports every matching event."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    renderer_classes = [JSONRenderer, CSVRenderer]
    queryset = AccessEvent.objects.none()  # for the schema: rows come from the selector
    auditor: Auditor

    def handle_exception(self, exc: Exception) -> Response:
        # An error is told in JSON, even to a request that asked for CSV (it would render empty).
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def get_queryset(self) -> QuerySet[AccessEvent]:
        csv = self.request.accepted_renderer.format == "csv"
        action = Action.AUDIT_EXPORT if csv else Action.AUDIT_VIEW
        # Who is asking, established once: the listing and the recording of its page share it.
        self.auditor = selectors.access_log_reader(self.request.user, action=action)
        return selectors.events(self.auditor)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]  # CSV streams
        selected = self.filter_queryset(self.get_queryset())
        params = request.query_params
        filters = {k: params[k] for k in params if k in EventFilter.Meta.fields}
        if request.accepted_renderer.format == "csv":
            lines = selectors.export_events(
                auditor=self.auditor, selected=selected.order_by("id"), filters=filters
            )
            response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
            name = f"relais-audit-{timezone.now():%Y%m%d-%H%M%S}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        selection = selectors.selected_events(auditor=self.auditor, selected=selected, filters=filters)
        page = self.paginate_queryset(selection.rows)  # type: ignore[arg-type]  # any paged rows
        shown = selection.disclose(page if page is not None else list(selection.rows))
        return self.get_paginated_response(EventSerializer(shown, many=True).data)


@extend_schema(tags=["audit"], responses=VerdictSerializer)
class Verify(generics.GenericAPIView[AccessEvent]):
    """Verify the whole chain against the latest signed checkpoint."""

    serializer_class = VerdictSerializer  # type: ignore[assignment]  # a verdict, not a model

    def get(self, request: Request) -> Response:
        auditor = selectors.access_log_reader(request.user, action=Action.AUDIT_VERIFY)
        verdict = selectors.verify_chain(auditor)
        return Response(VerdictSerializer(verdict.as_dict()).data)
