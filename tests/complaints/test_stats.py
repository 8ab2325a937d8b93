"""Dashboard figures (complaints/stats.py) against hand-computed expectations.

The fixture is March 2026 in Bali: Nyepi (19 March) with its cuti bersama and Idul Fitri make
18 to 24 March days off (with the weekend), and Good Friday is 3 April. So from Monday
16 March the working days run 17, 25, 26, 27, 30, 31 March, 1, 2, 6 April... The clock of the
domain layer is faked (Bali time); the figures are read on 15 April 2026 at 10:00.

    A  public, Kuta     PUPR  answered after 2 h, resolved 25 Mar (2 wd), rated 5
    B  anonymous, Kuta  PUPR  info requested after exactly 24 h, reporter answered 25 Mar
                              (the wait was 1 working day), resolved 26 Mar (3 - 1 = 2 wd)
    C  public, Kuta     PUPR  answered after 240 h, resolved 27 Mar, reopened, resolved
                              2 Apr (8 wd)
    D  public, Kuta     PUPR returned it; now at DLHK since 17 Mar, never answered
    E  confidential, Kuta PUPR answered after 4 h, still in progress (due 13 Apr)
    F  public, Mengwi   PUPR  answered after 1 h, still in progress (due 13 Apr)
    G  public, Kuta     never verified (due 26 Mar)
    H  public, Kuta     rejected by the desk the day it came
"""

import datetime
import math
import statistics
from contextlib import contextmanager
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.roles import ANONYMOUS, actor_for
from accounts.services import staff_create
from complaints import lifecycle, stats
from complaints.models import Complaint, StatsMonth, StatsState
from opd import calendar
from opd.models import Holiday, Opd
from tests.factories import file

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
D = datetime.date
MARCH = stats.Period(D(2026, 3, 1), D(2026, 3, 1))


def wita(day, hour=10, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA)


NOW = wita(D(2026, 4, 15))


@contextmanager
def at(day, hour=10, minute=0):
    with patch("django.utils.timezone.now", return_value=wita(day, hour, minute)):
        yield


def reporter(c):
    return ANONYMOUS.with_access_key_for(c)


@pytest.fixture
def world(verifier, officer, head, camat, leadership, pupr, dlhk):
    """The complaints of the module docstring, moved by the real lifecycle."""
    mar = lambda d: D(2026, 3, d)  # noqa: E731
    c = {}
    with at(mar(16), 9):
        for name, privacy, desa in [
            ("A", "public", "51.03.01.1002"),
            ("B", "anonymous", "51.03.01.1002"),
            ("C", "public", "51.03.01.1002"),
            ("D", "public", "51.03.01.1002"),
            ("E", "confidential", "51.03.01.1002"),
            ("F", "public", "51.03.02.1004"),
            ("G", "public", "51.03.01.1002"),
            ("H", "public", "51.03.01.1002"),
        ]:
            c[name], _key = file(privacy=privacy, desa=desa, title=f"Complaint {name}")
    for name in "ACDEF":
        with at(mar(16), 10):
            lifecycle.dispatch(c[name], actor=verifier, opd=pupr)
    with at(mar(16), 11):
        lifecycle.dispatch(c["B"], actor=verifier, opd=pupr)
    with at(mar(16), 12):
        lifecycle.acknowledge(c["A"], actor=officer)
    with at(mar(16), 11):
        lifecycle.acknowledge(c["F"], actor=officer)
    with at(mar(16), 14):
        lifecycle.acknowledge(c["E"], actor=officer)
    with at(mar(16), 15):
        lifecycle.reject(c["H"], actor=verifier, reason="Spam")
    with at(mar(17), 9):
        lifecycle.return_complaint(c["D"], actor=officer, reason="Drainage is DLHK's")
    with at(mar(17), 10):
        lifecycle.dispatch(c["D"], actor=verifier, opd=dlhk)
    with at(mar(17), 11):
        lifecycle.request_info(c["B"], actor=officer, message="Which side of the road?")
    with at(mar(25), 9):
        lifecycle.comment(c["B"], actor=reporter(c["B"]), message="The north side.")
    with at(mar(25), 10):
        lifecycle.resolve(c["A"], actor=officer, resolution="Patched.")
    with at(mar(26), 9):
        lifecycle.rate(c["A"], actor=reporter(c["A"]), score=5)
    with at(mar(26), 10):
        lifecycle.resolve(c["B"], actor=officer, resolution="Patched.")
        lifecycle.acknowledge(c["C"], actor=officer)
    with at(mar(27), 10):
        lifecycle.resolve(c["C"], actor=officer, resolution="Patched.")
    with at(mar(30), 10):
        lifecycle.reopen(c["C"], actor=reporter(c["C"]), reason="Still a hole.")
    with at(D(2026, 4, 2), 10):
        lifecycle.resolve(c["C"], actor=officer, resolution="Patched again.")
    for complaint in c.values():
        complaint.refresh_from_db()
    return c


