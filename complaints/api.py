"""REST API for complaints (SPEC §8, §8.1): parse, call access/lifecycle, shape."""

import hashlib
import hmac

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.roles import ANONYMOUS, actor_for
from badung_portal.api import FilingThrottle, LookupThrottle, SupportThrottle

from . import lifecycle
from .access import Access, complaints_for, get_complaint_for, staff_scope
from .filters import ComplaintFilter, StaffComplaintFilter
from .models import Channel
from .selectors import similar_open, timeline_for
from .serializers import (
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentSerializer,
    ComplaintCreatedSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    DispatchSerializer,
    ErrorSerializer,
    EventSerializer,
    MergeSerializer,
    RatingSerializer,
    RejectSerializer,
    ReopenSerializer,
    RequestInfoSerializer,
    ResolveSerializer,
    RespondSerializer,
    ReturnSerializer,
    SimilarQuerySerializer,
)

ACCESS_KEY_HEADER = OpenApiParameter(
    "X-Access-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The reporter's access key, for private fields and reporter actions.",
)
ACTION_RESPONSES = {
    200: OpenApiResponse(ComplaintSerializer, description="The complaint's new state."),
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description='Invalid input: {"field": ["message", ...]}.'
    ),
    403: OpenApiResponse(ErrorSerializer, description="The actor may not take this action."),
    404: OpenApiResponse(ErrorSerializer, description="Unknown, or out of the actor's scope."),
    409: OpenApiResponse(ErrorSerializer, description="Not possible in the current status."),
}
INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT, description='Invalid input: {"field": ["message", ...]}.'
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown, or out of the actor's scope.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many requests; see Retry-After.")
LIST_RELATED = (
    "category",
    "sector",
    "desa",
    "kecamatan",
    "current_opd",
    "assignee",
    "merged_into",
    "suggested_category",
)


