"""Reads built on the scoping of access.py: timelines, staff queues, counts."""

import re

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone

from opd.models import Desa

from .access import complaints_for, public_complaints
from .models import OPEN_STATUSES, Event
from .models import Status as S

QUEUE_RELATED = (
    "category",
    "sector",
    "desa",
    "kecamatan",
    "current_opd",
    "suggested_opd",
    "suggested_category",
    "assignee",
)
STATUS_COUNTS_SECONDS = 60
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
    # The related rows come in one small query each for the page's rows: joining eight tables
    # before the sort made PostgreSQL plan and scan more than the page needs.
    return with_overdue(complaints_for(actor).prefetch_related(*QUEUE_RELATED))


def search(queryset, text):
    """Full-text search over title and description (PostgreSQL), or a plain match elsewhere."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Matches the expression of the GIN index of migration 0006.
        vector = SearchVector("title", "description", config="simple")
        return queryset.alias(search=vector).filter(
            search=SearchQuery(text, config="simple", search_type="websearch")
        )
    query = Q()
    for word in text.split():
        query &= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(query)


def status_counts(actor):
    """How many of the actor's complaints are in each status (a minute old at most)."""
    key = "status-counts:" + ":".join(
        ",".join(sorted(map(str, part)))
        for part in (
            actor.roles,
            actor.opd_ids,
            actor.kecamatan_ids,
            [actor.user.pk if actor.user else ""],
        )
    )
    counts = cache.get(key)
    if counts is None:
        # Over a whole regency's history this counts every row in scope: keep it a minute.
        rows = complaints_for(actor).order_by().values("status").annotate(n=Count("pk"))
        counts = {row["status"]: row["n"] for row in rows}
        cache.set(key, counts, STATUS_COUNTS_SECONDS)
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


WORD_RE = re.compile(r"[a-z0-9]{3,}")
# Words too common in complaints to tell two apart (Indonesian and English).
STOPWORDS = {
    "yang",
    "dan",
    "di",
    "ke",
    "dari",
    "ini",
    "itu",
    "ada",
    "sudah",
    "belum",
    "tidak",
    "mohon",
    "kami",
    "saya",
    "untuk",
    "dengan",
    "sejak",
    "sangat",
    "karena",
    "jalan",
    "the",
    "and",
    "for",
    "with",
    "this",
    "that",
    "there",
    "has",
    "have",
    "been",
    "please",
    "not",
    "are",
}
NEARBY_DEGREES = 0.005  # about 550 m at Bali's latitude
MIN_OVERLAP = 0.1  # share of distinct words two texts have in common


def _words(text):
    return {w for w in WORD_RE.findall((text or "").lower()) if w not in STOPWORDS}


def similar_open(*, text, category=None, desa=None, latitude=None, longitude=None, limit=5):
    """Open public complaints in the same desa or within a few hundred metres, most alike first."""
    place = Q()
    if desa is not None:
        place |= Q(desa=desa)
    if latitude is not None and longitude is not None:
        lat, lon = float(latitude), float(longitude)
        place |= Q(
            latitude__range=(lat - NEARBY_DEGREES, lat + NEARBY_DEGREES),
            longitude__range=(lon - NEARBY_DEGREES, lon + NEARBY_DEGREES),
        )
    if not place:
        return []
    candidates = (
        public_complaints()
        .filter(place, status__in=[S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED])
        .select_related("desa", "category")
        .order_by("-created_at")[:200]
    )
    words = _words(text)
    scored = []
    for c in candidates:
        theirs = _words(f"{c.title} {c.description}")
        overlap = len(words & theirs) / len(words | theirs) if words and theirs else 0.0
        if overlap < MIN_OVERLAP:
            continue  # "with similar text" (SPEC §6): the category alone is not enough
        same_category = category is not None and c.category_id == category.pk
        score = overlap + (0.3 if same_category else 0.0)
        if score >= 0.3:
            scored.append((score, c))
    scored.sort(key=lambda pair: -pair[0])
    return [c for _score, c in scored[:limit]]


def map_points(filters, limit=2000):
    """Public open complaints with a place, as plain rows for the public map."""
    rows = (
        filters.qs.filter(status__in=[S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED, S.RESOLVED])
        .order_by("-created_at")
        .values(
            "tracking_code",
            "title",
            "status",
            "latitude",
            "longitude",
            "desa__latitude",
            "desa__longitude",
            "desa__name",
            "category__name_id",
            "category__name_en",
        )[:limit]
    )
    return list(rows)
