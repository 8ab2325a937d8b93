"""Deadline steps, escalation and the time-based moves of SPEC §4 and §5, around Nyepi 2026.

In Bali, Nyepi (Thursday 19 March 2026) comes with cuti bersama, and Idul Fitri follows at
once: 18, 19, 20, 23 and 24 March are all days off, so a complaint filed on Monday 16 March
has 17 March as its first working day and 25 March as its second. The clock of the domain
layer is faked (Bali time); the sweep gets the day as `today`, as the beat job would.
"""

import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import ANONYMOUS
from complaints import deadlines, lifecycle
from complaints.models import Complaint, Escalation, Event, Notification
from opd import calendar
from tests.factories import file

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
D = datetime.date

FILED = D(2026, 3, 16)  # Monday before Nyepi


def wita(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=WITA)


def at(day, hour=10):
    """Fake the clock of the domain layer (Bali time)."""
    return patch("django.utils.timezone.now", return_value=wita(day, hour))


def sweep_on(day):
    """The early-morning beat sweep of `day`."""
    with at(day, 6):
        return deadlines.sweep(today=day)


def sweep_days(first, last):
    """Sweep every calendar day from `first` to `last`; return the summed results."""
    total = {"steps": 0, "auto": 0}
    day = first
    while day <= last:
        for key, value in sweep_on(day).items():
            total[key] += value
        day += datetime.timedelta(days=1)
    return total


def fresh(c):
    c.refresh_from_db()
    return c


def ledger(c):
    return set(Escalation.objects.filter(complaint=c).values_list("deadline", "step", "due"))


def told(c, kind):
    """(username, channel) of everyone who got a notification of `kind` about `c`."""
    rows = Notification.objects.filter(complaint=c, kind=kind).select_related("user")
    return {(n.user.username if n.user else n.address, n.channel) for n in rows}


def both(*usernames):
    return {(u, channel) for u in usernames for channel in ("in_app", "email")}


@pytest.fixture
def staff(verifier, officer_user, officer2_user, head_user, other_officer_user, leadership_user):
    """Everyone who might hear of a step: desk, PUPR officers and head, DLHK, leadership."""


@pytest.fixture
def submitted(staff):
    c, _key = file(now=wita(FILED))
    return c


@pytest.fixture
def dispatched(submitted, verifier, pupr):
    """Dispatched to PUPR on 16 March: first response due 30 March, resolution 13 April."""
    lifecycle.dispatch(submitted, actor=verifier, opd=pupr, now=wita(FILED, 11))
    return fresh(submitted)


@pytest.fixture
def in_progress(dispatched, officer):
    with at(D(2026, 3, 17)):
        lifecycle.acknowledge(dispatched, actor=officer)
    return fresh(dispatched)


# The calendar ----------------------------------------------------------------------------


def test_nyepi_2026_and_the_cuti_bersama_around_it_are_days_off():
    off = holidays.Indonesia(years=2026, categories=("public", "government"))
    for day in (18, 19, 20, 23, 24):
        assert D(2026, 3, day) in off
        assert not calendar.is_working_day(D(2026, 3, day))
    assert calendar.is_working_day(D(2026, 3, 17))
    assert calendar.is_working_day(D(2026, 3, 25))
    assert calendar.working_days_between(FILED, D(2026, 3, 26)) == 3


def test_verification_steps_fall_on_working_days_after_nyepi():
    assert deadlines.step_dates("verification", FILED, D(2026, 3, 26)) == [
        ("reminder", D(2026, 3, 25)),  # 80 % of 3 working days: the 2nd (17, 25 March)
        ("level1", D(2026, 3, 27)),  # the day after the due date
        ("level2", D(2026, 3, 30)),  # two working days past: Friday 27, Monday 30
    ]


def test_only_the_resolution_deadline_has_a_level_3_on_the_day_after_it():
    assert deadlines.step_dates("resolution", FILED, D(2026, 4, 13)) == [
        ("reminder", D(2026, 4, 8)),  # 11th of 14 working days; Good Friday 3 April is off
        ("level1", D(2026, 4, 14)),
        ("level2", D(2026, 4, 15)),
        ("level3", D(2026, 4, 14)),
    ]
    assert "level3" not in dict(deadlines.step_dates("first_response", FILED, D(2026, 3, 30)))


