"""Dashboard figures (SPEC §1, §5, §8): how each OPD performs, trends, public statistics.

What counts. A period is a range of whole months; its complaints are those *filed* in it (local
time), each counted for the OPD that holds it now, so that every figure of a row describes the
same complaints and links to the staff queue filtered the same way. Per OPD: received, still
open, overdue today, returned as wrongly routed (the returning OPD's, from the timeline),
first response (hours from dispatch; median, 90th percentile, share within 24 hours of those
whose 24 hours are up), resolution (working days from dispatch to the last resolution, minus
the working days the clock was paused waiting for the reporter), the share of each deadline
met (met / (met + missed); a deadline still running and not yet passed counts neither way; a
paused clock is not missed), reopen rate (reopened at least once / resolved at least once) and
the reporters' ratings.

Who sees what. Everything starts from access.py: leadership, the verifier desk and the system
admin see the regency; an OPD head the OPDs they head; a camat office the complaints located in
its kecamatan (not confidential) and those handled by its office; the public the complaints of
access.public_complaints(). OPD officers have no performance view (SPEC §1). A return is the
returning OPD's act: its head sees the count although the complaint has left their queue.

Scale. A complaint whose `closed_at` is set is final and never changes again; its share of
every figure is summed once, by a periodic task, into the rollup tables of models.py (per
filing month, OPD, kecamatan, sector and privacy, with distributions for the percentiles).
A page adds the complaints still moving (no `closed_at`, or closed after the rollups were
built), counted live through partial indexes. Both halves use the same expressions below and
are read in one snapshot, so the figures are exact; pages keep the live half a minute in the
cache (LIVE_CACHE_SECONDS), the rollup half under the moment it was built. Percentiles are computed
here from those distributions (percentile_cont's interpolation), the same on PostgreSQL and
SQLite; first-response times are counted in steps (5 minutes under 6 hours, 30 minutes under a
day, 2 hours under 4 days, 6 hours under 14 days, then days: about 4 % at most).
"""

import calendar as month_calendar
import datetime
import hashlib
import math
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import holidays
from django import forms
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, TruncDate
from django.db.models.lookups import LessThan, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from opd import calendar
from opd.models import Holiday, Opd

from .access import PUBLIC_LIST_STATUSES, SEE_ALL, complaints_for, public_complaints
from .models import (
    OPEN_STATUSES,
    Complaint,
    Event,
    Privacy,
    StatsCount,
    StatsDistribution,
    StatsMonth,
    StatsState,
)
from .models import Status as S
from .selectors import overdue_q

DAY = datetime.timedelta(days=1)
STATE_PK = 1
# Complaints closed less than this long ago are counted live: a transaction that set
# closed_at a moment before the rollup was built may not have committed yet.
SETTLE = datetime.timedelta(minutes=2)
PUBLIC_CACHE_SECONDS = 300
ROLLUP_CACHE_SECONDS = 3600
LIVE_CACHE_SECONDS = 60
MAX_MONTHS = 120

# Periods ----------------------------------------------------------------------------------

PRESETS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_quarter": _("This quarter"),
    "this_year": _("This year"),
    "last_year": _("Last year"),
    "last_12_months": _("Last 12 months"),
}
DEFAULT_PRESET = "last_12_months"


