"""Celery tasks: each takes ids, loads, calls one domain function, and is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import deadlines, notifications, stats


@shared_task(acks_late=True, ignore_result=True)
def deliver(pk):
    """Deliver one notification, unless it is sent or another worker holds it."""
    if notifications.claim(pk):
        notifications.send(pk)


@shared_task(ignore_result=True)
def deliver_due(batch=100):
    """Send every notification still waiting: new while the broker was down, written in bulk
    by the sweep, failed earlier, or lost. Workers running it at once share the rows."""
    sent = 0
    while pks := notifications.claim_due(batch):
        sent += notifications.send_many(pks)
    return sent


@shared_task(ignore_result=True)
def sweep_deadlines():
    """Reminders, escalations, auto-close and expiry that are due today (SPEC §4, §5)."""
    return deadlines.sweep()


@shared_task(ignore_result=True)
def send_camat_digest():
    """Yesterday's new complaints, one mail per camat office user."""
    return notifications.camat_digest(timezone.localdate() - datetime.timedelta(days=1))


@shared_task(ignore_result=True)
def refresh_stats(full=False):
    """Sum newly closed complaints into the dashboard rollups (complaints/stats.py)."""
    return stats.refresh_rollups(full=full)
