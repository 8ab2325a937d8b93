"""Open data: the public statistics as JSON (SPEC §8 `GET /api/v1/stats/opd/`).

Only public and anonymous complaints that passed verification (access.public_complaints),
counted, never listed: no personal data. The same figures as the /statistik/ page.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from badung_portal.api import LookupThrottle

from . import stats
from .dashboard_views import public_context

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=list(stats.PRESETS),
        description="A named period (default `last_12_months`), unless `from`/`to` are given.",
    ),
    OpenApiParameter("from", OpenApiTypes.STR, description="First month, `YYYY-MM`."),
    OpenApiParameter("to", OpenApiTypes.STR, description="Last month, `YYYY-MM`."),
]
FIGURE_FIELDS = (
    "received",
    "open",
    "overdue",
    "resolved",
    "responded",
    "response_median_hours",
    "response_p90_hours",
    "within_24h_pct",
    "response_pct",
    "resolution_median_days",
    "resolution_p90_days",
    "resolution_pct",
    "reopen_pct",
    "rating_average",
    "rated",
)
FIGURES_DESCRIPTION = (
    "Complaints filed in the period (public and anonymous, verified). `received`, `open`, "
    "`overdue` (now), `resolved`, `responded`: counts. `response_median_hours`, "
    "`response_p90_hours`: time from dispatch to the OPD's first response. `within_24h_pct`: "
    "share answered within 24 hours. `resolution_median_days`, `resolution_p90_days`: working "
    "days from dispatch to resolution, waits for the reporter excluded. `response_pct`, "
    "`resolution_pct`: share of deadlines met. `reopen_pct`: share reopened by the reporter. "
    "`rating_average` (1 to 5) of `rated` ratings. Unknown figures are null."
)


def _figures(f):
    data = f.as_dict()
    return {name: data[name] for name in FIGURE_FIELDS}


def _period_or_errors(request):
    form = stats.period_form(request.query_params)
    if form.is_valid():
        return form.result, None
    errors = {
        name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()
    }
    return None, Response(errors, status=400)


def _period_data(period):
    return {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}


class PublicStats(APIView):
    """Public figures for a period (no login): the subclass shapes its rows."""

    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]

    def get(self, request):
        period, errors = _period_or_errors(request)
        if errors:
            return errors
        return Response({"period": _period_data(period), **self.body(public_context(period))})


def _public_schema(summary, rows):
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=FIGURES_DESCRIPTION,
            parameters=PERIOD_PARAMETERS,
            responses={
                200: OpenApiResponse(OpenApiTypes.OBJECT, description=rows),
                400: OpenApiResponse(OpenApiTypes.OBJECT, description="An invalid period."),
            },
        )
    )


@_public_schema("Public statistics per OPD", "Figures per OPD and total.")
class OpdStats(PublicStats):
    def body(self, context):
        return {
            "results": [
                {"opd": opd.code, "name": opd.name, "abbreviation": opd.abbreviation, **_figures(f)}
                for opd, f in context["opd_rows"]
            ],
            "total": _figures(context["total"]),
        }


@_public_schema("Public statistics per sector", "Figures per sector.")
class SectorStats(PublicStats):
    def body(self, context):
        return {
            "results": [
                {"sector": sector.code, "name": sector.name, **_figures(f)}
                for sector, f in context["sector_rows"]
            ]
        }


urlpatterns = [
    path("stats/opd/", OpdStats.as_view(), name="stats-opd"),
    path("stats/sectors/", SectorStats.as_view(), name="stats-sectors"),
]
