"""The intake webhook of SPEC §8.2, its sources (command and admin) and Open311 client keys."""

import io
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from complaints import intake, lifecycle
from complaints.models import (
    Complaint,
    IntakeMessage,
    IntakeSource,
    Notification,
    Open311Client,
    digest_key,
)

pytestmark = pytest.mark.django_db

SENT_AT = "2026-03-02T09:15:00+08:00"


@pytest.fixture
def social():
    source, secret = intake.intake_source_create(name="medsos-monitor", channel="social_media")
    source.plain_secret = secret
    return source


@pytest.fixture
def whatsapp():
    source, secret = intake.intake_source_create(name="wa-gateway", channel="whatsapp")
    source.plain_secret = secret
    return source


def message(**overrides):
    body = {
        "message_id": "post-1001",
        "text": "@pemkabbadung Jalan di depan pasar Kuta berlubang besar. Sudah dua minggu "
        "tidak diperbaiki, bahaya untuk motor.",
        "author": "@kadek_bali",
        "url": "https://social.example/kadek_bali/status/1001",
        "sent_at": SENT_AT,
    }
    body.update(overrides)
    return body


def post(client, source_name, body, secret, *, timestamp=None, signature=None, raw=None):
    raw = raw if raw is not None else json.dumps(body).encode()
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    if signature is None:
        signature = "sha256=" + intake.signature_for(secret, timestamp, raw)
    return client.post(
        f"/api/v1/intake/{source_name}/",
        data=raw,
        content_type="application/json",
        headers={"X-Timestamp": timestamp, "X-Signature": signature},
    )


# Signature and timestamp ---------------------------------------------------------------------


def test_signed_social_media_post_files_a_complaint(client, social):
    response = post(client, social.name, message(), social.plain_secret)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"tracking_code", "status", "url"}
    assert body["status"] == "submitted"
    assert body["url"] == f"http://testserver/complaints/{body['tracking_code']}/"
    c = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert c.channel == "social_media"
    assert c.source_reference == "https://social.example/kadek_bali/status/1001"
    assert c.reporter_name == "@kadek_bali"
    assert c.reporter_phone == ""
    assert c.reporter_email == ""
    assert c.reporter is None
    assert c.title == "Jalan di depan pasar Kuta berlubang besar."
    assert c.description.startswith("@pemkabbadung Jalan di depan pasar Kuta")
    assert c.privacy == "public"
    assert c.desa is None
    assert c.kecamatan is None
    assert c.created_at.isoformat() == "2026-03-02T01:15:00+00:00"  # when the citizen sent it
    ledger = IntakeMessage.objects.get()
    assert (ledger.source, ledger.message_id, ledger.complaint) == (social, "post-1001", c)


def test_the_same_message_again_answers_200_with_the_same_code(client, social):
    raw = json.dumps(message()).encode()
    timestamp = int(time.time())
    first = post(client, social.name, None, social.plain_secret, timestamp=timestamp, raw=raw)
    # A replay of the very same request (same timestamp and body) within the window.
    again = post(client, social.name, None, social.plain_secret, timestamp=timestamp, raw=raw)
    # A re-delivery with a new timestamp and a changed text is still the same message.
    changed = post(client, social.name, message(text="Diedit: jalan rusak"), social.plain_secret)
    assert first.status_code == 201
    assert again.status_code == changed.status_code == 200
    assert first.json() == again.json() == changed.json()
    assert Complaint.objects.count() == 1 == IntakeMessage.objects.count()


def test_message_ids_are_per_source(client, social, whatsapp):
    a = post(client, social.name, message(message_id="m1"), social.plain_secret)
    b = post(
        client,
        whatsapp.name,
        message(message_id="m1", author="+62 812 3456 7890", url=""),
        whatsapp.plain_secret,
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["tracking_code"] != b.json()["tracking_code"]


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=" + "0" * 64,
        "sha256=",
        "",
        "md5=abc",
        "deadbeef",
        "sha256=zz" + "0" * 62,
    ],
)
def test_bad_signature_is_refused_with_401(client, social, signature):
    response = post(client, social.name, message(), social.plain_secret, signature=signature)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert Complaint.objects.count() == 0


def test_signature_with_another_secret_is_refused(client, social, whatsapp):
    response = post(client, social.name, message(), whatsapp.plain_secret)
    assert response.status_code == 401


def test_signature_must_cover_the_exact_body(client, social):
    raw = json.dumps(message()).encode()
    timestamp = str(int(time.time()))
    signature = "sha256=" + intake.signature_for(social.plain_secret, timestamp, raw)
    tampered = raw.replace(b"Kuta", b"Legian")
    response = post(
        client,
        social.name,
        None,
        social.plain_secret,
        timestamp=timestamp,
        signature=signature,
        raw=tampered,
    )
    assert response.status_code == 401