def _month_start(day):
    return day.replace(day=1)


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(month):
    return month.replace(day=month_calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date
    preset: str = ""

    @property
    def months(self):
        month, result = self.first, []
        while month <= self.last:
            result.append(month)
            month = add_months(month, 1)
        return result

    @property
    def first_day(self):
        return self.first

    @property
    def last_day(self):
        return _month_end(self.last)

    def bounds(self):
        """Aware datetimes: local midnight of the first day, and after the last day."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.first, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(self.last_day + DAY, datetime.time(), tzinfo=tz)
        return start, end

    def query(self):
        """The period as query parameters, for links to other figures of the same period."""
        return f"from={self.first:%Y-%m}&to={self.last:%Y-%m}"

    def queue_query(self):
        """The same complaints in the staff queue's filters (filing dates)."""
        return f"created_after={self.first_day:%Y-%m-%d}&created_before={self.last_day:%Y-%m-%d}"

    @property
    def is_single_month(self):
        return self.first == self.last


def preset_period(name, today=None):
    today = today or timezone.localdate()
    this = _month_start(today)
    if name == "this_month":
        return Period(this, this, name)
    if name == "last_month":
        last = add_months(this, -1)
        return Period(last, last, name)
    if name == "this_quarter":
        first = this.replace(month=(this.month - 1) // 3 * 3 + 1)
        return Period(first, this, name)
    if name == "this_year":
        return Period(this.replace(month=1), this, name)
    if name == "last_year":
        return Period(datetime.date(this.year - 1, 1, 1), datetime.date(this.year - 1, 12, 1), name)
    return Period(add_months(this, -11), this, DEFAULT_PRESET)


MONTH_INPUT = forms.DateInput(attrs={"type": "month", "placeholder": "YYYY-MM"})


class MonthField(forms.DateField):
    """A month as YYYY-MM (what <input type=month> sends); its first day."""

    widget = MONTH_INPUT
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


class PeriodForm(forms.Form):
    """The period chooser: a preset, or a range of months."""

    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=[("", "—"), *PRESETS.items()]
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # "from" is a Python keyword: these two fields are added by name.
        self.fields["from"] = MonthField(label=_("From month"), required=False)
        self.fields["to"] = MonthField(label=_("To month"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if self.errors:
            return data
        this = _month_start(self.today)
        if start or end:
            start, end = start or end, end or start
            if start > end:
                self.add_error("to", _("The last month comes before the first."))
            elif end > this:
                self.add_error("to", _("The period cannot end after the current month."))
            elif start.year < 2000:
                self.add_error("from", _("Choose a month from the year 2000 on."))
            elif len(Period(start, end).months) > MAX_MONTHS:
                self.add_error("from", _("Choose at most ten years."))
            else:
                data["result"] = Period(start, end)
            return data
        data["result"] = preset_period(data.get("period") or DEFAULT_PRESET, self.today)
        return data

    @property
    def result(self):
        return self.cleaned_data["result"]


def period_form(params, today=None):
    """A bound PeriodForm; with no parameters at all, the default period."""
    data = {key: params.get(key, "") for key in ("period", "from", "to")}
    return PeriodForm(data, today=today)


# Who sees what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The complaints a dashboard covers: the regency, some OPDs and kecamatan, or public."""

    kind: str  # "all", "scoped" or "public"
    opd_ids: frozenset = field(default_factory=frozenset)
    kecamatan_ids: frozenset = field(default_factory=frozenset)

    @property
    def by_area(self):
        """Percentiles come from the rollup rows kept per kecamatan."""
        return bool(self.kecamatan_ids)

    @property
    def key(self):
        opds = ",".join(map(str, sorted(self.opd_ids)))
        areas = ",".join(map(str, sorted(self.kecamatan_ids)))
        return f"{self.kind}:{opds}:{areas}"

    def rows_q(self):
        """The rollup rows in scope (fields opd, kecamatan, is_confidential, is_public)."""
        if self.kind == "all":
            return Q()
        if self.kind == "public":
            return Q(is_public=True)
        q = Q(opd__in=self.opd_ids)
        if self.kecamatan_ids:
            q |= Q(kecamatan__in=self.kecamatan_ids, is_confidential=False)
        return q

    def complaints_q(self):
        """The same on complaints; within what complaints_for() gives the actor."""
        if self.kind == "all":
            return Q()
        if self.kind == "public":
            return Q(
                privacy__in=[Privacy.PUBLIC, Privacy.ANONYMOUS], status__in=PUBLIC_LIST_STATUSES
            )
        q = Q(current_opd__in=self.opd_ids)
        if self.kecamatan_ids:
            q |= Q(kecamatan__in=self.kecamatan_ids) & ~Q(privacy=Privacy.CONFIDENTIAL)
        return q

    def returns_q(self):
        """Return events in scope: by the scope's OPDs, or of complaints in its area."""
        if self.kind == "all":
            return Q()
        if self.kind == "public":
            return Q(pk__in=[])
        q = Q(opd__in=self.opd_ids)
        if self.kecamatan_ids:
            q |= Q(complaint__kecamatan__in=self.kecamatan_ids) & ~Q(
                complaint__privacy=Privacy.CONFIDENTIAL
            )
        return q


PUBLIC = Scope("public")
DASHBOARD_ROLES = {*SEE_ALL, Role.OPD_HEAD, Role.CAMAT}


def dashboard_scope(actor):
    """The dashboard `actor` may read, or None (citizens, OPD officers)."""
    if actor.has(*SEE_ALL):
        return Scope("all")
    opd_ids = set(actor.head_of_opd_ids)
    if actor.has(Role.CAMAT) and actor.kecamatan_ids:
        opd_ids |= set(
            Opd.objects.filter(kecamatan_id__in=actor.kecamatan_ids).values_list("pk", flat=True)
        )
    if not opd_ids and not actor.kecamatan_ids:
        return None
    kecamatan = frozenset(actor.kecamatan_ids) if actor.has(Role.CAMAT) else frozenset()
    return Scope("scoped", frozenset(opd_ids), kecamatan)


def has_dashboard(actor):
    """Whether `actor` has a dashboard (for navigation; no query)."""
    return (
        actor.has(*SEE_ALL)
        or bool(actor.head_of_opd_ids)
        or (actor.has(Role.CAMAT) and bool(actor.kecamatan_ids))
    )


def scoped_complaints(scope, actor):
    """The complaints behind a scope's figures, starting from access.py."""
    if scope.kind == "public":
        return public_complaints()
    return complaints_for(actor).filter(scope.complaints_q())


# Working days -----------------------------------------------------------------------------


class WorkingDays:
    """Working days between dates (opd.calendar's rules) by ordinal numbers, for many pairs."""

    def __init__(self):
        self.first = None
        self.ordinals = []

    def _cover(self, low, high):
        if self.first is not None:
            last = self.first + datetime.timedelta(days=len(self.ordinals) - 1)
            if self.first <= low and high <= last:
                return
            low, high = min(low, self.first), max(high, last)
        # A margin on both sides: the next pairs usually fall near these.
        low -= datetime.timedelta(days=31)
        high += datetime.timedelta(days=31)
        off = calendar.days_off(low, high)
        ordinals, count, day = [], 0, low
        while day <= high:
            if calendar.is_working_day(day, off):
                count += 1
            ordinals.append(count)
            day += DAY
        self.first, self.ordinals = low, ordinals

    def between(self, start, end):
        """As calendar.working_days_between: working days after `start` up to `end`."""
        if end <= start:
            return 0
        self._cover(start, end)
        return self.ordinals[(end - self.first).days] - self.ordinals[(start - self.first).days]


def calendar_key():
    """What the working-day figures depend on: the admin's days off and the holidays data."""
    days = ",".join(
        d.isoformat() for d in Holiday.objects.order_by("date").values_list("date", flat=True)
    )
    return hashlib.sha256(f"{holidays.__version__}|{days}".encode()).hexdigest()[:32]


# Expressions shared by the rollup and the live half ---------------------------------------


class Seconds(Func):
    """Seconds from the second datetime to the first (PostgreSQL, SQLite)."""

    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra)


# (below this many seconds, step in seconds) for first-response times: at most 2.5 minutes
# off under 6 hours, at most about 4 % above.
RESPONSE_STEPS = (
    (6 * 3600, 300),
    (86400, 1800),
    (4 * 86400, 7200),
    (14 * 86400, 21600),
    (None, 86400),
)


def response_minutes(seconds):
    """A first-response time in the steps the distributions keep, in minutes."""
    seconds = max(seconds, 0)
    for below, step in RESPONSE_STEPS:
        if below is None or seconds < below:
            return int(math.floor((seconds + step / 2) / step) * step // 60)
    raise AssertionError("unreachable")


def _response_minutes_sql():
    secs = Greatest(Seconds("first_response_at", "dispatched_at"), Value(0.0))

    def step(seconds):
        return Cast(
            Floor((secs + Value(seconds / 2)) / Value(float(seconds))) * Value(seconds // 60),
            IntegerField(),
        )

    whens = [
        When(LessThan(secs, Value(float(below))), then=step(size))
        for below, size in RESPONSE_STEPS
        if below is not None
    ]
    return Case(*whens, default=step(RESPONSE_STEPS[-1][1]), output_field=IntegerField())


def _local_date(expression):
    return TruncDate(expression, tzinfo=timezone.get_current_timezone())


def _event_exists(*actions):
    return Exists(Event.objects.filter(complaint=OuterRef("pk"), action__in=actions))


def _with_dates(queryset):
    decided = Coalesce(
        "dispatched_at",
        Case(When(status__in=[S.REJECTED, S.MERGED], then=F("closed_at"))),
    )
    return queryset.alias(
        decided_on=_local_date(decided),
        responded_on=_local_date("first_response_at"),
        resolved_on=_local_date("resolved_at"),
        was_reopened=_event_exists(Event.Action.REOPENED),
    )


# Kept in the rollup: they never change once a complaint is final.
STORED = (
    "received",
    "rejected",
    "merged",
    "verified_on_time",
    "verification_missed",
    "responded",
    "responded_24h",
    "response_on_time",
    "response_missed",
    "resolved",
    "resolution_on_time",
    "resolution_missed",
    "reopened",
    "ever_resolved",
    "rated",
    "rating_sum",
)
# Live only: they depend on today, and are zero for final complaints.
LIVE_ONLY = ("open", "overdue", "pending", "waiting_24h")
COUNTERS = (*STORED, "returned", *LIVE_ONLY)


RESPONDED = Q(first_response_at__isnull=False, dispatched_at__isnull=False)
WAITING = Q(status=S.DISPATCHED, first_response_at__isnull=True, dispatched_at__isnull=False)
DEADLINES = ("verification", "first_response", "resolution")


def _met_q(deadline):
    """Answered on or before the due date (on a queryset with _with_dates)."""
    return {
        "verification": Q(decided_on__lte=F("verification_due")),
        "first_response": RESPONDED & Q(responded_on__lte=F("first_response_due")),
        "resolution": Q(resolved_on__lte=F("resolution_due")),
    }[deadline]


def _missed_q(deadline, today):
    """Answered after the due date, or not yet though it has passed; a clock paused for the
    reporter is not missed (on a queryset with _with_dates)."""
    return {
        "verification": Q(decided_on__gt=F("verification_due"))
        | Q(status=S.SUBMITTED, verification_due__lt=today),
        "first_response": (RESPONDED & Q(responded_on__gt=F("first_response_due")))
        | (WAITING & Q(first_response_due__lt=today)),
        "resolution": Q(resolved_on__gt=F("resolution_due"))
        | Q(status__in=[S.DISPATCHED, S.IN_PROGRESS], resolution_due__lt=today),
    }[deadline]


def deadline_filter(queryset, deadline, *, met, today=None):
    """The complaints of `queryset` that met (or missed) a deadline, as the dashboard counts
    them: for the staff queue's drill-down filters."""
    if deadline not in DEADLINES:
        raise ValueError(deadline)
    today = today or timezone.localdate()
    condition = _met_q(deadline) if met else _missed_q(deadline, today)
    return _with_dates(queryset).filter(condition)


def responded_filter(queryset):
    """Complaints the OPD has answered (the first-response figures)."""
    return queryset.filter(RESPONDED)


def reopened_filter(queryset):
    """Complaints the reporter reopened at least once."""
    return queryset.filter(_event_exists(Event.Action.REOPENED))


def returned_by_filter(queryset, opd):
    """Complaints that `opd` returned to the desk as wrongly routed."""
    return queryset.filter(
        Exists(
            Event.objects.filter(complaint=OuterRef("pk"), action=Event.Action.RETURNED, opd=opd)
        )
    )


def _counters(now):
    today = timezone.localdate(now)
    within_day = Q(LessThanOrEqual(Seconds("first_response_at", "dispatched_at"), Value(86400.0)))
    resolved = Q(resolved_at__isnull=False)

    def n(condition=None):
        return Count("pk", filter=condition) if condition is not None else Count("pk")

    return {
        "received": n(),
        "rejected": n(Q(status=S.REJECTED)),
        "merged": n(Q(status=S.MERGED)),
        "verified_on_time": n(_met_q("verification")),
        "verification_missed": n(_missed_q("verification", today)),
        "responded": n(RESPONDED),
        "responded_24h": n(RESPONDED & within_day),
        "response_on_time": n(_met_q("first_response")),
        "response_missed": n(_missed_q("first_response", today)),
        "resolved": n(resolved),
        "resolution_on_time": n(_met_q("resolution")),
        "resolution_missed": n(_missed_q("resolution", today)),
        "reopened": n(Q(was_reopened=True)),
        "ever_resolved": n(resolved | Q(was_reopened=True)),
        "rated": Count("rating"),
        "rating_sum": Coalesce(Sum("rating"), 0),
        "open": n(Q(status__in=OPEN_STATUSES)),
        "overdue": n(overdue_q(today)),
        "pending": n(Q(status=S.SUBMITTED)),
        "waiting_24h": n(WAITING & Q(dispatched_at__lt=now - DAY)),
    }


def _flagged(queryset):
    return queryset.annotate(
        conf=ExpressionWrapper(Q(privacy=Privacy.CONFIDENTIAL), output_field=BooleanField()),
        listed=ExpressionWrapper(
            Q(privacy__in=[Privacy.PUBLIC, Privacy.ANONYMOUS], status__in=PUBLIC_LIST_STATUSES),
            output_field=BooleanField(),
        ),
    )


def _counter_rows(queryset, group, now, only=None):
    counters = _counters(now)
    if only is not None:
        counters = {name: counters[name] for name in only}
    return _with_dates(queryset).values(*group).annotate(**counters).order_by()


def _response_rows(queryset, group):
    return (
        queryset.filter(first_response_at__isnull=False, dispatched_at__isnull=False)
        .values(*group, value=_response_minutes_sql())
        .annotate(n=Count("pk"))
        .order_by()
    )


def _resolution_rows(queryset, group, workdays):
    """{(group values..., working days): n} of the resolved complaints: dispatch to the last
    resolution, less the working days spent waiting for the reporter."""
    resolved = queryset.filter(resolved_at__isnull=False, dispatched_at__isnull=False)
    result = defaultdict(int)
    for row in (
        resolved.values(*group, d1=_local_date("dispatched_at"), d2=_local_date("resolved_at"))
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = tuple(row[g] for g in group)
        result[(*key, workdays.between(row["d1"], row["d2"]))] += row["n"]
    # Complaints that waited for the reporter: move each to its days less the waits.
    events = (
        Event.objects.filter(
            complaint__in=resolved.values("pk"),
            action__in=[Event.Action.INFO_REQUESTED, Event.Action.INFO_PROVIDED],
        )
        .order_by("complaint_id", "created_at", "pk")
        .values_list(
            "complaint_id",
            "action",
            _local_date("created_at"),
            _local_date("complaint__dispatched_at"),
            _local_date("complaint__resolved_at"),
        )
    )
    # The group values of those complaints, by pk (few: about one in ten waited).
    waiting = {}
    pauses = defaultdict(int)
    asked = {}
    for pk, action, day, d1, d2 in events:
        waiting[pk] = (d1, d2)
        if action == Event.Action.INFO_REQUESTED:
            asked[pk] = day
        elif pk in asked:
            pauses[pk] += workdays.between(asked.pop(pk), day)
    paused = {pk: days for pk, days in pauses.items() if days}
    if paused:
        for row in resolved.filter(pk__in=list(paused)).values("pk", *group).order_by():
            key = tuple(row[g] for g in group)
            d1, d2 = waiting[row["pk"]]
            gross = workdays.between(d1, d2)
            result[(*key, gross)] -= 1
            result[(*key, max(0, gross - paused[row["pk"]]))] += 1
    return {key: n for key, n in result.items() if n}


# Rollup: building ---------------------------------------------------------------------------

ROLLUP_GROUP = {  # rollup column: the complaint's (annotated) field
    "opd_id": "current_opd",
    "kecamatan_id": "kecamatan",
    "sector_id": "sector",
    "is_confidential": "conf",
    "is_public": "listed",
}
GRAINS = {  # distribution grain: its columns
    StatsDistribution.Grain.OPD: {"opd_id": "current_opd"},
    StatsDistribution.Grain.AREA: {"opd_id": "current_opd", "kecamatan_id": "kecamatan"},
    StatsDistribution.Grain.SECTOR: {"opd_id": "current_opd", "sector_id": "sector"},
}
FLAGS = {"is_confidential": "conf", "is_public": "listed"}
COUNTED = {  # counted dimension: the complaint's field
    StatsCount.Dimension.DESA: "desa",
    StatsCount.Dimension.CATEGORY: "category",
    StatsCount.Dimension.CHANNEL: "channel",
}
SCOPE_COLUMNS = {"opd_id": "current_opd", "kecamatan_id": "kecamatan", **FLAGS}


def _month_bounds(month):
    return Period(month, month).bounds()


def _insert_select(model, queryset, columns, constants):
    """INSERT the rows of a values() queryset (model column: its alias), plus constant
    columns, in one statement: no row passes through Python."""
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    names = [*constants, *columns]
    select = ["%s"] * len(constants) + [f"sub.{qn(alias)}" for alias in columns.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(map(qn, names))}) "  # noqa: S608
            f"SELECT {', '.join(select)} FROM ({sql}) sub",
            [*constants.values(), *params],
        )


def _insert_rows(model, names, rows, chunk=500):
    """INSERT rows (tuples in the order of `names`) with multi-row VALUES."""
    qn = connection.ops.quote_name
    # Table and column names are the model's own, quoted; values go as parameters.
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(map(qn, names))}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    rows = list(rows)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i : i + chunk]
            cursor.execute(head + ", ".join([one] * len(part)), [v for r in part for v in r])


def _returns_of(complaints):
    return Event.objects.filter(
        action=Event.Action.RETURNED, complaint__in=complaints.values("pk")
    ).annotate(
        conf=ExpressionWrapper(
            Q(complaint__privacy=Privacy.CONFIDENTIAL), output_field=BooleanField()
        ),
        listed=ExpressionWrapper(
            Q(
                complaint__privacy__in=[Privacy.PUBLIC, Privacy.ANONYMOUS],
                complaint__status__in=PUBLIC_LIST_STATUSES,
            ),
            output_field=BooleanField(),
        ),
    )


def _build_month(month, until, workdays):
    """Sum the final complaints filed in `month` (closed before `until`) into the rollups."""
    start, end = _month_bounds(month)
    final = Complaint.objects.filter(created_at__gte=start, created_at__lt=end, closed_at__lt=until)
    flagged = _flagged(final)

    _insert_select(
        StatsMonth,
        _counter_rows(flagged, ROLLUP_GROUP.values(), until, only=STORED),
        {**ROLLUP_GROUP, **{name: name for name in STORED}},
        {"month": month, "returned": 0},
    )
    returns = (
        _returns_of(final)
        .values("opd", "complaint__kecamatan", "complaint__sector", "conf", "listed")
        .annotate(n=Count("pk"))
        .order_by()
    )
    _insert_select(
        StatsMonth,
        returns,
        {
            "opd_id": "opd",
            "kecamatan_id": "complaint__kecamatan",
            "sector_id": "complaint__sector",
            **FLAGS,
            "returned": "n",
        },
        {"month": month, **dict.fromkeys(STORED, 0)},
    )

    resolution_rows = []
    for grain, columns in GRAINS.items():
        group = (*columns.values(), *FLAGS.values())
        _insert_select(
            StatsDistribution,
            _response_rows(flagged, group),
            {**columns, **FLAGS, "value": "value", "n": "n"},
            {"month": month, "grain": grain, "measure": StatsDistribution.Measure.RESPONSE},
        )
        names = [*columns, *FLAGS]
        for key, n in _resolution_rows(flagged, group, workdays).items():
            values = dict(zip(names, key[:-1], strict=True))
            resolution_rows.append(
                (
                    month,
                    grain,
                    StatsDistribution.Measure.RESOLUTION,
                    values.get("opd_id"),
                    values.get("kecamatan_id"),
                    values.get("sector_id"),
                    values["is_confidential"],
                    values["is_public"],
                    key[-1],
                    n,
                )
            )
    _insert_rows(
        StatsDistribution,
        (
            "month",
            "grain",
            "measure",
            "opd_id",
            "kecamatan_id",
            "sector_id",
            "is_confidential",
            "is_public",
            "value",
            "n",
        ),
        resolution_rows,
    )

    for dimension, name in COUNTED.items():
        _insert_select(
            StatsCount,
            flagged.values(
                *SCOPE_COLUMNS.values(), counted_key=Coalesce(Cast(name, CharField()), Value(""))
            )
            .annotate(n=Count("pk"))
            .order_by(),
            {**SCOPE_COLUMNS, "key": "counted_key", "n": "n"},
            {"month": month, "start": month, "dimension": dimension},
        )
    weeks = defaultdict(int)
    for values in (
        flagged.values(*SCOPE_COLUMNS.values(), "sector", day=_local_date("created_at"))
        .annotate(n=Count("pk"))
        .order_by()
    ):
        first = max(values["day"] - datetime.timedelta(days=values["day"].weekday()), month)
        scope_key = tuple(values[g] for g in SCOPE_COLUMNS.values())
        weeks[(first, str(values["sector"] or ""), *scope_key)] += values["n"]
    _insert_rows(
        StatsCount,
        ("month", "dimension", "start", "key", *SCOPE_COLUMNS, "n"),
        [(month, StatsCount.Dimension.SECTOR_WEEK, *key, n) for key, n in weeks.items()],
    )


def _checksum(until):
    if until is None:
        return 0, 0
    totals = Complaint.objects.filter(closed_at__lt=until).aggregate(
        n=Count("pk"), s=Coalesce(Sum("pk"), 0)
    )
    return totals["n"], totals["s"]


def _delete_months(months=None):
    for model in (StatsMonth, StatsDistribution, StatsCount):
        rows = model.objects.all() if months is None else model.objects.filter(month__in=months)
        rows.delete()


def refresh_rollups(*, now=None, full=False):
    """Bring the rollups up to date; return what was done. Safe to run at any time, also
    twice at once (the second run finds the state row locked and leaves)."""
    now = now or timezone.now()
    StatsState.objects.get_or_create(pk=STATE_PK)
    with transaction.atomic():
        state = StatsState.objects.select_for_update(skip_locked=True).filter(pk=STATE_PK).first()
        if state is None:
            return {"skipped": True}
        until = now - SETTLE
        key = calendar_key()
        stale = (state.final_count, state.final_id_sum) != _checksum(state.built_until)
        rebuild = full or state.built_until is None or key != state.calendar_key or stale
        if rebuild:
            bounds = Complaint.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
            months = []
            if bounds["first"] is not None:
                month = _month_start(timezone.localdate(bounds["first"]))
                while month <= _month_start(timezone.localdate(bounds["last"])):
                    months.append(month)
                    month = add_months(month, 1)
            _delete_months()
        else:
            days = (
                Complaint.objects.filter(closed_at__gte=state.built_until, closed_at__lt=until)
                .values_list(_local_date("created_at"), flat=True)
                .distinct()
            )
            months = sorted({_month_start(day) for day in days})
            _delete_months(months)
        workdays = WorkingDays()
        for month in months:
            _build_month(month, until, workdays)
        state.final_count, state.final_id_sum = _checksum(until)
        state.built_until, state.calendar_key, state.refreshed_at = until, key, now
        state.save()
    return {"rebuilt": rebuild, "months": len(months), "until": until.isoformat()}


# Reading ---------------------------------------------------------------------------------


@contextmanager
def snapshot():
    """One consistent view of the rollups and the complaints for all queries of a page."""
    # Inside a transaction already, or on the one SQLite connection that a test's live
    # server shares between threads (concurrent requests cannot each open a transaction).
    if connection.in_atomic_block or connection.allow_thread_sharing:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # A compiled plan costs more than these small aggregations take.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def built_until():
    return StatsState.objects.filter(pk=STATE_PK).values_list("built_until", flat=True).first()


def _live(queryset, until):
    if until is None:
        return queryset
    return queryset.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=until))