def figures_of(scope, actor=None, group="opd", until=None):
    return stats.figures(scope, MARCH, actor=actor, group=group, now=NOW, until=until)


def row(result, opd):
    return result[opd.pk if opd else None]


ALL = stats.Scope("all")


# Hand-computed figures ---------------------------------------------------------------------


def test_the_fixture_is_what_the_docstring_says(world):
    assert {n: c.status for n, c in world.items()} == {
        "A": "closed",
        "B": "resolved",
        "C": "resolved",
        "D": "dispatched",
        "E": "in_progress",
        "F": "in_progress",
        "G": "submitted",
        "H": "rejected",
    }
    # The wait for the reporter moved B's resolution deadline by one working day.
    assert world["B"].resolution_due == D(2026, 4, 14)
    assert world["E"].resolution_due == D(2026, 4, 13)
    assert world["D"].first_response_due == D(2026, 3, 31)


def test_opd_figures_for_the_regency(world, leadership, pupr):
    f = row(figures_of(ALL, leadership), pupr)
    assert f.received == 5  # A B C E F; D was returned
    assert (f.open, f.overdue, f.returned) == (2, 2, 1)
    # First responses: 2 h, 24 h, 240 h, 4 h, 1 h.
    assert f.responded == 5
    assert f.within_24h_pct == 80.0  # exactly 24 hours still counts as within
    assert f.response_median_hours == 4.0
    assert f.response_p90_hours == 153.6  # 24 h + 0.6 * (240 h - 24 h)
    assert f.response_pct == 100.0
    # Resolution in working days: A 2; B 3 less 1 waiting; C 8 (to the second resolution).
    assert f.resolved == 3
    assert f.resolution_median_days == 2.0
    assert f.resolution_p90_days == 6.8  # 2 + 0.8 * (8 - 2)
    # Met: A B C. Missed: E and F, still in progress after their 13 April deadline.
    assert (f.resolution_on_time, f.resolution_missed, f.resolution_pct) == (3, 2, 60.0)
    assert f.verification_pct == 100.0
    assert (f.reopened, f.ever_resolved, f.reopen_pct) == (1, 3, 33.3)
    assert (f.rated, f.rating_average) == (1, 5.0)


def test_a_complaint_waiting_for_its_first_answer_counts_against_the_opd(world, leadership, dlhk):
    f = row(figures_of(ALL, leadership), dlhk)
    assert (f.received, f.open, f.overdue, f.returned) == (1, 1, 1, 0)
    assert f.responded == 0
    assert f.waiting_24h == 1
    assert f.within_24h_pct == 0.0
    assert (f.response_missed, f.response_pct) == (1, 0.0)  # due 31 March
    assert (f.resolution_missed, f.resolution_pct) == (1, 0.0)  # due 14 April, not done
    assert f.response_median_hours is None
    assert f.resolution_median_days is None
    # Verified again within 3 working days of its return (17 March).
    assert f.verification_pct == 100.0


def test_the_desk_row_holds_what_never_reached_an_opd(world, leadership):
    f = row(figures_of(ALL, leadership), None)
    assert (f.received, f.pending, f.rejected, f.open, f.overdue) == (2, 1, 1, 1, 1)
    assert (f.verified_on_time, f.verification_missed, f.verification_pct) == (1, 1, 50.0)


def test_totals_merge_distributions_instead_of_averaging_medians(world, leadership):
    result = figures_of(ALL, leadership)
    total = stats.total_of(result.values())
    assert total.received == 8
    assert total.returned == 1
    assert total.response_median_hours == 4.0  # of all six first responses: D has none
    assert total.resolution_median_days == 2.0


def test_a_day_off_entered_by_the_admin_counts(world, leadership, pupr):
    Holiday.objects.create(date=D(2026, 3, 17), name="Galungan leave")
    calendar.forget_extra_days()
    f = row(figures_of(ALL, leadership), pupr)
    # A: 16 to 25 March is now one working day; B: 16 to 26 is two, and its wait (17 to
    # 25) still one; C: 16 March to 2 April is seven.
    assert sorted(f.resolution.items()) == [(1, 2), (7, 1)]


def test_figures_per_sector(world, leadership):
    result = figures_of(ALL, leadership, group="sector")
    sector = world["A"].sector_id
    assert set(result) == {sector}  # all eight are about a damaged road
    assert result[sector].received == 8
    assert result[sector].resolution_median_days == 2.0


def test_drill_down_filters_find_the_complaints_behind_each_figure(world, leadership, pupr, dlhk):
    result = figures_of(ALL, leadership)
    start, end = MARCH.bounds()
    filed = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)

    def names(queryset):
        return {n for n, c in world.items() if queryset.filter(pk=c.pk).exists()}

    today = NOW.date()
    for opd in (pupr, dlhk):
        at_opd = filed.filter(current_opd=opd)
        counts = row(result, opd).counts
        for deadline, met_name, missed_name in [
            ("verification", "verified_on_time", "verification_missed"),
            ("first_response", "response_on_time", "response_missed"),
            ("resolution", "resolution_on_time", "resolution_missed"),
        ]:
            met = stats.deadline_filter(at_opd, deadline, met=True, today=today)
            missed = stats.deadline_filter(at_opd, deadline, met=False, today=today)
            assert (met.count(), missed.count()) == (counts[met_name], counts[missed_name])
    missed = stats.deadline_filter(filed, "resolution", met=False, today=today)
    assert names(missed) == {"D", "E", "F"}
    assert names(stats.responded_filter(filed)) == set("ABCEF")
    assert names(stats.reopened_filter(filed)) == {"C"}
    assert names(stats.returned_by_filter(filed, pupr)) == {"D"}
    assert names(stats.returned_by_filter(filed, dlhk)) == set()
    with pytest.raises(ValueError, match="sooner"):
        stats.deadline_filter(filed, "sooner", met=True)


# Who sees what ------------------------------------------------------------------------------


def test_scope_of_each_role(world, leadership, verifier, head, camat, officer, citizen_user):
    assert stats.dashboard_scope(leadership).kind == "all"
    assert stats.dashboard_scope(verifier).kind == "all"
    kuta_office = Opd.objects.get(kecamatan__code="51.03.01")
    assert stats.dashboard_scope(camat) == stats.Scope(
        "scoped", frozenset({kuta_office.pk}), frozenset(camat.kecamatan_ids)
    )
    assert stats.dashboard_scope(head).opd_ids == frozenset(head.head_of_opd_ids)
    assert stats.dashboard_scope(officer) is None
    assert stats.dashboard_scope(actor_for(citizen_user)) is None
    for actor in (leadership, verifier, head, camat, officer, actor_for(citizen_user)):
        assert stats.has_dashboard(actor) == (stats.dashboard_scope(actor) is not None)


def test_an_opd_head_sees_only_their_opd(world, head, pupr):
    result = figures_of(stats.dashboard_scope(head), head)
    assert set(result) == {pupr.pk}
    f = result[pupr.pk]
    assert (f.received, f.returned) == (5, 1)  # their own return of D is theirs to see


def test_an_opd_head_never_sees_another_opds_rows(world, dlhk, pupr):
    user, _ = staff_create(username="head_dlhk", password="pw", role="opd_head", opd_code="DLHK")
    dlhk_head = actor_for(user)
    result = figures_of(stats.dashboard_scope(dlhk_head), dlhk_head)
    assert set(result) == {dlhk.pk}
    assert result[dlhk.pk].received == 1
    assert stats.escalated(stats.dashboard_scope(dlhk_head), dlhk_head)[1] == {2: 0, 3: 0}


def test_a_camat_office_sees_its_kecamatan_without_confidential_ones(world, camat, pupr, dlhk):
    result = figures_of(stats.dashboard_scope(camat), camat)
    assert set(result) == {pupr.pk, dlhk.pk, None}
    assert result[pupr.pk].received == 3  # A B C: not E (confidential) nor F (Mengwi)
    assert result[pupr.pk].returned == 1  # D, located in Kuta
    assert result[dlhk.pk].received == 1
    assert result[None].received == 2


def test_public_statistics_leave_out_confidential_and_unverified(world, pupr, dlhk):
    result = figures_of(stats.PUBLIC)
    assert set(result) == {pupr.pk, dlhk.pk}
    assert result[pupr.pk].received == 4  # A B C F
    assert result[pupr.pk].returned == 0  # returns are internal


