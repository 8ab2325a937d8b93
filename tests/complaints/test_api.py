import json

import pytest
from rest_framework.authtoken.models import Token

from complaints.models import Complaint, Event
from tests.complaints.test_api_actions import CONTRACT_FIELDS
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def valid_body(**overrides):
    body = {
        "kind": "complaint",
        "title": "PJU mati di Jalan Legian",
        "description": "Tiga lampu jalan mati sejak minggu lalu, gelap sekali di malam hari.",
        "category": "pju_mati",
        "desa": "51.03.01.1004",
        "address_detail": "Depan Banjar Legian Kaja",
        "privacy": "public",
        "reporter_name": "Kadek Ayu",
        "reporter_email": "kadek@example.org",
        "reporter_phone": "0812 3456 7890",
        "language": "id",
    }
    body.update(overrides)
    return body


def test_anonymous_citizen_files_and_gets_code_and_key(api):
    response = api.post(URL, valid_body(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"tracking_code", "access_key", "status", "url"}
    assert body["status"] == "submitted"
    assert body["url"].endswith(f"/complaints/{body['tracking_code']}/")
    c = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert c.channel == "api"
    assert c.suggested_opd.code == "DISHUB"
    assert c.kecamatan.code == "51.03.01"
    assert c.reporter_phone == "081234567890"
    assert body["access_key"] not in c.access_key_digest
    assert c.check_access_key(body["access_key"])


def test_pin_without_desa_takes_the_nearest_desa(api):
    body = valid_body(desa=None, latitude=-8.7254, longitude=115.1769)
    response = api.post(URL, body, format="json")
    assert response.status_code == 201
    c = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert c.desa.code == "51.03.01.1002"  # Kelurahan Kuta


def test_category_may_be_left_empty(api):
    response = api.post(URL, valid_body(category=None), format="json")
    assert response.status_code == 201
    c = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert c.category is None
    assert c.suggested_opd is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"description": ""}, "description"),
        ({"desa": "51.03.01.9999"}, "desa"),
        ({"desa": None}, "desa"),
        ({"kecamatan": "51.03.02"}, "desa"),  # Legian is in Kuta, not Mengwi
        ({"kecamatan": "51.03.99"}, "kecamatan"),
        ({"latitude": -8.65, "longitude": 115.0}, "latitude"),  # in the sea west of Canggu
        ({"latitude": -6.2, "longitude": 106.8}, "latitude"),  # Jakarta
        ({"latitude": -8.7}, "longitude"),
        ({"reporter_email": "not-an-email"}, "reporter_email"),
        ({"reporter_phone": "12ab"}, "reporter_phone"),
        ({"reporter_email": "", "reporter_phone": ""}, "reporter_email"),
        ({"category": "no_such_category"}, "category"),
        ({"privacy": "secret"}, "privacy"),
        ({"kind": "praise"}, "kind"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_input_gives_400_with_field_message_and_stores_nothing(api, overrides, field):
    response = api.post(URL, valid_body(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert all(isinstance(m, str) and m for m in response.json()[field])
    assert Complaint.objects.count() == 0


def test_malformed_json_gives_400(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert Complaint.objects.count() == 0


def test_filing_is_throttled_per_client(api, settings):
    from badung_portal.api import FilingThrottle

    FilingThrottle.THROTTLE_RATES = {**FilingThrottle.THROTTLE_RATES, "filing": "2/hour"}
    try:
        codes = [api.post(URL, valid_body(), format="json").status_code for _ in range(3)]
    finally:
        FilingThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert codes == [201, 201, 429]
    assert Complaint.objects.count() == 2


def test_detail_has_the_contract_fields(api):
    key = api.post(URL, valid_body(), format="json").json()
    body = api.get(f"{URL}{key['tracking_code']}/").json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["category"] == "pju_mati"
    assert body["sector"] == "infrastruktur"
    assert body["desa"] == "51.03.01.1004"
    assert body["kecamatan"] == "51.03.01"
    assert body["opd"] is None
    assert set(body["deadlines"]) == {"verification", "first_response", "resolution"}
    assert body["deadlines"]["verification"] is not None
    assert body["reporter_name"] == "Kadek Ayu"
    assert body["reporter_email"] is None  # contact details only for the reporter and staff


def test_tracking_code_lookup_ignores_case(api):
    code = api.post(URL, valid_body(), format="json").json()["tracking_code"]
    assert api.get(f"{URL}{code.lower()}/").status_code == 200


def test_unknown_code_gives_404(api):
    assert api.get(f"{URL}BDG-ZZZZZZ/").status_code == 404


def test_anonymous_complaint_hides_reporter_from_public(api):
    code = api.post(URL, valid_body(privacy="anonymous"), format="json").json()["tracking_code"]
    body = api.get(f"{URL}{code}/").json()
    assert body["reporter_name"] is None
    assert "Kadek" not in json.dumps(body)


def test_confidential_complaint_needs_the_access_key(api):
    created = api.post(URL, valid_body(privacy="confidential"), format="json").json()
    url = f"{URL}{created['tracking_code']}/"
    assert api.get(url).status_code == 404
    assert api.get(url, HTTP_X_ACCESS_KEY="wrong-key").status_code == 404
    response = api.get(url, HTTP_X_ACCESS_KEY=created["access_key"])
    assert response.status_code == 200
    assert response.json()["reporter_email"] == "kadek@example.org"
    assert api.get(url + "timeline/").status_code == 404
    assert api.get(url + "timeline/", HTTP_X_ACCESS_KEY=created["access_key"]).status_code == 200


def test_access_key_shows_the_reporter_their_contact_details(api):
    created = api.post(URL, valid_body(), format="json").json()
    body = api.get(
        f"{URL}{created['tracking_code']}/", HTTP_X_ACCESS_KEY=created["access_key"]
    ).json()
    assert body["reporter_email"] == "kadek@example.org"
    assert body["reporter_phone"] == "081234567890"


def test_public_list_shows_verified_public_complaints_only(api, verifier, officer, pupr):
    shown, _ = complaint_in("in_progress", verifier=verifier, handler=officer, opd=pupr)
    anonymous, _ = complaint_in(
        "dispatched", verifier=verifier, handler=officer, opd=pupr, privacy="anonymous"
    )
    confidential, _ = complaint_in(
        "in_progress", verifier=verifier, handler=officer, opd=pupr, privacy="confidential"
    )
    unverified, _ = file()
    codes = {row["tracking_code"] for row in api.get(URL).json()["results"]}
    assert codes == {shown.tracking_code, anonymous.tracking_code}
    row = next(
        r for r in api.get(URL).json()["results"] if r["tracking_code"] == anonymous.tracking_code
    )
    assert row["reporter_name"] is None
    assert confidential.tracking_code not in codes
    assert unverified.tracking_code not in codes


def test_public_list_filters(api, verifier, officer, pupr, dlhk, other_officer):
    road, _ = complaint_in("in_progress", verifier=verifier, handler=officer, opd=pupr)
    rubbish, _ = complaint_in(
        "dispatched",
        verifier=verifier,
        handler=other_officer,
        opd=dlhk,
        category="sampah_tidak_terangkut",
        desa="51.03.02.1004",
    )

    def codes(**params):
        response = api.get(URL, params)
        assert response.status_code == 200
        return {row["tracking_code"] for row in response.json()["results"]}

    assert codes(category="jalan_rusak") == {road.tracking_code}
    assert codes(sector="lingkungan") == {rubbish.tracking_code}
    assert codes(kecamatan="51.03.02") == {rubbish.tracking_code}
    assert codes(desa="51.03.01.1002") == {road.tracking_code}
    assert codes(status="dispatched") == {rubbish.tracking_code}
    assert codes(opd="PUPR") == {road.tracking_code}
    assert codes(kind="complaint") == {road.tracking_code, rubbish.tracking_code}
    assert codes(created_after="2000-01-01", created_before="2999-01-01") == {
        road.tracking_code,
        rubbish.tracking_code,
    }
    assert codes(created_before="2000-01-01") == set()
    assert api.get(URL, {"category": "nope"}).status_code == 400
    assert api.get(URL, {"created_after": "yesterday"}).status_code == 400


def test_list_is_paginated(api, verifier, officer, pupr):
    for _ in range(3):
        complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
    body = api.get(URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert {"next", "previous", "results"} <= set(body)


def test_timeline_public_events_only_for_the_public(api, verifier, officer, pupr):
    from complaints import lifecycle

    c, _key = complaint_in("in_progress", verifier=verifier, handler=officer, opd=pupr)
    lifecycle.add_note(c, actor=officer, note="Butuh alat berat")
    public = api.get(f"{URL}{c.tracking_code}/timeline/").json()
    assert [e["action"] for e in public] == ["filed", "dispatched", "acknowledged"]
    assert all(e["internal_note"] is None and e["staff_member"] is None for e in public)
    assert "Butuh alat berat" not in json.dumps(public)

    token = Token.objects.create(user=officer.user)
    staff = api.get(
        f"{URL}{c.tracking_code}/timeline/", HTTP_AUTHORIZATION=f"Token {token.key}"
    ).json()
    assert [e["action"] for e in staff] == ["filed", "dispatched", "acknowledged", "note"]
    assert staff[-1]["internal_note"] == "Butuh alat berat"


def test_token_auth_gives_staff_their_scoped_queue(api, verifier, officer, pupr, dlhk):
    mine, _ = complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
    complaint_in("dispatched", verifier=verifier, handler=officer, opd=dlhk)
    confidential, _ = complaint_in(
        "dispatched", verifier=verifier, handler=officer, opd=pupr, privacy="confidential"
    )
    response = api.post(
        "/api/v1/auth/token/", {"username": "officer_pupr", "password": "pw-officer_pupr"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    codes = {row["tracking_code"] for row in api.get(URL).json()["results"]}
    assert codes == {mine.tracking_code, confidential.tracking_code}


def test_wrong_password_gives_400(api, officer):
    response = api.post("/api/v1/auth/token/", {"username": "officer_pupr", "password": "x"})
    assert response.status_code == 400


def test_officer_sees_anonymous_complaint_without_reporter(api, verifier, officer, pupr):
    c, _ = complaint_in(
        "dispatched", verifier=verifier, handler=officer, opd=pupr, privacy="anonymous"
    )
    api.force_authenticate(officer.user)
    body = api.get(f"{URL}{c.tracking_code}/").json()
    assert body["reporter_name"] is None
    assert body["reporter_email"] is None
    api.force_authenticate(verifier.user)
    assert api.get(f"{URL}{c.tracking_code}/").json()["reporter_name"] == "Nyoman Pelapor"


def test_reference_endpoints(api):
    areas = api.get("/api/v1/areas/").json()
    assert len(areas) == 6
    assert sum(len(k["desa"]) for k in areas) == 62
    kuta = next(k for k in areas if k["code"] == "51.03.01")
    assert kuta["office"] == "KEC_KUTA"
    categories = api.get("/api/v1/categories/").json()
    assert len(categories) >= 35
    assert {"code", "name", "sector", "default_opd", "target_working_days"} <= set(categories[0])
    opds = api.get("/api/v1/opds/").json()
    assert any(o["code"] == "PDAM" for o in opds)


def test_english_names_with_accept_language(api):
    categories = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    pju = next(c for c in categories if c["code"] == "pju_mati")
    assert pju["name"] == "Street light out"


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/complaints/" in paths
    assert "/api/v1/complaints/{tracking_code}/timeline/" in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from the sidecar: works offline


def test_events_are_the_same_for_web_and_api_filing(client, api):
    api_code = api.post(URL, valid_body(), format="json").json()["tracking_code"]
    client.post(
        "/",
        {
            "kind": "complaint",
            "title": "Lampu mati",
            "description": "Gelap.",
            "category": "pju_mati",
            "kecamatan": "51.03.01",
            "desa": "51.03.01.1004",
            "privacy": "public",
            "reporter_email": "a@example.org",
        },
    )
    web = Complaint.objects.exclude(tracking_code=api_code).get()
    for code in (api_code, web.tracking_code):
        timeline = api.get(f"{URL}{code}/timeline/").json()
        assert [(e["action"], e["to_status"], e["by"]) for e in timeline] == [
            ("filed", "submitted", "reporter")
        ]
    assert Event.objects.count() == 2


def test_staff_api_list_filters_by_search_and_overdue(api, verifier, officer, pupr):
    a, _ = complaint_in(
        "dispatched", verifier=verifier, handler=officer, opd=pupr, title="Jembatan retak di Sibang"
    )
    complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr, title="Got mampet")
    Complaint.objects.filter(pk=a.pk).update(first_response_due="2020-01-02")
    api.force_authenticate(officer.user)
    by_text = api.get(URL, {"q": "jembatan"}).json()["results"]
    assert [r["tracking_code"] for r in by_text] == [a.tracking_code]
    overdue = api.get(URL, {"overdue": "true"}).json()["results"]
    assert [r["tracking_code"] for r in overdue] == [a.tracking_code]
    api.force_authenticate(None)
    assert len(api.get(URL, {"q": "jembatan"}).json()["results"]) == 2  # not a public filter
