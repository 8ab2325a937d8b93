"""The one place that changes a complaint (SPEC §4).

Every action is a keyword-only function that locks the row, checks the move against
`MOVES`, changes status, OPD, assignee and due dates, and appends an `Event`.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, RoleGrant
from accounts.roles import SYSTEM as SYSTEM_ACTOR
from opd import calendar
from opd.routing import opd_for

from . import deadlines, notifications, router
from .models import (
    FINAL_STATUSES,
    Attachment,
    CategoryCorrection,
    Channel,
    Complaint,
    Event,
    Privacy,
    Supporter,
    digest_key,
)
from .models import Status as S
from .photos import MAX_PER_COMPLAINT as MAX_PHOTOS

log = logging.getLogger(__name__)

REPORTER = "reporter"  # whoever holds the access key or filed while logged in
SYSTEM = "system"  # periodic jobs (auto-close, expiry)
OPD_STAFF = {Role.OPD_OFFICER, Role.OPD_HEAD, Role.CAMAT}

MOVES = {  # action: (from, to (None: unchanged), roles)
    "dispatch": ({S.SUBMITTED}, S.DISPATCHED, {Role.VERIFIER, SYSTEM}),
    "reject": ({S.SUBMITTED}, S.REJECTED, {Role.VERIFIER}),
    "merge": ({S.SUBMITTED}, S.MERGED, {Role.VERIFIER}),
    "acknowledge": ({S.DISPATCHED}, S.IN_PROGRESS, OPD_STAFF),
    "respond": ({S.DISPATCHED, S.IN_PROGRESS}, S.IN_PROGRESS, OPD_STAFF),
    "request_info": ({S.DISPATCHED, S.IN_PROGRESS}, S.INFO_REQUESTED, OPD_STAFF),
    "resolve": ({S.IN_PROGRESS}, S.RESOLVED, OPD_STAFF),
    "return": ({S.DISPATCHED}, S.SUBMITTED, OPD_STAFF),
    "assign": ({S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED}, None, OPD_STAFF),
    "note": (
        {S.SUBMITTED, S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED, S.RESOLVED},
        None,
        {Role.VERIFIER, *OPD_STAFF},
    ),
    "comment": ({S.SUBMITTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED}, None, {REPORTER}),
    "provide_info": ({S.INFO_REQUESTED}, S.IN_PROGRESS, {REPORTER}),
    "rate": ({S.RESOLVED}, S.CLOSED, {REPORTER}),
    "reopen": ({S.RESOLVED}, S.IN_PROGRESS, {REPORTER}),
    "auto_close": ({S.RESOLVED}, S.CLOSED, {SYSTEM}),
    "attach_photo": (
        {S.SUBMITTED, S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED, S.RESOLVED},
        None,
        {REPORTER, *OPD_STAFF},
    ),
    "expire_info_request": ({S.INFO_REQUESTED}, S.REJECTED, {SYSTEM}),
}

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud
TRACKING_LENGTH = 6


class LifecycleError(Exception):
    status_code = 400
    default_message = gettext_lazy("This action cannot be done.")

    def __init__(self, message=None, field=None):
        self.message = str(message or self.default_message)
        self.field = field
        super().__init__(self.message)


class IllegalMove(LifecycleError):
    status_code = 409


class NotAllowed(LifecycleError):
    status_code = 403
    default_message = gettext_lazy("You may not do this with this complaint.")


class InvalidInput(LifecycleError):
    status_code = 400


# Reading helpers ---------------------------------------------------------------------------


def roles_on(complaint, actor):
    """The roles `actor` holds with respect to this complaint (per object, SPEC §1)."""
    roles = set()
    if actor.is_system:
        roles.add(SYSTEM)
    if actor.is_reporter_of(complaint):
        roles.add(REPORTER)
    if Role.VERIFIER in actor.roles:
        roles.add(Role.VERIFIER)
    handles = actor.works_for(complaint.current_opd_id) or (
        actor.user is not None and complaint.assignee_id == actor.user.pk
    )
    if handles:
        roles |= actor.roles & OPD_STAFF
    return roles


def allowed_actions(complaint, actor):
    """Names of the actions `actor` may take on `complaint` now."""
    mine = roles_on(complaint, actor)
    return {
        name
        for name, (sources, _to, roles) in MOVES.items()
        if complaint.status in sources and mine & roles
    }


# Internals ---------------------------------------------------------------------------------


def _locked(complaint):
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def ensure_may(action, complaint, actor):
    """Raise NotAllowed unless `actor` holds a role that may take `action` on this complaint."""
    if not roles_on(complaint, actor) & MOVES[action][2]:
        raise NotAllowed()


def _check(action, c, actor):
    sources = MOVES[action][0]
    ensure_may(action, c, actor)
    if c.status not in sources:
        raise IllegalMove(
            _("A complaint that is “%(status)s” cannot be changed this way (%(action)s).")
            % {"status": S(c.status).label, "action": action.replace("_", " ")}
        )


def _require(value, field, message):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    return value


def _today():
    return timezone.localdate()


def _actor_role(c, actor):
    if actor.is_system:
        return Event.By.SYSTEM
    if actor.is_staff_member and roles_on(c, actor) - {REPORTER}:
        return Event.By.STAFF
    return Event.By.REPORTER


def _move(
    c,
    to,
    *,
    actor,
    action,
    public_text="",
    internal_note="",
    is_public=True,
    now=None,
    event_opd=None,
    by=None,
):
    """Save the complaint's new state, append its event and write its notifications."""
    now = now or timezone.now()
    from_status = c.status
    by = by or _actor_role(c, actor)
    if to is not None:
        c.status = to
    c.updated_at = now
    deadlines.schedule(c)
    c.save()
    event = Event.objects.create(
        complaint=c,
        action=action,
        actor=actor.user,
        by=by,
        actor_label=actor.label if by == Event.By.STAFF else "",
        opd=event_opd or c.current_opd,
        from_status=from_status,
        to_status=c.status,
        is_public=is_public,
        public_text=public_text,
        internal_note=internal_note,
        created_at=now,
    )
    notifications.for_event(c, event)
    return c


