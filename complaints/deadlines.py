"""Deadline steps, escalation and the time-based moves of SPEC §4 and §5, run by a periodic sweep.

Each complaint carries `next_check_on`, the first day on which something is due for it. The
sweep reads only complaints whose day has come (an index), claims each row with a lock that
other sweeps skip, inserts one `Escalation` row per step (a unique constraint makes a second
insert fail, so only the inserter notifies), and computes the next day.
"""

import datetime
import logging
import math

from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import SYSTEM
from opd import calendar

from . import lifecycle, notifications
from .models import Complaint, Deadline, Escalation, Step
from .models import Status as S

log = logging.getLogger(__name__)

LEVELS = {Step.REMINDER: 0, Step.LEVEL1: 1, Step.LEVEL2: 2, Step.LEVEL3: 3}
REMINDER_SHARE = 0.8  # a reminder when 80 % of the time is used (SPEC §5)
LEVEL2_AFTER = 2  # working days past the deadline
AUTO_CLOSE_AFTER = 10  # working days after resolution, or after an information request


def active_deadlines(c):
    """(deadline, start, due) of the clocks running for the complaint's status."""
    result = []
    if c.status == S.SUBMITTED and c.verification_due:
        start = c.submitted_on or timezone.localdate(c.created_at)
        result.append((Deadline.VERIFICATION, start, c.verification_due))
    if c.status in {S.DISPATCHED, S.IN_PROGRESS} and c.dispatched_at:
        start = timezone.localdate(c.dispatched_at)
        if c.status == S.DISPATCHED and c.first_response_at is None and c.first_response_due:
            result.append((Deadline.FIRST_RESPONSE, start, c.first_response_due))
        if c.resolution_due:
            result.append((Deadline.RESOLUTION, start, c.resolution_due))
    return result


def step_dates(deadline, start, due):
    """The day each step of the ladder falls on, for one deadline."""
    span = calendar.working_days_between(start, due)
    reminder = calendar.add_working_days(start, max(1, math.floor(span * REMINDER_SHARE)))
    overdue = due + datetime.timedelta(days=1)
    steps = [
        (Step.REMINDER, min(reminder, due)),
        (Step.LEVEL1, overdue),
        (Step.LEVEL2, calendar.add_working_days(due, LEVEL2_AFTER)),
    ]
    if deadline == Deadline.RESOLUTION:
        steps.append((Step.LEVEL3, overdue))
    return steps


def auto_move_on(c):
    """(action, day) of the automatic close or expiry waiting for the complaint, if any."""
    if c.status == S.RESOLVED and c.resolved_at:
        day = calendar.add_working_days(timezone.localdate(c.resolved_at), AUTO_CLOSE_AFTER)
        return "auto_close", day
    if c.status == S.INFO_REQUESTED and c.paused_at:
        day = calendar.add_working_days(timezone.localdate(c.paused_at), AUTO_CLOSE_AFTER)
        return "expire_info_request", day
    return None


def _taken(c):
    return set(Escalation.objects.filter(complaint=c).values_list("deadline", "step", "due"))


def next_check_on(c, taken=None):
    """The first day on which a step, an auto-close or an expiry is due; None when nothing."""
    taken = _taken(c) if taken is None else taken
    days = []
    for deadline, start, due in active_deadlines(c):
        days += [
            day
            for step, day in step_dates(deadline, start, due)
            if (deadline, step, due) not in taken
        ]
    auto = auto_move_on(c)
    if auto:
        days.append(auto[1])
    return min(days) if days else None


def schedule(c):
    """Set `next_check_on` from the complaint's current state (before it is saved)."""
    c.next_check_on = next_check_on(c) if c.pk else None


def sweep(today=None, batch=500):
    """Take every step that is due; return how many steps and automatic moves were taken."""
    today = today or timezone.localdate()
    done = {"steps": 0, "auto": 0}
    last_pk = 0
    while True:
        pks = list(
            Complaint.objects.filter(next_check_on__lte=today, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pks:
            return done
        for pk in pks:
            steps, auto = _check_one(pk, today)
            done["steps"] += steps
            done["auto"] += auto
        last_pk = pks[-1]


INSERT_STEP = (
    "INSERT INTO complaints_escalation (complaint_id, deadline, step, due, created_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id"
)


def _insert_step(c, deadline, step, due):
    """Add the ledger row; True only for the caller that inserted it (the unique constraint
    decides, in one statement, without a savepoint)."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_STEP, [c.pk, deadline, step, due, timezone.now()])
        return cursor.fetchone() is not None


@transaction.atomic
def _check_one(pk, today):
    # Another sweep working on this row holds its lock: skip it rather than wait.
    c = (
        Complaint.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("current_opd", "assignee", "category")
        .filter(pk=pk, next_check_on__lte=today)
        .first()
    )
    if c is None:
        return 0, 0
    auto = auto_move_on(c)
    if auto and auto[1] <= today:
        getattr(lifecycle, auto[0])(c, actor=SYSTEM)
        return 0, 1
    taken = _taken(c)
    steps = 0
    for deadline, start, due in active_deadlines(c):
        for step, day in step_dates(deadline, start, due):
            if day > today or (deadline, step, due) in taken:
                continue
            if not _insert_step(c, deadline, step, due):
                continue  # taken by an overlapping sweep: only the inserter notifies
            taken.add((deadline, step, due))
            c.escalation_level = max(c.escalation_level, LEVELS[step])
            notifications.deadline_step(c, deadline=deadline, step=step, due=due)
            steps += 1
    c.next_check_on = next_check_on(c, taken)
    c.save(update_fields=["escalation_level", "next_check_on"])
    if steps:
        log.info("complaint %s: %s deadline step(s)", c.tracking_code, steps)
    return steps, 0
