import re

import pytest
from django.contrib.auth import get_user_model

from accounts.roles import actor_for
from complaints.models import Complaint
from tests.factories import file

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "kintamani-Jeruk-2024"


def register_data(**overrides):
    data = {
        "username": "made",
        "first_name": "Made Sutama",
        "email": "made@example.org",
        "phone": "0812 3456 7890",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


def complaint_data(**overrides):
    data = {
        "kind": "complaint",
        "category": "sampah_tidak_terangkut",
        "kecamatan": "51.03.02",
        "desa": "51.03.02.1004",
        "title": "Sampah tidak diangkut tiga hari",
        "description": "Sampah menumpuk dan berbau di pinggir jalan.",
        "privacy": "public",
        "reporter_email": "warga@example.org",
    }
    data.update(overrides)
    return data


def test_register_page_labels_every_field(client):
    html = client.get("/accounts/register/").content.decode()
    for name in ("username", "first_name", "email", "phone", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    assert 'aria-describedby="id_password1_helptext"' in html


def test_register_creates_the_account_and_logs_in(client):
    response = client.post("/accounts/register/", register_data())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/my-complaints/"
    user = User.objects.get(username="made")
    assert user.email == "made@example.org"
    assert user.first_name == "Made Sutama"
    assert user.phone == "081234567890"
    assert user.language == "id"
    assert user.check_password(STRONG)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.user == user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "CITIZEN@Example.ORG"}, "email"),  # citizen_user has citizen@example.org
        ({"email": ""}, "email"),
        ({"email": "made@"}, "email"),
        ({"username": "Citizen"}, "username"),
        ({"password1": "12345678", "password2": "12345678"}, "password2"),
        ({"password1": "password", "password2": "password"}, "password2"),
        ({"password2": STRONG + "x"}, "password2"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "123"}, "phone"),
    ],
)
def test_register_with_bad_input_redisplays_the_form(client, citizen_user, overrides, field):
    response = client.post("/accounts/register/", register_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="id_{field}"', html)
    assert 'role="alert"' in html
    assert not User.objects.exclude(pk=citizen_user.pk).exists()
    assert not response.wsgi_request.user.is_authenticated


def test_logged_in_user_is_sent_away_from_register(client, citizen_user):
    client.force_login(citizen_user)
    response = client.get("/accounts/register/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"


def test_login_page_links_to_register_and_password_reset(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/register/"' in html
    assert 'href="/accounts/password_reset/"' in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_citizen_logs_in_to_my_complaints_and_out(client, citizen_user):
    response = client.post(
        "/accounts/login/", {"username": "citizen", "password": "pw-citizen"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/my-complaints/"
    assert response.wsgi_request.user == citizen_user

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/accounts/my-complaints/").status_code == 302


def test_staff_member_logs_in_to_the_dashboard(client, verifier_user):
    response = client.post("/accounts/login/", {"username": "verifier", "password": "pw-verifier"})
    assert response["Location"] == "/accounts/"
    assert client.get("/accounts/")["Location"] == "/staff/"


def test_wrong_password_shows_an_error(client, citizen_user):
    response = client.post("/accounts/login/", {"username": "citizen", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_my_complaints_needs_login(client):
    response = client.get("/accounts/my-complaints/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/my-complaints/"


def test_complaint_filed_while_logged_in_shows_in_my_complaints(client, citizen_user):
    other = User.objects.create_user("ketut", email="ketut@example.org", password="pw-ketut")
    client.force_login(other)
    client.post("/", complaint_data(title="Lampu jalan mati di Kapal"))
    theirs = Complaint.objects.get()
    assert theirs.reporter == other

    client.force_login(citizen_user)
    response = client.post("/", complaint_data(privacy="confidential"))
    assert response.status_code == 302
    mine = Complaint.objects.get(reporter=citizen_user)

    page = client.get("/accounts/my-complaints/")
    html = page.content.decode()
    assert list(page.context["page"]) == [mine]
    assert f'href="{mine.get_absolute_url()}"' in html
    assert mine.tracking_code in html
    assert mine.title in html
    assert mine.get_status_display() in html
    assert theirs.tracking_code not in html
    assert theirs.title not in html
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_my_complaints_is_paginated_newest_first(client, citizen_user):
    actor = actor_for(citizen_user)
    filed = [file(actor=actor, title=f"Jalan rusak nomor {i}")[0] for i in range(21)]
    client.force_login(citizen_user)

    first = client.get("/accounts/my-complaints/")
    assert [c.pk for c in first.context["page"]] == [c.pk for c in reversed(filed)][:20]
    assert 'href="?page=2"' in first.content.decode()
    second = client.get("/accounts/my-complaints/?page=2")
    assert [c.pk for c in second.context["page"]] == [filed[0].pk]
    assert client.get("/accounts/my-complaints/?page=x").status_code == 200


def test_password_change(client, citizen_user):
    client.force_login(citizen_user)
    assert client.get("/accounts/password_change/").status_code == 200
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "pw-citizen", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response["Location"] == "/accounts/password_change/done/"
    assert client.get(response["Location"]).status_code == 200
    citizen_user.refresh_from_db()
    assert citizen_user.check_password(STRONG)


def test_password_change_with_wrong_old_password_keeps_the_old_one(client, citizen_user):
    client.force_login(citizen_user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()
    citizen_user.refresh_from_db()
    assert citizen_user.check_password("pw-citizen")


def test_password_reset_by_email(client, citizen_user, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "Citizen@Example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert client.get(response["Location"]).status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["citizen@example.org"]
    assert "citizen" in mail.body

    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response["Location"] == "/accounts/reset/done/"
    assert client.get(response["Location"]).status_code == 200

    assert client.login(username="citizen", password=STRONG)
    again = client.get(link, follow=True)
    assert not again.context["validlink"]  # the link works once


def test_password_reset_mail_is_in_the_active_language(client, citizen_user, mailoutbox):
    client.post("/accounts/password_reset/", {"email": "citizen@example.org"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/accounts/password_reset/", {"email": "citizen@example.org"})
    indonesian, english = mailoutbox
    assert english.subject == "Reset your Badung Portal password"
    assert indonesian.subject != english.subject
    assert "Hello Wayan," in english.body


def test_password_reset_for_an_unknown_address_sends_nothing(client, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []
