"""API shapes of SPEC §8.1. Serializers validate and shape; lifecycle.py writes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opd import cached
from opd.models import Category, Desa, Kecamatan, Opd

from .access import Access, get_complaint_for
from .models import Event, Kind, Language, Privacy
from .photos import PhotoRejected, prepare
from .router import MAX_TEXT
from .validation import clean_location, clean_phone, contact_errors

LAT_FIELD = {"max_digits": 9, "decimal_places": 6, "required": False, "allow_null": True}


class ReferenceCodeField(serializers.SlugRelatedField):
    """A reference row by its code, found in the process's copy (opd.cached) when it is there:
    every filing names a category and a desa."""

    def __init__(self, *, rows, **kwargs):
        self.rows = rows
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        row = self.rows().get(data) if isinstance(data, str) else None
        return row if row is not None else super().to_internal_value(data)


def category_field(**kwargs):
    """An optional category, by its code."""
    return ReferenceCodeField(
        rows=cached.active_categories_by_code,
        slug_field="code",
        queryset=Category.objects.filter(is_active=True).select_related("sector"),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown category “{value}”.")},
        **kwargs,
    )


def desa_field(**kwargs):
    """An optional desa/kelurahan, by its Kemendagri code."""
    return ReferenceCodeField(
        rows=cached.desa_by_code,
        slug_field="code",
        queryset=Desa.objects.select_related("kecamatan"),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown desa code “{value}”.")},
        **kwargs,
    )


class ComplaintCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    title = serializers.CharField(max_length=150)
    description = serializers.CharField(max_length=5000)
    category = category_field()
    kecamatan = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Kecamatan.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Optional; when given, the desa must lie in it."),
        error_messages={"does_not_exist": _("Unknown kecamatan code “{value}”.")},
    )
    desa = desa_field(help_text=_("Kemendagri code; may be left out when a map point is given."))
    latitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)
    longitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)
    address_detail = serializers.CharField(max_length=300, required=False, allow_blank=True)
    privacy = serializers.ChoiceField(choices=Privacy.choices, default=Privacy.PUBLIC)
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Language.choices, required=False)

    def validate_reporter_phone(self, value):
        try:
            return clean_phone(value)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from e

    def validate(self, attrs):
        desa, errors = clean_location(
            desa=attrs.get("desa"),
            kecamatan=attrs.get("kecamatan"),
            latitude=attrs.get("latitude"),
            longitude=attrs.get("longitude"),
        )
        request = self.context.get("request")
        errors.update(
            contact_errors(
                is_authenticated=bool(request and request.user.is_authenticated),
                email=attrs.get("reporter_email"),
                phone=attrs.get("reporter_phone"),
            )
        )
        if errors:
            raise serializers.ValidationError(errors)
        attrs["desa"] = desa
        attrs.pop("kecamatan", None)
        return attrs


class ComplaintCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    access_key = serializers.CharField(
        help_text=_("Shown once: keep it to add information, rate or reopen.")
    )
    status = serializers.CharField()
    url = serializers.URLField()


class DeadlinesSerializer(serializers.Serializer):
    verification = serializers.DateField(allow_null=True)
    first_response = serializers.DateField(allow_null=True)
    resolution = serializers.DateField(allow_null=True)


def _code(obj):
    return obj.code if obj is not None else None


class ComplaintSerializer(serializers.Serializer):
    """A complaint as the requesting actor may see it (context: `access` or `actor`+`is_staff`)."""

    tracking_code = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    category_name = serializers.CharField(allow_null=True)
    sector = serializers.CharField(allow_null=True)
    sector_name = serializers.CharField(allow_null=True)
    desa = serializers.CharField(allow_null=True)
    desa_name = serializers.CharField(allow_null=True)
    kecamatan = serializers.CharField(allow_null=True)
    kecamatan_name = serializers.CharField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    address_detail = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    privacy = serializers.CharField()
    channel = serializers.CharField()
    language = serializers.CharField()
    opd = serializers.CharField(allow_null=True)
    opd_name = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deadlines = DeadlinesSerializer()
    escalation_level = serializers.IntegerField()
    supporters = serializers.IntegerField()
    rating = serializers.IntegerField(allow_null=True)
    merged_into = serializers.CharField(allow_null=True)
    reporter_name = serializers.CharField(
        allow_null=True, help_text=_("Only where the privacy mode allows (SPEC §3).")
    )
    reporter_email = serializers.CharField(allow_null=True)
    reporter_phone = serializers.CharField(allow_null=True)
    assignee = serializers.CharField(allow_null=True)
    suggested_category = serializers.CharField(
        allow_null=True, help_text=_("Staff only: the category the router suggests from the text.")
    )
    suggestion_confidence = serializers.FloatField(
        allow_null=True, help_text=_("Staff only: the router's confidence (0-1).")
    )
    url = serializers.URLField()

    def _access(self, c):
        access = self.context.get("access")
        if access is not None and access.complaint.pk == c.pk:
            return access
        return Access(complaint=c, actor=self.context["actor"], is_staff=self.context["is_staff"])

    def to_representation(self, c):
        access = self._access(c)
        request = self.context.get("request")
        url = c.get_absolute_url()
        return {
            "tracking_code": c.tracking_code,
            "kind": c.kind,
            "title": c.title,
            "description": c.description,
            "category": _code(c.category),
            "category_name": c.category.name if c.category else None,
            "sector": _code(c.sector),
            "sector_name": c.sector.name if c.sector else None,
            "desa": _code(c.desa),
            "desa_name": c.desa.name if c.desa else None,
            "kecamatan": _code(c.kecamatan),
            "kecamatan_name": c.kecamatan.name if c.kecamatan else None,
            "latitude": float(c.latitude) if c.latitude is not None else None,
            "longitude": float(c.longitude) if c.longitude is not None else None,
            "address_detail": c.address_detail,
            "status": c.status,
            "status_label": str(c.get_status_display()),
            "privacy": c.privacy,
            "channel": c.channel,
            "language": c.language,
            "opd": _code(c.current_opd),
            "opd_name": c.current_opd.name if c.current_opd else None,
            "created_at": serializers.DateTimeField().to_representation(c.created_at),
            "updated_at": serializers.DateTimeField().to_representation(c.updated_at),
            "deadlines": {
                "verification": _iso(c.verification_due),
                "first_response": _iso(c.first_response_due),
                "resolution": _iso(c.resolution_due),
            },
            "escalation_level": c.escalation_level,
            "supporters": c.supporters_count,
            "rating": c.rating,
            "merged_into": c.merged_into.tracking_code if c.merged_into_id else None,
            "reporter_name": (c.reporter_name or None) if access.can_see_reporter else None,
            "reporter_email": (c.reporter_email or None) if access.can_see_contact else None,
            "reporter_phone": (c.reporter_phone or None) if access.can_see_contact else None,
            "assignee": (
                c.assignee.username if c.assignee_id and access.can_see_internal else None
            ),
            "suggested_category": (
                c.suggested_category.code
                if c.suggested_category_id and access.can_see_internal
                else None
            ),
            "suggestion_confidence": (c.suggestion_confidence if access.can_see_internal else None),
            "url": request.build_absolute_uri(url) if request else url,
        }


def _iso(day):
    return day.isoformat() if day else None


class EventSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=Event.Action.choices)
    summary = serializers.CharField()
    by = serializers.ChoiceField(choices=Event.By.choices)
    staff_member = serializers.CharField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    public_text = serializers.CharField()
    is_public = serializers.BooleanField()
    internal_note = serializers.CharField(allow_null=True)

    def to_representation(self, e):
        internal = self.context["access"].can_see_internal
        return {
            "created_at": serializers.DateTimeField().to_representation(e.created_at),
            "action": e.action,
            "summary": str(e.summary()),
            "by": e.by,
            "staff_member": (e.actor_label or None) if internal else None,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "public_text": e.public_text,
            "is_public": e.is_public,
            "internal_note": (e.internal_note or None) if internal else None,
        }


# Action bodies (SPEC §8.1). They check the shape and resolve codes; lifecycle.py checks the rest.


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _text(**kwargs):
    return serializers.CharField(max_length=5000, **kwargs)


class DispatchSerializer(serializers.Serializer):
    opd = serializers.CharField(max_length=20)
    category = category_field()
    desa = desa_field()
    note = _text(required=False, allow_blank=True, default="")

    def validate_opd(self, value):
        # Inactive OPDs are found here and refused by lifecycle.dispatch with its own message.
        opd = Opd.objects.filter(code=value.strip()).first()
        if opd is None:
            raise serializers.ValidationError(_("Unknown OPD code %(code)s.") % {"code": value})
        return opd


class RejectSerializer(serializers.Serializer):
    reason = _text()


class MergeSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=20)

    def validate_into(self, value):
        """The target as the acting verifier may see it (context: `actor`)."""
        try:
            return get_complaint_for(self.context["actor"], value).complaint
        except Http404:
            raise serializers.ValidationError(
                _("No complaint with tracking code %(code)s was found.") % {"code": value}
            ) from None


class RequestInfoSerializer(serializers.Serializer):
    message = _text()


class RespondSerializer(serializers.Serializer):
    message = _text()
    public = serializers.BooleanField(default=True)


class ResolveSerializer(serializers.Serializer):
    resolution = _text()


class ReturnSerializer(serializers.Serializer):
    reason = _text()


class AssignSerializer(serializers.Serializer):
    username = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Choose a colleague.")},
    )


class CommentSerializer(serializers.Serializer):
    message = _text()


SCORE_MESSAGE = _("Give a score from 1 to 5.")


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=1,
        max_value=5,
        error_messages={"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE},
    )
    comment = _text(required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    reason = _text()


class AttachmentUploadSerializer(serializers.Serializer):
    image = serializers.FileField(
        help_text=_("One photo: JPEG, PNG or WebP, judged by its content; EXIF is removed.")
    )

    def validate_image(self, upload):
        try:
            return prepare(upload)
        except PhotoRejected as e:
            raise serializers.ValidationError(str(e)) from e


class AttachmentSerializer(serializers.Serializer):
    id = serializers.CharField(source="token")
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.get_absolute_url())

    def get_thumbnail_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(attachment.thumbnail_url())


class SimilarQuerySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text=_("Title and description so far."))
    category = category_field()
    desa = desa_field()
    latitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)
    longitude = serializers.DecimalField(**LAT_FIELD, coerce_to_string=False)


class RouteSuggestionQuerySerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        help_text=_("The complaint's text; or give `title` and `description`."),
    )
    title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    desa = desa_field(help_text=_("Optional: the OPD then follows the kecamatan's own rules."))

    def validate(self, attrs):
        text = attrs.get("text") or " ".join(
            part for part in (attrs.get("title"), attrs.get("description")) if part
        )
        if not text.strip():
            raise serializers.ValidationError(
                {"text": [_("Write the complaint's text (or its title and description).")]}
            )
        attrs["text"] = text
        return attrs


class SuggestionSerializer(serializers.Serializer):
    category = serializers.CharField(help_text=_("Category code."))
    name = serializers.CharField()
    sector = serializers.CharField(help_text=_("Sector code."))
    sector_name = serializers.CharField()
    opd = serializers.CharField(allow_null=True, help_text=_("OPD code the complaint would go to."))
    opd_name = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField(min_value=0, max_value=1)

    def to_representation(self, suggestion):
        category, confidence, opd = suggestion
        return {
            "category": category.code,
            "name": category.name,
            "sector": category.sector.code,
            "sector_name": category.sector.name,
            "opd": _code(opd),
            "opd_name": opd.name if opd else None,
            "confidence": round(confidence, 3),
        }


class RouteSuggestionSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
