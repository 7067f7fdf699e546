"""The person's space: their data as a FHIR Bundle, beside the JSON copy and the printable one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from interop import selectors
from teams.requests import AuthenticatedHttpRequest


@login_required
@require_safe
def bundle_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """All the person's data as a FHIR R5 Bundle, as a file (GDPR art. 20, portability): for a
    hospital, a regional platform or another service that reads FHIR."""
    bundle = selectors.my_bundle(user=request.user, base=request.build_absolute_uri("/api/v1/fhir"))
    response = JsonResponse(
        bundle, content_type="application/fhir+json", json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="relais-mes-donnees-fhir.json"'
    response["Cache-Control"] = "no-store"
    return response