@pytest.mark.parametrize("built", [False, True])
def test_public_figures_per_opd_and_sector_are_the_same_counts(world, built):
    if built:
        stats.refresh_rollups(now=NOW)
    public = stats.public_figures(MARCH)
    until = StatsState.objects.get().built_until if built else None
    for group in ("opd", "sector"):
        direct = stats.figures(stats.PUBLIC, MARCH, group=group, until=until)
        assert {k: f.as_dict() for k, f in public[group].items()} == {
            k: f.as_dict() for k, f in direct.items()
        }


def test_escalated_list_follows_the_scope(world, leadership, camat):
    Complaint.objects.filter(pk=world["E"].pk).update(escalation_level=3)
    Complaint.objects.filter(pk=world["F"].pk).update(escalation_level=2)
    Complaint.objects.filter(pk=world["A"].pk).update(escalation_level=3)  # closed: not listed
    listed, levels = stats.escalated(ALL, leadership)
    assert [c.tracking_code for c in listed] == [
        world["E"].tracking_code,
        world["F"].tracking_code,
    ]
    assert levels == {2: 1, 3: 1}
    listed, levels = stats.escalated(stats.dashboard_scope(camat), camat)
    assert listed == []  # E is confidential, F is in Mengwi


def test_counts_by_dimension_follow_the_scope(world, leadership, camat):
    desa = stats.counted_by(ALL, MARCH, "desa", actor=leadership)
    assert desa == {str(world["A"].desa_id): 7, str(world["F"].desa_id): 1}
    desa = stats.counted_by(stats.dashboard_scope(camat), MARCH, "desa", actor=camat)
    assert desa == {str(world["A"].desa_id): 6}
    channels = stats.counted_by(stats.PUBLIC, MARCH, "channel")
    assert channels == {"web": 5}
    weeks = stats.weekly_by_sector(ALL, MARCH, actor=leadership)
    assert weeks == {(D(2026, 3, 16), str(world["A"].sector_id)): 8}


# The rollups ------------------------------------------------------------------------------


def every_scope(world, leadership, head, camat):
    return [
        (ALL, leadership),
        (stats.dashboard_scope(head), head),
        (stats.dashboard_scope(camat), camat),
        (stats.PUBLIC, None),
    ]


def snapshot_of(scope, actor, until, group="opd"):
    return {
        key: f.as_dict() for key, f in figures_of(scope, actor, group=group, until=until).items()
    }


def test_rollups_plus_live_equal_counting_everything_live(world, leadership, head, camat):
    result = stats.refresh_rollups(now=NOW)
    assert result["rebuilt"]
    until = StatsState.objects.get().built_until
    assert StatsMonth.objects.exists()
    for scope, actor in every_scope(world, leadership, head, camat):
        for group in ("opd", "sector", "opd_sector") if not scope.by_area else ("opd",):
            assert snapshot_of(scope, actor, until, group) == snapshot_of(
                scope, actor, None, group
            ), (scope, group)
        for dimension in ("desa", "category", "channel"):
            assert stats.counted_by(
                scope, MARCH, dimension, actor=actor, until=until
            ) == stats.counted_by(scope, MARCH, dimension, actor=actor)
        assert stats.weekly_by_sector(scope, MARCH, actor=actor, until=until) == (
            stats.weekly_by_sector(scope, MARCH, actor=actor)
        )


def test_a_closed_complaint_moves_into_the_rollup_once(world, leadership, pupr):
    stats.refresh_rollups(now=NOW)
    # A and H are final; B is rated later, after the rollups were built.
    assert sum(StatsMonth.objects.values_list("received", flat=True)) == 2
    with at(D(2026, 4, 16)):
        lifecycle.rate(world["B"], actor=reporter(world["B"]), score=3)
    later = wita(D(2026, 4, 16), 12)
    until = StatsState.objects.get().built_until
    before = stats.figures(ALL, MARCH, actor=leadership, now=later, until=until)
    assert row(before, pupr).rated == 2  # B counted live, A from the rollup
    result = stats.refresh_rollups(now=later)
    assert result == {"rebuilt": False, "months": 1, "until": result["until"]}
    assert sum(StatsMonth.objects.values_list("received", flat=True)) == 3
    until = StatsState.objects.get().built_until
    after = stats.figures(ALL, MARCH, actor=leadership, now=later, until=until)
    assert row(after, pupr).as_dict() == row(before, pupr).as_dict()
    assert stats.refresh_rollups(now=later + datetime.timedelta(minutes=5))["months"] == 0


