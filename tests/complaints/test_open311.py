"""Open311 GeoReport v2 at /open311/v2/: raw HTTP against the spec, and the `georeport` client.

http://wiki.open311.org/GeoReport_v2 — every endpoint in JSON and XML, the filters, the error
format, what never leaves (confidential complaints, reporters), api_key handling.
"""

import datetime
import io
import secrets
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests as http
import xmltodict
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from georeport import GeoReport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.roles import ANONYMOUS
from complaints import lifecycle, open311
from complaints.models import Complaint, Notification, Open311Client, Status, digest_key
from complaints.photos import prepare
from opd.models import Category, Desa
from tests.factories import complaint_in

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
LEGIAN = "51.03.01.1004"


# Helpers -------------------------------------------------------------------------------------


def as_json(response, status=200):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == JSON
    return response.json()


def as_xml(response, status=200):
    """The parsed document, after checking the declaration the spec requires."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def xml_items(root):
    """<root><item><field>text</field>...</item>...</root> as a list of dicts."""
    return [{field.tag: field.text for field in item} for item in root]


def errors_of(response, status):
    """The descriptions of a GeoReport error answer, after checking its shape."""
    assert response.status_code == status, response.content
    if response["Content-Type"] == JSON:
        body = response.json()
        assert isinstance(body, list)
        assert body
        assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
        return [e["description"] for e in body]
    root = as_xml(response, status)
    assert root.tag == "errors"
    rows = xml_items(root)
    assert rows
    assert all(r["code"] == str(status) for r in rows)
    return [r["description"] for r in rows]


def w3(text):
    """A datetime in the spec's W3C format, which must carry its offset."""
    moment = datetime.datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


def make_key(name="Kota App", **fields):
    key = secrets.token_urlsafe(32)
    Open311Client.objects.create(name=name, api_key_digest=digest_key(key), **fields)
    return key


def post(client, fmt="json", query="", **data):
    """POST form-encoded, as the spec says clients send."""
    return client.post(
        f"{BASE}requests.{fmt}{query}",
        urlencode(data),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )


def valid_request(key, **overrides):
    legian = Desa.objects.get(code=LEGIAN)
    data = {
        "api_key": key,
        "jurisdiction_id": "badungkab.go.id",
        "service_code": "jalan_rusak",
        "lat": str(legian.latitude),
        "long": str(legian.longitude),
        "address_string": "Jl. Legian No. 5",
        "email": "wayan@example.org",
        "device_id": "device-1",
        "account_id": "acc-42",
        "first_name": "Wayan",
        "last_name": "Sudarsana",
        "phone": "0812 3456 7890",
        "description": "Lubang besar di depan toko.\nBerbahaya bagi pengendara motor.",
        "media_url": "https://photos.example.org/p/123.jpg",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def stage(verifier, officer, pupr):
    """complaint_in with the usual handlers: stage("dispatched", privacy=...)."""

    def make(name, **filing):
        return complaint_in(name, verifier=verifier, handler=officer, opd=pupr, **filing)[0]

    return make


@pytest.fixture
def key():
    return make_key()


# Services ------------------------------------------------------------------------------------


def test_services_json_lists_every_active_category_as_a_realtime_service(client):
    body = as_json(client.get(f"{BASE}services.json"))
    categories = Category.objects.filter(is_active=True).select_related("sector", "default_opd")
    assert [s["service_code"] for s in body] == [c.code for c in categories]
    road = next(s for s in body if s["service_code"] == "jalan_rusak")
    assert list(road) == SERVICE_FIELDS
    category = categories.get(code="jalan_rusak")
    assert road["service_name"] == category.name_id  # Indonesian by default
    assert road["group"] == category.sector.name_id
    assert road["metadata"] is False
    assert road["type"] == "realtime"
    assert category.name_en.replace(",", "") in road["keywords"]  # a synonym in English
    assert category.default_opd.name in road["description"]
    assert str(category.target_working_days) in road["description"]


def test_services_xml_is_the_same_list(client):
    root = as_xml(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    assert {item.tag for item in root} == {"service"}
    rows = xml_items(root)
    json_rows = client.get(f"{BASE}services.json").json()
    assert [r["service_code"] for r in rows] == [r["service_code"] for r in json_rows]
    assert list(rows[0]) == SERVICE_FIELDS
    assert rows[0]["metadata"] == "false"
    assert rows[0]["type"] == "realtime"


@pytest.mark.parametrize(
    ("query", "headers"),
    [("?locale=en", {}), ("?lang=en_US", {}), ("", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"})],
)
def test_services_speak_english_when_asked(client, query, headers):
    response = client.get(f"{BASE}services.json{query}", **headers)
    road = next(s for s in as_json(response) if s["service_code"] == "jalan_rusak")
    category = Category.objects.get(code="jalan_rusak")
    assert road["service_name"] == category.name_en
    assert road["group"] == category.sector.name_en
    assert "usually handled by" in road["description"]
    assert response["Content-Language"] == "en"


def test_locale_parameter_wins_over_accept_language(client):
    response = client.get(f"{BASE}services.json?locale=id", HTTP_ACCEPT_LANGUAGE="en")
    road = next(s for s in as_json(response) if s["service_code"] == "jalan_rusak")
    assert road["service_name"] == Category.objects.get(code="jalan_rusak").name_id
    assert response["Content-Language"] == "id"


def test_an_inactive_category_is_no_service(client):
    Category.objects.filter(code="banjir").update(is_active=False)
    codes = [s["service_code"] for s in as_json(client.get(f"{BASE}services.json"))]
    assert "banjir" not in codes
    assert errors_of(client.get(f"{BASE}services/banjir.json"), 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_has_no_attributes(client, fmt):
    response = client.get(f"{BASE}services/jalan_rusak.{fmt}")
    if fmt == "json":
        assert as_json(response) == {"service_code": "jalan_rusak", "attributes": []}
    else:
        root = as_xml(response)
        assert root.tag == "service_definition"
        assert root.find("service_code").text == "jalan_rusak"
        assert list(root.find("attributes")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_a_404_in_the_error_format(client, fmt):
    (message,) = errors_of(client.get(f"{BASE}services/no_such_thing.{fmt}?locale=en"), 404)
    assert "no_such_thing" in message


def test_discovery_names_the_endpoint_and_formats(client):
    body = as_json(client.get(f"{BASE}discovery.json"))
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = as_xml(client.get(f"{BASE}discovery.xml"))
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


# Reading requests ----------------------------------------------------------------------------


def test_requests_list_shows_verified_public_complaints_with_every_field(client, stage):
    older = stage("in_progress", title="Lampu mati")
    newer = stage("dispatched", address_detail="Depan Pura Desa")
    body = as_json(client.get(f"{BASE}requests.json"))
    assert [r["service_request_id"] for r in body] == [newer.tracking_code, older.tracking_code]
    row = body[0]
    assert list(row) == REQUEST_FIELDS
    assert row["status"] == "open"
    assert row["service_code"] == "jalan_rusak"
    assert row["service_name"] == Category.objects.get(code="jalan_rusak").name_id
    assert row["agency_responsible"] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert row["description"] == "Jalan berlubang\n\nLubang besar di tengah jalan."
    assert row["address"] == ("Depan Pura Desa, Kuta, Kecamatan Kuta, Kabupaten Badung, Bali")
    assert row["address_id"] == "51.03.01.1002"
    assert row["zipcode"] is None
    assert w3(row["requested_datetime"]) == newer.created_at.replace(microsecond=0)
    assert w3(row["updated_datetime"]) == newer.updated_at.replace(microsecond=0)
    assert row["requested_datetime"].endswith("+08:00")  # WITA
    expected = w3(row["expected_datetime"])
    assert expected.date() == newer.resolution_due
    assert (expected.hour, expected.minute) == (23, 59)  # due by the end of that day
    assert "Dinas Pekerjaan Umum" in row["service_notice"]


def test_requests_xml_carries_the_same_rows(client, stage):
    c = stage("dispatched")
    root = as_xml(client.get(f"{BASE}requests.xml"))
    assert root.tag == "service_requests"
    (row,) = xml_items(root)
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == c.tracking_code
    assert row["status"] == "open"
    assert row["zipcode"] is None  # an empty element
    assert row["address_id"] == "51.03.01.1002"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("submitted", "open"),
        ("dispatched", "open"),
        ("in_progress", "open"),
        ("info_requested", "open"),
        ("resolved", "closed"),
        ("closed", "closed"),
        ("rejected", "closed"),
        ("merged", "closed"),
    ],
)
def test_our_statuses_map_to_open_and_closed(client, stage, name, status):
    c = stage(name)
    (row,) = as_json(client.get(f"{BASE}requests/{c.tracking_code}.json"))
    assert row["status"] == status
    assert row["status_notes"].startswith(str(Status(c.status).label))
    assert (row["expected_datetime"] is not None) == (name in {"dispatched", "in_progress"})


def test_unverified_rejected_and_merged_stay_out_of_the_list_but_are_found_by_id(client, stage):
    hidden = [stage("submitted"), stage("rejected"), stage("merged")]
    shown = stage("dispatched")
    listed = [r["service_request_id"] for r in as_json(client.get(f"{BASE}requests.json"))]
    assert shown.tracking_code in listed
    assert not {c.tracking_code for c in hidden} & set(listed)
    ids = ",".join(c.tracking_code for c in hidden)
    by_id = as_json(client.get(f"{BASE}requests.json", {"service_request_id": ids}))
    assert {r["service_request_id"] for r in by_id} == {c.tracking_code for c in hidden}


def test_a_confidential_complaint_never_leaves(client, stage):
    secret = stage("in_progress", privacy="confidential", title="Pungli di kantor desa")
    code = secret.tracking_code
    for fmt in ("json", "xml"):
        listed = client.get(f"{BASE}requests.{fmt}")
        assert code.encode() not in listed.content
        assert b"Pungli" not in listed.content
        by_id = client.get(f"{BASE}requests.{fmt}", {"service_request_id": code})
        assert code.encode() not in by_id.content
        errors_of(client.get(f"{BASE}requests/{code}.{fmt}"), 404)
        errors_of(client.get(f"{BASE}tokens/{code}.{fmt}"), 404)


@pytest.mark.parametrize("privacy", ["anonymous", "public"])
def test_no_reporter_identity_ever_leaves(client, stage, privacy):
    c = stage(
        "dispatched",
        privacy=privacy,
        reporter_name="Ketut Rahasia",
        reporter_email="ketut.rahasia@example.org",
        reporter_phone="081299998888",
    )
    bodies = [
        client.get(f"{BASE}requests.{fmt}", params).content
        for fmt in ("json", "xml")
        for params in ({}, {"service_request_id": c.tracking_code})
    ]
    bodies += [
        client.get(f"{BASE}requests/{c.tracking_code}.{fmt}").content for fmt in ("json", "xml")
    ]
    for body in bodies:
        assert c.tracking_code.encode() in body
        for identity in (b"Ketut", b"Rahasia", b"ketut.rahasia", b"081299998888"):
            assert identity not in body


def test_status_notes_give_the_public_reason_never_an_internal_note(client, stage, verifier):
    rejected = stage("submitted")
    lifecycle.add_note(rejected, actor=verifier, note="RAHASIA: pelapor sering spam")
    lifecycle.reject(rejected, actor=verifier, reason="Bukan kewenangan pemerintah kabupaten.")
    resolved = stage("resolved")
    merged = stage("merged")
    ids = ",".join(c.tracking_code for c in (rejected, resolved, merged))
    response = client.get(f"{BASE}requests.json", {"service_request_id": ids})
    notes = {r["service_request_id"]: r["status_notes"] for r in as_json(response)}
    assert notes[rejected.tracking_code] == "Ditolak: Bukan kewenangan pemerintah kabupaten."
    assert notes[resolved.tracking_code] == "Selesai ditindaklanjuti: Sudah ditambal."
    assert merged.merged_into.tracking_code in notes[merged.tracking_code]
    assert b"RAHASIA" not in response.content


def test_a_reopened_complaint_does_not_show_the_old_resolution(client, stage):
    c = stage("resolved")
    lifecycle.reopen(c, actor=ANONYMOUS.with_access_key_for(c), reason="Masih berlubang.")
    (row,) = as_json(client.get(f"{BASE}requests/{c.tracking_code}.json"))
    assert row["status"] == "open"
    assert row["status_notes"] == "Ditindaklanjuti"


def test_media_url_is_the_first_photo_served_through_the_checked_view(client, stage):
    c = stage("dispatched")
    lifecycle.attach_photo(c, actor=ANONYMOUS.with_access_key_for(c), photo=prepare(jpeg()))
    (row,) = as_json(client.get(f"{BASE}requests/{c.tracking_code}.json"))
    assert row["media_url"].startswith(f"http://testserver/complaints/{c.tracking_code}/photos/")
    photo = client.get(row["media_url"].removeprefix("http://testserver"))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"


def test_a_map_point_is_given_as_lat_and_long(client, stage):
    c = stage("dispatched", latitude="-8.717000", longitude="115.169000")
    (row,) = as_json(client.get(f"{BASE}requests/{c.tracking_code}.json"))
    assert (row["lat"], row["long"]) == (-8.717, 115.169)
    (xml_row,) = xml_items(as_xml(client.get(f"{BASE}requests/{c.tracking_code}.xml")))
    assert (xml_row["lat"], xml_row["long"]) == ("-8.717", "115.169")


def test_requests_filter_by_service_code_and_status(client, stage):
    road = stage("in_progress")
    light = stage("dispatched", category="pju_mati")
    done = stage("resolved", category="pju_mati")

    def ids(**params):
        return {
            r["service_request_id"] for r in as_json(client.get(f"{BASE}requests.json", params))
        }

    assert ids(service_code="pju_mati") == {light.tracking_code, done.tracking_code}
    assert ids(service_code="jalan_rusak,pju_mati") == {
        road.tracking_code,
        light.tracking_code,
        done.tracking_code,
    }
    assert ids(service_code="no_such_service") == set()
    assert ids(status="open") == {road.tracking_code, light.tracking_code}
    assert ids(status="closed") == {done.tracking_code}
    assert ids(status="open,closed") == ids()
    assert ids(status="closed", service_code="jalan_rusak") == set()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_status_filter_is_a_400(client, fmt):
    (message,) = errors_of(client.get(f"{BASE}requests.{fmt}?status=pending&locale=en"), 400)
    assert "open" in message


def test_requests_default_to_the_last_90_days(client, stage):
    now = timezone.now()
    old = stage("dispatched", now=now - datetime.timedelta(days=100))
    recent = stage("dispatched", now=now - datetime.timedelta(days=10))

    def ids(**params):
        return [
            r["service_request_id"] for r in as_json(client.get(f"{BASE}requests.json", params))
        ]

    assert ids() == [recent.tracking_code]
    start = (now - datetime.timedelta(days=120)).isoformat(timespec="seconds")
    assert ids(start_date=start) == [old.tracking_code]  # start + 90 days
    day = timezone.localdate(old.created_at)
    assert ids(start_date=day.isoformat(), end_date=day.isoformat()) == [old.tracking_code]
    assert ids(end_date=(now - datetime.timedelta(days=50)).isoformat()) == [old.tracking_code]
    utc = (now - datetime.timedelta(days=11)).astimezone(datetime.UTC)
    assert ids(start_date=utc.strftime("%Y-%m-%dT%H:%M:%SZ")) == [recent.tracking_code]
    # "+08:00" sent without URL encoding arrives as " 08:00".
    local = timezone.localtime(now - datetime.timedelta(days=11)).isoformat(timespec="seconds")
    response = client.get(f"{BASE}requests.json?start_date={local}")
    assert [r["service_request_id"] for r in as_json(response)] == [recent.tracking_code]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2025-13-40T00:00:00Z"}, "end_date"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, "90"),
        ({"start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "before"),
        ({"start_date": "0001-01-01"}, ""),
        ({"end_date": "0001-01-01"}, ""),
        ({"start_date": "9999-12-31T23:00:00Z"}, ""),
        ({"service_code": "jalan\x00rusak"}, "Null"),
        ({"service_request_id": ",".join(f"BDG-{i:06d}" for i in range(101))}, "100"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400s_in_the_error_format(client, params, word, fmt):
    (message,) = errors_of(client.get(f"{BASE}requests.{fmt}", {**params, "locale": "en"}), 400)
    assert word in message


def test_service_request_id_overrides_every_other_argument(client, stage):
    c = stage("in_progress")
    params = {
        "service_request_id": f" {c.tracking_code.lower()} ,BDG-NOPE22,,",
        "status": "closed",
        "service_code": "banjir",
        "start_date": "2001-01-01T00:00:00Z",
        "end_date": "2001-01-02T00:00:00Z",
    }
    body = as_json(client.get(f"{BASE}requests.json", params))
    assert [r["service_request_id"] for r in body] == [c.tracking_code]


def test_at_most_max_requests_are_returned(client, stage, monkeypatch):
    made = [stage("dispatched") for _ in range(3)]
    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)
    body = as_json(client.get(f"{BASE}requests.json"))
    assert [r["service_request_id"] for r in body] == [c.tracking_code for c in made[:0:-1]]


def test_the_list_costs_the_same_queries_for_few_or_many_rows(client, stage):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            as_json(client.get(f"{BASE}requests.json"))
        return len(ctx.captured_queries)

    stage("dispatched")
    few = queries()
    for name in ("in_progress", "resolved", "closed", "dispatched"):
        stage(name)
    assert queries() == few


def test_a_control_character_in_a_description_does_not_break_the_xml(client, stage):
    c = stage("dispatched", description="Lubang\x01 besar\x0b di jalan & <sini>")
    (row,) = xml_items(as_xml(client.get(f"{BASE}requests/{c.tracking_code}.xml")))
    assert "Lubang besar di jalan & <sini>" in row["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_request_by_id_and_its_token(client, stage, fmt):
    c = stage("dispatched")
    detail = client.get(f"{BASE}requests/{c.tracking_code}.{fmt}")
    token = client.get(f"{BASE}tokens/{c.tracking_code}.{fmt}")
    if fmt == "json":
        (row,) = as_json(detail)
        assert as_json(token) == [{"service_request_id": c.tracking_code, "token": c.tracking_code}]
    else:
        root = as_xml(detail)
        assert root.tag == "service_requests"
        (row,) = xml_items(root)
        assert xml_items(as_xml(token)) == [
            {"service_request_id": c.tracking_code, "token": c.tracking_code}
        ]
    assert row["service_request_id"] == c.tracking_code
    errors_of(client.get(f"{BASE}requests/BDG-NOPE22.{fmt}"), 404)
    errors_of(client.get(f"{BASE}tokens/BDG-NOPE22.{fmt}"), 404)


# Filing requests -----------------------------------------------------------------------------


def test_a_client_files_a_complaint_through_the_lifecycle(client, key):
    data = valid_request(key)
    response = post(client, **data)
    (answer,) = as_json(response, 201)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert answer["account_id"] == "acc-42"
    assert answer["service_request_id"].startswith("BDG-")
    c = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert c.status == "submitted"
    assert c.channel == "api"
    assert c.category.code == "jalan_rusak"
    assert c.desa.code == LEGIAN  # the nearest desa to the point
    assert c.kecamatan.code == "51.03.01"
    assert str(c.latitude) == data["lat"]
    assert c.address_detail == "Jl. Legian No. 5"
    assert c.title == "Lubang besar di depan toko."
    assert c.description == data["description"]
    assert (c.reporter_name, c.reporter_email, c.reporter_phone) == (
        "Wayan Sudarsana",
        "wayan@example.org",
        "081234567890",
    )
    assert c.source_reference == "open311:Kota App https://photos.example.org/p/123.jpg"
    assert c.language == "id"
    assert c.privacy == "public"
    assert c.events.get().action == "filed"
    assert "verifi" in answer["service_notice"].lower()
    # The access key reaches the reporter by e-mail only; the client never sees it.
    mail = Notification.objects.get(complaint=c, address="wayan@example.org")
    assert c.check_access_key(mail.secret)
    assert mail.secret.encode() not in response.content


def test_the_xml_answer_and_a_later_lookup(client, key):
    root = as_xml(post(client, "xml", **valid_request(key, account_id="")), 201)
    assert root.tag == "service_requests"
    (row,) = xml_items(root)
    assert set(row) == {"service_request_id", "service_notice", "account_id"}
    assert row["account_id"] is None
    (found,) = as_json(client.get(f"{BASE}requests/{row['service_request_id']}.json"))
    assert found["status"] == "open"
    assert found["address_id"] == LEGIAN


def test_a_json_body_is_accepted_too(client, key):
    response = client.post(
        f"{BASE}requests.json", valid_request(key, lat=-8.7034, long=115.1721), "application/json"
    )
    (answer,) = as_json(response, 201)
    assert Complaint.objects.filter(tracking_code=answer["service_request_id"]).exists()


def test_english_clients_get_english_and_their_complaint_is_in_english(client, key):
    response = post(client, query="?locale=en", **valid_request(key))
    (answer,) = as_json(response, 201)
    assert answer["service_notice"].startswith("The complaint desk verifies this report by")
    assert Complaint.objects.get(tracking_code=answer["service_request_id"]).language == "en"
    response = post(client, **valid_request(key, locale="en", device_id="device-2"))
    assert (
        Complaint.objects.get(tracking_code=response.json()[0]["service_request_id"]).language
        == "en"
    )


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"api_key": None}, "missing"),
        ({"api_key": "not-a-key"}, "Invalid"),
        ({"api_key": " "}, "missing"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_wrong_api_key_is_a_403(client, key, fields, word, fmt):
    response = post(client, fmt, "?locale=en", **valid_request(key, **fields))
    (message,) = errors_of(response, 403)
    assert word in message
    assert not Complaint.objects.exists()


def test_a_revoked_key_is_a_403(client):
    revoked = make_key("Old App", is_active=False)
    (message,) = errors_of(post(client, query="?locale=en", **valid_request(revoked)), 403)
    assert "revoked" in message
    assert not Complaint.objects.exists()


def test_service_code_is_required_and_must_exist(client, key):
    (missing,) = errors_of(post(client, **valid_request(key, service_code=None)), 400)
    (unknown,) = errors_of(post(client, **valid_request(key, service_code="ufo")), 404)
    assert "service_code" in missing
    assert "ufo" in unknown
    Category.objects.filter(code="banjir").update(is_active=False)
    errors_of(post(client, **valid_request(key, service_code="banjir")), 404)
    assert not Complaint.objects.exists()


def test_every_problem_is_reported_at_once_and_nothing_is_filed(client, key):
    data = valid_request(
        key,
        lat="-6.2",  # Jakarta
        description="",
        email="not-an-email",
        phone="12",
        media_url="javascript:alert(1)",
        privacy="secret",
    )
    messages = errors_of(post(client, query="?locale=en", **data), 400)
    assert len(messages) == 6
    assert any("outside Badung" in m for m in messages)
    assert any("description" in m for m in messages)
    assert any("email" in m for m in messages)
    assert any("phone" in m.lower() for m in messages)
    assert any("media_url" in m for m in messages)
    assert any("privacy" in m for m in messages)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"long": None, "address_string": None}, "longitude"),
        ({"lat": "abc"}, "numbers"),
        ({"lat": "NaN"}, "numbers"),
        ({"lat": "1e999999"}, "outside Badung"),
        ({"lat": "-8.70", "long": "200"}, "outside Badung"),
        ({"lat": None, "long": None, "address_id": "51.03.99.9999"}, "address_id"),
        ({"lat": None, "long": None, "address_string": "Jl. Gatot Subroto, Denpasar"}, "desa"),
        ({"description": "x" * 4001}, "4000"),
        ({"first_name": "W" * 70, "last_name": "S" * 70}, "too long"),
        ({"account_id": "a" * 101}, "account_id"),
        ({"address_string": "a" * 301}, "address_string"),
        ({"media_url": "https://example.org/" + "a" * 500}, "media_url"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
    ],
)
def test_bad_input_is_a_clear_400(client, key, fields, word):
    messages = errors_of(post(client, query="?locale=en", **valid_request(key, **fields)), 400)
    assert any(word in m for m in messages), messages
    assert not Complaint.objects.exists()


def test_address_id_is_the_desa_code(client, key):
    data = valid_request(key, lat=None, long=None, address_id="51.03.06.2005")
    (answer,) = as_json(post(client, **data), 201)
    c = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert c.desa.name == "Canggu"
    assert c.latitude is None


def test_an_address_naming_a_desa_is_enough(client, key):
    data = valid_request(key, lat=None, long=None, address_string="Jl. Raya Uluwatu, Pecatu")
    (answer,) = as_json(post(client, **data), 201)
    c = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert c.desa.name == "Pecatu"
    assert c.address_detail == "Jl. Raya Uluwatu, Pecatu"


@pytest.mark.parametrize(
    ("address", "desa"),
    [
        ("Jl. Raya Uluwatu, Pecatu, Kuta Selatan, Badung", "Pecatu"),
        ("Jl. Sunset Road, Seminyak, Kuta", "Seminyak"),
        ("Jl. Raya Kuta No. 1, Tuban", "Tuban"),
        ("Jl. Pantai Kuta, Kuta", "Kuta"),
        ("Pantai Pererenan, Mengwi", "Pererenan"),
        ("Jl. Taman Griya, Jimbaran", "Jimbaran"),
        ("Banjar Sibang Kaja, Abiansemal", "Sibangkaja"),
        ("Kerobokan Kaja, Kuta Utara", "Kerobokan Kaja"),
        ("Jl. Pratama, Tanjung Benoa", "Tanjung Benoa"),
        ("Belok Sidan, Petang", "Belok/Sidan"),
        ("dekat pasar, Desa Taman", "Taman"),
        ("Jl. Ayani, Taman, Abiansemal", "Taman"),
        ("MENGWITANI", "Mengwitani"),
    ],
)
def test_desa_named_in_an_address(address, desa):
    assert open311.desa_named_in(address).name == desa


@pytest.mark.parametrize(
    "address",
    ["Jl. Gatot Subroto, Denpasar", "Jl. Taman Pancing, Sanur", "sedang macet sekali", ""],
)
def test_no_desa_named_in_an_address(address):
    assert open311.desa_named_in(address) is None


def test_an_anonymous_filing_stays_anonymous(client, key):
    (answer,) = as_json(post(client, **valid_request(key, privacy="anonymous")), 201)
    c = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert c.privacy == "anonymous"
    assert c.reporter_name == "Wayan Sudarsana"  # for the verifier desk only
    body = client.get(f"{BASE}requests/{c.tracking_code}.json").content
    assert b"Wayan" not in body
    assert b"wayan@" not in body


def test_a_long_first_line_makes_a_shortened_title(client, key):
    description = "Sampah " * 40 + "\nDetail kedua."
    data = valid_request(key, description=description, service_code="sampah_tidak_terangkut")
    (answer,) = as_json(post(client, **data), 201)
    c = Complaint.objects.get(tracking_code=answer["service_request_id"])
    assert len(c.title) <= 100
    assert c.title.endswith("Sampah…")
    (row,) = as_json(client.get(f"{BASE}requests/{c.tracking_code}.json"))
    assert row["description"] == description.strip()  # not the title again


def test_filing_is_throttled_per_person_of_each_client(client, key, monkeypatch):
    monkeypatch.setattr(
        open311.ReporterFilingThrottle,
        "THROTTLE_RATES",
        {**open311.ReporterFilingThrottle.THROTTLE_RATES, "filing": "2/hour"},
    )
    for _ in range(2):
        as_json(post(client, **valid_request(key)), 201)
    response = post(client, query="?locale=en", **valid_request(key))
    (message,) = errors_of(response, 429)
    assert "Too many requests" in message
    assert int(response["Retry-After"]) > 0
    # Another citizen of the same app, and the same device through another app, may file.
    as_json(post(client, **valid_request(key, device_id="device-2")), 201)
    as_json(post(client, **valid_request(make_key("Other App"))), 201)
    assert Complaint.objects.count() == 4


def test_the_lookup_throttle_answers_in_the_error_format(client, monkeypatch):
    monkeypatch.setattr(
        open311.LookupThrottle,
        "THROTTLE_RATES",
        {**open311.LookupThrottle.THROTTLE_RATES, "lookup": "1/minute"},
    )
    as_json(client.get(f"{BASE}requests.json"))
    root = as_xml(client.get(f"{BASE}requests.xml"), 429)
    assert root.tag == "errors"


# Protocol errors -----------------------------------------------------------------------------


def test_an_unknown_format_or_path_is_a_404_in_the_error_format(client):
    errors_of(client.get(f"{BASE}services.csv"), 404)
    errors_of(client.get(f"{BASE}nothing/here.json"), 404)
    errors_of(client.get(f"{BASE}nothing/here"), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("delete", "services.json", "GET, HEAD"),
        ("post", "services.xml", "GET, HEAD"),
        ("put", "requests.json", "GET, HEAD, POST"),
        ("post", "tokens/BDG-AAAAAA.json", "GET, HEAD"),
    ],
)
def test_a_wrong_method_is_a_405_with_allow(client, method, path, allow):
    response = getattr(client, method)(BASE + path)
    errors_of(response, 405)
    assert response["Allow"] == allow


def test_a_malformed_json_body_is_a_400(client):
    response = client.post(f"{BASE}requests.json", "{not json", "application/json")
    errors_of(response, 400)
    response = client.post(f"{BASE}requests.json", "[1, 2]", "application/json")
    errors_of(response, 400)


def test_post_needs_no_csrf_token(key):
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, **valid_request(key))
    as_json(response, 201)


TEXT = st.text(max_size=60)
FIELD = st.one_of(st.none(), TEXT, st.sampled_from(["", "-8.7", "115.17", "nan", "1e400"]))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "service_request_id": TEXT,
            "service_code": TEXT,
            "status": st.one_of(TEXT, st.sampled_from(["open", "closed", "open,closed"])),
            "start_date": st.one_of(TEXT, st.sampled_from(["2025-01-01", "2025-01-01T00:00Z"])),
            "end_date": TEXT,
            "locale": TEXT,
        },
    ),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_any_query_gets_an_answer_never_a_500(client, params, fmt):
    response = client.get(f"{BASE}requests.{fmt}", params)
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        errors_of(response, 400)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {
            "service_code": st.one_of(FIELD, st.just("jalan_rusak")),
            "lat": FIELD,
            "long": FIELD,
            "address_string": FIELD,
            "address_id": st.one_of(FIELD, st.just(LEGIAN)),
            "email": FIELD,
            "phone": FIELD,
            "first_name": FIELD,
            "description": FIELD,
            "media_url": st.one_of(FIELD, st.just("http://x.org/a.jpg")),
            "privacy": FIELD,
        }
    )
)
def test_any_filing_gets_an_answer_never_a_500(client, key, data, monkeypatch):
    monkeypatch.setattr(
        open311.ReporterFilingThrottle,
        "THROTTLE_RATES",
        {**open311.ReporterFilingThrottle.THROTTLE_RATES, "filing": "100000/hour"},
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = post(client, api_key=key, **data)
    assert response.status_code in {201, 400, 404}, response.content
    if response.status_code == 201:
        assert Complaint.objects.filter(tracking_code=response.json()[0]["service_request_id"])
    else:
        errors_of(response, response.status_code)


# The key command -----------------------------------------------------------------------------


def run_key_command(*args):
    out = io.StringIO()
    call_command("create_open311_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_open311_key_prints_a_working_key_once(client):
    lines = run_key_command("Kota App")
    api_key = lines[-1]
    client_row = Open311Client.objects.get(name="Kota App")
    assert client_row.api_key_digest == digest_key(api_key)
    assert api_key not in client_row.api_key_digest
    as_json(post(client, **valid_request(api_key)), 201)


def test_an_existing_name_is_refused_without_rotate():
    run_key_command("Kota App")
    with pytest.raises(CommandError, match="already exists; use --rotate"):
        run_key_command("  Kota   App ")
    assert Open311Client.objects.count() == 1


def test_rotate_replaces_the_key_and_reactivates(client):
    old = run_key_command("Kota App")[-1]
    Open311Client.objects.update(is_active=False)
    new = run_key_command("Kota App", "--rotate")[-1]
    assert new != old
    errors_of(post(client, **valid_request(old)), 403)
    as_json(post(client, **valid_request(new)), 201)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nope", "--rotate"], "No Open311 client"),
        (["   "], "Give the client"),
        (["x" * 101], "too long"),
    ],
)
def test_bad_key_command_arguments_are_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run_key_command(*args)
    assert not Open311Client.objects.exists()


