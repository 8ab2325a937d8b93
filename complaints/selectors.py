"""Reads built on the scoping of access.py: timelines, staff queues, counts."""

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone

from opd.models import Desa

from .access import complaints_for
from .models import OPEN_STATUSES, Event
from .models import Status as S

QUEUE_RELATED = (
    "category",
    "sector",
    "desa",
    "kecamatan",
    "current_opd",
    "suggested_opd",
    "assignee",
)
SORTS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "due": ("resolution_due", "first_response_due", "verification_due", "created_at"),
    "escalation": ("-escalation_level", "created_at"),
    "updated": ("-updated_at",),
}


def timeline_for(access):
    """The events `access` may read: staff in scope see all, others the public ones."""
    events = Event.objects.filter(complaint=access.complaint).select_related("opd")
    if not access.can_see_internal:
        events = events.filter(is_public=True)
    events = list(events.order_by("created_at", "pk"))
    for event in events:
        event.complaint = access.complaint  # summaries read it; no query per event
    return events


def overdue_q(today=None):
    """Open complaints past the deadline that applies to their status (SPEC §5)."""
    today = today or timezone.localdate()
    return (
        Q(status=S.SUBMITTED, verification_due__lt=today)
        | Q(status=S.DISPATCHED, first_response_due__lt=today)
        | Q(status__in=[S.DISPATCHED, S.IN_PROGRESS], resolution_due__lt=today)
    )


def with_overdue(queryset):
    return queryset.annotate(is_overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()))


def queue_for(actor):
    """The actor's scoped complaints, ready for a queue page or export."""
    return with_overdue(complaints_for(actor).select_related(*QUEUE_RELATED))


def search(queryset, text):
    """Full-text search over title and description (PostgreSQL), or a plain match elsewhere."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "description", config="simple")
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(text, config="simple", search_type="websearch")
        )
    query = Q()
    for word in text.split():
        query &= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(query)


def status_counts(actor):
    """How many of the actor's complaints are in each status."""
    rows = complaints_for(actor).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    return [(status, counts.get(status.value, 0)) for status in S]


def desa_counts(actor, kecamatan_ids):
    """Open and overdue complaints per desa of the given kecamatan, zero rows included."""
    scoped = complaints_for(actor).filter(kecamatan_id__in=kecamatan_ids, status__in=OPEN_STATUSES)
    rows = (
        scoped.order_by()
        .values("desa_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q()))
    )
    by_desa = {row["desa_id"]: row for row in rows}
    result = []
    for desa in Desa.objects.filter(kecamatan_id__in=kecamatan_ids).select_related("kecamatan"):
        row = by_desa.get(desa.pk, {})
        result.append((desa, row.get("open", 0), row.get("overdue", 0)))
    return result
