"""REST API for complaints (SPEC §8, §8.1): parse, call access/lifecycle, shape."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.roles import actor_for
from badung_portal.api import FilingThrottle, LookupThrottle

from . import lifecycle
from .access import complaints_for, get_complaint_for, staff_scope
from .filters import ComplaintFilter
from .models import Channel
from .selectors import timeline_for
from .serializers import (
    ComplaintCreatedSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    EventSerializer,
)

ACCESS_KEY_HEADER = OpenApiParameter(
    "X-Access-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The reporter's access key, for private fields and reporter actions.",
)
LIST_RELATED = ("category", "sector", "desa", "kecamatan", "current_opd", "assignee", "merged_into")


@extend_schema_view(
    list=extend_schema(
        summary="List complaints",
        description="Public complaints for everyone; the staff user's scoped queue for staff.",
    ),
    retrieve=extend_schema(summary="One complaint", parameters=[ACCESS_KEY_HEADER]),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "tracking_code"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter

    @property
    def actor(self):
        return actor_for(self.request.user)

    def get_queryset(self):
        return complaints_for(self.actor).select_related(*LIST_RELATED).order_by("-created_at")

    def get_throttles(self):
        if self.action == "create":
            return [FilingThrottle()]
        if self.action in {"retrieve", "timeline"}:
            return [LookupThrottle()]
        return super().get_throttles()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["actor"] = self.actor
        context["is_staff"] = staff_scope(self.actor) is not None
        return context

    def get_access(self):
        return get_complaint_for(
            self.actor,
            self.kwargs["tracking_code"],
            access_key=self.request.headers.get("X-Access-Key"),
        )

    def retrieve(self, request, *args, **kwargs):
        access = self.get_access()
        return Response(
            ComplaintSerializer(
                access.complaint, context={"access": access, "request": request}
            ).data
        )

    @extend_schema(
        summary="File a complaint",
        request=ComplaintCreateSerializer,
        responses={201: ComplaintCreatedSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = ComplaintCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("language", "en" if request.LANGUAGE_CODE == "en" else "id")
        complaint, access_key = lifecycle.file_complaint(
            actor=self.actor, channel=Channel.API, **data
        )
        body = {
            "tracking_code": complaint.tracking_code,
            "access_key": access_key,
            "status": complaint.status,
            "url": request.build_absolute_uri(complaint.get_absolute_url()),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Timeline of a complaint",
        parameters=[ACCESS_KEY_HEADER],
        responses=EventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, tracking_code=None):
        access = self.get_access()
        events = timeline_for(access)
        return Response(EventSerializer(events, many=True, context={"access": access}).data)
