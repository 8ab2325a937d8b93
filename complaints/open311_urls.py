"""Open311 GeoReport v2 at /open311/v2/ (SPEC §8): every resource as .json or .xml."""

from django.urls import re_path

from . import open311

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z]+)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[-\w]{1,60})" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    re_path(
        r"^requests/(?P<code>[A-Za-z0-9-]{1,20})" + FMT, open311.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9-]{1,40})" + FMT, open311.token, name="token"),
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
