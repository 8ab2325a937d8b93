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
    return _taken_for([c.pk]).get(c.pk, set())


def _taken_for(pks):
    """{complaint pk: {(deadline, step, due), ...}} of the ledger rows of these complaints."""
    taken = {}
    rows = Escalation.objects.filter(complaint_id__in=pks).values_list(
        "complaint_id", "deadline", "step", "due"
    )
    for pk, deadline, step, due in rows:
        taken.setdefault(pk, set()).add((deadline, step, due))
    return taken


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
        steps, auto = _check_batch(pks, today)
        done["steps"] += steps
        done["auto"] += auto
        last_pk = pks[-1]


INSERT_STEPS = (
    "INSERT INTO complaints_escalation (complaint_id, deadline, step, due, created_at) VALUES"
)
RETURNED = "complaint_id, deadline, step, due"
UPDATE_CHECKS = (
    "UPDATE complaints_complaint AS c SET escalation_level = v.level, next_check_on = v.day "
    "FROM (VALUES"
)
UPDATE_CHECKS_WHERE = ") AS v (id, level, day) WHERE c.id = v.id"


def _insert_steps(rows):
    """Add the ledger rows; return those this caller inserted (the unique constraint decides,
    in one statement, so only the inserter notifies even when sweeps overlap)."""
    if not rows:
        return set()
    now = timezone.now()
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params = [v for pk, deadline, step, due in rows for v in (pk, deadline, step, due, now)]
    with connection.cursor() as cursor:
        # Only placeholders are formatted into the statement.
        sql = f"{INSERT_STEPS} {values} ON CONFLICT DO NOTHING RETURNING {RETURNED}"
        cursor.execute(sql, params)
        return {(pk, deadline, step, _as_date(due)) for pk, deadline, step, due in cursor}


def _as_date(value):
    # SQLite hands back the ISO string of a date column from a raw RETURNING clause.
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


@transaction.atomic
def _check_batch(pks, today):
    """One transaction for a batch: lock the rows no other sweep holds, write every ledger row
    in one statement, the notifications in bulk, and the next day of each complaint."""
    # Another sweep working on a row holds its lock: skip it rather than wait.
    rows = list(
        Complaint.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("current_opd", "assignee", "category", "desa", "kecamatan")
        .filter(pk__in=pks, next_check_on__lte=today)
        .order_by("pk")
    )
    auto, handled = 0, []
    for c in rows:
        move = auto_move_on(c)
        if move and move[1] <= today:
            getattr(lifecycle, move[0])(c, actor=SYSTEM)
            auto += 1
        else:
            handled.append(c)
    taken = _taken_for([c.pk for c in handled])
    wanted = []
    for c in handled:
        done = taken.get(c.pk, set())
        for deadline, start, due in active_deadlines(c):
            for step, day in step_dates(deadline, start, due):
                if day <= today and (deadline, step, due) not in done:
                    wanted.append((c.pk, deadline, step, due))
    inserted = _insert_steps(wanted)
    mine_by_pk = {}
    for row in wanted:
        if row in inserted:
            mine_by_pk.setdefault(row[0], []).append(row)
    steps = 0
    with notifications.batch():
        for c in handled:
            mine = mine_by_pk.get(c.pk, [])
            done = taken.setdefault(c.pk, set())
            for _pk, deadline, step, due in mine:
                done.add((deadline, step, due))
                c.escalation_level = max(c.escalation_level, LEVELS[step])
                notifications.deadline_step(c, deadline=deadline, step=step, due=due)
            steps += len(mine)
            c.next_check_on = next_check_on(c, done)
            if mine:
                log.info("complaint %s: %s deadline step(s)", c.tracking_code, len(mine))
    _save_checks(handled)
    return steps, auto


def _save_checks(rows):
    """Store each complaint's escalation level and next check day in one statement."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Complaint.objects.bulk_update(rows, ["escalation_level", "next_check_on"])
        return
    values = ", ".join(["(%s::bigint, %s::smallint, %s::date)"] * len(rows))
    params = [v for c in rows for v in (c.pk, c.escalation_level, c.next_check_on)]
    with connection.cursor() as cursor:
        # Only placeholders are formatted into the statement (Django's bulk_update builds a
        # CASE per row, which costs more than the rest of the sweep).
        cursor.execute(f"{UPDATE_CHECKS} {values}{UPDATE_CHECKS_WHERE}", params)
