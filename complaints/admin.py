import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import intake
from .models import (
    Attachment,
    Complaint,
    Escalation,
    Event,
    IntakeMessage,
    IntakeSource,
    Notification,
    Open311Client,
    ResponseTemplate,
    digest_key,
)


class EventInline(admin.TabularInline):
    """The timeline, read-only: events are appended by the lifecycle, never edited."""

    model = Event
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "action",
        "by",
        "actor_label",
        "opd",
        "from_status",
        "to_status",
        "is_public",
        "public_text",
        "internal_note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["image", "thumbnail", "is_resolution", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """For system admins; staff work in the dashboard, where the lifecycle rules apply."""

    list_display = [
        "tracking_code",
        "title",
        "status",
        "category",
        "kecamatan",
        "current_opd",
        "privacy",
        "channel",
        "created_at",
    ]
    list_filter = ["status", "privacy", "channel", "kind", "sector", "kecamatan", "current_opd"]
    search_fields = ["tracking_code", "title", "reporter_name", "reporter_email"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "kecamatan", "current_opd"]
    raw_id_fields = ["reporter", "assignee", "merged_into", "desa"]
    # Status, OPD and deadlines change only through the lifecycle (complaints/lifecycle.py).
    readonly_fields = [
        "tracking_code",
        "status",
        "current_opd",
        "suggested_opd",
        "assignee",
        "merged_into",
        "created_at",
        "updated_at",
        "dispatched_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "paused_at",
        "verification_due",
        "first_response_due",
        "resolution_due",
        "escalation_level",
        "supporters_count",
        "rating",
        "rating_comment",
        "channel",
    ]
    inlines = [EventInline, AttachmentInline]

    def has_add_permission(self, request):
        return False


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "opd", "is_active"]
    list_filter = ["opd", "is_active"]
    search_fields = ["title", "body"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for operations: what waits, what failed and why."""

    list_display = ["created_at", "channel", "kind", "address", "user", "attempts", "sent_at"]
    list_filter = ["channel", "kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["address", "subject", "complaint__tracking_code"]
    raw_id_fields = ["complaint", "user"]
    exclude = ["secret"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "secret"]

    def has_add_permission(self, request):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["complaint", "deadline", "step", "due", "created_at"]
    list_filter = ["deadline", "step"]
    search_fields = ["complaint__tracking_code"]
    raw_id_fields = ["complaint"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IntakeSourceForm(forms.ModelForm):
    channel = forms.ChoiceField(
        label=gettext_lazy("channel"), choices=[(c.value, c.label) for c in intake.SOURCE_CHANNELS]
    )

    class Meta:
        model = IntakeSource
        fields = ["name", "channel", "is_active"]


def _show_once(request, text, secret):
    """Tell the admin a new secret; it is never displayed again (only the source keeps it)."""
    messages.warning(request, format_html("{} <code>{}</code>", text, secret))


@admin.register(IntakeSource)
class IntakeSourceAdmin(admin.ModelAdmin):
    """Sources of the intake webhook; a new source gets its secret, shown once (SPEC §8.2)."""

    form = IntakeSourceForm
    list_display = ["name", "channel", "is_active", "created_at"]
    list_filter = ["channel", "is_active"]
    search_fields = ["name"]
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        secret = None
        if not change:
            secret = obj.secret = intake.new_secret()
        super().save_model(request, obj, form, change)
        if secret:
            _show_once(
                request,
                _("Secret of %(name)s, shown only this once — give it to the source's operator:")
                % {"name": obj.name},
                secret,
            )

    @admin.action(description=gettext_lazy("Issue a new secret (the old one stops working)"))
    def rotate_secret(self, request, queryset):
        for source in queryset:
            _source, secret = intake.intake_source_rotate(source)
            _show_once(
                request,
                _("New secret of %(name)s, shown only this once:") % {"name": source.name},
                secret,
            )


@admin.register(IntakeMessage)
class IntakeMessageAdmin(admin.ModelAdmin):
    """The webhook's idempotency ledger: which message became which complaint."""

    list_display = ["received_at", "source", "message_id", "complaint"]
    list_filter = ["source"]
    search_fields = ["message_id", "complaint__tracking_code"]
    list_select_related = ["source", "complaint"]
    readonly_fields = ["source", "message_id", "complaint", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def new_api_key():
    return secrets.token_urlsafe(32)  # 256 bits


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Open311 clients allowed to POST requests; only a digest of the api_key is stored."""

    list_display = ["name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = ["name", "is_active"]
    actions = ["rotate_api_key"]

    def save_model(self, request, obj, form, change):
        api_key = None
        if not change:
            api_key = new_api_key()
            obj.api_key_digest = digest_key(api_key)
        super().save_model(request, obj, form, change)
        if api_key:
            _show_once(
                request,
                _("api_key of %(name)s, shown only this once — give it to the client's operator:")
                % {"name": obj.name},
                api_key,
            )

    @admin.action(description=gettext_lazy("Issue a new api_key (the old one stops working)"))
    def rotate_api_key(self, request, queryset):
        for client in queryset:
            api_key = new_api_key()
            Open311Client.objects.filter(pk=client.pk).update(api_key_digest=digest_key(api_key))
            _show_once(
                request,
                _("New api_key of %(name)s, shown only this once:") % {"name": client.name},
                api_key,
            )
