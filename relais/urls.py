from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("relais.web_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("teams.urls")),
    path("api/v1/", include("records.urls")),
    path("api/v1/", include("consent.urls")),
    path("api/v1/", include("audit.urls")),
    path("api/v1/", include("interop.urls")),
]

handler400 = "web.error_responses.bad_request"
handler403 = "web.error_responses.permission_denied"
handler404 = "web.error_responses.not_found"
handler500 = "web.error_responses.server_error"
