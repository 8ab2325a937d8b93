import pytest

from complaints import lifecycle
from complaints.models import Complaint
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "kind": "complaint",
        "category": "sampah_tidak_terangkut",
        "kecamatan": "51.03.02",
        "desa": "51.03.02.1004",
        "address_detail": "Dekat Pasar Kapal",
        "title": "Sampah tidak diangkut tiga hari",
        "description": "Sampah menumpuk dan berbau di pinggir jalan.",
        "privacy": "public",
        "reporter_name": "Komang",
        "reporter_email": "komang@example.org",
        "reporter_phone": "",
    }
    data.update(overrides)
    return data


def test_home_shows_the_form_grouped_by_sector(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="Lingkungan">' in html
    assert 'value="sampah_tidak_terangkut"' in html
    assert 'value="51.03.02.1004"' in html
    for privacy in ("public", "anonymous", "confidential"):
        assert f'value="{privacy}"' in html
    assert 'lang="id"' in html


def test_filing_through_the_page_shows_code_and_key_once(client):
    response = client.post("/", form_data())
    c = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{c.tracking_code}/filed/"
    assert c.channel == "web"
    assert c.suggested_opd.code == "DLHK"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert c.tracking_code in html
    key = page.context["access_key"]
    assert key in html
    assert c.check_access_key(key)

    again = client.get(response["Location"])
    assert again.status_code == 302  # the key is shown only once
    assert again["Location"] == f"/complaints/{c.tracking_code}/"


def test_reporter_browser_keeps_seeing_private_parts(client):
    client.post("/", form_data(privacy="confidential"))
    c = Complaint.objects.get()
    client.get(f"/complaints/{c.tracking_code}/filed/")
    page = client.get(f"/complaints/{c.tracking_code}/")
    assert page.status_code == 200
    assert "komang@example.org" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"desa": "51.03.01.1002"}, "desa"),  # Kuta's kelurahan while Mengwi is chosen
        ({"desa": "51.03.99.9999"}, "desa"),
        ({"category": "unknown"}, "category"),
        ({"reporter_email": "bad@"}, "reporter_email"),
        ({"reporter_email": "", "reporter_phone": ""}, "reporter_email"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"privacy": "secret"}, "privacy"),
        ({"latitude": "-6.2", "longitude": "106.8"}, "latitude"),
    ],
)
def test_bad_form_input_redisplays_with_message_and_stores_nothing(client, overrides, field):
    response = client.post("/", form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "error-summary" in html
    assert "Sampah menumpuk" in html or overrides.get("title") is not None  # input kept
    assert Complaint.objects.count() == 0


def test_track_by_code_redirects_to_the_complaint(client):
    c, _ = file()
    response = client.get("/track/", {"code": c.tracking_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{c.tracking_code}/"


def test_track_unknown_code_says_so(client):
    response = client.get("/track/", {"code": "BDG-AAAAAA"})
    assert response.status_code == 404
    assert "BDG-AAAAAA" in response.content.decode()


def test_confidential_complaint_page_is_404_without_key(client):
    c, _key = file(privacy="confidential")
    assert client.get(f"/complaints/{c.tracking_code}/").status_code == 404
    assert client.get("/track/", {"code": c.tracking_code}).status_code == 404


def test_access_key_form_opens_the_full_complaint(client):
    c, key = file(privacy="public")
    html = client.get(f"/complaints/{c.tracking_code}/").content.decode()
    assert "pelapor@example.org" not in html
    wrong = client.post(f"/complaints/{c.tracking_code}/", {"access_key": "nope"}, follow=True)
    assert "pelapor@example.org" not in wrong.content.decode()
    right = client.post(f"/complaints/{c.tracking_code}/", {"access_key": key}, follow=True)
    assert "pelapor@example.org" in right.content.decode()


def test_anonymous_reporter_name_never_on_public_pages(client, verifier, officer, pupr):
    c, _ = complaint_in(
        "in_progress", verifier=verifier, handler=officer, opd=pupr, privacy="anonymous"
    )
    assert "Nyoman Pelapor" not in client.get(f"/complaints/{c.tracking_code}/").content.decode()
    assert "Nyoman Pelapor" not in client.get("/complaints/").content.decode()


def test_tracking_page_shows_public_timeline_not_internal_notes(client, verifier, officer, pupr):
    c, _ = complaint_in("in_progress", verifier=verifier, handler=officer, opd=pupr)
    lifecycle.respond(c, actor=officer, message="Tim kami menuju lokasi besok pagi.")
    lifecycle.add_note(c, actor=officer, note="Koordinasi dengan banjar")
    html = client.get(f"/complaints/{c.tracking_code}/").content.decode()
    assert "Tim kami menuju lokasi besok pagi." in html
    assert "Koordinasi dengan banjar" not in html
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html


def test_public_list_with_filters_and_pagination(client, verifier, officer, pupr):
    for _ in range(21):
        complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
    file(title="Belum diverifikasi")
    first = client.get("/complaints/")
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 21
    assert "Belum diverifikasi" not in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    second = client.get("/complaints/", {"page": 2, "sector": "infrastruktur"})
    assert len(second.context["page"].object_list) == 1
    assert client.get("/complaints/", {"sector": "lingkungan"}).context["page"].paginator.count == 0
    assert client.get("/complaints/", {"status": "bogus"}).status_code == 400


def test_english_switch_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Report a problem in Badung" in html
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert 'lang="id"' in client.get("/").content.decode()


def test_pages_in_indonesian_by_default(client):
    html = client.get("/").content.decode()
    assert "Laporkan masalah di Badung" in html
    assert "Kirim pengaduan" in html


def _open_with_key(client, c, key):
    client.post(f"/complaints/{c.tracking_code}/", {"access_key": key})


def test_reporter_answers_an_info_request_on_the_page(client, verifier, officer, pupr):
    c, key = complaint_in("info_requested", verifier=verifier, handler=officer, opd=pupr)
    _open_with_key(client, c, key)
    page = client.get(f"/complaints/{c.tracking_code}/")
    assert page.context["can_comment"]
    client.post(f"/complaints/{c.tracking_code}/comment/", {"message": "Fotonya sudah saya kirim."})
    c.refresh_from_db()
    assert c.status == "in_progress"
    assert c.events.last().action == "info_provided"


def test_reporter_rates_and_closes_on_the_page(client, verifier, officer, pupr):
    c, key = complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr)
    _open_with_key(client, c, key)
    assert client.get(f"/complaints/{c.tracking_code}/").context["can_rate"]
    response = client.post(
        f"/complaints/{c.tracking_code}/rate/", {"score": "5", "comment": "Cepat!"}, follow=True
    )
    c.refresh_from_db()
    assert (c.status, c.rating, c.rating_comment) == ("closed", 5, "Cepat!")
    assert "Cepat!" in response.content.decode()


def test_reporter_reopens_on_the_page(client, verifier, officer, pupr):
    c, key = complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr)
    _open_with_key(client, c, key)
    client.post(f"/complaints/{c.tracking_code}/reopen/", {"reason": "Masih berlubang"})
    c.refresh_from_db()
    assert c.status == "in_progress"


def test_bad_rating_is_refused_with_a_message(client, verifier, officer, pupr):
    c, key = complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr)
    _open_with_key(client, c, key)
    response = client.post(f"/complaints/{c.tracking_code}/rate/", {"score": "9"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    c.refresh_from_db()
    assert c.status == "resolved"


def test_stranger_cannot_rate_or_comment(client, verifier, officer, pupr):
    c, _ = complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr)
    page = client.get(f"/complaints/{c.tracking_code}/")
    assert not page.context["can_rate"]
    client.post(f"/complaints/{c.tracking_code}/rate/", {"score": "1"})
    client.post(f"/complaints/{c.tracking_code}/comment/", {"message": "spam"})
    c.refresh_from_db()
    assert c.status == "resolved"
    assert not c.events.filter(action="commented").exists()