def percentile(distribution, p):
    """percentile_cont(p) of a distribution {value: count}; None when it is empty."""
    items = sorted((v, n) for v, n in distribution.items() if n)
    total = sum(n for _v, n in items)
    if not total:
        return None
    position = p * (total - 1)
    lower = math.floor(position)
    fraction = position - lower

    def at(index):
        seen = 0
        for value, n in items:
            seen += n
            if index < seen:
                return value
        return items[-1][0]

    low = at(lower)
    if not fraction:
        return float(low)
    return low + fraction * (at(lower + 1) - low)


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The figures of one row (an OPD, a sector or the total)."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    response: dict = field(default_factory=lambda: defaultdict(int))  # minutes: n
    resolution: dict = field(default_factory=lambda: defaultdict(int))  # working days: n
    # Percentiles once computed: a page asks for them many times (cells, sorting, league).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def add(self, other):
        for name in COUNTERS:
            self.counts[name] += other.counts[name]
        for mine, theirs in ((self.response, other.response), (self.resolution, other.resolution)):
            for value, n in theirs.items():
                mine[value] += n
        self.memo.clear()

    def _percentile(self, distribution, p):
        key = (distribution, p)
        if key not in self.memo:
            self.memo[key] = percentile(getattr(self, distribution), p)
        return self.memo[key]

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def _hours(self, p):
        minutes = self._percentile("response", p)
        return None if minutes is None else round(minutes / 60, 1)

    def _days(self, p):
        days = self._percentile("resolution", p)
        return None if days is None else round(days, 1)

    @property
    def response_median_hours(self):
        return self._hours(0.5)

    @property
    def response_p90_hours(self):
        return self._hours(0.9)

    @property
    def resolution_median_days(self):
        return self._days(0.5)

    @property
    def resolution_p90_days(self):
        return self._days(0.9)

    @property
    def within_24h_pct(self):
        c = self.counts
        return _share(c["responded_24h"], c["responded"] + c["waiting_24h"])

    @property
    def verification_pct(self):
        c = self.counts
        return _share(c["verified_on_time"], c["verified_on_time"] + c["verification_missed"])

    @property
    def response_pct(self):
        c = self.counts
        return _share(c["response_on_time"], c["response_on_time"] + c["response_missed"])

    @property
    def resolution_pct(self):
        c = self.counts
        return _share(c["resolution_on_time"], c["resolution_on_time"] + c["resolution_missed"])

    @property
    def reopen_pct(self):
        return _share(self.counts["reopened"], self.counts["ever_resolved"])

    @property
    def rating_average(self):
        c = self.counts
        return round(c["rating_sum"] / c["rated"], 2) if c["rated"] else None

    def as_dict(self):
        return {
            **{name: self.counts[name] for name in COUNTERS},
            "response_median_hours": self.response_median_hours,
            "response_p90_hours": self.response_p90_hours,
            "within_24h_pct": self.within_24h_pct,
            "resolution_median_days": self.resolution_median_days,
            "resolution_p90_days": self.resolution_p90_days,
            "verification_pct": self.verification_pct,
            "response_pct": self.response_pct,
            "resolution_pct": self.resolution_pct,
            "reopen_pct": self.reopen_pct,
            "rating_average": self.rating_average,
        }


