"""Duplicates before filing, the public map and web support (SPEC §6, §8)."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import actor_for
from badung_portal.api import SupportThrottle
from complaints import lifecycle
from complaints.models import Complaint, Supporter
from complaints.views import SUPPORTER_COOKIE
from tests.factories import complaint_in

pytestmark = pytest.mark.django_db

SIMILAR = "/api/v1/complaints/similar/"
KUTA, TUBAN, KAPAL = "51.03.01.1002", "51.03.01.1001", "51.03.02.1004"
# A point in Kuta near the border with Tuban; the neighbour's pin is about 200 m from it.
NEAR_BORDER = {"latitude": "-8.736000", "longitude": "115.174000"}
POTHOLE_ID = {
    "title": "Jalan berlubang besar",
    "description": "Lubang besar di depan pasar Kuta, berbahaya untuk motor.",
}
POTHOLE_EN = {
    "title": "Big pothole near Kuta market",
    "description": "A big pothole on the road near the market in Kuta, dangerous for scooters.",
}
QUERY_ID = "Jalan berlubang besar di depan pasar Kuta"


@pytest.fixture
def build(verifier, officer, pupr):
    """A complaint handled by PUPR in the given stage; returns (complaint, access_key)."""

    def build(stage, **filing):
        return complaint_in(stage, verifier=verifier, handler=officer, opd=pupr, **filing)

    return build


def similar(api, **params):
    return api.get(SIMILAR, params)


def codes(response):
    assert response.status_code == 200, response.content
    return [row["tracking_code"] for row in response.json()]


def messages_of(response):
    return [(m.level_tag, m.message) for m in response.context["messages"]]


def support_on_web(client, code, **extra):
    """POST "me too" on the page, follow the redirect; (final response, messages)."""
    response = client.post(
        f"/complaints/{code}/support/", follow=True, HTTP_ACCEPT_LANGUAGE="en", **extra
    )
    assert response.redirect_chain == [(f"/complaints/{code}/", 302)]
    return response, messages_of(response)


def supporters(complaint):
    return Complaint.objects.get(pk=complaint.pk).supporters_count


# Similar open complaints (duplicates before filing) -----------------------------------------


def test_similar_finds_alike_open_complaints_in_the_desa_and_next_door(api, build):
    same_desa, _ = build("dispatched", desa=KUTA, **POTHOLE_ID)
    neighbour, _ = build(
        "info_requested",
        desa=TUBAN,
        latitude=Decimal("-8.737500"),
        longitude=Decimal("115.175200"),
        title="Berlubang besar dekat pasar Kuta",
        description="Lubang besar, motor sering jatuh di depan pasar.",
    )
    for stage in ("submitted", "resolved", "closed", "rejected", "merged"):
        build(stage, desa=KUTA, **POTHOLE_ID)
    build("in_progress", desa=KUTA, privacy="confidential", **POTHOLE_ID)
    build(  # alike, but about 2.7 km away in Tuban
        "in_progress",
        desa=TUBAN,
        latitude=Decimal("-8.760000"),
        longitude=Decimal("115.170000"),
        **POTHOLE_ID,
    )
    build("in_progress", desa=KAPAL, **POTHOLE_ID)  # another kecamatan, no pin
    build(
        "in_progress",
        desa=KUTA,
        category="pju_mati",
        title="Lampu PJU padam",
        description="Lampu penerangan umum padam setiap malam di gang ini.",
    )

    found = codes(similar(api, text=QUERY_ID, desa=KUTA, **NEAR_BORDER))

    assert sorted(found) == sorted([same_desa.tracking_code, neighbour.tracking_code])


def test_similar_finds_an_english_complaint(api, build):
    english, _ = build("in_progress", desa=KUTA, language="en", **POTHOLE_EN)
    build("in_progress", desa=KUTA, **POTHOLE_ID)  # Indonesian words: not alike

    found = codes(similar(api, text="Big pothole near the Kuta market", desa=KUTA))

    assert found == [english.tracking_code]


def test_similar_by_point_alone_reaches_the_neighbouring_desa(api, build):
    neighbour, _ = build(
        "dispatched",
        desa=TUBAN,
        latitude=Decimal("-8.737500"),
        longitude=Decimal("115.175200"),
        **POTHOLE_ID,
    )
    build("dispatched", desa=KUTA, **POTHOLE_ID)  # no pin, centroid ~1.3 km away

    assert codes(similar(api, text=QUERY_ID, **NEAR_BORDER)) == [neighbour.tracking_code]


def test_similar_ranks_the_same_category_first(api, build):
    road, _ = build("dispatched", desa=KUTA, category="jalan_rusak", **POTHOLE_ID)
    drain, _ = build("dispatched", desa=KUTA, category="drainase_genangan", **POTHOLE_ID)

    by_road = codes(similar(api, text=QUERY_ID, desa=KUTA, category="jalan_rusak"))
    by_drain = codes(similar(api, text=QUERY_ID, desa=KUTA, category="drainase_genangan"))

    assert by_road == [road.tracking_code, drain.tracking_code]
    assert by_drain == [drain.tracking_code, road.tracking_code]


def test_similar_ignores_unrelated_text_of_the_same_category(api, build):
    build(
        "dispatched",
        desa=KUTA,
        title="Trotoar ambles",
        description="Trotoar di Gang Poppies amblas sepanjang dua meter.",
    )

    assert codes(similar(api, text=QUERY_ID, desa=KUTA, category="jalan_rusak")) == []


def test_similar_gives_at_most_five(api, build):
    for _ in range(7):
        build("dispatched", desa=KUTA, **POTHOLE_ID)

    assert len(codes(similar(api, text=QUERY_ID, desa=KUTA))) == 5


def test_similar_never_shows_an_anonymous_reporter(api, build, verifier_user):
    anonymous, _ = build(
        "dispatched", desa=KUTA, privacy="anonymous", reporter_name="Ketut Rahasia", **POTHOLE_ID
    )
    public, _ = build("dispatched", desa=KUTA, reporter_name="Made Terbuka", **POTHOLE_ID)

    for user in (None, verifier_user):
        api.force_authenticate(user)
        response = similar(api, text=QUERY_ID, desa=KUTA)
        rows = {row["tracking_code"]: row for row in response.json()}
        assert rows[anonymous.tracking_code]["reporter_name"] is None
        assert rows[public.tracking_code]["reporter_name"] == "Made Terbuka"
        assert "Ketut Rahasia" not in response.content.decode()
        assert "pelapor@example.org" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"desa": KUTA}, "text"),
        ({"text": "", "desa": KUTA}, "text"),
        ({"text": QUERY_ID, "desa": KUTA, "category": "unknown"}, "category"),
        ({"text": QUERY_ID, "desa": "51.03.99.9999"}, "desa"),
        ({"text": QUERY_ID, "latitude": "abc", "longitude": "115.17"}, "latitude"),
        ({"text": QUERY_ID, "latitude": "-8.73", "longitude": "NaN"}, "longitude"),
        ({"text": QUERY_ID, "latitude": "Infinity", "longitude": "115.17"}, "latitude"),
        ({"text": QUERY_ID, "latitude": "1e400", "longitude": "115.17"}, "latitude"),
    ],
)
def test_similar_refuses_bad_parameters_per_field(api, params, field):
    response = similar(api, **params)
    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert body[field]
    assert all(isinstance(message, str) for message in body[field])


def test_similar_with_latitude_but_no_longitude_uses_the_desa(api, build):
    c, _ = build("dispatched", desa=KUTA, **POTHOLE_ID)

    assert codes(similar(api, text=QUERY_ID, desa=KUTA, latitude="-8.73")) == [c.tracking_code]


def test_similar_without_a_place_is_empty(api, build):
    build("dispatched", desa=KUTA, **POTHOLE_ID)

    assert codes(similar(api, text=QUERY_ID)) == []
    assert codes(similar(api, text=QUERY_ID, latitude="-8.736")) == []


def test_home_carries_desa_points_and_texts_for_the_similar_list(client):
    response = client.get("/")
    points = response.context["desa_points"]
    assert len(points) == 62
    kuta = next(p for p in points if p["code"] == KUTA)
    assert kuta == {
        "code": KUTA,
        "name": "Kuta",
        "kecamatan": "51.03.01",
        "lat": -8.725465,
        "lon": 115.176891,
    }
    html = response.content.decode()
    assert 'id="desa-points"' in html
    texts = response.context["similar_texts"]
    assert {"support", "open", "supporters", "outside"} <= set(texts)
    assert json.dumps(texts["support"])[1:-1] in html


# Public map page --------------------------------------------------------------------------------


@pytest.fixture
def map_complaints(build):
    """Two open in Kuta (one anonymous), one in Tuban, one rubbish complaint in Kapal,
    and complaints that must never be counted."""
    return {
        "kuta": build("dispatched", desa=KUTA)[0],
        "kuta_anonymous": build("in_progress", desa=KUTA, privacy="anonymous")[0],
        "tuban": build("in_progress", desa=TUBAN)[0],
        "kapal": build("info_requested", desa=KAPAL, category="sampah_tidak_terangkut")[0],
        "confidential": build(
            "dispatched",
            desa=KUTA,
            privacy="confidential",
            latitude=Decimal("-8.720000"),
            longitude=Decimal("115.170000"),
        )[0],
        "submitted": build(
            "submitted", desa=TUBAN, latitude=Decimal("-8.745"), longitude=Decimal("115.172")
        )[0],
        "closed": build("closed", desa=KUTA)[0],
        "rejected": build("rejected", desa=KUTA)[0],
    }


def per_desa(response):
    return {row["desa__code"]: row["n"] for row in response.context["per_desa"]}


def test_map_page_counts_open_public_complaints_per_desa(client, map_complaints):
    response = client.get("/map/")
    assert response.status_code == 200
    assert per_desa(response) == {KUTA: 2, TUBAN: 1, KAPAL: 1}
    html = response.content.decode()
    assert f'<td><a href="/complaints/?desa={KUTA}">Kuta</a></td><td>Kuta</td><td>2</td>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sector": "lingkungan"}, {KAPAL: 1}),
        ({"sector": "infrastruktur"}, {KUTA: 2, TUBAN: 1}),
        ({"status": "in_progress"}, {KUTA: 1, TUBAN: 1}),
        ({"status": ["dispatched", "info_requested"]}, {KUTA: 1, KAPAL: 1}),
        ({"status": "closed"}, {}),
        ({"sector": "infrastruktur", "status": "dispatched"}, {KUTA: 1}),
    ],
)
def test_map_page_filters_by_sector_and_status(client, map_complaints, query, expected):
    response = client.get("/map/", query)
    assert response.status_code == 200
    assert per_desa(response) == expected


def test_map_page_status_filter_is_checkboxes(client):
    html = client.get("/map/").content.decode()
    assert 'type="checkbox" name="status" value="in_progress"' in html


def test_map_page_refuses_an_unknown_sector(client, map_complaints):
    response = client.get("/map/", {"sector": "nope"})
    assert response.status_code == 400
    assert "sector" in response.context["filter"].errors
    assert per_desa(response) == {}
    assert 'class="error"' in response.content.decode()


def test_map_page_points_its_map_at_the_data_with_the_same_query(client):
    html = client.get("/map/", {"sector": "infrastruktur", "status": "dispatched"}).content.decode()
    assert 'data-source="/map/data.json?sector=infrastruktur&amp;status=dispatched"' in html


def test_map_page_works_without_javascript(client, map_complaints):
    html = client.get("/map/").content.decode()
    # The map itself is hidden until the script shows it; the table is plain HTML.
    assert 'id="public-map" class="map public-map js-only" hidden' in html
    table = html[html.index('<table class="queue">') : html.index("</table>")]
    assert f"?desa={TUBAN}" in table
    assert '<form method="get"' in html


# Map data (GeoJSON) -----------------------------------------------------------------------------


def features_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {f["properties"]["code"]: f for f in body["features"]}


def test_map_data_places_pins_exactly_and_others_at_the_desa_centre(client, build):
    pinned, _ = build(
        "dispatched", desa=KUTA, latitude=Decimal("-8.721234"), longitude=Decimal("115.171987")
    )
    unpinned, _ = build("in_progress", desa=TUBAN)

    features = features_of(client.get("/map/data.json"))

    pin = features[pinned.tracking_code]
    assert pin["type"] == "Feature"
    assert pin["geometry"] == {"type": "Point", "coordinates": [115.171987, -8.721234]}
    assert pin["properties"]["exact"] is True
    assert pin["properties"]["url"] == f"/complaints/{pinned.tracking_code}/"
    assert pin["properties"]["status"] == "dispatched"
    assert pin["properties"]["desa"] == "Kuta"
    centre = features[unpinned.tracking_code]
    assert centre["geometry"]["coordinates"] == [115.171434, -8.747085]
    assert centre["properties"]["exact"] is False


def test_map_data_never_carries_confidential_or_unverified(client, map_complaints):
    features = features_of(client.get("/map/data.json"))

    for hidden in ("confidential", "submitted", "rejected"):
        assert map_complaints[hidden].tracking_code not in features
    for shown in ("kuta", "kuta_anonymous", "tuban", "kapal"):
        assert map_complaints[shown].tracking_code in features
    assert "Nyoman Pelapor" not in json.dumps(list(features.values()))


def test_map_data_filters_by_sector(client, map_complaints):
    features = features_of(client.get("/map/data.json", {"sector": "lingkungan"}))
    assert set(features) == {map_complaints["kapal"].tracking_code}


def test_map_data_refuses_an_unknown_sector(client):
    response = client.get("/map/data.json", {"sector": "nope"})
    assert response.status_code == 400
    assert "sector" in response.json()["errors"]


def test_map_data_names_categories_in_the_visitors_language(client, build):
    c, _ = build("dispatched", desa=KUTA)

    indonesian = features_of(client.get("/map/data.json"))[c.tracking_code]
    english = features_of(client.get("/map/data.json", HTTP_ACCEPT_LANGUAGE="en"))[c.tracking_code]

    assert indonesian["properties"]["category"] == "Jalan atau trotoar rusak/berlubang"
    assert english["properties"]["category"] == "Damaged road, pothole or sidewalk"


def test_map_data_costs_the_same_queries_at_any_size(client, build):
    desas = [KUTA, TUBAN, KAPAL]

    def grow_to(n):
        for i in range(Complaint.objects.filter(privacy="public").count(), n):
            pin = {"latitude": Decimal("-8.72"), "longitude": Decimal("115.17")} if i % 2 else {}
            build("dispatched", desa=desas[i % 3], title=f"Keluhan {i}", **pin)

    def fetch():
        with CaptureQueriesContext(connection) as ctx:
            features = features_of(client.get("/map/data.json"))
        return len(ctx.captured_queries), len(features)

    grow_to(3)
    fetch()  # warm caches
    small, small_rows = fetch()
    grow_to(12)
    large, large_rows = fetch()
    assert (small_rows, large_rows) == (3, 12)
    assert large == small


# Web support ("me too") -------------------------------------------------------------------------


def test_support_counts_once_per_browser(client, build):
    c, _ = build("in_progress")

    _first, first_messages = support_on_web(client, c.tracking_code)
    assert first_messages == [("success", "Thank you: your support was counted.")]
    assert supporters(c) == 1
    assert SUPPORTER_COOKIE in client.cookies

    _again, again_messages = support_on_web(client, c.tracking_code)
    assert again_messages == [("success", "You already support this complaint.")]
    assert supporters(c) == 1

    support_on_web(Client(), c.tracking_code)
    assert supporters(c) == 2
    assert Supporter.objects.filter(complaint=c).count() == 2


def test_support_cookie_is_long_lived_and_http_only(client, build):
    c, _ = build("in_progress")
    response = client.post(f"/complaints/{c.tracking_code}/support/")
    cookie = response.cookies[SUPPORTER_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    # Only a keyed digest of the cookie is stored.
    assert cookie.value not in Supporter.objects.get(complaint=c).fingerprint


def test_logged_in_user_counts_once_across_browsers(build, citizen_user):
    c, _ = build("in_progress")
    phone, laptop = Client(), Client()
    phone.force_login(citizen_user)
    laptop.force_login(citizen_user)

    support_on_web(phone, c.tracking_code)
    _response, messages = support_on_web(laptop, c.tracking_code)

    assert messages == [("success", "You already support this complaint.")]
    assert supporters(c) == 1
    assert Supporter.objects.get(complaint=c).user == citizen_user


def _file_on_home_page(client):
    response = client.post(
        "/",
        {
            "kind": "complaint",
            "category": "jalan_rusak",
            "kecamatan": "51.03.01",
            "desa": KUTA,
            "title": "Jalan berlubang di Jalan Kartika",
            "description": "Lubang besar di tengah jalan, berbahaya untuk motor.",
            "privacy": "public",
            "reporter_name": "Komang",
            "reporter_email": "komang@example.org",
        },
    )
    assert response.status_code == 302
    return Complaint.objects.get()


def test_reporter_browser_cannot_support_its_own_complaint(client):
    c = _file_on_home_page(client)
    client.get(f"/complaints/{c.tracking_code}/filed/")

    _response, messages = support_on_web(client, c.tracking_code)

    assert messages == [("error", "You filed this complaint; there is no need to support it.")]
    assert supporters(c) == 0


def test_logged_in_reporter_cannot_support_their_own_complaint(client, build, citizen_user):
    c, _ = build("in_progress", actor=actor_for(citizen_user))
    client.force_login(citizen_user)

    _response, messages = support_on_web(client, c.tracking_code)

    assert messages == [("error", "You filed this complaint; there is no need to support it.")]
    assert supporters(c) == 0


def test_support_of_a_confidential_complaint_is_404(client, build):
    c, _ = build("in_progress", privacy="confidential")
    response = client.post(f"/complaints/{c.tracking_code}/support/")
    assert response.status_code == 404
    assert supporters(c) == 0


def test_support_of_an_unknown_code_is_404(client):
    assert client.post("/complaints/BDG-AAAAAA/support/").status_code == 404


@pytest.mark.parametrize("stage", ["closed", "rejected", "merged"])
def test_support_of_a_finished_complaint_is_refused_with_a_message(client, build, stage):
    c, _ = build(stage)

    _response, messages = support_on_web(client, c.tracking_code)

    assert messages == [("error", "This complaint cannot be supported.")]
    assert supporters(c) == 0
    assert not Supporter.objects.filter(complaint=c).exists()


def test_support_needs_post(client, build):
    c, _ = build("in_progress")
    assert client.get(f"/complaints/{c.tracking_code}/support/").status_code == 405


def test_support_is_throttled_per_connection_even_with_fresh_cookies(build, monkeypatch):
    monkeypatch.setattr(
        SupportThrottle, "THROTTLE_RATES", {**SupportThrottle.THROTTLE_RATES, "support": "2/hour"}
    )
    c, _ = build("in_progress")

    results = [support_on_web(Client(), c.tracking_code)[1] for _ in range(3)]

    assert [level for [(level, _text)] in results] == ["success", "success", "error"]
    assert results[2] == [("error", "Too many supports from this connection; try again later.")]
    assert supporters(c) == 2
    # Another connection is not held back.
    support_on_web(Client(), c.tracking_code, REMOTE_ADDR="198.51.100.20")
    assert supporters(c) == 3
    monkeypatch.undo()
    assert "THROTTLE_RATES" not in vars(SupportThrottle)  # the shared rates are back


def test_support_enforces_csrf(build):
    c, _ = build("in_progress")
    browser = Client(enforce_csrf_checks=True)

    assert browser.post(f"/complaints/{c.tracking_code}/support/").status_code == 403
    assert supporters(c) == 0

    browser.get("/")  # the form page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"/complaints/{c.tracking_code}/support/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert supporters(c) == 1


# Merge and support ------------------------------------------------------------------------------


def test_merge_carries_web_supporters_over_counting_each_person_once(
    client, build, verifier, citizen_user
):
    duplicate, _ = build("submitted")
    original, _ = build("dispatched")
    both = client  # one browser supports both complaints
    support_on_web(both, duplicate.tracking_code)
    support_on_web(both, original.tracking_code)
    support_on_web(Client(), duplicate.tracking_code)
    member = Client()
    member.force_login(citizen_user)
    support_on_web(member, duplicate.tracking_code)
    support_on_web(member, original.tracking_code)
    assert (supporters(duplicate), supporters(original)) == (3, 2)

    lifecycle.merge(duplicate, actor=verifier, into=original)

    # The browser and the member once each, the other browser, and the duplicate's reporter.
    assert supporters(original) == 4
    assert Supporter.objects.filter(complaint=original).count() == 4
    _response, messages = support_on_web(both, original.tracking_code)
    assert messages == [("success", "You already support this complaint.")]
    assert supporters(original) == 4


def test_merge_counts_a_duplicate_reporter_who_supported_the_target_once(
    build, verifier, citizen_user
):
    duplicate, _ = build("submitted", actor=actor_for(citizen_user))
    original, _ = build("dispatched")
    member = Client()
    member.force_login(citizen_user)
    support_on_web(member, original.tracking_code)

    lifecycle.merge(duplicate, actor=verifier, into=original)

    assert supporters(original) == 1
    assert list(Supporter.objects.filter(complaint=original).values_list("user", flat=True)) == [
        citizen_user.pk
    ]


def test_merge_does_not_make_the_targets_reporter_its_supporter(build, verifier, citizen_user):
    original, _ = build("dispatched", actor=actor_for(citizen_user))
    duplicate, _ = build("submitted")
    member = Client()
    member.force_login(citizen_user)
    support_on_web(member, duplicate.tracking_code)

    lifecycle.merge(duplicate, actor=verifier, into=original)

    # Only the duplicate's (anonymous) reporter backs the original.
    assert supporters(original) == 1
    assert not Supporter.objects.filter(complaint=original, user=citizen_user).exists()