def _set_handling_deadlines(c, start):
    c.first_response_due = calendar.add_working_days(start, settings.PORTAL_FIRST_RESPONSE_DAYS)
    days = c.category.target_working_days if c.category else settings.PORTAL_DEFAULT_RESOLUTION_DAYS
    cap = start + datetime.timedelta(days=settings.PORTAL_MAX_RESOLUTION_CALENDAR_DAYS)
    c.resolution_due = min(calendar.add_working_days(start, days), cap)


def _suggestion(title, description):
    """The router's likeliest category for the text and its confidence, or (None, None)."""
    try:
        top = router.suggest(router.complaint_text(title, description), k=1)
    except Exception:
        # A broken model must never cost a complaint: file it without a suggestion.
        log.exception("the category router failed; filing without a suggestion")
        return None, None
    return top[0] if top else (None, None)


def _new_tracking_code():
    return "BDG-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


# Actions -----------------------------------------------------------------------------------


def file_complaint(
    *,
    actor,
    title,
    description,
    channel=Channel.WEB,
    kind="complaint",
    category=None,
    desa=None,
    latitude=None,
    longitude=None,
    address_detail="",
    privacy=Privacy.PUBLIC,
    reporter_name="",
    reporter_email="",
    reporter_phone="",
    language="id",
    source_reference="",
    taken_by=None,
    now=None,
):
    """File a new complaint; return it with its access key (shown to the reporter once)."""
    now = now or timezone.now()
    access_key = secrets.token_urlsafe(24)  # 192 bits
    user = actor.user
    kecamatan = desa.kecamatan if desa else None
    title = _require(title, "title", _("A title is required."))
    description = _require(description, "description", _("A description is required."))
    suggested, confidence = _suggestion(title, description)
    # Only a suggestion that agrees with the citizen's own choice may skip the desk (SPEC §6).
    confirmed = (
        category is not None
        and category == suggested
        and confidence >= settings.PORTAL_ROUTER_AUTO_DISPATCH_CONFIDENCE
    )
    filled_note = ""
    if category is None and suggested is not None and confidence >= router.FILL_CONFIDENCE:
        category = suggested  # the verifier still checks it before anything is dispatched
        with translation.override(settings.LANGUAGE_CODE):  # a note for the desk
            filled_note = _(
                "The reporter left the category empty; %(category)s was chosen from the text "
                "(%(percent)s %% confident)."
            ) % {"category": category.name, "percent": round(100 * confidence)}
    fields = {
        "kind": kind,
        "title": title,
        "description": description,
        "category": category,
        "sector": category.sector if category else None,
        "desa": desa,
        "kecamatan": kecamatan,
        "latitude": latitude,
        "longitude": longitude,
        "address_detail": address_detail,
        "privacy": privacy,
        "channel": channel,
        "source_reference": source_reference,
        "taken_by": taken_by,
        "reporter": user,
        "reporter_name": reporter_name or (user.display_name() if user else ""),
        "reporter_email": reporter_email or (user.email if user else ""),
        "reporter_phone": reporter_phone or (getattr(user, "phone", "") if user else ""),
        "access_key_digest": digest_key(access_key),
        "language": language,
        "suggested_opd": opd_for(category, kecamatan),
        "suggested_category": suggested,
        "suggestion_confidence": confidence,
        "created_at": now,
        "updated_at": now,
        "submitted_on": timezone.localdate(now),
        "verification_due": calendar.add_working_days(
            timezone.localdate(now), settings.PORTAL_VERIFICATION_DAYS
        ),
    }
    for _attempt in range(8):
        code = _new_tracking_code()
        try:
            with transaction.atomic():
                c = Complaint(tracking_code=code, **fields)
                # A new complaint has no ledger rows yet: its first check day is known now.
                c.next_check_on = deadlines.next_check_on(c, taken=set())
                c.save(force_insert=True)
                Event.objects.create(
                    complaint=c,
                    action=Event.Action.FILED,
                    actor=user,
                    by=Event.By.REPORTER,
                    to_status=c.status,
                    internal_note=filled_note,
                    created_at=now,
                )
                notifications.complaint_filed(c, access_key)
                auto = settings.PORTAL_AUTO_DISPATCH and confirmed
                if auto and c.suggested_opd and c.suggested_opd.is_active:
                    dispatch(c, actor=SYSTEM_ACTOR, opd=c.suggested_opd, now=now)
                    c.refresh_from_db()
        except IntegrityError:
            # The unique constraint caught a code drawn by a concurrent filing: draw again.
            if Complaint.objects.filter(tracking_code=code).exists():
                continue
            raise
        return c, access_key
    raise IntegrityError("no free tracking code after 8 draws")


