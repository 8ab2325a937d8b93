"""Reads built on the scoping of access.py."""

from .models import Event


def timeline_for(access):
    """The events `access` may read: staff in scope see all, others the public ones."""
    events = Event.objects.filter(complaint=access.complaint).select_related("opd")
    if not access.can_see_internal:
        events = events.filter(is_public=True)
    events = list(events.order_by("created_at", "pk"))
    for event in events:
        event.complaint = access.complaint  # summaries read it; no query per event
    return events
