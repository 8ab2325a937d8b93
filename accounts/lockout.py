"""Log-in lockout: too many failed passwords for one username from one client address (SPEC §9).

Failures are rows (`LoginAttempt`), not cache entries: the count survives a Redis outage and a
restart, and the admin can read who tried what. A username is locked for a client address after
`LOGIN_LOCKOUT_ATTEMPTS` failures within `LOGIN_LOCKOUT_MINUTES` (a success clears the count);
a client address trying many usernames is locked after `LOGIN_LOCKOUT_IP_ATTEMPTS` failures.
While locked the password is not even checked, and the refused tries are not counted: the lock
ends when the window has passed, whatever an attacker keeps sending.
"""

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from .models import AuditEntry, LoginAttempt

# Attempt rows older than this are deleted as new failures for the same name come in.
KEEP_DAYS = 90


def _window():
    return datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def normalise(username):
    return (username or "").strip().lower()[:150]


def client_ip(request):
    """The client address as the throttles see it (REMOTE_ADDR, or the proxy's header)."""
    if request is None:
        return ""
    return (BaseThrottle().get_ident(request) or "")[:64]


def channel_of(request):
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def locked_until(username, ip, *, now=None):
    """When the lock on (username, ip) ends, or None when not locked."""
    now = now or timezone.now()
    since = now - _window()
    username = normalise(username)
    tries = LoginAttempt.objects.filter(username=username, ip=ip, at__gte=since)
    last_success = tries.filter(succeeded=True).aggregate(at=Max("at"))["at"]
    failures = tries.filter(succeeded=False)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    limit = settings.LOGIN_LOCKOUT_ATTEMPTS
    recent = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    ends = []
    if len(recent) >= limit:
        ends.append(recent[-1] + _window())
    ip_limit = settings.LOGIN_LOCKOUT_IP_ATTEMPTS
    if ip:
        from_ip = LoginAttempt.objects.filter(ip=ip, succeeded=False, at__gte=since)
        recent_ip = list(from_ip.order_by("-at").values_list("at", flat=True)[:ip_limit])
        if len(recent_ip) >= ip_limit:
            ends.append(recent_ip[-1] + _window())
    return max(ends) if ends else None


def record(username, request, *, succeeded, now=None):
    """Note one password check; the failure that reaches the limit writes an audit entry."""
    now = now or timezone.now()
    username, ip = normalise(username), client_ip(request)
    LoginAttempt.objects.create(
        username=username, ip=ip, succeeded=succeeded, channel=channel_of(request), at=now
    )
    if succeeded:
        return
    LoginAttempt.objects.filter(
        username=username, at__lt=now - datetime.timedelta(days=KEEP_DAYS)
    ).delete()
    until = locked_until(username, ip, now=now)
    if until is not None:
        AuditEntry.objects.create(
            action=AuditEntry.Action.LOGIN_LOCKED,
            subject=username,
            ip=ip,
            detail={"until": until.isoformat(), "channel": channel_of(request)},
            at=now,
        )


def lockout_message(until):
    """The translated explanation shown instead of the log-in form's usual error."""
    return _(
        "Too many failed log-in attempts for this account from your connection. "
        "You can try again after %(time)s, or reset your password."
    ) % {"time": timezone.localtime(until).strftime("%H:%M")}