@transaction.atomic
def dispatch(complaint, *, actor, opd, category=None, desa=None, note="", now=None):
    """Verifier sends the complaint to an OPD (optionally fixing category and area)."""
    c = _locked(complaint)
    _check("dispatch", c, actor)
    if opd is None:
        raise InvalidInput(_("Choose the OPD that must handle this complaint."), field="opd")
    if not opd.is_active:
        raise InvalidInput(_("This OPD no longer takes complaints."), field="opd")
    now = now or timezone.now()
    if category is not None and category.pk != c.category_id:
        # Staff's category for this text: a labelled example for the next training (SPEC §6).
        CategoryCorrection.objects.create(
            complaint=c,
            old_category_id=c.category_id,
            new_category=category,
            corrected_by=actor.user,
            created_at=now,
        )
        c.category, c.sector = category, category.sector
    if desa is not None:
        c.desa, c.kecamatan = desa, desa.kecamatan
    c.current_opd = opd
    c.assignee = None
    c.dispatched_at = now
    c.escalation_level = 0
    _set_handling_deadlines(c, timezone.localdate(now))
    return _move(
        c,
        S.DISPATCHED,
        actor=actor,
        action=Event.Action.DISPATCHED,
        internal_note=note,
        now=now,
    )


@transaction.atomic
def reject(complaint, *, actor, reason):
    """Verifier refuses the complaint (spam, not the regency's business), with a reason."""
    c = _locked(complaint)
    _check("reject", c, actor)
    reason = _require(reason, "reason", _("Give the reason for the rejection."))
    c.closed_at = timezone.now()
    return _move(c, S.REJECTED, actor=actor, action=Event.Action.REJECTED, public_text=reason)


