"""Who hears of what (SPEC §7), written as outbox rows inside the caller's transaction.

Rows are rendered here, in the recipient's language, and delivered by `tasks.deliver` after
the transaction commits; a periodic sweep re-queues any row still unsent, so a Redis or SMTP
outage delays a message and never loses it.
"""

import contextlib
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from accounts.models import Role, User

from .models import Complaint, Event, Notification, Privacy, Status

log = logging.getLogger(__name__)

SECRET_TOKEN = "[[access_key]]"  # noqa: S105 - a placeholder, filled in at sending time
MAX_BACKOFF = timezone.timedelta(hours=1)

# Events the reporter hears of; the reporter's own actions are not echoed back to them.
REPORTER_EVENTS = {
    Event.Action.FILED,
    Event.Action.DISPATCHED,
    Event.Action.REJECTED,
    Event.Action.MERGED,
    Event.Action.ACKNOWLEDGED,
    Event.Action.INFO_REQUESTED,
    Event.Action.RESPONDED,
    Event.Action.RESOLVED,
    Event.Action.AUTO_CLOSED,
    Event.Action.EXPIRED,
}
# Reporter activity the handling officers hear of.
REPORTER_ACTIVITY = {
    Event.Action.COMMENTED,
    Event.Action.INFO_PROVIDED,
    Event.Action.REOPENED,
    Event.Action.RATED,
    Event.Action.PHOTO_ADDED,
}


def _url(path):
    return settings.SITE_URL + path


def _write(
    *,
    channel,
    kind,
    language,
    template,
    context,
    complaint=None,
    user=None,
    address="",
    dedupe_key=None,
    secret="",
):
    """Render one notification in `language` and add it to the outbox."""
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"notifications/{template}/subject.txt", context).split()
        )
        body = render_to_string(f"notifications/{template}/body.txt", context)
        html = (
            render_to_string(f"notifications/{template}/body.html", context)
            if channel == Notification.Channel.EMAIL
            else ""
        )
    now = timezone.now()
    in_app = channel == Notification.Channel.IN_APP
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    row = Notification.objects.create(
        channel=channel,
        kind=kind,
        complaint=complaint,
        user=user,
        address=address,
        subject=subject[:200],
        body=body,
        body_html=html,
        dedupe_key=dedupe_key,
        secret=secret,
        next_try_at=None if in_app else now,
        sent_at=now if in_app else None,
    )
    if not in_app:
        transaction.on_commit(lambda: enqueue(row.pk))
    return row


def enqueue(pk):
    """Ask a worker to deliver now; when the broker is down the periodic sweep will."""
    from .tasks import deliver

    try:
        deliver.apply_async((pk,), retry=False)
    except Exception:
        log.warning("broker unavailable; notification %s waits for the sweep", pk)


def _to_reporter(c, kind, context, secret=""):
    plain = {**context, "access_key_token": ""}
    targets = []
    if c.reporter_email:
        # Only the e-mail carries the access key; the other channels never mention it.
        keyed = {**context, "access_key_token": SECRET_TOKEN if secret else ""}
        targets.append(
            (Notification.Channel.EMAIL, keyed, {"address": c.reporter_email, "secret": secret})
        )
    if c.reporter_phone:
        targets.append((Notification.Channel.SMS, plain, {"address": c.reporter_phone}))
    if c.reporter_id:
        targets.append((Notification.Channel.IN_APP, plain, {"user": c.reporter}))
    for channel, ctx, recipient in targets:
        _write(
            channel=channel,
            kind=kind,
            language=c.language or "id",
            template="reporter_update",
            context=ctx,
            complaint=c,
            **recipient,
        )