# Verification ----------------------------------------------------------------------------


def test_filing_sets_next_check_to_the_verification_reminder_day(submitted):
    assert submitted.verification_due == D(2026, 3, 26)
    assert submitted.next_check_on == D(2026, 3, 25)


def test_no_step_is_taken_before_the_reminder_day(submitted):
    assert sweep_days(FILED, D(2026, 3, 24)) == {"steps": 0, "auto": 0}
    assert ledger(submitted) == set()
    assert fresh(submitted).next_check_on == D(2026, 3, 25)


def test_verification_reminder_notifies_every_verifier_in_app_and_by_email(submitted):
    assert sweep_on(D(2026, 3, 25)) == {"steps": 1, "auto": 0}

    assert ledger(submitted) == {("verification", "reminder", D(2026, 3, 26))}
    assert told(submitted, "deadline:reminder") == both("verifier")
    c = fresh(submitted)
    assert c.escalation_level == 0
    assert c.next_check_on == D(2026, 3, 27)
    mail = Notification.objects.get(complaint=c, kind="deadline:reminder", channel="email")
    assert (mail.address, mail.sent_at) == ("verifier@example.org", None)
    assert c.tracking_code in mail.subject


def test_verification_is_level_1_on_the_day_after_its_due_date(submitted):
    sweep_on(D(2026, 3, 25))
    assert sweep_on(D(2026, 3, 26)) == {"steps": 0, "auto": 0}  # due today: not late yet
    assert fresh(submitted).escalation_level == 0

    assert sweep_on(D(2026, 3, 27)) == {"steps": 1, "auto": 0}

    c = fresh(submitted)
    assert c.escalation_level == 1
    assert c.next_check_on == D(2026, 3, 30)
    assert told(c, "deadline:level1") == both("verifier")


def test_two_working_days_past_verification_is_level_2_for_the_leadership(submitted):
    sweep_on(D(2026, 3, 25))
    sweep_on(D(2026, 3, 27))
    assert sweep_days(D(2026, 3, 28), D(2026, 3, 29)) == {"steps": 0, "auto": 0}  # weekend

    assert sweep_on(D(2026, 3, 30)) == {"steps": 1, "auto": 0}

    c = fresh(submitted)
    assert c.escalation_level == 2
    assert told(c, "deadline:level2") == both("sekda")
    assert c.next_check_on is None  # nothing more while it waits at the desk


def test_a_sweep_after_missed_days_takes_every_step_that_came_due_once(submitted):
    assert sweep_on(D(2026, 4, 6)) == {"steps": 3, "auto": 0}
    assert {step for _d, step, _due in ledger(submitted)} == {"reminder", "level1", "level2"}
    assert fresh(submitted).escalation_level == 2


# Handling by the OPD ---------------------------------------------------------------------


def test_dispatch_sets_handling_deadlines_and_next_check_to_the_first_response_reminder(
    dispatched,
):
    assert dispatched.first_response_due == D(2026, 3, 30)
    assert dispatched.resolution_due == D(2026, 4, 13)
    assert dispatched.next_check_on == D(2026, 3, 27)


def test_first_response_reminder_goes_to_the_officers_of_the_opd_only(dispatched):
    assert sweep_days(FILED, D(2026, 3, 27)) == {"steps": 1, "auto": 0}

    assert ledger(dispatched) == {("first_response", "reminder", D(2026, 3, 30))}
    assert told(dispatched, "deadline:reminder") == both("officer_pupr", "officer2_pupr")


def test_reminder_goes_to_the_assignee_alone_when_there_is_one(dispatched, head, officer2_user):
    lifecycle.assign(dispatched, actor=head, assignee=officer2_user)
    sweep_on(D(2026, 3, 27))
    assert told(dispatched, "deadline:reminder") == both("officer2_pupr")


