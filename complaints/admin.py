from django.contrib import admin

from .models import Attachment, Complaint, Escalation, Event, Notification, ResponseTemplate


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
