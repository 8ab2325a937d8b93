"""Working days (SPEC §5): no weekends, national holidays, cuti bersama or admin days off."""

import datetime
import time
from functools import lru_cache

import holidays

from .models import Holiday


@lru_cache(maxsize=32)
def _national(year):
    return frozenset(holidays.Indonesia(years=year, categories=("public", "government")).keys())


_extra = {"days": None, "read_at": 0.0}
EXTRA_DAYS_SECONDS = 60  # admin-entered days reach every process within a minute


def _extra_days():
    # Every filing and every sweep step reads the calendar; the admin's list changes rarely.
    if _extra["days"] is None or time.monotonic() - _extra["read_at"] > EXTRA_DAYS_SECONDS:
        _extra["days"] = frozenset(Holiday.objects.values_list("date", flat=True))
        _extra["read_at"] = time.monotonic()
    return _extra["days"]


def forget_extra_days():
    """Read the admin-entered days afresh on next use (after they change)."""
    _extra["days"] = None


def days_off(start, end):
    """Every non-working weekday date between start and end, both included."""
    national = set()
    for year in range(start.year, end.year + 1):
        national |= _national(year)
    return national | {day for day in _extra_days() if start <= day <= end}


def is_working_day(day, off=None):
    if day.weekday() >= 5:
        return False
    off = days_off(day, day) if off is None else off
    return day not in off


def add_working_days(start, count):
    """The date `count` working days after `start` (a date)."""
    # Look far enough ahead: 60 working days never span more than about 100 calendar days.
    horizon = start + datetime.timedelta(days=count * 2 + 40)
    off = days_off(start, horizon)
    day = start
    left = count
    while left > 0:
        day += datetime.timedelta(days=1)
        if day > horizon:
            horizon = day + datetime.timedelta(days=60)
            off = days_off(day, horizon)
        if is_working_day(day, off):
            left -= 1
    return day


def working_days_between(start, end):
    """How many working days come after `start` up to and including `end`."""
    if end <= start:
        return 0
    off = days_off(start, end)
    day, count = start, 0
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, off):
            count += 1
    return count
