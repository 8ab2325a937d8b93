"""Leadership dashboard, its exports and printable report, and the public statistics page
(SPEC §1, §8). Views parse the period, read complaints/stats.py within the actor's dashboard
scope, and render; every figure links to the staff queue filtered to the complaints behind it.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.roles import actor_for
from opd.models import Category, Desa, Kecamatan, Opd, Sector

from . import stats
from .filters import StaffComplaintFilter
from .models import Channel, StatsCount
from .models import Status as S

OPEN = [S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED]
TOP_CATEGORIES = 10


def dashboard_required(view):
    """Logged in, with a dashboard scope (leadership, desk, OPD head, camat); else a 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        scope = stats.dashboard_scope(actor)
        if scope is None:
            raise Http404
        request.actor, request.scope = actor, scope
        return view(request, *args, **kwargs)

    return wrapper


def _period(request):
    """(form, period or None): the period of the query string, or why it is wrong."""
    form = stats.period_form(request.GET)
    return form, (form.result if form.is_valid() else None)


def _has_filter(name):
    return name in StaffComplaintFilter.base_filters


def queue_url(period, **params):
    """The staff queue showing the complaints filed in `period` that match `params`."""
    url = f"{reverse('staff:queue')}?{period.queue_query()}"
    return f"{url}&{urlencode(params, doseq=True)}" if params else url


# The KPI table: one definition for the page, the CSV and the XLSX -------------------------


@dataclass(frozen=True)
class Column:
    key: str  # also the sort key (stats.SORT_KEYS)
    label: str
    kind: str  # "int", "pct", "hours", "days", "rating"
    value: object  # Figures -> number or None
    link: object = None  # (period, row, scope) -> url or None


def _link(**extra):
    """A drill-down for an OPD row: the queue filtered by OPD, period and `extra`."""

    def build(period, row, scope):
        if row.opd is None:
            return None
        for name in extra:
            if name not in {"status", "overdue"} and not _has_filter(name):
                return None
        return queue_url(period, opd=row.code, **extra)

    return build


def _desk_or(link):
    """The desk row (no OPD) links to the complaints waiting for verification."""

    def build(period, row, scope):
        if row.opd is None:
            return queue_url(period, status=S.SUBMITTED)
        return link(period, row, scope)

    return build


def _returned_link(period, row, scope):
    # Returned complaints have left the OPD's queue: only a regency-wide queue shows them.
    if row.opd is None or scope.kind != "all" or not _has_filter("returned_by"):
        return None
    return queue_url(period, returned_by=row.code)


def _missed(deadline):
    return _link(missed=deadline)


COLUMNS = [
    Column("received", gettext_lazy("Received"), "int", lambda f: f.received, _link()),
    Column("open", gettext_lazy("Open"), "int", lambda f: f.open, _desk_or(_link(status=OPEN))),
    Column(
        "overdue", gettext_lazy("Overdue now"), "int", lambda f: f.overdue, _link(overdue="true")
    ),
    Column(
        "returned",
        gettext_lazy("Returned as wrongly routed"),
        "int",
        lambda f: f.returned,
        _returned_link,
    ),
    Column(
        "response_median",
        gettext_lazy("First response, median (hours)"),
        "hours",
        lambda f: f.response_median_hours,
        _link(responded="true"),
    ),
    Column(
        "response_p90",
        gettext_lazy("First response, 90th percentile (hours)"),
        "hours",
        lambda f: f.response_p90_hours,
        _link(responded="true"),
    ),
    Column(
        "within_24h",
        gettext_lazy("Answered within 24 hours (%)"),
        "pct",
        lambda f: f.within_24h_pct,
        _link(responded="true"),
    ),
    Column(
        "resolution_median",
        gettext_lazy("Resolution, median (working days)"),
        "days",
        lambda f: f.resolution_median_days,
        _link(status=[S.RESOLVED, S.CLOSED]),
    ),
    Column(
        "resolution_p90",
        gettext_lazy("Resolution, 90th percentile (working days)"),
        "days",
        lambda f: f.resolution_p90_days,
        _link(status=[S.RESOLVED, S.CLOSED]),
    ),
    Column(
        "verification_pct",
        gettext_lazy("Verified within deadline (%)"),
        "pct",
        lambda f: f.verification_pct,
        _missed("verification"),
    ),
    Column(
        "response_pct",
        gettext_lazy("First response within deadline (%)"),
        "pct",
        lambda f: f.response_pct,
        _missed("first_response"),
    ),
    Column(
        "resolution_pct",
        gettext_lazy("Resolved within deadline (%)"),
        "pct",
        lambda f: f.resolution_pct,
        _missed("resolution"),
    ),
    Column(
        "reopen",
        gettext_lazy("Reopened by the reporter (%)"),
        "pct",
        lambda f: f.reopen_pct,
        _link(reopened="true"),
    ),
    Column(
        "rating",
        gettext_lazy("Satisfaction (1 to 5)"),
        "rating",
        lambda f: f.rating_average,
        _link(rated="true"),
    ),
    Column("ratings", gettext_lazy("Ratings"), "int", lambda f: f.rated, _link(rated="true")),
]