def _to_staff(users, *, kind, template, context, complaint=None, email=True, dedupe=None):
    for user in users:
        key = f"{dedupe}:{user.pk}" if dedupe else None
        channels = [(Notification.Channel.IN_APP, "", "app")]
        if email and user.email:
            channels.append((Notification.Channel.EMAIL, user.email, "mail"))
        for channel, address, suffix in channels:
            _write(
                channel=channel,
                kind=kind,
                language=user.language,
                template=template,
                context={**context, "recipient": user},
                complaint=complaint,
                user=user,
                address=address,
                dedupe_key=f"{key}:{suffix}" if key else None,
            )


def staff_of(opd, roles=(Role.OPD_OFFICER, Role.OPD_HEAD)):
    """Active users who work for `opd` in one of `roles` (camat offices for their office)."""
    q = Q(role_grants__opd=opd, role_grants__role__in=roles)
    if opd.kecamatan_id:
        # A kecamatan office's staff hold the camat role: its officers and its head.
        q |= Q(role_grants__role=Role.CAMAT, role_grants__kecamatan_id=opd.kecamatan_id)
    return User.objects.filter(q, is_active=True).distinct()


def users_with(role):
    return User.objects.filter(role_grants__role=role, is_active=True).distinct()


def complaint_filed(c, access_key):
    """The confirmation to the reporter, with the tracking code and, once, the access key."""
    context = {
        "complaint": c,
        "action": Event.Action.FILED,
        "url": _url(c.get_absolute_url()),
    }
    _to_reporter(c, "filed", context, secret=access_key)


def for_event(c, event):
    """Notifications caused by one timeline event (called by the lifecycle)."""
    action = event.action
    staff_url = _url(reverse("staff:detail", args=[c.tracking_code]))
    context = {
        "complaint": c,
        "event": event,
        "action": action,
        "url": _url(c.get_absolute_url()),
        "staff_url": staff_url,
    }
    if action in REPORTER_EVENTS and event.is_public:
        _to_reporter(c, f"status:{action}", context)
    if action == Event.Action.DISPATCHED and c.current_opd:
        _to_staff(
            staff_of(c.current_opd),
            kind="new_dispatch",
            template="staff_update",
            context=context,
            complaint=c,
        )
    elif action == Event.Action.ASSIGNED and c.assignee:
        _to_staff(
            [c.assignee], kind="assigned", template="staff_update", context=context, complaint=c
        )
    elif action == Event.Action.RETURNED:
        _to_staff(
            users_with(Role.VERIFIER),
            kind="returned",
            template="staff_update",
            context=context,
            complaint=c,
            email=False,
        )
    elif action in REPORTER_ACTIVITY and event.by == Event.By.REPORTER and c.current_opd:
        people = [c.assignee] if c.assignee else staff_of(c.current_opd, (Role.OPD_OFFICER,))
        _to_staff(
            people,
            kind="reporter_activity",
            template="staff_update",
            context=context,
            complaint=c,
            email=action != Event.Action.RATED,
        )


def deadline_step(c, *, deadline, step, due):
    """Who hears of a deadline step (SPEC §5): officers, then the head, then leadership."""
    if step == "reminder":
        if deadline == "verification":
            people = users_with(Role.VERIFIER)
        elif c.assignee:
            people = [c.assignee]
        else:
            people = staff_of(c.current_opd, (Role.OPD_OFFICER,))
    elif step == "level1":
        people = (
            users_with(Role.VERIFIER)
            if deadline == "verification"
            else staff_of(c.current_opd, (Role.OPD_HEAD,))
        )
    else:
        people = users_with(Role.LEADERSHIP)
    context = {
        "complaint": c,
        "deadline": deadline,
        "step": step,
        "due": due,
        "staff_url": _url(reverse("staff:detail", args=[c.tracking_code])),
    }
    _to_staff(
        people,
        kind=f"deadline:{step}",
        template="deadline",
        context=context,
        complaint=c,
        email=step != "level3",
        dedupe=f"deadline:{c.pk}:{deadline}:{step}:{due.isoformat()}",
    )


