"""Working days of SPEC §5 on fixed dates: weekends, national holidays, cuti bersama, admin days."""

import datetime

import holidays
import pytest

from opd.calendar import (
    add_working_days,
    forget_extra_days,
    is_working_day,
    working_days_between,
)
from opd.models import Holiday

# The calendar reads the admin-entered days off from the database.
pytestmark = pytest.mark.django_db

D = datetime.date


def national_2026():
    return holidays.Indonesia(years=2026, categories=("public", "government"))


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 2, 2), 0, D(2026, 2, 2)),  # Monday, nothing to add
        (D(2026, 2, 2), 1, D(2026, 2, 3)),
        (D(2026, 2, 2), 4, D(2026, 2, 6)),  # Monday + 4 = Friday
        (D(2026, 2, 2), 5, D(2026, 2, 9)),  # Monday + 5 = next Monday
        (D(2026, 2, 6), 1, D(2026, 2, 9)),  # Friday + 1 = Monday
        (D(2026, 2, 7), 1, D(2026, 2, 9)),  # from a Saturday
        (D(2026, 2, 8), 1, D(2026, 2, 9)),  # from a Sunday
    ],
)
def test_weekends_are_skipped(start, count, expected):
    assert add_working_days(start, count) == expected


def test_weekend_days_are_not_working_days():
    assert not is_working_day(D(2026, 2, 7))
    assert not is_working_day(D(2026, 2, 8))
    assert is_working_day(D(2026, 2, 9))


def test_holidays_library_lists_nyepi_and_the_cuti_bersama_around_it():
    march = {day for day in national_2026() if day.month == 3}
    assert D(2026, 3, 19) in march  # Nyepi, Thursday
    assert D(2026, 3, 19).weekday() == 3
    # Cuti bersama for Nyepi and the Idul Fitri days that follow it in 2026.
    assert {day for day in march if day.weekday() < 5} == {
        D(2026, 3, 18),
        D(2026, 3, 19),
        D(2026, 3, 20),
        D(2026, 3, 23),
        D(2026, 3, 24),
    }


@pytest.mark.parametrize("day", [D(2026, 3, 18), D(2026, 3, 19), D(2026, 3, 20), D(2026, 3, 23)])
def test_nyepi_and_cuti_bersama_are_days_off(day):
    assert not is_working_day(day)


def test_nyepi_week_is_skipped():
    # Tuesday 17 March; 18-24 March 2026 are all off.
    assert add_working_days(D(2026, 3, 17), 1) == D(2026, 3, 25)
    assert add_working_days(D(2026, 3, 16), 3) == D(2026, 3, 26)
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 25)) == 1
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 24)) == 0


def test_christmas_and_its_cuti_bersama_are_skipped():
    off = national_2026()
    assert D(2026, 12, 24) in off
    assert D(2026, 12, 25) in off
    # Wednesday 23 December: Thursday and Friday off, then the weekend.
    assert add_working_days(D(2026, 12, 23), 1) == D(2026, 12, 28)


def test_year_end_rolls_into_january_past_new_year():
    new_year = holidays.Indonesia(years=2027, categories=("public", "government"))
    assert D(2027, 1, 1) in new_year
    # Thursday 31 December 2026; Friday 1 January 2027 is New Year's Day.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 4)) == 1
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == 2


def test_year_end_follows_the_january_holidays_of_the_library():
    january = holidays.Indonesia(years=2027, categories=("public", "government"))
    expected = D(2027, 1, 4)
    for _ in range(4):
        expected += datetime.timedelta(days=1)
        while expected.weekday() >= 5 or expected in january:
            expected += datetime.timedelta(days=1)
    assert add_working_days(D(2026, 12, 31), 5) == expected


def test_admin_entered_day_off_is_skipped():
    galungan = D(2026, 6, 17)  # Wednesday; Badung gives leave for Galungan
    assert add_working_days(D(2026, 6, 16), 1) == galungan
    assert working_days_between(D(2026, 6, 16), D(2026, 6, 19)) == 3

    Holiday.objects.create(date=galungan, name="Cuti Hari Raya Galungan")
    forget_extra_days()  # the admin does this when a day is saved

    assert not is_working_day(galungan)
    assert add_working_days(D(2026, 6, 16), 1) == D(2026, 6, 18)
    assert working_days_between(D(2026, 6, 16), D(2026, 6, 19)) == 2


def test_admin_day_off_on_a_weekend_changes_nothing():
    Holiday.objects.create(date=D(2026, 6, 27), name="Kuningan")  # Saturday
    assert add_working_days(D(2026, 6, 26), 1) == D(2026, 6, 29)


@pytest.mark.parametrize(
    ("start", "end"),
    [(D(2026, 2, 9), D(2026, 2, 9)), (D(2026, 2, 9), D(2026, 2, 2))],
)
def test_no_working_days_between_a_date_and_itself_or_an_earlier_one(start, end):
    assert working_days_between(start, end) == 0


def test_working_days_between_counts_the_end_but_not_the_start():
    # Monday to Friday: Tuesday, Wednesday, Thursday, Friday.
    assert working_days_between(D(2026, 2, 2), D(2026, 2, 6)) == 4
    # Friday to Monday: only Monday.
    assert working_days_between(D(2026, 2, 6), D(2026, 2, 9)) == 1
    # Lunar New Year (16-17 February 2026) in between.
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 18)) == 1


@pytest.mark.parametrize("start", [D(2026, 2, 2), D(2026, 3, 13), D(2026, 12, 18), D(2026, 5, 9)])
@pytest.mark.parametrize("count", [1, 3, 5, 14, 60])
def test_adding_then_counting_working_days_agree(start, count):
    assert working_days_between(start, add_working_days(start, count)) == count


def test_days_saved_in_the_admin_count_at_once(admin_client):
    assert is_working_day(D(2026, 7, 1))
    response = admin_client.post(
        "/admin/opd/holiday/add/", {"date": "2026-07-01", "name": "Keputusan Bupati"}
    )
    assert response.status_code == 302
    assert not is_working_day(D(2026, 7, 1))