def format_value(value, kind):
    """A figure as shown in the tables (localised decimals); an en dash when there is none."""
    if value is None:
        return "\u2013"
    if kind == "int":
        return formats.number_format(value, force_grouping=True)
    if kind == "rating":
        return formats.number_format(value, 2)
    return formats.number_format(value, 1)


@dataclass
class Cell:
    text: str
    url: str | None
    value: object


def _cells(figures, row, period, scope):
    cells = []
    for column in COLUMNS:
        value = column.value(figures)
        url = None
        if column.link and row is not None and value is not None:
            url = column.link(period, row, scope)
        cells.append(Cell(format_value(value, column.kind), url, value))
    return cells


def _row_label(row):
    return row.name if row.opd else _("Verification desk (not yet at an OPD)")


def _sort_headers(request, period, sort):
    """Header links that sort the table on the server (no JavaScript needed)."""
    current = sort.lstrip("-")
    descending = sort.startswith("-")
    headers = []
    for key, label in [("opd", _("OPD")), *[(c.key, c.label) for c in COLUMNS]]:
        if key == current:
            next_sort = key if descending else f"-{key}"
            state = "descending" if descending else "ascending"
        else:
            next_sort = key if key == "opd" else f"-{key}"
            state = None
        headers.append(
            {"label": label, "url": f"?{period.query()}&sort={next_sort}", "aria_sort": state}
        )
    return headers


def _kpi_context(request, scope, period, sort=stats.DEFAULT_SORT):
    actor = request.actor
    with stats.snapshot():
        until = stats.built_until()
        rows, total, as_of = stats.opd_rows(
            scope, period, actor=actor, until=until, live_seconds=stats.LIVE_CACHE_SECONDS
        )
        listed, levels = (
            stats.escalated(scope, actor) if scope.kind != "public" else ([], {2: 0, 3: 0})
        )
    rows, known = stats.sort_rows(rows, sort)
    if not known:
        sort = stats.DEFAULT_SORT
        rows, _known = stats.sort_rows(rows, sort)
    table = [
        {
            "label": _row_label(row),
            "code": row.code,
            "cells": _cells(row.figures, row, period, scope),
            "is_desk": row.opd is None,
        }
        for row in rows
    ]
    league = [
        {
            "rank": i,
            "label": row.name,
            "resolution_pct": format_value(row.figures.resolution_pct, "pct"),
            "response_pct": format_value(row.figures.response_pct, "pct"),
            "median": format_value(row.figures.resolution_median_days, "days"),
            "rating": format_value(row.figures.rating_average, "rating"),
            "url": queue_url(period, opd=row.code),
        }
        for i, row in enumerate(stats.league(rows), start=1)
    ]
    total_cells = _cells(total, None, period, scope)
    return {
        "period": period,
        "sort": sort,
        "headers": _sort_headers(request, period, sort),
        "table": table,
        "total": total_cells,
        "summary": {column.key: cell for column, cell in zip(COLUMNS, total_cells, strict=True)},
        "total_figures": total,
        "league": league,
        "league_minimum": stats.LEAGUE_MINIMUM,
        "escalated": listed,
        "levels": levels,
        "level_urls": {
            level: reverse("staff:queue")
            + f"?escalation_level={level}&"
            + urlencode({"status": OPEN}, doseq=True)
            for level in (2, 3)
        },
        "as_of": timezone.localtime(as_of),
        "scope": scope,
        "scope_opds": Opd.objects.filter(pk__in=scope.opd_ids).order_by("name"),
        "scope_kecamatan": Kecamatan.objects.filter(pk__in=scope.kecamatan_ids),
    }


