"""Log-in lockout per username and client address: web, admin and API token (SPEC §9)."""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import path
from django.utils import timezone

from accounts.api import TokenView
from accounts.models import AuditEntry, LoginAttempt
from badung_portal.api import LoginThrottle

pytestmark = pytest.mark.django_db

# This module doubles as a URLconf: the API token view of accounts/api.py on its usual path.
urlpatterns = [path("api/v1/auth/token/", TokenView.as_view())]

ME = "198.51.100.7"
ELSEWHERE = "203.0.113.50"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 5
    settings.LOGIN_LOCKOUT_IP_ATTEMPTS = 30
    settings.LOGIN_LOCKOUT_MINUTES = 15


def web_login(username, password, ip=ME, client=None):
    client = client or Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")
    return client.post("/accounts/login/", {"username": username, "password": password})


def fail(times, username="citizen", ip=ME):
    for _ in range(times):
        response = web_login(username, "wrong-password", ip=ip)
        assert response.status_code == 200  # the form again, with its error


def is_locked_message(response):
    return "Too many failed log-in attempts" in response.content.decode()  # pages in English


def test_correct_password_logs_in_and_is_recorded(citizen_user):
    response = web_login("citizen", "pw-citizen")
    assert response.status_code == 302
    (attempt,) = LoginAttempt.objects.all()
    assert (attempt.username, attempt.ip, attempt.succeeded, attempt.channel) == (
        "citizen",
        ME,
        True,
        "web",
    )


def test_five_failures_lock_the_account_for_that_client(citizen_user):
    fail(4)
    assert not AuditEntry.objects.exists()
    response = web_login("citizen", "wrong-password")
    assert is_locked_message(response)  # the fifth failure already says why
    response = web_login("citizen", "pw-citizen")  # even the right password now
    assert response.status_code == 200
    assert is_locked_message(response)
    assert "_auth_user_id" not in response.wsgi_request.session
    # Refused tries are not counted: the lock ends on time whatever is sent meanwhile.
    assert LoginAttempt.objects.filter(succeeded=False).count() == 5
    (entry,) = AuditEntry.objects.all()
    assert entry.action == AuditEntry.Action.LOGIN_LOCKED
    assert entry.subject == "citizen"
    assert entry.ip == ME


def test_the_lock_is_a_form_error_with_its_own_code(citizen_user):
    fail(5)
    response = web_login("citizen", "pw-citizen")
    (error,) = response.context["form"].non_field_errors().as_data()
    assert error.code == "locked"
    assert error.message in response.content.decode()


def test_usernames_differing_in_case_share_the_count(citizen_user):
    fail(3, username="citizen")
    fail(2, username="CITIZEN ")
    assert is_locked_message(web_login("citizen", "pw-citizen"))


def test_another_client_and_another_account_are_not_locked(citizen_user, verifier_user):
    fail(5)
    assert web_login("citizen", "pw-citizen", ip=ELSEWHERE).status_code == 302
    assert web_login("verifier", "pw-verifier").status_code == 302


def test_the_lock_ends_after_the_window(citizen_user):
    fail(5)
    assert is_locked_message(web_login("citizen", "pw-citizen"))
    LoginAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    assert web_login("citizen", "pw-citizen").status_code == 302


def test_a_success_clears_the_count(citizen_user):
    fail(4)
    assert web_login("citizen", "pw-citizen").status_code == 302
    fail(4)
    assert web_login("citizen", "pw-citizen").status_code == 302


def test_one_client_trying_many_usernames_is_locked(citizen_user):
    for n in range(30):
        web_login(f"guess{n}", "wrong-password")
    response = web_login("citizen", "pw-citizen")
    assert is_locked_message(response)
    assert web_login("citizen", "pw-citizen", ip=ELSEWHERE).status_code == 302


def test_admin_login_is_locked_with_the_message(verifier_user):
    admin_user = verifier_user
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client(REMOTE_ADDR=ME, HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        client.post("/admin/login/", {"username": "verifier", "password": "nope"})
    response = client.post("/admin/login/", {"username": "verifier", "password": "pw-verifier"})
    assert response.status_code == 200
    assert is_locked_message(response)
    assert LoginAttempt.objects.filter(channel="admin", succeeded=False).count() == 5
    assert admin.site.login_form.__name__ == "AdminLoginForm"


def test_token_endpoint_counts_toward_the_same_lock(api, citizen_user):
    for _ in range(5):
        response = api.post(
            "/api/v1/auth/token/", {"username": "citizen", "password": "bad"}, REMOTE_ADDR=ME
        )
        # 429 for the failure that reaches the limit once accounts.api.TokenView serves the URL.
        assert response.status_code in {400, 429}
    response = api.post(
        "/api/v1/auth/token/", {"username": "citizen", "password": "pw-citizen"}, REMOTE_ADDR=ME
    )
    assert "token" not in response.json()
    assert LoginAttempt.objects.filter(channel="api", succeeded=False).count() == 5
    # ... and the web log-in from that client is locked too.
    assert is_locked_message(web_login("citizen", "pw-citizen"))


@pytest.mark.urls(__name__)
def test_token_view_answers_429_with_the_reason_when_locked(api, citizen_user):
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(4):
        api.post("/api/v1/auth/token/", {"username": "citizen", "password": "bad"}, REMOTE_ADDR=ME)
    response = api.post(
        "/api/v1/auth/token/", {"username": "citizen", "password": "bad"}, REMOTE_ADDR=ME
    )
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    response = api.post(
        "/api/v1/auth/token/", {"username": "citizen", "password": "pw-citizen"}, REMOTE_ADDR=ME
    )
    assert response.status_code == 429
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "citizen", "password": "pw-citizen"},
        REMOTE_ADDR=ELSEWHERE,
    )
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_requests_are_throttled_per_client(api, citizen_user):
    limit = LoginThrottle().num_requests
    for _ in range(limit):
        response = api.post(
            "/api/v1/auth/token/", {"username": "citizen", "password": "pw-citizen"}
        )
        assert response.status_code == 200
    response = api.post("/api/v1/auth/token/", {"username": "citizen", "password": "pw-citizen"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_old_attempts_of_a_name_are_pruned(citizen_user):
    LoginAttempt.objects.create(
        username="citizen",
        ip=ME,
        succeeded=False,
        channel="web",
        at=timezone.now() - datetime.timedelta(days=120),
    )
    fail(1)
    assert LoginAttempt.objects.count() == 1