def test_missed_first_response_is_level_1_for_the_head_then_level_2_for_the_leadership(
    dispatched,
):
    sweep_on(D(2026, 3, 27))
    assert sweep_on(D(2026, 3, 30)) == {"steps": 0, "auto": 0}

    assert sweep_on(D(2026, 3, 31)) == {"steps": 1, "auto": 0}
    assert fresh(dispatched).escalation_level == 1
    assert told(dispatched, "deadline:level1") == both("head_pupr")

    assert sweep_on(D(2026, 4, 1)) == {"steps": 1, "auto": 0}
    assert fresh(dispatched).escalation_level == 2
    assert told(dispatched, "deadline:level2") == both("sekda")


def test_acknowledged_complaint_has_no_first_response_steps(in_progress):
    assert in_progress.next_check_on == D(2026, 4, 8)  # the resolution reminder
    assert sweep_days(FILED, D(2026, 4, 7)) == {"steps": 0, "auto": 0}
    assert ledger(in_progress) == set()


def test_missed_resolution_deadline_is_level_3_for_the_leadership_in_the_portal(in_progress):
    assert sweep_on(D(2026, 4, 8)) == {"steps": 1, "auto": 0}
    assert told(in_progress, "deadline:reminder") == both("officer_pupr", "officer2_pupr")
    assert sweep_on(D(2026, 4, 13)) == {"steps": 0, "auto": 0}

    assert sweep_on(D(2026, 4, 14)) == {"steps": 2, "auto": 0}

    c = fresh(in_progress)
    assert c.escalation_level == 3
    assert ledger(c) >= {
        ("resolution", "level1", D(2026, 4, 13)),
        ("resolution", "level3", D(2026, 4, 13)),
    }
    assert told(c, "deadline:level1") == both("head_pupr")
    assert told(c, "deadline:level3") == {("sekda", "in_app")}

    assert sweep_on(D(2026, 4, 15)) == {"steps": 1, "auto": 0}
    c = fresh(c)
    assert c.escalation_level == 3  # level 2 comes later but never lowers the level
    assert told(c, "deadline:level2") == both("sekda")
    assert c.next_check_on is None


# Exactly once (SPEC §5) ------------------------------------------------------------------


def test_sweeping_twice_on_the_same_day_takes_each_step_once(submitted):
    sweep_on(D(2026, 3, 25))
    rows = Notification.objects.count()

    assert sweep_on(D(2026, 3, 25)) == {"steps": 0, "auto": 0}

    assert Escalation.objects.filter(complaint=submitted).count() == 1
    assert Notification.objects.count() == rows


def test_a_sweep_after_a_crash_with_next_check_reset_repeats_no_step(submitted):
    sweep_on(D(2026, 3, 25))
    sweep_on(D(2026, 3, 27))
    rows = Notification.objects.count()
    Complaint.objects.filter(pk=submitted.pk).update(next_check_on=FILED)

    assert sweep_on(D(2026, 3, 27)) == {"steps": 0, "auto": 0}

    assert Escalation.objects.filter(complaint=submitted).count() == 2
    assert Notification.objects.count() == rows
    c = fresh(submitted)
    assert (c.escalation_level, c.next_check_on) == (1, D(2026, 3, 30))


def test_a_sweep_that_dies_mid_step_leaves_nothing_and_the_next_one_takes_the_step_once(
    submitted,
):
    with (
        patch("complaints.notifications.deadline_step", side_effect=RuntimeError("worker died")),
        pytest.raises(RuntimeError),
    ):
        sweep_on(D(2026, 3, 25))
    assert ledger(submitted) == set()
    assert fresh(submitted).next_check_on == D(2026, 3, 25)

    assert sweep_on(D(2026, 3, 25)) == {"steps": 1, "auto": 0}
    assert told(submitted, "deadline:reminder") == both("verifier")


def test_only_the_sweep_that_inserts_the_step_notifies(submitted):
    # An overlapping sweep inserted the row after this one read the ledger.
    Escalation.objects.create(
        complaint=submitted, deadline="verification", step="reminder", due=D(2026, 3, 26)
    )
    with patch("complaints.deadlines._taken_for", return_value={}):
        assert sweep_on(D(2026, 3, 25)) == {"steps": 0, "auto": 0}
    assert Escalation.objects.filter(complaint=submitted).count() == 1
    assert told(submitted, "deadline:reminder") == set()


