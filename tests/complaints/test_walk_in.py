"""Complaints taken for citizens at the desk or on the phone (staff form, SPEC §8)."""

import io

import pytest
from django.test import Client
from PIL import Image

from complaints.models import Attachment, Complaint, Notification

pytestmark = pytest.mark.django_db

URL = "/staff/walk-in/"


def form_data(**overrides):
    data = {
        "nonce": "n-1",
        "channel": "walk_in",
        "kind": "complaint",
        "category": "sampah_tidak_terangkut",
        "desa": "51.03.01.1002",
        "address_detail": "Gang Melati",
        "title": "Sampah belum diangkut seminggu",
        "description": "Warga datang ke kantor camat: sampah di Gang Melati belum diangkut.",
        "privacy": "public",
        "reporter_name": "Ni Luh Sari",
        "reporter_email": "luh@example.org",
        "reporter_phone": "0812 1111 2222",
        "language": "id",
    }
    data.update(overrides)
    return data


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["verifier_user", "camat_user"])
def test_front_desks_see_the_form(request, who):
    response = logged_in(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="channel"' in page
    assert 'value="phone"' in page
    assert 'name="nonce"' in page


@pytest.mark.parametrize("who", ["officer_user", "head_user", "leadership_user", "citizen_user"])
def test_other_roles_do_not_file_for_citizens(request, who):
    client = logged_in(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data()).status_code == 404
    assert Complaint.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Complaint.objects.count() == 0


def test_camat_lists_only_the_own_kecamatan(camat_user):
    page = logged_in(camat_user).get(URL).content.decode()
    assert 'value="51.03.01.1002"' in page  # Kuta
    assert 'value="51.03.02.1004"' not in page  # Mengwi


def test_camat_cannot_file_for_another_kecamatan(camat_user):
    response = logged_in(camat_user).post(URL, form_data(desa="51.03.02.1004"))
    assert response.status_code == 400
    assert "desa" in response.context["form"].errors
    assert Complaint.objects.count() == 0


def test_camat_files_a_walk_in_complaint(camat_user):
    client = logged_in(camat_user)
    response = client.post(URL, form_data())
    c = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/walk-in/{c.tracking_code}/"
    assert c.channel == "walk_in"
    assert c.taken_by == camat_user
    assert c.reporter is None  # the citizen has no account; the officer is not the reporter
    assert (c.reporter_name, c.reporter_email, c.reporter_phone) == (
        "Ni Luh Sari",
        "luh@example.org",
        "081211112222",
    )
    assert c.desa.code == "51.03.01.1002"
    assert c.kecamatan.code == "51.03.01"
    assert c.category.code == "sampah_tidak_terangkut"
    assert c.status == "submitted"
    filed = c.events.get()
    assert filed.action == "filed"
    assert filed.actor is None


def test_verifier_takes_a_phone_call_for_anywhere(verifier_user):
    client = logged_in(verifier_user)
    client.post(
        URL,
        form_data(channel="phone", desa="51.03.02.1004", reporter_email="", language="en"),
    )
    c = Complaint.objects.get()
    assert c.channel == "phone"
    assert c.taken_by == verifier_user
    assert c.kecamatan.code == "51.03.02"
    assert c.language == "en"


def test_confirmation_shows_code_and_key_once(camat_user):
    client = logged_in(camat_user)
    response = client.post(URL, form_data(), follow=True)
    c = Complaint.objects.get()
    page = response.content.decode()
    assert c.tracking_code in page
    key = page.split('data-testid="access-key">')[1].split("<")[0]
    assert c.check_access_key(key)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    again = client.get(f"/staff/walk-in/{c.tracking_code}/").content.decode()
    assert c.tracking_code in again
    assert key not in again
    assert 'data-testid="access-key"' not in again
    assert 'data-testid="key-shown-before"' in again


def test_citizen_gets_the_filing_confirmation(camat_user):
    logged_in(camat_user).post(URL, form_data())
    c = Complaint.objects.get()
    mail = Notification.objects.get(complaint=c, channel="email")
    sms = Notification.objects.get(complaint=c, channel="sms")
    assert mail.address == "luh@example.org"
    assert mail.kind == "filed"
    assert mail.secret  # the access key, put into the e-mail when it is sent
    assert c.check_access_key(mail.secret)
    assert sms.address == "081211112222"
    # The officer is not told as if they were the reporter.
    assert not Notification.objects.filter(user=camat_user).exists()


def test_confirmation_is_only_for_who_took_it(camat_user, verifier_user):
    logged_in(camat_user).post(URL, form_data())
    c = Complaint.objects.get()
    assert logged_in(verifier_user).get(f"/staff/walk-in/{c.tracking_code}/").status_code == 404


def test_pressing_twice_files_once(camat_user):
    client = logged_in(camat_user)
    first = client.post(URL, form_data())
    second = client.post(URL, form_data())
    assert Complaint.objects.count() == 1
    assert first["Location"] == second["Location"]
    client.post(URL, form_data(nonce="n-2"))
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "web"}, "channel"),
        ({"channel": "whatsapp"}, "channel"),
        ({"desa": ""}, "desa"),
        ({"desa": "51.03.99.9999"}, "desa"),
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"reporter_phone": "12"}, "reporter_phone"),
        ({"reporter_email": "not-mail"}, "reporter_email"),
        ({"reporter_name": "", "reporter_email": "", "reporter_phone": ""}, "reporter_name"),
        ({"privacy": "secret"}, "privacy"),
        ({"category": "nope"}, "category"),
        ({"nonce": ""}, "nonce"),
    ],
)
def test_bad_input_is_shown_again_and_nothing_is_stored(verifier_user, overrides, field):
    response = logged_in(verifier_user).post(URL, form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "error-summary" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_name_alone_is_enough(verifier_user):
    logged_in(verifier_user).post(URL, form_data(reporter_email="", reporter_phone=""))
    c = Complaint.objects.get()
    assert c.reporter_name == "Ni Luh Sari"
    assert not Notification.objects.filter(complaint=c).exists()


def test_photos_the_citizen_brought_are_attached(camat_user):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "foto.jpg"
    logged_in(camat_user).post(URL, {**form_data(), "photos": [buffer]})
    c = Complaint.objects.get()
    assert Attachment.objects.filter(complaint=c).count() == 1


def test_page_renders_in_english(camat_user):
    client = logged_in(camat_user)
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    page = client.get(URL).content.decode()
    assert "Complaint taken for a citizen" in page
    assert "Kuta" in page