@transaction.atomic
def merge(complaint, *, actor, into):
    """Verifier marks the complaint a duplicate of `into`; its supporters carry over."""
    _check("merge", complaint, actor)
    if into is None:
        raise InvalidInput(_("Give the tracking code of the complaint to merge into."), "into")
    if into.pk == complaint.pk:
        raise InvalidInput(_("A complaint cannot be merged into itself."), field="into")
    # Lock both rows in a fixed order so that two crossing merges cannot deadlock.
    locked = {
        row.pk: row
        for row in Complaint.objects.select_for_update()
        .filter(pk__in=[complaint.pk, into.pk])
        .order_by("pk")
    }
    c, target = locked[complaint.pk], locked[into.pk]
    _check("merge", c, actor)
    if target.status in FINAL_STATUSES:
        raise InvalidInput(
            _("Complaint %(code)s is already finished; merge into an open one.")
            % {"code": target.tracking_code},
            field="into",
        )
    _carry_supporters(c, target)
    c.merged_into = target
    c.closed_at = timezone.now()
    return _move(
        c,
        S.MERGED,
        actor=actor,
        action=Event.Action.MERGED,
    )


def _carry_supporters(duplicate, target):
    """Move the duplicate's supporters, and its reporter as one more, onto the target once."""
    taken = set(Supporter.objects.filter(complaint=target).values_list("fingerprint", flat=True))
    reporter = (
        f"user:{duplicate.reporter_id}" if duplicate.reporter_id else f"merged:{duplicate.pk}"
    )
    if reporter not in taken and reporter != f"user:{target.reporter_id}":
        Supporter.objects.create(
            complaint=target, user_id=duplicate.reporter_id, fingerprint=reporter
        )
    # The target's own reporter never becomes its supporter.
    taken.add(f"user:{target.reporter_id}")
    Supporter.objects.filter(complaint=duplicate).exclude(fingerprint__in=taken).update(
        complaint=target
    )
    target.supporters_count = Supporter.objects.filter(complaint=target).count()
    target.save(update_fields=["supporters_count"])


def _first_response(c, now):
    if c.first_response_at is None:
        c.first_response_at = now


@transaction.atomic
def acknowledge(complaint, *, actor):
    """The OPD confirms it has taken the complaint up."""
    c = _locked(complaint)
    _check("acknowledge", c, actor)
    now = timezone.now()
    _first_response(c, now)
    return _move(
        c,
        S.IN_PROGRESS,
        actor=actor,
        action=Event.Action.ACKNOWLEDGED,
        now=now,
    )


@transaction.atomic
def respond(complaint, *, actor, message, public=True):
    """A public response to the reporter, or (public=False) an internal note."""
    if not public:
        return add_note(complaint, actor=actor, note=message)
    c = _locked(complaint)
    _check("respond", c, actor)
    message = _require(message, "message", _("Write the response."))
    now = timezone.now()
    _first_response(c, now)
    return _move(
        c, S.IN_PROGRESS, actor=actor, action=Event.Action.RESPONDED, public_text=message, now=now
    )


@transaction.atomic
def add_note(complaint, *, actor, note):
    """An internal note: staff only, never shown to the public or the reporter."""
    c = _locked(complaint)
    _check("note", c, actor)
    note = _require(note, "message", _("Write the note."))
    return _move(
        c, None, actor=actor, action=Event.Action.NOTE, internal_note=note, is_public=False
    )


@transaction.atomic
def request_info(complaint, *, actor, message):
    """Ask the reporter for more information; the deadline clock pauses (SPEC §4)."""
    c = _locked(complaint)
    _check("request_info", c, actor)
    message = _require(message, "message", _("Say what information is needed."))
    now = timezone.now()
    _first_response(c, now)
    c.paused_at = now
    return _move(
        c,
        S.INFO_REQUESTED,
        actor=actor,
        action=Event.Action.INFO_REQUESTED,
        public_text=message,
        now=now,
    )


def _resume_clock(c, now):
    if c.paused_at is None:
        return
    paused = calendar.working_days_between(timezone.localdate(c.paused_at), timezone.localdate(now))
    if paused:
        if c.first_response_due and c.first_response_at is None:
            c.first_response_due = calendar.add_working_days(c.first_response_due, paused)
        if c.resolution_due:
            c.resolution_due = calendar.add_working_days(c.resolution_due, paused)
    c.paused_at = None


@transaction.atomic
def resolve(complaint, *, actor, resolution):
    """The OPD reports what it did; the public resolution text is required."""
    c = _locked(complaint)
    _check("resolve", c, actor)
    resolution = _require(resolution, "resolution", _("Describe how the complaint was resolved."))
    now = timezone.now()
    c.resolved_at = now
    return _move(
        c, S.RESOLVED, actor=actor, action=Event.Action.RESOLVED, public_text=resolution, now=now
    )


@transaction.atomic
def return_complaint(complaint, *, actor, reason):
    """The OPD sends a wrongly routed complaint back to the verifier desk (counted per OPD)."""
    c = _locked(complaint)
    _check("return", c, actor)
    reason = _require(reason, "reason", _("Say why this complaint is not for your OPD."))
    now = timezone.now()
    returning_opd, by = c.current_opd, _actor_role(c, actor)
    c.current_opd = None
    c.assignee = None
    c.dispatched_at = None
    c.first_response_due = c.resolution_due = None
    c.submitted_on = timezone.localdate(now)
    c.verification_due = calendar.add_working_days(
        c.submitted_on, settings.PORTAL_VERIFICATION_DAYS
    )
    c.escalation_level = 0
    # The event keeps the OPD that returned it, so returns can be counted per OPD.
    return _move(
        c,
        S.SUBMITTED,
        actor=actor,
        action=Event.Action.RETURNED,
        internal_note=reason,
        is_public=False,
        now=now,
        event_opd=returning_opd,
        by=by,
    )


@transaction.atomic
def assign(complaint, *, actor, assignee):
    """Give the complaint to one officer of the handling OPD."""
    c = _locked(complaint)
    _check("assign", c, actor)
    if assignee is None:
        raise InvalidInput(_("Choose a colleague."), field="username")
    works_there = RoleGrant.objects.filter(
        user=assignee, role__in=[Role.OPD_OFFICER, Role.OPD_HEAD], opd=c.current_opd
    ).exists() or (
        c.current_opd.kecamatan_id is not None
        and RoleGrant.objects.filter(
            user=assignee, role=Role.CAMAT, kecamatan_id=c.current_opd.kecamatan_id
        ).exists()
    )
    if not works_there:
        raise InvalidInput(
            _("%(user)s does not work for %(opd)s.")
            % {"user": assignee.username, "opd": c.current_opd.abbreviation},
            field="username",
        )
    c.assignee = assignee
    return _move(
        c,
        None,
        actor=actor,
        action=Event.Action.ASSIGNED,
        internal_note=_("Assigned to %(user)s.") % {"user": assignee.display_name()},
        is_public=False,
    )


@transaction.atomic
def comment(complaint, *, actor, message):
    """The reporter adds information; when it was requested the clock resumes."""
    c = _locked(complaint)
    action = "provide_info" if c.status == S.INFO_REQUESTED else "comment"
    _check(action, c, actor)
    message = _require(message, "message", _("Write your message."))
    now = timezone.now()
    if action == "provide_info":
        _resume_clock(c, now)
        return _move(
            c,
            S.IN_PROGRESS,
            actor=actor,
            action=Event.Action.INFO_PROVIDED,
            public_text=message,
            now=now,
        )
    return _move(c, None, actor=actor, action=Event.Action.COMMENTED, public_text=message, now=now)


