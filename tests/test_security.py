"""Security headers: the Content Security Policy everywhere, the production profile's settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from accounts.roles import actor_for
from badung_portal.api import (
    FilingContactThrottle,
    FilingThrottle,
    SupportThrottle,
    contact_key,
    filing_refusal,
)
from badung_portal.settings import _tile_source
from complaints.models import Complaint, Event
from tests.factories import STAGES, complaint_in, file

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "deploy-check-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
    "ALLOWED_HOSTS": "lapor.badungkab.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://lapor.badungkab.go.id",
}


def policy(response):
    """The CSP header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/complaints/", "/map/", "/track/", "/accounts/login/", "/api/v1/categories/"]
)
def test_every_page_has_a_policy_without_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in csp[directive]
        assert "'unsafe-eval'" not in csp[directive]


@pytest.mark.django_db
def test_map_tiles_are_allowed_as_images(client, settings):
    csp = policy(client.get("/map/"))
    assert csp["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


def test_tile_server_with_subdomains_is_allowed_by_wildcard():
    assert _tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert _tile_source("http://tiles.local:8080/osm/{z}/{x}/{y}.png") == "http://tiles.local:8080"


def test_no_template_has_inline_script_or_handlers():
    # The policy forbids them; catch one before a browser does. json_script blocks are data;
    # e-mail bodies (notifications/) never meet the policy and keep their inline styles.
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "notifications" in template.relative_to(ROOT / "templates").parts[:1]:
            continue
        text = template.read_text()
        for needle in ("<script>", "javascript:", " onclick=", " onload=", " onchange=", " style="):
            if needle in text:
                offenders.append(f"{template.relative_to(ROOT)}: {needle.strip()}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line and "json_script" not in line:
                offenders.append(f"{template.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []


def run_with_production_env(*args):
    # The browser tests' conftest allows async-unsafe calls in this process; a server never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_is_clean_in_production():
    result = run_with_production_env("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PROBE = """
import json
from django.test import Client
from django.utils import translation
c = Client()
https = c.get("/healthz", secure=True, HTTP_HOST="lapor.badungkab.go.id")
plain = c.get("/track/", HTTP_HOST="lapor.badungkab.go.id")
probe = c.get("/readyz", HTTP_HOST="lapor.badungkab.go.id")
lang = c.post("/i18n/setlang/", {"language": "en"}, secure=True, HTTP_HOST="lapor.badungkab.go.id")
from django.conf import settings as s
print(json.dumps({
    "https": dict(https.headers),
    "plain": [plain.status_code, plain.headers.get("Location")],
    "probe": probe.status_code,
    "language_cookie": str(lang.cookies.get(s.LANGUAGE_COOKIE_NAME)),
    "settings": {
        "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
        "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
        "DEBUG": s.DEBUG,
    },
}))
"""


@pytest.fixture(scope="module")
def production():
    result = run_with_production_env("shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_and_friends(production):
    headers = production["https"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_production_redirects_plain_http_but_not_the_probes(production):
    assert production["plain"] == [301, "https://lapor.badungkab.go.id/track/"]
    # /readyz answers over plain HTTP (here 200 or 503 by the database; never the redirect).
    assert production["probe"] in {200, 503}


def test_production_cookies_are_secure(production):
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "DEBUG": False,
    }
    cookie = production["language_cookie"].lower()
    assert "secure" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


# Abuse: throttles of anonymous filing (per client and per contact), support votes -----------

FILING = {
    "kind": "complaint",
    "title": "PJU mati di Jalan Legian",
    "description": "Tiga lampu jalan mati sejak minggu lalu.",
    "category": "pju_mati",
    "desa": "51.03.01.1004",
    "privacy": "public",
}


def file_from(api, ip, **contact):
    return api.post("/api/v1/complaints/", {**FILING, **contact}, format="json", REMOTE_ADDR=ip)


def small_limit(throttle):
    if throttle.num_requests > 60:
        pytest.skip(f"THROTTLE_RATES raised {throttle.scope} to {throttle.rate}")
    return throttle.num_requests


@pytest.mark.django_db
def test_filing_is_throttled_per_client_address(api):
    limit = small_limit(FilingThrottle())
    for n in range(limit):
        response = file_from(api, "198.51.100.1", reporter_email=f"warga{n}@example.org")
        assert response.status_code == 201
    response = file_from(api, "198.51.100.1", reporter_email="someone-new@example.org")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert file_from(api, "198.51.100.2", reporter_email="x@example.org").status_code == 201
    assert Complaint.objects.count() == limit + 1


@pytest.mark.django_db
def test_filing_is_throttled_per_contact_address_across_clients(api):
    limit = small_limit(FilingContactThrottle())
    for n in range(limit):
        response = file_from(api, f"198.51.100.{n + 1}", reporter_email="banjir@example.org")
        assert response.status_code == 201
    # Another address, the same e-mail written differently: refused.
    response = file_from(api, "203.0.113.9", reporter_email="  Banjir@Example.ORG ")
    assert response.status_code == 429
    assert file_from(api, "203.0.113.9", reporter_email="other@example.org").status_code == 201


@pytest.mark.django_db
def test_phone_numbers_count_as_one_contact_however_written(api):
    limit = small_limit(FilingContactThrottle())
    forms = ["0812 3456 7890", "+62 812-3456-7890", "6281234567890"]
    for n in range(limit):
        response = file_from(api, f"198.51.100.{n + 1}", reporter_phone=forms[n % 3])
        assert response.status_code == 201
    response = file_from(api, "203.0.113.9", reporter_phone="081234567890")
    assert response.status_code == 429
    # With a fresh e-mail and the spent phone the filing still waits: every contact counts.
    response = file_from(
        api, "203.0.113.10", reporter_email="fresh@example.org", reporter_phone="0812-3456-7890"
    )
    assert response.status_code == 429


def test_contact_keys_hide_the_address():
    key = contact_key("Banjir@Example.org")
    assert key == contact_key(" banjir@example.org ")
    assert "banjir" not in key
    assert contact_key("") == contact_key("   ") == ""
    assert contact_key("+62 812 3456 7890") == contact_key("0812-3456-7890")


@pytest.mark.django_db
def test_web_form_refusal_helper_uses_the_same_buckets(api, rf):
    limit = small_limit(FilingContactThrottle())
    for n in range(limit):
        file_from(api, f"198.51.100.{n + 1}", reporter_email="banjir@example.org")
    request = rf.post("/", REMOTE_ADDR="203.0.113.20")
    request.user = AnonymousUser()
    with translation.override("en"):
        message = filing_refusal(request, email="banjir@example.org")
    assert "Too many complaints" in message
    assert filing_refusal(request, email="other@example.org") is None


@pytest.mark.django_db
def test_support_votes_are_throttled_per_client(api):
    complaint, _key = file()
    limit = small_limit(SupportThrottle())
    url = f"/api/v1/complaints/{complaint.tracking_code}/support/"
    for _ in range(limit):
        assert api.post(url, {}, format="json", REMOTE_ADDR="198.51.100.3").status_code == 200
    response = api.post(url, {}, format="json", REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 429
    complaint.refresh_from_db()
    assert complaint.supporters_count == 1  # repeats from one client never counted twice


# The timeline is append-only in the database (PostgreSQL) ------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only timeline is enforced by PostgreSQL triggers")


@pytest.mark.django_db
def test_an_event_cannot_be_changed(postgresql):
    complaint, _key = file()
    event = complaint.events.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(public_text="rewritten history")
    event.public_text = "rewritten history"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.save()
    event.refresh_from_db()
    assert event.public_text == ""


@pytest.mark.django_db(transaction=True)
def test_an_event_cannot_be_deleted_from_a_complaint_that_stays(postgresql):
    complaint, _key = file()
    event = complaint.events.get()
    # Checked at commit: the deletion is refused and rolled back.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_whole_complaint_may_still_be_deleted(postgresql, verifier, officer, pupr):
    complaint, _key = complaint_in("closed", verifier=verifier, handler=officer, opd=pupr)
    assert complaint.events.count() > 3
    with transaction.atomic():
        complaint.delete()
    assert not Event.objects.filter(complaint_id=complaint.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_every_action_still_appends_under_the_triggers(postgresql, verifier, officer, pupr):
    for stage in STAGES:
        complaint, _key = complaint_in(stage, verifier=verifier, handler=officer, opd=pupr)
        assert complaint.status == stage
        assert complaint.events.first().action == "filed"


@pytest.mark.django_db(transaction=True)
def test_an_author_of_events_is_not_deleted_behind_the_timeline(postgresql, citizen_user):
    # Deleting the account would rewrite the events' author; accounts are anonymised instead
    # (manage.py personal_data erase).
    file(actor=actor_for(citizen_user))
    with pytest.raises(IntegrityError), transaction.atomic():
        citizen_user.delete()
    assert Event.objects.filter(actor=citizen_user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", [None, ""])
def test_support_without_a_client_address_is_no_server_error(api, address):
    # Found by the schema fuzz: a WSGI server that gives no REMOTE_ADDR made support fail.
    complaint, _key = file()
    url = f"/api/v1/complaints/{complaint.tracking_code}/support/"
    response = api.post(url, {}, format="json", REMOTE_ADDR=address)
    assert response.status_code == 200
    assert response.json()["supporters"] == 1


WEB_FILING = {
    "kind": "complaint",
    "category": "sampah_tidak_terangkut",
    "kecamatan": "51.03.02",
    "desa": "51.03.02.1004",
    "title": "Sampah tidak diangkut tiga hari",
    "description": "Sampah menumpuk dan berbau di pinggir jalan.",
    "privacy": "public",
}


@pytest.mark.django_db
def test_web_filing_form_is_throttled_per_contact_address():
    limit = small_limit(FilingContactThrottle())
    for n in range(limit):
        response = Client(REMOTE_ADDR=f"198.51.100.{n + 1}", HTTP_ACCEPT_LANGUAGE="en").post(
            "/", {**WEB_FILING, "reporter_email": "banjir@example.org"}
        )
        assert response.status_code == 302
    response = Client(REMOTE_ADDR="203.0.113.30", HTTP_ACCEPT_LANGUAGE="en").post(
        "/", {**WEB_FILING, "reporter_email": "Banjir@example.org"}
    )
    assert response.status_code == 400
    assert "Too many complaints" in response.content.decode()
    assert Complaint.objects.count() == limit
