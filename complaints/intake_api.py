"""The intake webhook for social-media monitors and WhatsApp gateways (SPEC §8.2)."""

import datetime
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import intake
from .models import Channel
from .serializers import LAT_FIELD, ErrorSerializer
from .validation import clean_phone

MAX_MEDIA = 10


class IntakeMessageSerializer(serializers.Serializer):
    """One message of a source; context["source"] is the verified IntakeSource."""

    message_id = serializers.CharField(
        max_length=200, help_text=gettext_lazy("The source's own id of the message.")
    )
    text = serializers.CharField(max_length=5000)
    author = serializers.CharField(
        max_length=120,
        help_text=gettext_lazy(
            "The sender's handle: a phone number for WhatsApp sources, the account name for "
            "social-media sources."
        ),
    )
    url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=gettext_lazy("The post's address; may be left out for WhatsApp messages."),
    )
    sent_at = serializers.DateTimeField(
        help_text=gettext_lazy("When the sender sent it (ISO 8601); the complaint's filing time.")
    )
    latitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)
    longitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)
    media_urls = serializers.ListField(
        child=serializers.URLField(max_length=500),
        max_length=MAX_MEDIA,
        required=False,
        help_text=gettext_lazy("Links to photos or videos; listed in the description."),
    )

    def validate_author(self, value):
        if self.context["source"].channel != Channel.WHATSAPP:
            return value.strip()
        try:
            return clean_phone(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from e

    def validate_sent_at(self, value):
        skew = datetime.timedelta(seconds=intake.SIGNATURE_MAX_AGE)
        if value > timezone.now() + skew:
            raise serializers.ValidationError(_("This time lies in the future."))
        return value

    def validate(self, attrs):
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            missing = "latitude" if attrs.get("latitude") is None else "longitude"
            raise serializers.ValidationError(
                {missing: [_("Give both latitude and longitude, or neither.")]}
            )
        attrs["url"] = attrs.get("url") or ""
        return attrs


class IntakeAcceptedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    url = serializers.URLField(help_text=gettext_lazy("The complaint's public page."))


SIGNATURE_HEADERS = [
    OpenApiParameter(
        "X-Timestamp",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        required=True,
        description="Unix time in seconds; requests more than 5 minutes off are refused.",
    ),
    OpenApiParameter(
        "X-Signature",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description=(
            "`sha256=` followed by the hex HMAC-SHA256 of `<X-Timestamp>.<raw request body>` "
            "keyed with the source's secret."
        ),
    ),
    OpenApiParameter(
        "source",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="The source's name, as created by `manage.py create_intake_source`.",
    ),
]


class IntakeView(APIView):
    """Signed, idempotent intake of one message; no session, so no CSRF (the HMAC is the proof)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "intake"
    parser_classes = [JSONParser]  # for the schema: the body is read raw, as it was signed

    def get_authenticate_header(self, request):
        # Without it DRF would turn the refusal into a 403.
        return 'Signature realm="intake"'

    @extend_schema(
        summary="Receive a message from a social-media monitor or WhatsApp gateway",
        description=(
            "Files the message as a complaint with the source's channel, the post's URL (or the "
            "message id) as source reference and the sender's handle as reporter contact (the "
            "phone number for WhatsApp sources). Idempotent on the source's `message_id`: a "
            "repeated message answers 200 with the complaint filed the first time. A map point "
            "inside Badung chooses the nearest desa; otherwise the complaint desk does."
        ),
        request=IntakeMessageSerializer,
        parameters=SIGNATURE_HEADERS,
        responses={
            201: OpenApiResponse(IntakeAcceptedSerializer, description="A complaint was filed."),
            200: OpenApiResponse(
                IntakeAcceptedSerializer, description="Already received: the same complaint."
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description='Invalid input: {"field": ["message", ...]}.'
            ),
            401: OpenApiResponse(
                ErrorSerializer,
                description="Unknown or inactive source, bad signature, or stale timestamp.",
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many requests."),
        },
        auth=[],
    )
    def post(self, request, source):
        body = request.body  # the exact bytes that were signed, before any parsing
        try:
            found = intake.verified_source(
                source,
                timestamp=request.headers.get("X-Timestamp"),
                signature=request.headers.get("X-Signature"),
                body=body,
            )
        except intake.SignatureRejected as e:
            raise AuthenticationFailed(_("Invalid signature or timestamp.")) from e
        try:
            data = json.loads(body)
        except ValueError as e:
            raise ParseError(_("The body is not valid JSON.")) from e
        if not isinstance(data, dict):
            raise ParseError(_("The body must be a JSON object."))
        serializer = IntakeMessageSerializer(data=data, context={"source": found})
        serializer.is_valid(raise_exception=True)
        complaint, created = intake.message_receive(source=found, **serializer.validated_data)
        return Response(
            {
                "tracking_code": complaint.tracking_code,
                "status": complaint.status,
                "url": request.build_absolute_uri(complaint.get_absolute_url()),
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


urlpatterns = [
    path("intake/<str:source>/", IntakeView.as_view(), name="intake"),
]