@transaction.atomic
def rate(complaint, *, actor, score, comment=""):
    """The reporter confirms the resolution with a score of 1 to 5; the complaint closes."""
    c = _locked(complaint)
    _check("rate", c, actor)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise InvalidInput(_("Give a score from 1 to 5."), field="score")
    now = timezone.now()
    c.rating, c.rating_comment, c.closed_at = score, (comment or "").strip(), now
    return _move(
        c,
        S.CLOSED,
        actor=actor,
        action=Event.Action.RATED,
        public_text=c.rating_comment,
        now=now,
    )


@transaction.atomic
def reopen(complaint, *, actor, reason):
    """The reporter is not satisfied: back to the OPD, within 10 working days of resolution."""
    c = _locked(complaint)
    _check("reopen", c, actor)
    reason = _require(reason, "reason", _("Say why the problem is not solved."))
    now = timezone.now()
    deadline = calendar.add_working_days(
        timezone.localdate(c.resolved_at), settings.PORTAL_REOPEN_WINDOW_DAYS
    )
    if timezone.localdate(now) > deadline:
        raise IllegalMove(
            _("A complaint can be reopened only within %(days)s working days of its resolution.")
            % {"days": settings.PORTAL_REOPEN_WINDOW_DAYS}
        )
    c.resolved_at = None
    return _move(
        c, S.IN_PROGRESS, actor=actor, action=Event.Action.REOPENED, public_text=reason, now=now
    )


@transaction.atomic
def auto_close(complaint, *, actor):
    """No reaction from the reporter within 10 working days of resolution (SPEC §4)."""
    c = _locked(complaint)
    _check("auto_close", c, actor)
    c.closed_at = timezone.now()
    return _move(c, S.CLOSED, actor=actor, action=Event.Action.AUTO_CLOSED)


@transaction.atomic
def expire_info_request(complaint, *, actor):
    """No answer to an information request within 10 working days (SPEC §4)."""
    c = _locked(complaint)
    _check("expire_info_request", c, actor)
    c.closed_at = timezone.now()
    c.paused_at = None
    return _move(c, S.REJECTED, actor=actor, action=Event.Action.EXPIRED)


@transaction.atomic
def support(complaint, *, actor, fingerprint):
    """Count one person's support of an open, non-confidential complaint; True if new."""
    c = _locked(complaint)
    if c.privacy == Privacy.CONFIDENTIAL or c.status in FINAL_STATUSES:
        raise IllegalMove(_("This complaint cannot be supported."))
    if actor.is_reporter_of(c):
        raise IllegalMove(_("You filed this complaint; there is no need to support it."))
    if actor.user is not None:
        fingerprint = f"user:{actor.user.pk}"
    if Supporter.objects.filter(complaint=c, fingerprint=fingerprint).exists():
        return False
    Supporter.objects.create(complaint=c, user=actor.user, fingerprint=fingerprint)
    c.supporters_count += 1
    c.save(update_fields=["supporters_count"])
    return True


@transaction.atomic
def attach_photo(complaint, *, actor, photo, is_resolution=False):
    """Add a prepared photo (photos.prepare): the reporter's, or the handling OPD's."""
    c = _locked(complaint)
    if is_resolution and not roles_on(c, actor) & OPD_STAFF:
        raise NotAllowed()
    _check("attach_photo", c, actor)
    if c.attachments.filter(is_resolution=is_resolution).count() >= MAX_PHOTOS:
        raise InvalidInput(
            _("A complaint can have at most %(n)s photos.") % {"n": MAX_PHOTOS}, field="image"
        )
    image, thumbnail = photo.files()
    _move(c, None, actor=actor, action=Event.Action.PHOTO_ADDED)
    return Attachment.objects.create(
        complaint=c,
        token=photo.token,
        extension=photo.extension,
        image=image,
        thumbnail=thumbnail,
        uploaded_by=actor.user,
        is_resolution=is_resolution,
    )
