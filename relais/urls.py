from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from consent.consents import urls as consents_urls
from consent.disagreements import urls as disagreements_urls
from consent.emergency import urls as emergency_urls
from consent.information import urls as information_urls
from consent.notices import urls as notices_urls
from consent.recovery import urls as recovery_urls
from consent.representation import urls as representation_urls
from consent.say import urls as say_urls
from consent.space import urls as space_urls
from relais.retention import api as retention_api

urlpatterns = [
    path("", include("relais.web_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("teams.urls")),
    path("api/v1/", include("records.urls")),
    path("api/v1/", include(consents_urls.api_patterns)),
    path("api/v1/", include(space_urls.api_patterns)),
    path("api/v1/", include(notices_urls.api_patterns)),
    path("api/v1/", include(recovery_urls.api_patterns)),
    path("api/v1/", include(disagreements_urls.api_patterns)),
    path("api/v1/", include(representation_urls.api_patterns)),
    path("api/v1/", include(emergency_urls.api_patterns)),
    path("api/v1/", include(say_urls.api_patterns)),
    path("api/v1/", include(information_urls.api_patterns)),
    path("api/v1/", include("audit.urls")),
    path("api/v1/audit/retention/", retention_api.RetentionCount.as_view(), name="retention-count"),
    path("api/v1/", include("interop.urls")),
]

handler400 = "web.error_responses.bad_request"
handler403 = "web.error_responses.permission_denied"
handler404 = "web.error_responses.not_found"
handler500 = "web.error_responses.server_error"
