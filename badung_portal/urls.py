from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import TokenView
from complaints.api import ComplaintViewSet
from opd.api import AreaList, CategoryList, OpdList

router = DefaultRouter()
router.register("complaints", ComplaintViewSet, basename="complaint")

api_v1 = [
    path("areas/", AreaList.as_view(), name="areas"),
    path("categories/", CategoryList.as_view(), name="categories"),
    path("opds/", OpdList.as_view(), name="opds"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include("complaints.router_api")),
    path("", include("complaints.intake_api")),
    path("", include("complaints.stats_api")),
    *router.urls,
]

urlpatterns = [
    path("", include("badung_portal.ops")),
    path("", include("complaints.urls")),
    path("", include("complaints.dashboard_urls")),
    path("open311/v2/", include("complaints.open311_urls")),
    path("staff/", include("complaints.staff_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# A database outage met outside a view (saving the session) is a 503 too.
handler500 = "badung_portal.ops.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
