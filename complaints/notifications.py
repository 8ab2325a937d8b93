"""Who hears of what (SPEC §7), written as outbox rows inside the caller's transaction.

Rows are rendered here, in the recipient's language, and delivered by `tasks.deliver` after
the transaction commits; a periodic sweep re-queues any row still unsent, so a Redis or SMTP
outage delays a message and never loses it.
"""

import contextlib
import contextvars
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
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


def _render(template, language, context, html):
    """(subject, text body, HTML body or "") of one notification in `language`."""
    with translation.override(language):
        subject = " ".join(
            render_to_string(f"notifications/{template}/subject.txt", context).split()
        )
        body = render_to_string(f"notifications/{template}/body.txt", context)
        body_html = render_to_string(f"notifications/{template}/body.html", context) if html else ""
    return subject[:200], body, body_html


# Rows written inside `batch()` wait here and are added in one statement at its end.
_pending = contextvars.ContextVar("pending_notifications", default=None)


@contextlib.contextmanager
def batch():
    """Write the notifications made inside in one INSERT and nudge delivery once (the sweep
    writes thousands); people looked up for them are looked up once."""
    if _pending.get() is not None:  # already inside a batch
        yield
        return
    pending = {"rows": [], "people": {}}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    rows = pending["rows"]
    if rows:
        Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if any(row.channel != Notification.Channel.IN_APP for row in rows):
            transaction.on_commit(nudge)


def _people(key, find):
    """Recipients by `key`, looked up once per batch."""
    pending = _pending.get()
    if pending is None:
        return list(find())
    if key not in pending["people"]:
        pending["people"][key] = list(find())
    return pending["people"][key]


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
    rendered=None,
):
    """Render one notification in `language` (unless given `rendered`) and add it to the
    outbox."""
    is_email = channel == Notification.Channel.EMAIL
    subject, body, html = rendered or _render(template, language, context, html=is_email)
    now = timezone.now()
    in_app = channel == Notification.Channel.IN_APP
    row = Notification(
        channel=channel,
        kind=kind,
        complaint=complaint,
        user=user,
        address=address,
        subject=subject,
        body=body,
        body_html=html if is_email else "",
        dedupe_key=dedupe_key,
        secret=secret,
        next_try_at=None if in_app else now,
        sent_at=now if in_app else None,
    )
    pending = _pending.get()
    if pending is not None:
        pending["rows"].append(row)  # a unique dedupe_key skips the row at the bulk insert
        return row
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    row.save()
    if not in_app:
        transaction.on_commit(lambda: enqueue(row.pk))
    return row


def nudge():
    """Ask a worker to send every due notification (after a batch was written)."""
    from .tasks import deliver_due

    try:
        deliver_due.apply_async(retry=False)
    except Exception:
        log.warning("broker unavailable; notifications wait for the periodic sweep")


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
    texts = {}  # the text does not depend on the recipient: render once per language
    for user in users:
        key = f"{dedupe}:{user.pk}" if dedupe else None
        channels = [(Notification.Channel.IN_APP, "", "app")]
        if email and user.email:
            channels.append((Notification.Channel.EMAIL, user.email, "mail"))
        for channel, address, suffix in channels:
            language = user.language
            if language not in texts:
                texts[language] = _render(template, language, context, html=email)
            _write(
                channel=channel,
                kind=kind,
                language=language,
                template=template,
                context=context,
                complaint=complaint,
                user=user,
                address=address,
                dedupe_key=f"{key}:{suffix}" if key else None,
                rendered=texts[language],
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
            people = _people(Role.VERIFIER, lambda: users_with(Role.VERIFIER))
        elif c.assignee:
            people = [c.assignee]
        else:
            people = _people(
                (c.current_opd_id, Role.OPD_OFFICER),
                lambda: staff_of(c.current_opd, (Role.OPD_OFFICER,)),
            )
    elif step == "level1":
        people = (
            _people(Role.VERIFIER, lambda: users_with(Role.VERIFIER))
            if deadline == "verification"
            else _people(
                (c.current_opd_id, Role.OPD_HEAD),
                lambda: staff_of(c.current_opd, (Role.OPD_HEAD,)),
            )
        )
    else:
        people = _people(Role.LEADERSHIP, lambda: users_with(Role.LEADERSHIP))
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


def claim_due(limit=100):
    """Claim up to `limit` due notifications for this worker in one statement; [pks].

    Rows another worker is claiming are skipped, not waited for, so workers share the outbox.
    """
    now = timezone.now()
    lease_until = now + timezone.timedelta(seconds=settings.PORTAL_NOTIFICATION_LEASE_SECONDS)
    if connection.vendor != "postgresql":
        return [pk for pk in due_pks(limit) if claim(pk)]
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE complaints_notification SET next_try_at = %s
               WHERE id IN (SELECT id FROM complaints_notification
                            WHERE sent_at IS NULL AND next_try_at <= %s
                            ORDER BY next_try_at LIMIT %s FOR UPDATE SKIP LOCKED)
               RETURNING id""",
            [lease_until, now, limit],
        )
        return [row[0] for row in cursor]


def send(pk):
    """Deliver one claimed notification; mark it sent, or schedule the next try."""
    return send_many([pk]) == 1


def send_many(pks):
    """Deliver claimed notifications over one kept connection; return how many were sent."""
    sent = []
    for n in Notification.objects.filter(pk__in=pks).order_by("pk"):
        if _deliver(n):
            sent.append(n.pk)
    if sent:
        Notification.objects.filter(pk__in=sent).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, secret="", last_error=""
        )
    return len(sent)


def _deliver(n):
    """Hand one notification to its channel; on failure record it and back off."""
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
        Notification.objects.filter(pk=n.pk).update(
            attempts=F("attempts") + 1,
            next_try_at=timezone.now() + delay,
            last_error=f"{type(e).__name__}: {e}"[:1000],
        )
        log.warning("notification %s failed (attempt %s): %s", n.pk, attempts, e)
        return False
    return True


def due_pks(limit=1000):
    """Unsent notifications whose time has come (new, failed earlier, or a dead worker's)."""
    return list(
        Notification.objects.filter(sent_at=None, next_try_at__lte=timezone.now())
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
