"""Security headers: the Content Security Policy everywhere, the production profile's settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from badung_portal.settings import _tile_source

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
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
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