@extend_schema_view(
    list=extend_schema(
        summary="List complaints",
        description=(
            "Public complaints for everyone; the staff user's scoped queue for staff, who may "
            "also filter by `assignee` (username, `-` for none), `overdue` (true/false), "
            "`escalation_level` and `q` (full-text search)."
        ),
        responses={
            200: ComplaintSerializer(many=True),
            400: INVALID,
            404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
        },
    ),
    retrieve=extend_schema(
        summary="One complaint",
        parameters=[ACCESS_KEY_HEADER],
        responses={200: ComplaintSerializer, 404: NOT_FOUND, 429: THROTTLED},
    ),
)
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "tracking_code"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list" and self.actor.is_staff_member:
            # Staff also filter by assignee, overdue, escalation_level and full text (q).
            self.filterset_class = StaffComplaintFilter

    @property
    def actor(self):
        return actor_for(self.request.user)

    def get_queryset(self):
        return complaints_for(self.actor).select_related(*LIST_RELATED).order_by("-created_at")

    def get_throttles(self):
        if self.action == "create":
            return [FilingThrottle()]
        if self.action in {"retrieve", "timeline", "similar"}:
            return [LookupThrottle()]
        if self.action == "support":
            return [SupportThrottle()]
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
        responses={201: ComplaintCreatedSerializer, 400: INVALID, 429: THROTTLED},
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
        responses={200: EventSerializer(many=True), 404: NOT_FOUND, 429: THROTTLED},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request, tracking_code=None):
        access = self.get_access()
        events = timeline_for(access)
        return Response(EventSerializer(events, many=True, context={"access": access}).data)

    # Actions of SPEC §4: one lifecycle call each, answered with the complaint's new state.

    def _act(self, move, body_serializer, perform):
        """Check scope and role, validate the body, call `perform(access, data)`, answer."""
        access = self.get_access()
        if move is not None:
            # Who may act is decided before the body is read: no probing with bad bodies.
            lifecycle.ensure_may(move, access.complaint, access.actor)
        data = {}
        if body_serializer is not None:
            body = body_serializer(data=self.request.data, context={"actor": access.actor})
            body.is_valid(raise_exception=True)
            data = body.validated_data
        perform(access, data)
        try:
            access = self.get_access()  # fresh state and access flags
        except Http404:
            # The action took the complaint out of the actor's sight (an OPD returning a
            # confidential one): they may still see the outcome of their own action.
            access.complaint.refresh_from_db()
            access = Access(complaint=access.complaint, actor=access.actor, is_staff=False)
        return Response(
            ComplaintSerializer(
                access.complaint, context={"access": access, "request": self.request}
            ).data
        )

    @extend_schema(
        summary="Dispatch to an OPD (verifier)",
        request=DispatchSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_complaint(self, request, tracking_code=None):
        return self._act(
            "dispatch",
            DispatchSerializer,
            lambda a, d: lifecycle.dispatch(a.complaint, actor=a.actor, **d),
        )

    @extend_schema(
        summary="Reject (verifier)", request=RejectSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, tracking_code=None):
        return self._act(
            "reject",
            RejectSerializer,
            lambda a, d: lifecycle.reject(a.complaint, actor=a.actor, reason=d["reason"]),
        )

    @extend_schema(
        summary="Merge into another complaint (verifier)",
        request=MergeSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, tracking_code=None):
        return self._act(
            "merge",
            MergeSerializer,
            lambda a, d: lifecycle.merge(a.complaint, actor=a.actor, into=d["into"]),
        )

    @extend_schema(summary="Acknowledge (OPD)", request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, tracking_code=None):
        return self._act(
            "acknowledge", None, lambda a, d: lifecycle.acknowledge(a.complaint, actor=a.actor)
        )

    @extend_schema(
        summary="Ask the reporter for information (OPD)",
        description="The deadline clock pauses until the reporter answers.",
        request=RequestInfoSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="request-info", url_name="request-info")
    def request_info(self, request, tracking_code=None):
        return self._act(
            "request_info",
            RequestInfoSerializer,
            lambda a, d: lifecycle.request_info(a.complaint, actor=a.actor, message=d["message"]),
        )

    @extend_schema(
        summary="Respond (OPD)",
        description="`public: false` makes it an internal note, never shown outside staff views.",
        request=RespondSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, tracking_code=None):
        return self._act(
            "respond",
            RespondSerializer,
            lambda a, d: lifecycle.respond(
                a.complaint, actor=a.actor, message=d["message"], public=d["public"]
            ),
        )

    @extend_schema(summary="Resolve (OPD)", request=ResolveSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def resolve(self, request, tracking_code=None):
        return self._act(
            "resolve",
            ResolveSerializer,
            lambda a, d: lifecycle.resolve(a.complaint, actor=a.actor, resolution=d["resolution"]),
        )

    @extend_schema(
        summary="Return as wrongly routed (OPD)",
        request=ReturnSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_complaint(self, request, tracking_code=None):
        return self._act(
            "return",
            ReturnSerializer,
            lambda a, d: lifecycle.return_complaint(a.complaint, actor=a.actor, reason=d["reason"]),
        )

    @extend_schema(
        summary="Assign to an officer of the handling OPD",
        request=AssignSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, tracking_code=None):
        return self._act(
            "assign",
            AssignSerializer,
            lambda a, d: lifecycle.assign(a.complaint, actor=a.actor, assignee=d["username"]),
        )

    @extend_schema(
        summary="Add information (reporter)",
        description="Answers an information request when one is open: the clock resumes.",
        parameters=[ACCESS_KEY_HEADER],
        request=CommentSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, tracking_code=None):
        return self._act(
            "comment",
            CommentSerializer,
            lambda a, d: lifecycle.comment(a.complaint, actor=a.actor, message=d["message"]),
        )

    @extend_schema(
        summary="Rate the resolution and close (reporter)",
        parameters=[ACCESS_KEY_HEADER],
        request=RatingSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def rating(self, request, tracking_code=None):
        return self._act(
            "rate",
            RatingSerializer,
            lambda a, d: lifecycle.rate(
                a.complaint, actor=a.actor, score=d["score"], comment=d["comment"]
            ),
        )

    @extend_schema(
        summary="Reopen a resolved complaint (reporter)",
        parameters=[ACCESS_KEY_HEADER],
        request=ReopenSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, tracking_code=None):
        return self._act(
            "reopen",
            ReopenSerializer,
            lambda a, d: lifecycle.reopen(a.complaint, actor=a.actor, reason=d["reason"]),
        )

    @extend_schema(
        summary='Support a complaint ("me too")',
        description="Counted once per account, or once per client address; a repeat is no error.",
        request=None,
        responses={**ACTION_RESPONSES, 429: THROTTLED},
    )
    @action(detail=True, methods=["post"])
    def support(self, request, tracking_code=None):
        # The client address as the throttles see it, keyed-hashed: no raw IP is stored,
        # and the digest cannot be reversed by trying every address.
        ident = SupportThrottle().get_ident(request)
        digest = hmac.new(settings.SECRET_KEY.encode(), ident.encode(), hashlib.sha256)
        fingerprint = "ip:" + digest.hexdigest()
        return self._act(
            None,
            None,
            lambda a, d: lifecycle.support(a.complaint, actor=a.actor, fingerprint=fingerprint),
        )

    @extend_schema(
        summary="Add a photo (reporter or handling staff)",
        description="Multipart with one file in `image`; at most 5 photos per complaint.",
        parameters=[ACCESS_KEY_HEADER],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            **{k: v for k, v in ACTION_RESPONSES.items() if k != 200},
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, tracking_code=None):
        access = self.get_access()
        lifecycle.ensure_may("attach_photo", access.complaint, access.actor)
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = lifecycle.attach_photo(
            access.complaint, actor=access.actor, photo=body.validated_data["image"]
        )
        data = AttachmentSerializer(attachment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Similar open complaints nearby (before filing a duplicate)",
        description=(
            "Open public complaints in the same desa or within about 500 m of the point, most "
            "alike first; support one of them instead of filing again."
        ),
        parameters=[SimilarQuerySerializer],
        responses={200: ComplaintSerializer(many=True), 400: INVALID, 429: THROTTLED},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def similar(self, request):
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = similar_open(**query.validated_data)
        context = {"actor": ANONYMOUS, "is_staff": False, "request": request}
        return Response(ComplaintSerializer(rows, many=True, context=context).data)