def test_upper_case_hex_signature_is_accepted(client, social):
    raw = json.dumps(message()).encode()
    timestamp = str(int(time.time()))
    hexdigest = intake.signature_for(social.plain_secret, timestamp, raw).upper()
    response = post(
        client,
        social.name,
        None,
        social.plain_secret,
        timestamp=timestamp,
        signature="sha256=" + hexdigest,
        raw=raw,
    )
    assert response.status_code == 201


@pytest.mark.parametrize("offset", [-301, -3600, 301, 86400])
def test_timestamp_outside_five_minutes_is_refused(client, social, offset):
    response = post(
        client, social.name, message(), social.plain_secret, timestamp=int(time.time()) + offset
    )
    assert response.status_code == 401
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("offset", [-290, 290])
def test_timestamp_within_five_minutes_is_accepted(client, social, offset):
    response = post(
        client, social.name, message(), social.plain_secret, timestamp=int(time.time()) + offset
    )
    assert response.status_code == 201


@pytest.mark.parametrize("timestamp", ["", "abc", "1.7e9", "-1", "\uff11\uff12\uff13", "9" * 20])
def test_malformed_timestamp_is_refused(client, social, timestamp):
    response = post(client, social.name, message(), social.plain_secret, timestamp=timestamp)
    assert response.status_code == 401


def test_missing_headers_are_refused(client, social):
    response = client.post(
        f"/api/v1/intake/{social.name}/", data=message(), content_type="application/json"
    )
    assert response.status_code == 401


def test_unknown_and_inactive_sources_look_like_a_bad_signature(client, social):
    unknown = post(client, "no-such-source", message(), social.plain_secret)
    IntakeSource.objects.filter(pk=social.pk).update(is_active=False)
    inactive = post(client, social.name, message(), social.plain_secret)
    bad = post(client, "no-such-source", message(), "wrong")
    assert unknown.status_code == inactive.status_code == bad.status_code == 401
    assert unknown.json() == inactive.json() == bad.json()
    assert "WWW-Authenticate" in unknown
    assert Complaint.objects.count() == 0


def test_no_session_and_no_csrf_token_needed(social, verifier_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(verifier_user)
    response = post(client, social.name, message(), social.plain_secret)
    assert response.status_code == 201
    c = Complaint.objects.get()
    assert c.reporter is None
    assert c.taken_by is None


def test_webhook_is_throttled(client, social, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"intake": "2/minute"})
    codes = [
        post(client, social.name, message(message_id=f"t{n}"), social.plain_secret).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]


# Body validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2]", b'"text"', b"null"])
def test_signed_body_that_is_not_a_json_object_is_a_400(client, social, raw):
    response = post(client, social.name, None, social.plain_secret, raw=raw)
    assert response.status_code == 400
    assert "detail" in response.json()
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"message_id": ""}, "message_id"),
        ({"message_id": "x" * 201}, "message_id"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"author": ""}, "author"),
        ({"url": "not a url"}, "url"),
        ({"sent_at": "yesterday"}, "sent_at"),
        ({"sent_at": "2099-01-01T00:00:00Z"}, "sent_at"),
        ({"latitude": -8.72}, "longitude"),
        ({"latitude": "north", "longitude": 115.17}, "latitude"),
        ({"media_urls": ["ftp://x"]}, "media_urls"),
        ({"media_urls": "https://x.example/a.jpg"}, "media_urls"),
    ],
)
def test_invalid_fields_get_per_field_messages(client, social, overrides, field):
    response = post(client, social.name, message(**overrides), social.plain_secret)
    assert response.status_code == 400
    assert field in response.json()
    assert Complaint.objects.count() == 0


def test_missing_fields_are_named(client, social):
    response = post(client, social.name, {}, social.plain_secret)
    assert response.status_code == 400
    assert set(response.json()) == {"message_id", "text", "author", "sent_at"}


def test_whatsapp_author_must_be_a_phone_number(client, whatsapp):
    response = post(client, whatsapp.name, message(author="Kadek"), whatsapp.plain_secret)
    assert response.status_code == 400
    assert "author" in response.json()


# What is stored -------------------------------------------------------------------------------