def queries_of_sweep(day):
    with CaptureQueriesContext(connection) as ctx:
        result = deadlines.sweep(today=day)
    return result, len(ctx)


def test_sweep_reads_only_complaints_whose_day_has_come(staff):
    later = wita(D(2026, 3, 24))  # next check on 26 March: not due on the 25th
    due_first, _ = file(now=wita(FILED))
    not_due = [file(now=later)[0]]
    first = queries_of_sweep(D(2026, 3, 25))

    due_second, _ = file(now=wita(FILED))
    not_due += [file(now=later)[0] for _ in range(9)]
    second = queries_of_sweep(D(2026, 3, 25))

    assert first[0] == second[0] == {"steps": 1, "auto": 0}
    assert first[1] == second[1]
    assert ledger(due_first) == ledger(due_second) != set()
    assert Escalation.objects.filter(complaint__in=not_due).count() == 0
    assert {fresh(c).next_check_on for c in not_due} == {D(2026, 3, 26)}


def test_a_day_with_nothing_due_costs_one_query(staff):
    for _ in range(10):
        file(now=wita(FILED))
    assert queries_of_sweep(D(2026, 3, 24)) == ({"steps": 0, "auto": 0}, 1)


# Waiting for the reporter, resolved, auto moves (SPEC §4) --------------------------------


@pytest.fixture
def waiting(in_progress, officer):
    with at(D(2026, 3, 25)):
        lifecycle.request_info(in_progress, actor=officer, message="Mohon foto lokasi.")
    return fresh(in_progress)


def test_waiting_for_the_reporter_pauses_every_step(waiting):
    assert waiting.next_check_on == D(2026, 4, 9)  # expiry: 10 working days after 25 March
    # 8 April would have been the resolution reminder.
    assert sweep_days(D(2026, 3, 25), D(2026, 4, 8)) == {"steps": 0, "auto": 0}
    assert ledger(waiting) == set()
    assert fresh(waiting).status == "info_requested"


def test_unanswered_information_request_expires_as_rejected_after_ten_working_days(waiting):
    assert sweep_on(D(2026, 4, 9)) == {"steps": 0, "auto": 1}

    c = fresh(waiting)
    assert (c.status, c.next_check_on, c.paused_at) == ("rejected", None, None)
    event = Event.objects.filter(complaint=c).order_by("pk").last()
    assert (event.action, event.by) == ("expired", "system")
    assert told(c, "status:expired") == {("pelapor@example.org", "email")}
    assert sweep_on(D(2026, 4, 10)) == {"steps": 0, "auto": 0}


def test_an_answer_resumes_the_clock_with_a_later_resolution_deadline(waiting):
    with at(D(2026, 4, 1)):
        lifecycle.comment(
            waiting, actor=ANONYMOUS.with_access_key_for(waiting), message="Foto terlampir."
        )
    c = fresh(waiting)
    # Paused for 26, 27, 30, 31 March and 1 April: five working days more.
    assert c.resolution_due == D(2026, 4, 20)
    assert c.next_check_on == D(2026, 4, 14)  # 80 % of 19 working days from dispatch

    assert sweep_days(D(2026, 4, 1), D(2026, 4, 13)) == {"steps": 0, "auto": 0}
    assert sweep_on(D(2026, 4, 14)) == {"steps": 1, "auto": 0}
    assert ledger(c) == {("resolution", "reminder", D(2026, 4, 20))}


@pytest.fixture
def resolved(in_progress, officer):
    with at(D(2026, 3, 25)):
        lifecycle.resolve(in_progress, actor=officer, resolution="Sudah ditambal.")
    return fresh(in_progress)


def test_resolved_complaint_closes_itself_after_ten_working_days(resolved):
    assert resolved.next_check_on == D(2026, 4, 9)
    assert sweep_days(D(2026, 3, 25), D(2026, 4, 8)) == {"steps": 0, "auto": 0}

    assert sweep_on(D(2026, 4, 9)) == {"steps": 0, "auto": 1}

    c = fresh(resolved)
    assert (c.status, c.next_check_on) == ("closed", None)
    assert c.closed_at == wita(D(2026, 4, 9), 6)
    event = Event.objects.filter(complaint=c).order_by("pk").last()
    assert (event.action, event.by) == ("auto_closed", "system")
    assert told(c, "status:auto_closed") == {("pelapor@example.org", "email")}


