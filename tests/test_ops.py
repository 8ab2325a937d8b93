"""Operations: /healthz, /readyz, request ids and logs, a clean 503 when the database is down."""

import json
import logging
import os
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from badung_portal.middleware import DatabaseUnavailableMiddleware
from badung_portal.ops import server_error
from tests.integration.conftest import free_port
from tests.integration.servers import Gunicorn


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def request_log():
    handler = Lines()
    logger = logging.getLogger("badung_portal.requests")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def logged(handler):
    return [json.loads(r.getMessage()) for r in handler.records]


def test_healthz_answers_without_touching_the_database(client):
    # No database mark: any query here would raise instead of answering.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_database_ready(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_names_redis_when_it_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["redis"]
    assert body["checks"] == {"database": "ok", "redis": "unavailable"}


@pytest.mark.django_db
def test_readyz_checks_the_configured_redis(client, settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_filing_goes_on_while_the_cache_is_down(api, settings):
    # Throttle counters live in Redis; with Redis gone the throttle fails open, filing goes on.
    settings.CACHES = {
        "default": {
            "BACKEND": "badung_portal.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    body = {
        "title": "Lampu jalan mati",
        "description": "Sudah seminggu.",
        "category": "pju_mati",
        "desa": "51.03.01.1004",
        "reporter_email": "kadek@example.org",
    }
    for _ in range(3):
        assert api.post("/api/v1/complaints/", body, format="json").status_code == 201
    cache.set("k", 1)
    assert cache.get("k", "miss") == "miss"
    assert cache.get_many(["k"]) == {}


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405


def test_a_request_id_is_made_echoed_and_logged(client, request_log):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = logged(request_log)
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["user_id"] is None
    assert line["duration_ms"] >= 0


def test_a_sane_incoming_request_id_is_kept(client, request_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-7f3a.9:1")
    assert response["X-Request-ID"] == "proxy-7f3a.9:1"
    assert logged(request_log)[0]["request_id"] == "proxy-7f3a.9:1"


@pytest.mark.parametrize(
    "incoming",
    ["", "two words", "x" * 129, 'quote"d', "new\nline", "-starts-with-dash", "é-accent"],
)
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_log_line_names_the_logged_in_user(client, citizen_user, request_log):
    client.force_login(citizen_user)
    response = client.get("/accounts/my-complaints/")
    assert response.status_code == 200
    line = logged(request_log)[-1]
    assert line["user_id"] == citizen_user.pk
    assert line["path"] == "/accounts/my-complaints/"


@pytest.mark.django_db
def test_the_log_line_names_the_token_user(api, officer_user, request_log):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer_user)
    response = api.get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert logged(request_log)[-1]["user_id"] == officer_user.pk


def test_the_log_line_leaves_out_the_query_string(client, request_log):
    client.get("/healthz?email=someone@example.org")
    assert logged(request_log)[0]["path"] == "/healthz"


@pytest.mark.parametrize("error", [OperationalError("server closed"), InterfaceError("closed")])
def test_database_errors_become_503_json_on_the_api(error):
    request = RequestFactory().get("/api/v1/complaints/")
    response = DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert "detail" in json.loads(response.content)


def test_server_error_handler_answers_503_for_a_database_outage(rf):
    # For errors outside views (saving the session at the end of a request): handler500.
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(rf.get("/api/v1/complaints/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500


def test_other_errors_are_left_alone():
    request = RequestFactory().get("/")
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(request, ValueError("bug")) is None


# A real outage: the portal under gunicorn, pointed at a database and a Redis that do not
# answer (nothing listens on those ports). Nothing of ours is mocked.


@pytest.fixture(scope="module")
def portal_without_database(tmp_path_factory):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/gone",
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = Gunicorn(env, tmp_path_factory.mktemp("ops") / "gunicorn.log", workers=1)
    server.start()
    yield server
    server.stop()


def fetch(server, path, data=None, headers=None):
    request = urllib.request.Request(  # noqa: S310 - our own server, plain http
        server.base + path,
        data=data,
        headers={"Accept-Language": "en", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_outage_healthz_still_answers(portal_without_database):
    status, _headers, body = fetch(portal_without_database, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_outage_readyz_names_both_dependencies(portal_without_database):
    status, _headers, body = fetch(portal_without_database, "/readyz")
    assert status == 503
    assert json.loads(body)["failing"] == ["database", "redis"]


def test_outage_page_is_a_translated_503(portal_without_database):
    status, headers, body = fetch(portal_without_database, "/complaints/")
    assert status == 503
    assert headers["Retry-After"] == "15"
    assert headers["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in body
    assert "Briefly unavailable" in body
    assert "Traceback" not in body
    assert headers["X-Request-ID"]


def test_outage_api_answers_503_json(portal_without_database):
    status, headers, body = fetch(portal_without_database, "/api/v1/complaints/")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "15"
    assert json.loads(body) == {
        "detail": "The service is briefly unavailable. Please try again in a moment."
    }


def test_outage_filing_through_the_api_answers_503(portal_without_database):
    # The throttle's cache (Redis) is down too: throttling fails open, the database answers 503.
    body = json.dumps(
        {
            "title": "Jalan rusak",
            "description": "Berlubang.",
            "category": "jalan_rusak",
            "desa": "51.03.01.1002",
            "reporter_email": "warga@example.org",
        }
    ).encode()
    status, _headers, text = fetch(
        portal_without_database,
        "/api/v1/complaints/",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert status == 503, text
    assert "detail" in json.loads(text)


def test_outage_is_logged_with_the_request_id(portal_without_database):
    _status, headers, _body = fetch(
        portal_without_database, "/complaints/", headers={"X-Request-ID": "outage-check-1"}
    )
    assert headers["X-Request-ID"] == "outage-check-1"
    lines = [
        json.loads(line)
        for line in portal_without_database.log().splitlines()
        if line.startswith("{")
    ]
    mine = [line for line in lines if line["request_id"] == "outage-check-1"]
    assert [line["status"] for line in mine] == [503]
    assert "[outage-check-1] database unavailable" in portal_without_database.log()