@require_GET
@dashboard_required
def dashboard(request):
    """Per-OPD performance for a period, the league table, the escalated list and charts."""
    form, period = _period(request)
    context = {"form": form, "presets": stats.PRESETS.items()}
    if period is None:
        return render(request, "leadership/dashboard.html", context, status=400)
    context.update(_kpi_context(request, request.scope, period, request.GET.get("sort") or ""))
    query = period.query()
    context["data_urls"] = {
        name: reverse("dashboard:data", args=[name]) + "?" + query
        for name in ("trend", "areas", "categories", "channels")
    }
    context["exports"] = {
        "csv": reverse("dashboard:export", args=["csv"]) + "?" + query,
        "xlsx": reverse("dashboard:export", args=["xlsx"]) + "?" + query,
        "report": reverse("dashboard:report") + f"?month={period.last:%Y-%m}",
    }
    context["map"] = {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_ATTRIBUTION}
    context["chart_labels"] = chart_labels()
    return render(request, "leadership/dashboard.html", context)


def chart_labels():
    """Words the charts' script puts into tables and legends (translated here)."""
    return {
        "week": _("Week from"),
        "total": _("Total"),
        "desa": _("Desa/kelurahan"),
        "kecamatan": _("Kecamatan"),
        "filed": _("Filed in the period"),
        "open": _("Open now"),
        "overdue": _("Overdue now"),
        "category": _("Category"),
        "sector": _("Sector"),
        "channel": _("Channel"),
        "complaints": _("Complaints"),
        "share": _("Share (%)"),
        "others": _("Other categories"),
        "unplaced": _("Complaints without a desa"),
        "failed": _("The figures could not be loaded. Reload the page to try again."),
        "empty": _("No complaints were filed in this period."),
        "trend_caption": _("Complaints per week by sector"),
        "kecamatan_caption": _("Complaints per kecamatan"),
        "desa_caption": _("Complaints per desa/kelurahan"),
        "categories_caption": _("Top categories"),
        "channels_caption": _("Channel mix"),
    }


# Chart data --------------------------------------------------------------------------------


def _trend(request, scope, period, until):
    cells = stats.weekly_by_sector(
        scope, period, actor=request.actor, until=until, live_seconds=stats.LIVE_CACHE_SECONDS
    )
    weeks = sorted({start for start, _key in cells})
    first = period.first_day
    while first <= period.last_day:
        weeks.append(stats.week_start(first, period))
        first += datetime.timedelta(days=7 - first.weekday())
    weeks = sorted(set(weeks))
    sectors = {str(s.pk): s for s in Sector.objects.all()}
    keys = [k for k in sectors if any((w, k) in cells for w in weeks)]
    if any((w, "") in cells for w in weeks):
        keys.append("")
    datasets = []
    for key in keys:
        sector = sectors.get(key)
        params = {"sector": sector.code} if sector else None
        datasets.append(
            {
                "label": sector.name if sector else _("No category yet"),
                "data": [cells.get((w, key), 0) for w in weeks],
                "filter": params,
            }
        )
    return {
        "weeks": [
            {
                "start": w.isoformat(),
                "end": min(
                    w + datetime.timedelta(days=6 - w.weekday()), period.last_day
                ).isoformat(),
                "label": formats.date_format(w, "j M Y"),
            }
            for w in weeks
        ],
        "datasets": datasets,
    }


