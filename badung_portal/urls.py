from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from complaints.api import ComplaintViewSet
from opd.api import AreaList, CategoryList, OpdList

from .api import LoginThrottle


class TokenView(ObtainAuthToken):
    """POST username and password, get the API token (SPEC §8)."""

    throttle_classes = [LoginThrottle]


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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