# The georeport client from PyPI against a live server ----------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_and_follows_a_filed_request(live_server, verifier, pupr, fmt):
    root = f"{live_server.url}/open311/v2"
    reader = GeoReport(root, output_format=fmt)

    services = reader.get_service_list()
    codes = [s["service_code"] for s in services]
    assert codes == list(Category.objects.filter(is_active=True).values_list("code", flat=True))
    definition = reader.get_service_definition("jalan_rusak")
    assert definition["service_code"] == "jalan_rusak"
    assert definition["attributes"] in ([], None)  # JSON list; empty XML element

    # georeport cannot POST: a city app would, like this.
    key = make_key()
    legian = Desa.objects.get(code=LEGIAN)
    answer = http.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": key,
            "service_code": "jalan_rusak",
            "lat": str(legian.latitude),
            "long": str(legian.longitude),
            "description": "Lubang besar di Jl. Legian, berbahaya untuk motor.",
            "email": "wayan@example.org",
        },
        timeout=30,
    )
    assert answer.status_code == 201
    if fmt == "json":
        code = answer.json()[0]["service_request_id"]
    else:
        code = xmltodict.parse(answer.content)["service_requests"]["request"]["service_request_id"]

    filed = reader.get_service_request(code)
    assert filed["service_request_id"] == code
    assert filed["status"] == "open"
    assert filed["address_id"] == LEGIAN

    # Verified and dispatched, it appears in the public list with its agency.
    lifecycle.dispatch(Complaint.objects.get(tracking_code=code), actor=verifier, opd=pupr)
    found = reader.get_service_requests(status="open", service_code="jalan_rusak")
    found = [found] if isinstance(found, dict) else found
    assert [r["service_request_id"] for r in found] == [code]
    assert found[0]["agency_responsible"] == pupr.name
    if fmt == "json":  # georeport fails on an empty XML list: <service_requests/> has no item
        assert reader.get_service_requests(status="closed") == []
    by_id = reader.get_service_requests(service_request_id=code)
    by_id = [by_id] if isinstance(by_id, dict) else by_id
    assert by_id[0]["service_request_id"] == code

    with pytest.raises(http.HTTPError) as missing:
        reader.get_service_request("BDG-NOPE22")
    assert missing.value.response.status_code == 404