def camat_digest(day):
    """One mail per camat office user with the complaints filed in their kecamatan on `day`."""
    sent = 0
    for user in users_with(Role.CAMAT):
        kecamatan_ids = user.role_grants.filter(role=Role.CAMAT).values_list("kecamatan_id")
        rows = list(
            Complaint.objects.filter(kecamatan_id__in=kecamatan_ids, created_at__date=day)
            .exclude(privacy=Privacy.CONFIDENTIAL)
            .exclude(status__in=[Status.REJECTED, Status.MERGED])
            .select_related("desa", "category")
            .order_by("created_at")
        )
        if not rows or not user.email:
            continue
        context = {
            "recipient": user,
            "day": day,
            "complaints": rows,
            "queue_url": _url(reverse("staff:camat")),
        }
        if _write(
            channel=Notification.Channel.EMAIL,
            kind="digest",
            language=user.language,
            template="digest",
            context=context,
            user=user,
            address=user.email,
            dedupe_key=f"digest:{user.pk}:{day.isoformat()}",
        ):
            sent += 1
    return sent


# Delivery -----------------------------------------------------------------------------------


class LoggingSmsBackend:
    """Writes SMS/WhatsApp messages to the log; a gateway backend replaces it in production."""

    def send(self, to, text):
        log.info("SMS to %s: %s", to, text)


_mail = {"connection": None}


def _mail_connection():
    """One open SMTP connection per worker process, reused from mail to mail."""
    if _mail["connection"] is None:
        _mail["connection"] = get_connection()
        _mail["connection"].open()
    return _mail["connection"]


def _drop_mail_connection():
    connection, _mail["connection"] = _mail["connection"], None
    if connection is not None:
        with contextlib.suppress(Exception):  # it is being thrown away
            connection.close()


def sms_backend():
    return import_string(settings.PORTAL_SMS_BACKEND)()


def claim(pk):
    """Take the row for this worker if it is due and unsent; False when someone else has it."""
    now = timezone.now()
    lease = timezone.timedelta(seconds=settings.PORTAL_NOTIFICATION_LEASE_SECONDS)
    return bool(
        Notification.objects.filter(pk=pk, sent_at=None, next_try_at__lte=now).update(
            next_try_at=now + lease
        )
    )


def send(pk):
    """Deliver one claimed notification; mark it sent, or schedule the next try."""
    n = Notification.objects.get(pk=pk)
    try:
        if n.channel == Notification.Channel.EMAIL:
            body = n.body.replace(SECRET_TOKEN, n.secret)
            html = n.body_html.replace(SECRET_TOKEN, n.secret)
            message = EmailMultiAlternatives(
                n.subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [n.address],
                headers={"Message-ID": f"<notification-{n.pk}@badung-portal>"},
                connection=_mail_connection(),
            )
            if html:
                message.attach_alternative(html, "text/html")
            try:
                message.send()
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                # The kept connection went stale while idle: one more try on a fresh one.
                _drop_mail_connection()
                message.connection = _mail_connection()
                message.send()
        elif n.channel == Notification.Channel.SMS:
            sms_backend().send(n.address, n.body)
    except Exception as e:
        _drop_mail_connection()  # a broken connection is opened afresh for the next mail
        attempts = n.attempts + 1
        delay = min(MAX_BACKOFF, timezone.timedelta(seconds=30 * 2 ** min(attempts, 10)))
        Notification.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1,
            next_try_at=timezone.now() + delay,
            last_error=f"{type(e).__name__}: {e}"[:1000],
        )
        log.warning("notification %s failed (attempt %s): %s", pk, attempts, e)
        return False
    Notification.objects.filter(pk=pk).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, secret="", last_error=""
    )
    return True


def due_pks(limit=1000):
    """Unsent notifications whose time has come (new, failed earlier, or a dead worker's)."""
    return list(
        Notification.objects.filter(sent_at=None, next_try_at__lte=timezone.now())
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
