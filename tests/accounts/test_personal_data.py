"""Personal data (UU 27/2022): export and erasure by command, and a user's own download."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import AuditEntry, LoginAttempt, User
from accounts.roles import actor_for
from complaints import lifecycle
from complaints.models import Complaint, Event, Notification
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("personal_data", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def export(*args):
    return json.loads(run("export", *args))


@pytest.fixture
def made(db):
    """Made: an account with two complaints, plus two filed without the account."""
    user = User.objects.create_user(
        "made",
        email="made@example.org",
        password="pw-made-2026",
        first_name="Made Sutama",
        phone="081234567890",
    )
    mine, _ = file(
        actor=actor_for(user), title="Got tersumbat", reporter_name="", reporter_email=""
    )
    by_mail, _ = file(reporter_name="Made S.", reporter_email="MADE@example.org")
    by_phone, _ = file(reporter_name="Made", reporter_email="", reporter_phone="+6281234567890")
    return {"user": user, "mine": mine, "by_mail": by_mail, "by_phone": by_phone}


@pytest.fixture
def stranger(db):
    c, _ = file(reporter_name="Wayan Lain", reporter_email="wayan@example.org")
    return c


def codes(data):
    return {c["tracking_code"] for c in data["complaints"]}


def test_export_by_email_finds_account_and_complaints_without_it(made, stranger):
    data = export("--email", "made@example.org")
    assert codes(data) == {made["mine"].tracking_code, made["by_mail"].tracking_code}
    assert [a["username"] for a in data["accounts"]] == ["made"]
    by_mail = next(
        c for c in data["complaints"] if c["tracking_code"] == made["by_mail"].tracking_code
    )
    assert by_mail["reporter_name"] == "Made S."
    assert by_mail["reporter_email"] == "MADE@example.org"
    assert by_mail["timeline"][0]["action"] == "filed"
    assert {n["address"] for n in data["notifications"] if n["channel"] == "email"} >= {
        "MADE@example.org"
    }
    assert stranger.tracking_code not in codes(data)


def test_export_by_phone_matches_every_written_form(made):
    data = export("--phone", "0812-3456-7890")
    # The account's complaint carries the account's phone too.
    assert codes(data) == {made["by_phone"].tracking_code, made["mine"].tracking_code}
    assert [a["username"] for a in data["accounts"]] == ["made"]  # the account's phone


def test_export_by_username_is_what_the_account_holds(made):
    lifecycle.comment(made["mine"], actor=actor_for(made["user"]), message="Masih tersumbat")
    data = export("--username", "made")
    assert codes(data) == {made["mine"].tracking_code}
    assert data["accounts"][0]["email"] == "made@example.org"
    assert [e["text"] for e in data["events_authored"] if e["action"] == "commented"] == [
        "Masih tersumbat"
    ]


def test_export_includes_login_attempts_and_is_audited(made, client):
    client.post("/accounts/login/", {"username": "made", "password": "wrong"})
    data = export("--username", "made")
    assert [(a["succeeded"], a["channel"]) for a in data["login_attempts"]] == [(False, "web")]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.subject.startswith("username:")
    assert "made" not in entry.subject


def test_export_writes_a_file(made, tmp_path):
    target = tmp_path / "made.json"
    message = run("export", "--email", "made@example.org", "--output", str(target))
    assert "2 complaint(s)" in message
    assert codes(json.loads(target.read_text())) == {
        made["mine"].tracking_code,
        made["by_mail"].tracking_code,
    }


def test_erase_blanks_the_person_and_keeps_the_complaints(made, stranger, verifier, pupr):
    lifecycle.dispatch(made["by_mail"], actor=verifier, opd=pupr)
    before = {
        c.pk: (c.title, c.description, c.status, c.category_id, c.desa_id, c.events.count())
        for c in Complaint.objects.all()
    }
    out = run("erase", "--email", "made@example.org")
    assert "reporter details of 2 complaint(s)" in out
    assert "1 account(s) anonymised and locked" in out
    for key in ("mine", "by_mail"):
        c = Complaint.objects.get(pk=made[key].pk)
        assert (c.reporter_id, c.reporter_name, c.reporter_email, c.reporter_phone) == (
            None,
            "",
            "",
            "",
        )
    # Public facts, timelines and counts stay.
    after = {
        c.pk: (c.title, c.description, c.status, c.category_id, c.desa_id, c.events.count())
        for c in Complaint.objects.all()
    }
    assert after == before
    # The phone-only complaint was not named by this request; the stranger is untouched.
    assert Complaint.objects.get(pk=made["by_phone"].pk).reporter_phone == "+6281234567890"
    assert Complaint.objects.get(pk=stranger.pk).reporter_email == "wayan@example.org"
    user = User.objects.get(pk=made["user"].pk)
    assert user.username == f"erased-{user.pk}"
    assert (user.email, user.first_name, user.phone, user.is_active) == ("", "", "", False)
    assert not user.has_usable_password()
    assert not Client().login(username="made", password="pw-made-2026")


def test_erase_scrubs_and_withdraws_notifications(made):
    ids = list(
        Notification.objects.filter(address__iexact="made@example.org").values_list("pk", flat=True)
    )
    assert ids
    run("erase", "--email", "made@example.org")
    for n in Notification.objects.filter(pk__in=ids):
        assert (n.address, n.body, n.body_html, n.secret) == ("", "", "", "")
        assert n.next_try_at is None  # never sent to nobody
        assert n.last_error == "withdrawn: personal data erased"
    assert Notification.objects.filter(pk__in=ids).count() == len(ids)  # kept for statistics


def test_erase_is_idempotent_and_audited_without_the_address(made):
    run("erase", "--email", "made@example.org")
    assert "Nothing left to erase" in run("erase", "--email", "made@example.org")
    first, again = AuditEntry.objects.filter(action=AuditEntry.Action.DATA_ERASED).order_by("pk")
    assert first.subject == again.subject  # every request is on record ...
    assert "made" not in first.subject  # ... by a digest, not the erased address
    assert "made@example.org" not in json.dumps(first.detail)
    assert (first.detail["complaints"], again.detail["complaints"]) == (2, 0)
    # By username after the account was erased: nobody by that name any more.
    assert "No personal data found" in run("erase", "--username", "made")


def test_erase_by_username_deletes_its_login_attempts(made, client):
    client.post("/accounts/login/", {"username": "made", "password": "wrong"})
    run("erase", "--username", "made")
    assert not LoginAttempt.objects.filter(username="made").exists()
    c = Complaint.objects.get(pk=made["mine"].pk)
    assert c.reporter_id is None
    # The events the account wrote stay, pointing at the anonymised row.
    assert Event.objects.filter(complaint=c, action="filed", actor=made["user"]).exists()


def test_erase_dry_run_changes_nothing(made):
    out = run("erase", "--email", "made@example.org", "--dry-run")
    assert out.startswith("Would erase")
    assert Complaint.objects.get(pk=made["by_mail"].pk).reporter_name == "Made S."
    assert User.objects.filter(username="made").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_ERASED).exists()


def test_erase_refuses_a_staff_account(officer_user):
    with pytest.raises(CommandError, match="staff account"):
        run("erase", "--username", officer_user.username)
    assert User.objects.get(pk=officer_user.pk).is_active


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export"], "one of the arguments"),
        (["export", "--email", "a@example.org", "--phone", "0812345678"], "not allowed with"),
        (["export", "--email", "not-an-address"], "is not an e-mail address"),
        (["erase", "--phone", "call me"], "Enter a phone number"),
        (["wipe", "--email", "a@example.org"], "invalid choice"),
    ],
)
def test_bad_arguments_get_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_erase_of_an_unknown_address_changes_nothing(made):
    assert "Nothing left to erase" in run("erase", "--email", "nobody@example.org")
    assert Complaint.objects.filter(reporter_email__iexact="made@example.org").count() == 2


# The reporter's own page -----------------------------------------------------------------


def test_my_data_page_is_linked_and_downloads_my_data(made, stranger):
    client = Client()
    client.force_login(made["user"])
    assert "/accounts/my-data/" in client.get("/accounts/my-complaints/").content.decode()
    page = client.get("/accounts/my-data/")
    assert page.status_code == 200
    assert "/accounts/my-data/download/" in page.content.decode()
    response = client.get("/accounts/my-data/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    # Only what is linked to the account: the e-mail of an account is not verified, so the
    # complaint filed without it (same address) is not handed out here.
    assert codes(data) == {made["mine"].tracking_code}
    assert data["accounts"][0]["username"] == "made"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.actor == made["user"]


def test_my_data_needs_a_login(client):
    for url in ("/accounts/my-data/", "/accounts/my-data/download/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_erased_reporter_no_longer_shows_on_the_public_page(verifier, officer, pupr):
    c, _ = complaint_in(
        "in_progress",
        verifier=verifier,
        handler=officer,
        opd=pupr,
        reporter_name="Ketut Terbuka",
        reporter_email="ketut@example.org",
    )
    assert "Ketut Terbuka" in Client().get(c.get_absolute_url()).content.decode()
    run("erase", "--email", "ketut@example.org")
    page = Client().get(c.get_absolute_url()).content.decode()
    assert "Ketut Terbuka" not in page
    assert c.title in page