def test_rated_complaint_leaves_nothing_for_the_sweep(resolved):
    lifecycle.rate(resolved, actor=ANONYMOUS.with_access_key_for(resolved), score=5)
    assert fresh(resolved).next_check_on is None
    assert sweep_on(D(2026, 4, 9)) == {"steps": 0, "auto": 0}


def test_reopened_complaint_is_back_on_its_resolution_deadline_from_dispatch(resolved):
    with at(D(2026, 4, 8)):
        lifecycle.reopen(
            resolved, actor=ANONYMOUS.with_access_key_for(resolved), reason="Berlubang lagi."
        )
    c = fresh(resolved)
    # SPEC §5 counts the resolution deadline from dispatch; a reopen does not move it.
    assert (c.status, c.resolution_due, c.next_check_on) == (
        "in_progress",
        D(2026, 4, 13),
        D(2026, 4, 8),
    )

    assert sweep_on(D(2026, 4, 8)) == {"steps": 1, "auto": 0}
    assert sweep_on(D(2026, 4, 9)) == {"steps": 0, "auto": 0}  # no auto-close any more
    assert sweep_on(D(2026, 4, 14)) == {"steps": 2, "auto": 0}
    assert fresh(c).escalation_level == 3


# Return and dispatch again ---------------------------------------------------------------


def test_redispatched_complaint_gets_new_deadlines_and_its_steps_fire_again(
    dispatched, officer, verifier, pupr
):
    sweep_on(D(2026, 3, 27))
    with at(D(2026, 3, 30)):
        lifecycle.return_complaint(dispatched, actor=officer, reason="Jalan provinsi.")
    c = fresh(dispatched)
    assert (c.status, c.verification_due, c.next_check_on) == (
        "submitted",
        D(2026, 4, 2),
        D(2026, 4, 1),
    )

    lifecycle.dispatch(c, actor=verifier, opd=pupr, now=wita(D(2026, 3, 31)))
    c = fresh(c)
    assert (c.first_response_due, c.resolution_due) == (D(2026, 4, 8), D(2026, 4, 21))
    assert c.next_check_on == D(2026, 4, 7)
    assert sweep_days(D(2026, 3, 31), D(2026, 4, 6)) == {"steps": 0, "auto": 0}

    assert sweep_on(D(2026, 4, 7)) == {"steps": 1, "auto": 0}
    assert sweep_on(D(2026, 4, 9)) == {"steps": 1, "auto": 0}

    assert ledger(c) == {
        ("first_response", "reminder", D(2026, 3, 30)),
        ("first_response", "reminder", D(2026, 4, 8)),
        ("first_response", "level1", D(2026, 4, 8)),
    }
    reminders = Notification.objects.filter(complaint=c, kind="deadline:reminder")
    assert reminders.filter(user__username="officer_pupr", channel="in_app").count() == 2
    assert fresh(c).escalation_level == 1


def test_escalation_level_resets_to_zero_on_dispatch(submitted, verifier, pupr):
    sweep_days(D(2026, 3, 25), D(2026, 3, 30))
    assert fresh(submitted).escalation_level == 2

    lifecycle.dispatch(submitted, actor=verifier, opd=pupr, now=wita(D(2026, 3, 31)))

    c = fresh(submitted)
    assert c.escalation_level == 0
    assert c.next_check_on == D(2026, 4, 7)


def test_escalation_level_resets_to_zero_on_return(dispatched, officer):
    sweep_days(D(2026, 3, 27), D(2026, 3, 31))
    assert fresh(dispatched).escalation_level == 1
    with at(D(2026, 4, 1)):
        lifecycle.return_complaint(dispatched, actor=officer, reason="Bukan PUPR.")
    assert fresh(dispatched).escalation_level == 0


def test_finished_complaints_are_never_checked(staff, verifier):
    c, _ = file(now=wita(FILED))
    lifecycle.reject(c, actor=verifier, reason="Spam")
    assert fresh(c).next_check_on is None
    assert sweep_on(D(2026, 4, 30)) == {"steps": 0, "auto": 0}