def test_rollups_rebuild_when_a_day_off_is_added(world):
    stats.refresh_rollups(now=NOW)
    Holiday.objects.create(date=D(2026, 3, 17), name="Galungan leave")
    calendar.forget_extra_days()
    assert stats.refresh_rollups(now=NOW + datetime.timedelta(minutes=5))["rebuilt"]


def test_rollups_rebuild_when_closed_complaints_arrive_late(world, verifier):
    stats.refresh_rollups(now=NOW)
    # A complaint closed (in the past) by an import or a slow transaction after the build.
    with at(D(2026, 3, 20)):
        late, _key = file(title="Late")
        lifecycle.reject(late, actor=verifier, reason="Duplicate of a paper letter")
    result = stats.refresh_rollups(now=NOW + datetime.timedelta(minutes=5))
    assert result["rebuilt"]
    assert sum(StatsMonth.objects.values_list("received", flat=True)) == 3


# Pieces -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=40))
def test_percentile_is_percentile_cont(values):
    distribution = {}
    for v in values:
        distribution[v] = distribution.get(v, 0) + 1
    ordered = sorted(values)
    for p in (0.5, 0.9):
        position = p * (len(ordered) - 1)
        low = ordered[math.floor(position)]
        high = ordered[math.ceil(position)]
        expected = low + (position - math.floor(position)) * (high - low)
        assert stats.percentile(distribution, p) == pytest.approx(expected)
    if len(values) > 1:
        assert stats.percentile(distribution, 0.5) == pytest.approx(statistics.median(values))


def test_percentile_of_nothing_is_none():
    assert stats.percentile({}, 0.5) is None
    assert stats.percentile({3: 0}, 0.5) is None


@settings(max_examples=40, deadline=None)
@given(
    st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
    st.integers(min_value=-5, max_value=400),
)
def test_working_days_match_the_calendar(start, span):
    end = start + datetime.timedelta(days=span)
    assert stats.WorkingDays().between(start, end) == calendar.working_days_between(start, end)


def test_response_steps_in_sql_match_python(db, pupr, verifier):
    c, _key = file()
    lifecycle.dispatch(c, actor=verifier, opd=pupr)
    c.refresh_from_db()
    for seconds in [0, 59, 149, 151, 3599, 3600, 4000, 21599, 21600, 86399, 86400, 400000, 2e6]:
        Complaint.objects.filter(pk=c.pk).update(
            first_response_at=c.dispatched_at + datetime.timedelta(seconds=seconds)
        )
        rows = stats._response_rows(Complaint.objects.filter(pk=c.pk), ())
        assert [r["value"] for r in rows] == [stats.response_minutes(seconds)], seconds


def test_response_steps_stay_within_about_four_percent():
    for seconds in range(0, 6 * 3600, 37):
        assert abs(stats.response_minutes(seconds) * 60 - seconds) <= 150
    for seconds in range(6 * 3600, 40 * 86400, 997):
        assert abs(stats.response_minutes(seconds) * 60 - seconds) <= 0.042 * seconds


@pytest.mark.parametrize(
    ("params", "first", "last"),
    [
        ({"period": "this_month"}, D(2026, 4, 1), D(2026, 4, 1)),
        ({"period": "last_month"}, D(2026, 3, 1), D(2026, 3, 1)),
        ({"period": "this_quarter"}, D(2026, 4, 1), D(2026, 4, 1)),
        ({"period": "this_year"}, D(2026, 1, 1), D(2026, 4, 1)),
        ({"period": "last_year"}, D(2025, 1, 1), D(2025, 12, 1)),
        ({}, D(2025, 5, 1), D(2026, 4, 1)),
        ({"from": "2026-01", "to": "2026-02"}, D(2026, 1, 1), D(2026, 2, 1)),
        ({"from": "2026-02"}, D(2026, 2, 1), D(2026, 2, 1)),
    ],
)
def test_periods(params, first, last):
    form = stats.period_form(params, today=D(2026, 4, 15))
    assert form.is_valid(), form.errors
    assert (form.result.first, form.result.last) == (first, last)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13"}, "from"),
        ({"from": "March"}, "from"),
        ({"from": "2026-03", "to": "2026-01"}, "to"),
        ({"from": "2026-03", "to": "2026-05"}, "to"),
        ({"from": "1999-01", "to": "2000-01"}, "from"),
        ({"period": "forever"}, "period"),
    ],
)
def test_bad_periods_are_refused_with_a_message(params, field):
    form = stats.period_form(params, today=D(2026, 4, 15))
    assert not form.is_valid()
    assert form.errors[field]
