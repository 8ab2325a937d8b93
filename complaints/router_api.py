"""POST /api/v1/route-suggestion/: the category router's top three for a text (SPEC §6)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from badung_portal.api import ScopedThrottle

from . import router
from .serializers import RouteSuggestionQuerySerializer, RouteSuggestionSerializer


class SuggestThrottle(ScopedThrottle):
    scope = "suggest"


class RouteSuggestionView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [SuggestThrottle]

    @extend_schema(
        summary="Suggest a category (and so sector and OPD) from a complaint's text",
        description=(
            "The three likeliest categories for the text, in Indonesian or English, with the "
            "router's confidence (0-1). Send `text`, or `title` and `description`; with `desa` "
            "the OPD follows that kecamatan's routing rules. The list is empty while no router "
            "has been trained (`manage.py train_router`). Anonymous clients are allowed and "
            "throttled."
        ),
        request=RouteSuggestionQuerySerializer,
        responses={
            200: RouteSuggestionSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description='Empty or oversized text: {"text": ["..."]}.'
            ),
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests."),
        },
    )
    def post(self, request):
        query = RouteSuggestionQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        desa = query.validated_data.get("desa")
        suggestions = router.routed_suggestions(
            query.validated_data["text"], kecamatan=desa.kecamatan if desa else None
        )
        return Response(RouteSuggestionSerializer({"suggestions": suggestions}).data)


urlpatterns = [
    path("route-suggestion/", RouteSuggestionView.as_view(), name="route-suggestion"),
]