def test_whatsapp_sender_is_the_reporter_phone_and_hears_by_sms(client, whatsapp):
    body = message(
        message_id="wamid.HBgM1",
        author="+62 812-3456-7890",
        url=None,
        text="Please help, the street light near Jalan Pantai Kuta is broken since last week.",
    )
    response = post(client, whatsapp.name, body, whatsapp.plain_secret)
    assert response.status_code == 201
    c = Complaint.objects.get()
    assert c.channel == "whatsapp"
    assert c.source_reference == "wamid.HBgM1"
    assert c.reporter_phone == "+6281234567890"
    assert c.reporter_name == ""
    assert c.language == "en"
    sms = Notification.objects.get(complaint=c)
    assert (sms.channel, sms.kind, sms.address) == ("sms", "filed", "+6281234567890")
    assert c.tracking_code in sms.body
    assert sms.secret == ""  # the access key travels only by e-mail


def test_social_media_post_without_contact_writes_no_notification(client, social):
    post(client, social.name, message(), social.plain_secret)
    assert Notification.objects.count() == 0


def test_point_inside_badung_chooses_the_nearest_desa(client, social):
    body = message(latitude=-8.7254, longitude=115.1769)
    post(client, social.name, body, social.plain_secret)
    c = Complaint.objects.get()
    assert c.desa.code.startswith("51.03.01.")
    assert c.kecamatan.code == "51.03.01"
    assert float(c.latitude) == pytest.approx(-8.7254)


def test_point_outside_badung_is_left_for_the_desk(client, social):
    body = message(latitude=-8.112, longitude=115.088)  # Singaraja, Buleleng
    response = post(client, social.name, body, social.plain_secret)
    assert response.status_code == 201
    c = Complaint.objects.get()
    assert c.desa is None
    assert c.latitude is None
    assert c.longitude is None


def test_media_urls_are_listed_in_the_description(client, social):
    media = ["https://cdn.example/1.jpg", "https://cdn.example/2.mp4"]
    post(client, social.name, message(media_urls=media), social.plain_secret)
    description = Complaint.objects.get().description
    assert description.endswith("https://cdn.example/1.jpg\nhttps://cdn.example/2.mp4")


def test_future_sent_at_within_clock_skew_is_filed_now(client, social):
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 120))
    before = time.time()
    post(client, social.name, message(sent_at=soon), social.plain_secret)
    assert Complaint.objects.get().created_at.timestamp() <= time.time()
    assert Complaint.objects.get().created_at.timestamp() >= before - 1


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Sampah menumpuk di Jalan Sunset Road", "Sampah menumpuk di Jalan Sunset Road"),
        ("@badungkab @dlhk #sampah: Sampah menumpuk!!", "Sampah menumpuk!!"),
        ("Lampu mati. Tolong segera diperbaiki.", "Lampu mati. Tolong segera diperbaiki."),
        (
            "Sudah tiga hari sampah tidak diangkut di Banjar Anyar. Baunya sampai ke rumah.",
            "Sudah tiga hari sampah tidak diangkut di Banjar Anyar.",
        ),
        ("\n\n  first line\nsecond line", "first line"),
        ("https://x.example/p/1", "https://x.example/p/1"),
        ("@pemkab", "@pemkab"),
    ],
)
def test_title_from_text(text, title):
    assert intake.title_from_text(text) == title