def _areas(request, scope, period, until):
    counts = stats.counted_by(
        scope,
        period,
        StatsCount.Dimension.DESA,
        actor=request.actor,
        until=until,
        live_seconds=stats.LIVE_CACHE_SECONDS,
    )
    now = stats.open_by_desa(
        scope, period, actor=request.actor, live_seconds=stats.LIVE_CACHE_SECONDS
    )
    kecamatan = {}
    desa_rows = []
    for desa in Desa.objects.select_related("kecamatan"):
        n = counts.get(str(desa.pk), 0)
        open_now, overdue = now.get(desa.pk, (0, 0))
        if not (n or open_now):
            continue
        k = kecamatan.setdefault(
            desa.kecamatan_id,
            {
                "code": desa.kecamatan.code,
                "name": desa.kecamatan.name,
                "n": 0,
                "open": 0,
                "overdue": 0,
                "url": queue_url(period, kecamatan=desa.kecamatan.code),
            },
        )
        k["n"] += n
        k["open"] += open_now
        k["overdue"] += overdue
        desa_rows.append(
            {
                "code": desa.code,
                "name": desa.name,
                "kecamatan": desa.kecamatan.name,
                "lat": float(desa.latitude),
                "lon": float(desa.longitude),
                "n": n,
                "open": open_now,
                "overdue": overdue,
                "url": queue_url(period, desa=desa.code),
            }
        )
    desa_rows.sort(key=lambda d: (-d["n"], d["name"]))
    unplaced = counts.get("", 0)
    return {
        "kecamatan": sorted(kecamatan.values(), key=lambda k: k["code"]),
        "desa": desa_rows,
        "unplaced": unplaced,
    }


def _categories(request, scope, period, until):
    counts = stats.counted_by(
        scope,
        period,
        StatsCount.Dimension.CATEGORY,
        actor=request.actor,
        until=until,
        live_seconds=stats.LIVE_CACHE_SECONDS,
    )
    categories = {str(c.pk): c for c in Category.objects.select_related("sector")}
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    rows = []
    for key, n in ranked[:TOP_CATEGORIES]:
        category = categories.get(key)
        rows.append(
            {
                "label": category.name if category else _("No category yet"),
                "sector": category.sector.name if category else "",
                "n": n,
                "url": queue_url(period, category=category.code) if category else None,
            }
        )
    others = sum(n for _key, n in ranked[TOP_CATEGORIES:])
    return {"rows": rows, "others": others, "total": sum(counts.values())}


def _channels(request, scope, period, until):
    counts = stats.counted_by(
        scope,
        period,
        StatsCount.Dimension.CHANNEL,
        actor=request.actor,
        until=until,
        live_seconds=stats.LIVE_CACHE_SECONDS,
    )
    rows = [
        {
            "code": channel.value,
            "label": str(channel.label),
            "n": counts.get(channel.value, 0),
            "url": queue_url(period, channel=channel.value) if _has_filter("channel") else None,
        }
        for channel in Channel
    ]
    return {"rows": rows, "total": sum(r["n"] for r in rows)}


def _opd_json(request, scope, period, until):
    rows, total, as_of = stats.opd_rows(
        scope, period, actor=request.actor, until=until, live_seconds=stats.LIVE_CACHE_SECONDS
    )
    return {
        "rows": [
            {"opd": row.code or None, "name": _row_label(row), **row.figures.as_dict()}
            for row in rows
        ],
        "total": total.as_dict(),
        "as_of": timezone.localtime(as_of).isoformat(),
    }


CHARTS = {
    "trend": _trend,
    "areas": _areas,
    "categories": _categories,
    "channels": _channels,
    "opd": _opd_json,
}


@require_GET
@dashboard_required
def chart_data(request, name):
    """JSON behind a chart of the dashboard (and its table), for the same period."""
    build = CHARTS.get(name)
    if build is None:
        raise Http404
    form, period = _period(request)
    if period is None:
        return JsonResponse(_errors(form), status=400)
    with stats.snapshot():
        until = stats.built_until()
        data = build(request, request.scope, period, until)
    return JsonResponse(
        {"period": {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}, **data}
    )


def _errors(form):
    return {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }


# Exports and the printable report ---------------------------------------------------------


def _export_rows(request, period):
    context = _kpi_context(request, request.scope, period)
    header = [_("OPD"), *[str(c.label) for c in COLUMNS]]
    body = [[row["label"], *[cell.value for cell in row["cells"]]] for row in context["table"]]
    body.append([_("Total"), *[cell.value for cell in context["total"]]])
    return header, body


def _safe(value):
    # A spreadsheet runs text that starts like a formula; names never should.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


@require_GET
@dashboard_required
def export(request, fmt):
    """The period's per-OPD report as CSV or XLSX (openpyxl)."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    form, period = _period(request)
    if period is None:
        return JsonResponse(_errors(form), status=400)
    header, body = _export_rows(request, period)
    title = _("Complaint handling per OPD, %(first)s to %(last)s") % {
        "first": period.first_day.isoformat(),
        "last": period.last_day.isoformat(),
    }
    name = f"badung-opd-{period.first:%Y%m}-{period.last:%Y%m}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([title])
        writer.writerow(header)
        for line in body:
            writer.writerow(["" if v is None else _safe(v) for v in line])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "OPD"
        sheet.append([title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for line in body:
            sheet.append([_safe(v) for v in line])
        sheet.column_dimensions["A"].width = 48
        sheet.freeze_panes = "B3"
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
@dashboard_required
def report(request):
    """A printable monthly report: figures, league, escalations, areas, categories, channels."""
    today = timezone.localdate()
    raw = request.GET.get("month") or f"{stats.add_months(today.replace(day=1), -1):%Y-%m}"
    form = stats.period_form({"from": raw, "to": raw}, today=today)
    if not form.is_valid():
        return render(request, "leadership/report.html", {"form": form, "month": raw}, status=400)
    period = form.result
    context = _kpi_context(request, request.scope, period)
    with stats.snapshot():
        until = stats.built_until()
        context["areas"] = _areas(request, request.scope, period, until)
        context["categories"] = _categories(request, request.scope, period, until)
        context["channels"] = _channels(request, request.scope, period, until)
        context["trend"] = _trend(request, request.scope, period, until)
    context["trend_rows"] = [
        {"week": week["label"], "values": [d["data"][i] for d in context["trend"]["datasets"]]}
        for i, week in enumerate(context["trend"]["weeks"])
    ]
    context.update(
        form=form,
        month=raw,
        previous=f"{stats.add_months(period.first, -1):%Y-%m}",
        next=(
            f"{stats.add_months(period.first, 1):%Y-%m}"
            if period.first < today.replace(day=1)
            else None
        ),
    )
    return render(request, "leadership/report.html", context)


# Public statistics -------------------------------------------------------------------------


def public_context(period):
    """The public figures of a period, ready for the page and the open-data API."""
    data = stats.public_figures(period)
    opds = {o.pk: o for o in Opd.objects.all()}
    sectors = {s.pk: s for s in Sector.objects.all()}
    opd_rows = sorted(
        ((opds[pk], f) for pk, f in data["opd"].items() if pk in opds),
        key=lambda pair: pair[0].name,
    )
    sector_rows = sorted(
        ((sectors[pk], f) for pk, f in data["sector"].items() if pk in sectors),
        key=lambda pair: (pair[0].position, pair[0].code),
    )
    total = stats.total_of(f for _o, f in opd_rows)
    return {"opd_rows": opd_rows, "sector_rows": sector_rows, "total": total}


@require_GET
def public_stats(request):
    """Public statistics (SPEC §8): public and anonymous complaints only, no personal data."""
    form, period = _period(request)
    context = {"form": form, "presets": stats.PRESETS.items()}
    if period is None:
        return render(request, "citizen/stats.html", context, status=400)
    context.update(public_context(period), period=period)
    query = period.query()
    context["api_urls"] = {
        "opd": reverse("api:stats-opd") + "?" + query,
        "sectors": reverse("api:stats-sectors") + "?" + query,
    }
    context["chart_labels"] = {
        "response_pct": _("First response within deadline (%)"),
        "resolution_pct": _("Resolved within deadline (%)"),
        "median": _("Resolution, median (working days)"),
        "p90": _("Resolution, 90th percentile (working days)"),
        "failed": _("The chart could not be loaded; the table has the figures."),
    }
    return render(request, "citizen/stats.html", context)