def _grain(scope, group):
    if group != "opd":
        if scope.by_area:
            # Distributions per sector are kept per OPD, not per kecamatan.
            raise ValueError("figures per sector are not kept for a kecamatan's scope")
        return StatsDistribution.Grain.SECTOR
    return StatsDistribution.Grain.AREA if scope.by_area else StatsDistribution.Grain.OPD


GROUPS = {  # name: (rollup fields, complaint fields, return event fields)
    "opd": (("opd",), ("current_opd",), ("opd",)),
    "sector": (("sector",), ("sector",), ("complaint__sector",)),
    "opd_sector": (("opd", "sector"), ("current_opd", "sector"), ("opd", "complaint__sector")),
}


def _key(values, fields):
    return values[fields[0]] if len(fields) == 1 else tuple(values[f] for f in fields)


def _rolled(scope, period, group, until):
    """The rollup half: {group key: (counts, response, resolution)}. Cached under `until`,
    which moves whenever the rollups change, so the cache never serves old figures."""
    key = (
        f"stats:rolled:{scope.key}:{group}:{period.first:%Y%m}:{period.last:%Y%m}:"
        f"{until.timestamp()}"
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    fields = GROUPS[group][0]
    result = defaultdict(lambda: ({}, defaultdict(int), defaultdict(int)))
    months = period.months
    sums = {name: Coalesce(Sum(name), 0) for name in (*STORED, "returned")}
    for values in (
        StatsMonth.objects.filter(scope.rows_q(), month__in=months)
        .values(*fields)
        .annotate(**sums)
        .order_by()
    ):
        counts = result[_key(values, fields)][0]
        for name in (*STORED, "returned"):
            counts[name] = counts.get(name, 0) + values[name]
    for values in (
        StatsDistribution.objects.filter(
            scope.rows_q(), grain=_grain(scope, group), month__in=months
        )
        .values(*fields, "measure", "value")
        .annotate(n=Sum("n"))
        .order_by()
    ):
        _counts, response, resolution = result[_key(values, fields)]
        target = response if values["measure"] == StatsDistribution.Measure.RESPONSE else resolution
        target[values["value"]] += values["n"]
    plain = {k: (c, dict(r), dict(d)) for k, (c, r, d) in result.items()}
    cache.set(key, plain, ROLLUP_CACHE_SECONDS)
    return plain


def _live_part(scope, period, group, actor, now, until):
    """The live half: {group key: (counts, response, resolution)} of the complaints not in
    the rollups (still moving, or closed since they were built)."""
    _rollup_fields, fields, return_fields = GROUPS[group]
    result = defaultdict(lambda: (dict.fromkeys(COUNTERS, 0), defaultdict(int), defaultdict(int)))
    start, end = period.bounds()
    filed = {"created_at__gte": start, "created_at__lt": end}
    live = _live(scoped_complaints(scope, actor).filter(**filed), until)
    for values in _counter_rows(live, fields, now):
        counts = result[_key(values, fields)][0]
        for name in (*STORED, *LIVE_ONLY):
            counts[name] += values[name]
    for values in _response_rows(live, fields):
        result[_key(values, fields)][1][values["value"]] += values["n"]
    for key, n in _resolution_rows(live, fields, WorkingDays()).items():
        *group_values, days = key
        result[group_values[0] if len(fields) == 1 else tuple(group_values)][2][days] += n
    if scope.kind != "public":
        for values in (
            Event.objects.filter(
                scope.returns_q(),
                action=Event.Action.RETURNED,
                complaint__in=_live(Complaint.objects.filter(**filed), until).values("pk"),
            )
            .values(*return_fields)
            .annotate(n=Count("complaint"))
            .order_by()
        ):
            result[_key(values, return_fields)][0]["returned"] += values["n"]
    return {k: (c, dict(r), dict(d)) for k, (c, r, d) in result.items()}


class FigureSet(dict):
    """{group id or None: Figures}, and the moment its live half was counted (`as_of`)."""

    as_of = None


def figures(scope, period, *, actor=None, group="opd", now=None, until=None, live_seconds=0):
    """{group id or None: Figures} for the complaints filed in `period` within `scope`.

    With `live_seconds`, the live half is kept that long in the cache (shared by everyone
    with the same scope), so that a busy dashboard counts the moving complaints once a
    minute rather than on every request; the rollup half is always current.
    """
    now = now or timezone.now()
    result = FigureSet()

    def add(part):
        for key, (counts, response, resolution) in part.items():
            target = result.setdefault(key, Figures())
            for name, n in counts.items():
                target.counts[name] += n
            for value, n in response.items():
                target.response[value] += n
            for value, n in resolution.items():
                target.resolution[value] += n

    if until is not None:
        add(_rolled(scope, period, group, until))
    key = None
    if live_seconds:
        stamp = until.timestamp() if until else "none"
        key = (
            f"stats:live:{scope.key}:{group}:{period.first:%Y%m}:{period.last:%Y%m}:{stamp}:"
            f"{timezone.localdate(now)}"
        )
        cached = cache.get(key)
        if cached is not None:
            result.as_of, live = cached
            add(live)
            return result
    live = _live_part(scope, period, group, actor, now, until)
    result.as_of = now
    if key:
        cache.set(key, (now, live), live_seconds)
    add(live)
    return result


def total_of(rows):
    total = Figures()
    for row in rows:
        total.add(row)
    return total


# Rows for pages ---------------------------------------------------------------------------

SORT_KEYS = {
    "opd": lambda row: (row.name or "").lower(),
    "received": lambda row: row.figures.received,
    "open": lambda row: row.figures.open,
    "overdue": lambda row: row.figures.overdue,
    "returned": lambda row: row.figures.returned,
    "response_median": lambda row: row.figures.response_median_hours,
    "response_p90": lambda row: row.figures.response_p90_hours,
    "within_24h": lambda row: row.figures.within_24h_pct,
    "resolution_median": lambda row: row.figures.resolution_median_days,
    "resolution_p90": lambda row: row.figures.resolution_p90_days,
    "verification_pct": lambda row: row.figures.verification_pct,
    "response_pct": lambda row: row.figures.response_pct,
    "resolution_pct": lambda row: row.figures.resolution_pct,
    "reopen": lambda row: row.figures.reopen_pct,
    "rating": lambda row: row.figures.rating_average,
    "ratings": lambda row: row.figures.rated,
}
DEFAULT_SORT = "-overdue"


@dataclass
class OpdRow:
    opd: object  # an Opd, or None for the verification desk
    figures: Figures

    @property
    def name(self):
        return self.opd.name if self.opd else ""

    @property
    def code(self):
        return self.opd.code if self.opd else ""


def sort_rows(rows, sort):
    """Rows sorted by a SORT_KEYS name ('-' first for descending); rows without the figure
    after the others, the desk's row (no OPD) last. Returns (rows, whether the key exists)."""
    name = sort.lstrip("-")
    key = SORT_KEYS.get(name)
    if key is None:
        return rows, False
    desk = [r for r in rows if r.opd is None]
    rows = [r for r in rows if r.opd is not None]
    known = [r for r in rows if key(r) is not None]
    unknown = [r for r in rows if key(r) is None]
    known.sort(key=key, reverse=sort.startswith("-"))
    return known + unknown + desk, True


def opd_rows(scope, period, *, actor=None, now=None, until=None, live_seconds=0):
    """(rows per OPD and the desk, total, as of) for a dashboard."""
    by_opd = figures(scope, period, actor=actor, now=now, until=until, live_seconds=live_seconds)
    opds = Opd.objects.in_bulk([pk for pk in by_opd if pk is not None])
    rows = [OpdRow(opds.get(pk), f) for pk, f in by_opd.items() if pk is None or pk in opds]
    rows.sort(key=lambda r: (r.opd is None, r.name))
    return rows, total_of(r.figures for r in rows), by_opd.as_of


LEAGUE_MINIMUM = 5  # deadlines closed in the period before an OPD is ranked


def league(rows):
    """OPDs ranked by the share of resolution deadlines met, then first-response deadlines."""
    ranked = [
        r
        for r in rows
        if r.opd is not None
        and r.figures.resolution_on_time + r.figures.resolution_missed >= LEAGUE_MINIMUM
    ]
    ranked.sort(
        key=lambda r: (
            -(r.figures.resolution_pct or 0),
            -(r.figures.response_pct or 0),
            r.figures.resolution_median_days
            if r.figures.resolution_median_days is not None
            else 1e9,
            r.name,
        )
    )
    return ranked


ESCALATED_RELATED = ("category", "desa", "kecamatan", "current_opd")


def escalated(scope, actor, limit=50):
    """Open complaints escalated to level 2 (Sekda, Inspektorat) or 3 (Bupati) (SPEC §5):
    ([the highest and oldest], {level: how many})."""
    rows = scoped_complaints(scope, actor).filter(escalation_level__gte=2, status__in=OPEN_STATUSES)
    levels = dict(rows.order_by().values_list("escalation_level").annotate(n=Count("pk")))
    listed = []
    for level in (3, 2):
        if len(listed) < limit and levels.get(level):
            # One level at a time: each is read in the order of its partial index.
            listed += (
                rows.filter(escalation_level=level)
                .select_related(*ESCALATED_RELATED)
                .order_by("created_at", "pk")[: limit - len(listed)]
            )
    return listed, {2: levels.get(2, 0), 3: levels.get(3, 0)}


def _cached(key, seconds, compute):
    """compute(), kept `seconds` in the cache under `key` (not at all for 0)."""
    if not seconds:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _count_rows(scope, period, actor, dimension, live_field, until, by_day, live_seconds):
    """{(start, key): n} of one counted dimension, rollup and live together."""
    result = defaultdict(int)
    months = f"{period.first:%Y%m}:{period.last:%Y%m}"
    if until is not None:

        def rolled():
            return list(
                StatsCount.objects.filter(
                    scope.rows_q(), dimension=dimension, month__in=period.months
                )
                .values_list("start", "key")
                .annotate(n=Sum("n"))
                .order_by()
            )

        key = f"stats:counted:{scope.key}:{dimension}:{months}:{until.timestamp()}"
        for start, name, n in _cached(key, ROLLUP_CACHE_SECONDS, rolled):
            result[(start, name)] += n

    def live():
        start, end = period.bounds()
        complaints = _live(
            scoped_complaints(scope, actor).filter(created_at__gte=start, created_at__lt=end),
            until,
        )
        days = {"day": _local_date("created_at")} if by_day else {}
        return [
            (values.get("day"), str(values[live_field] or ""), values["n"])
            for values in complaints.values(live_field, **days).annotate(n=Count("pk")).order_by()
        ]

    stamp = until.timestamp() if until else "none"
    key = f"stats:counted-live:{scope.key}:{dimension}:{months}:{stamp}"
    for start, name, n in _cached(key, live_seconds, live):
        result[(start, name)] += n
    return result


def week_start(day, period):
    """The first day of `day`'s week (Monday) that lies in the period."""
    return max(day - datetime.timedelta(days=day.weekday()), period.first)


def weekly_by_sector(scope, period, *, actor=None, until=None, live_seconds=0):
    """{(week start, sector id or ''): n} of complaints filed per week."""
    cells = _count_rows(
        scope,
        period,
        actor,
        StatsCount.Dimension.SECTOR_WEEK,
        "sector",
        until,
        by_day=True,
        live_seconds=live_seconds,
    )
    result = defaultdict(int)
    for (start, key), n in cells.items():
        result[(week_start(start, period), key)] += n
    return dict(result)


def counted_by(scope, period, dimension, *, actor=None, until=None, live_seconds=0):
    """{key: n} of complaints filed in the period per desa, category or channel."""
    result = defaultdict(int)
    cells = _count_rows(
        scope,
        period,
        actor,
        dimension,
        COUNTED[dimension],
        until,
        by_day=False,
        live_seconds=live_seconds,
    )
    for (_start, key), n in cells.items():
        result[key] += n
    return dict(result)


def open_by_desa(scope, period, *, actor=None, now=None, live_seconds=0):
    """{desa id: (open, overdue)} of the period's complaints that are still open."""
    today = timezone.localdate(now)

    def count():
        start, end = period.bounds()
        rows = (
            scoped_complaints(scope, actor)
            .filter(created_at__gte=start, created_at__lt=end, status__in=OPEN_STATUSES)
            .values("desa")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
            .order_by()
        )
        return {row["desa"]: (row["open"], row["overdue"]) for row in rows}

    key = f"stats:open-desa:{scope.key}:{period.first:%Y%m}:{period.last:%Y%m}:{today}"
    return _cached(key, live_seconds, count)


def public_figures(period):
    """The public statistics of a period (public and anonymous complaints that passed
    verification): {"opd": {id: Figures}, "sector": {id: Figures}}; cached a few minutes.
    Counted once per OPD and sector, then summed both ways."""
    key = f"stats:public:{period.first:%Y%m}:{period.last:%Y%m}"
    plain = cache.get(key)
    if plain is None:
        with snapshot():
            until = built_until()
            cells = figures(PUBLIC, period, group="opd_sector", until=until)
        plain = {"opd": defaultdict(Figures), "sector": defaultdict(Figures)}
        for (opd, sector), f in cells.items():
            plain["opd"][opd].add(f)
            plain["sector"][sector].add(f)
        plain = {
            group: {pk: (f.counts, dict(f.response), dict(f.resolution)) for pk, f in rows.items()}
            for group, rows in plain.items()
        }
        cache.set(key, plain, PUBLIC_CACHE_SECONDS)
    return {
        group: {
            pk: Figures(dict(counts), defaultdict(int, response), defaultdict(int, resolution))
            for pk, (counts, response, resolution) in rows.items()
        }
        for group, rows in plain.items()
    }