def test_long_title_is_cut_at_a_word():
    title = intake.title_from_text("kata " * 40)
    assert len(title) <= intake.TITLE_LENGTH
    assert title.endswith("kata…")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("There is a big pothole on the road near my hotel", "en"),
        ("Jalan rusak di depan rumah saya sudah lama tidak diperbaiki", "id"),
        ("sampah gak diangkut udah seminggu", "id"),
        ("Banjir", "id"),
    ],
)
def test_language_of_the_message(text, language):
    assert intake.language_of(text) == language


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_file_one_complaint(whatsapp, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the race is checked on PostgreSQL (set DATABASE_URL)")
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    filed = threading.Barrier(threads_count)
    real_file = lifecycle.file_complaint

    def file_then_wait(**kwargs):
        # Every delivery has passed the "already received?" check and filed its own
        # complaint before any records the message: only the unique constraint decides.
        result = real_file(**kwargs)
        filed.wait(timeout=30)
        return result

    monkeypatch.setattr(lifecycle, "file_complaint", file_then_wait)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait()
            complaint, created = intake.message_receive(
                source=whatsapp,
                message_id="same-id",
                text="Jalan rusak di Mengwi",
                author="081234567890",
            )
            results.append((complaint.tracking_code, created))
        except Exception as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({code for code, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (threads_count - 1) + [True]
    assert Complaint.objects.count() == 1 == IntakeMessage.objects.count()
    # The losers' complaints and their SMS confirmations were rolled back with them.
    assert Notification.objects.get().complaint.tracking_code == results[0][0]


def test_webhook_is_in_the_openapi_schema(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/intake/{source}/"]["post"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"X-Timestamp", "X-Signature"} <= headers
    assert {"200", "201", "400", "401"} <= set(operation["responses"])


# create_intake_source ----------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("create_intake_source", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_secret_once_and_it_signs(client):
    out = run("wa-gateway", "--channel", "whatsapp")
    source = IntakeSource.objects.get(name="wa-gateway")
    assert source.channel == "whatsapp"
    assert source.is_active
    secret = out.splitlines()[1]
    assert secret == source.secret
    assert len(secret) == 64
    body = message(author="081234567890")
    assert post(client, "wa-gateway", body, secret).status_code == 201


def test_command_defaults_to_social_media():
    run("ig-monitor")
    assert IntakeSource.objects.get(name="ig-monitor").channel == "social_media"


def test_command_refuses_an_existing_name_and_offers_rotate():
    run("ig-monitor")
    with pytest.raises(CommandError, match="--rotate"):
        run("ig-monitor")


def test_rotate_issues_a_new_secret_and_revokes_the_old(client):
    first = run("ig-monitor").splitlines()[1]
    out = run("ig-monitor", "--rotate")
    second = out.splitlines()[1]
    assert second != first
    assert IntakeSource.objects.get(name="ig-monitor").secret == second
    assert post(client, "ig-monitor", message(), first).status_code == 401
    assert post(client, "ig-monitor", message(), second).status_code == 201


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["Bad Name!"], "lower-case"),
        (["x" * 51], "lower-case"),
        (["ok", "--channel", "email"], "invalid choice"),
        (["ok", "--channel", "walk_in"], "invalid choice"),
        (["missing", "--rotate"], "No intake source"),
    ],
)
def test_command_bad_arguments(args, error):
    with pytest.raises(CommandError, match=error):
        run(*args)
    assert not IntakeSource.objects.exists()


def test_rotate_does_not_change_the_channel():
    run("ig-monitor")
    with pytest.raises(CommandError, match="only the secret"):
        run("ig-monitor", "--rotate", "--channel", "whatsapp")


# Admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    return client


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]


def test_admin_creates_a_source_and_shows_its_secret_once(admin_client):
    response = admin_client.post(
        "/admin/complaints/intakesource/add/",
        {"name": "fb-monitor", "channel": "social_media", "is_active": "on"},
        follow=True,
    )
    source = IntakeSource.objects.get(name="fb-monitor")
    assert len(source.secret) == 64
    assert any(source.secret in m for m in shown_messages(response))
    page = admin_client.get(f"/admin/complaints/intakesource/{source.pk}/change/")
    assert page.status_code == 200
    assert source.secret not in page.content.decode()
    listing = admin_client.get("/admin/complaints/intakesource/")
    assert source.secret not in listing.content.decode()


def test_admin_offers_only_the_webhook_channels(admin_client):
    response = admin_client.post(
        "/admin/complaints/intakesource/add/", {"name": "x", "channel": "walk_in"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert not IntakeSource.objects.exists()


def test_admin_rotates_a_secret(admin_client, social):
    response = admin_client.post(
        "/admin/complaints/intakesource/",
        {"action": "rotate_secret", "_selected_action": [social.pk]},
        follow=True,
    )
    social.refresh_from_db()
    assert social.secret != social.plain_secret
    assert any(social.secret in m for m in shown_messages(response))


def test_admin_creates_an_open311_client_and_stores_only_a_digest(admin_client):
    response = admin_client.post(
        "/admin/complaints/open311client/add/",
        {"name": "Aplikasi Desa", "is_active": "on"},
        follow=True,
    )
    client = Open311Client.objects.get(name="Aplikasi Desa")
    shown = [m for m in shown_messages(response) if "<code>" in m]
    assert len(shown) == 1
    api_key = shown[0].split("<code>")[1].split("</code>")[0]
    assert len(api_key) >= 40
    assert client.api_key_digest == digest_key(api_key)
    assert api_key not in client.api_key_digest
    page = admin_client.get(f"/admin/complaints/open311client/{client.pk}/change/")
    assert api_key not in page.content.decode()
    assert client.api_key_digest not in page.content.decode()


def test_admin_rotates_an_open311_key(admin_client):
    admin_client.post("/admin/complaints/open311client/add/", {"name": "A", "is_active": "on"})
    client = Open311Client.objects.get()
    old = client.api_key_digest
    admin_client.post(
        "/admin/complaints/open311client/",
        {"action": "rotate_api_key", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert client.api_key_digest != old
