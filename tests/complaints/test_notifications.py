"""Who hears what (SPEC §7): outbox rows, delivery with retries, the camat digest, the inbox.

These tests run inside a transaction that is never committed, so the `on_commit` nudges to the
broker never run unless a test captures and runs them (with the broker call patched). Delivery
is driven by calling `claim` and `send` as a worker would; e-mail goes to Django's locmem
outbox (`mailoutbox`).
"""

import datetime
import logging
import re
import smtplib
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

import polib
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ANONYMOUS, actor_for
from accounts.services import staff_create
from complaints import deadlines, lifecycle, notifications, tasks
from complaints.models import Notification
from opd.models import Opd
from tests.factories import file

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
PO = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"
INDONESIAN = {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if not e.msgid_plural}
PLACEHOLDER = "[[access_key]]"
REPORTER_EMAIL = "pelapor@example.org"


def wita(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WITA)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def reporter(c):
    return ANONYMOUS.with_access_key_for(c)


def deliver(row):
    """What a worker does with one row; True when it was sent."""
    return notifications.claim(row.pk) and notifications.send(row.pk)


def told(c, kind):
    """(username or address, channel) of everyone who got a notification of `kind` about `c`."""
    rows = Notification.objects.filter(complaint=c, kind=kind).select_related("user")
    return {(n.user.username if n.user else n.address, n.channel) for n in rows}


def both(*usernames):
    return {(u, channel) for u in usernames for channel in ("in_app", "email")}


def confirmation(c):
    return Notification.objects.get(complaint=c, kind="filed", channel="email")


@pytest.fixture
def pupr_staff(officer_user, officer2_user, head_user, other_officer_user, verifier_user):
    """Two PUPR officers and their head, an officer of DLHK, and the desk."""


@pytest.fixture
def dispatched(pupr_staff, verifier, pupr):
    c, _key = file()
    lifecycle.dispatch(c, actor=verifier, opd=pupr)
    return fresh(c)


# Filing: the confirmation with the access key (SPEC §3) ----------------------------------


def test_filing_writes_one_email_to_the_reporter_with_code_and_key_placeholder():
    c, key = file()

    rows = list(Notification.objects.filter(complaint=c))
    assert len(rows) == 1
    row = rows[0]
    assert (row.channel, row.kind, row.address) == ("email", "filed", REPORTER_EMAIL)
    assert row.user is None
    assert c.tracking_code in row.subject
    assert c.tracking_code in row.body
    assert PLACEHOLDER in row.body
    assert PLACEHOLDER in row.body_html
    assert key not in row.body + row.body_html + row.subject
    assert row.secret == key
    assert row.sent_at is None
    assert row.next_try_at is not None


def test_sending_the_confirmation_puts_the_real_key_in_the_mail_and_erases_it(mailoutbox):
    c, key = file()
    row = confirmation(c)

    assert deliver(row)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [REPORTER_EMAIL]
    assert c.tracking_code in mail.subject
    assert key in mail.body
    assert PLACEHOLDER not in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert key in html
    assert PLACEHOLDER not in html
    assert mail.extra_headers["Message-ID"] == f"<notification-{row.pk}@badung-portal>"
    row = fresh(row)
    assert row.secret == ""
    assert row.sent_at is not None
    assert (row.attempts, row.last_error) == (1, "")
    assert PLACEHOLDER in row.body  # the stored text never held the key


def test_reporter_with_only_a_phone_gets_an_sms_logged_by_the_default_backend(caplog, mailoutbox):
    c, key = file(reporter_email="", reporter_phone="+6281234567890")

    rows = list(Notification.objects.filter(complaint=c))
    assert [(r.channel, r.address, r.secret) for r in rows] == [("sms", "+6281234567890", "")]
    assert c.tracking_code in rows[0].body
    assert key not in rows[0].body

    with caplog.at_level(logging.INFO, logger="complaints.notifications"):
        assert deliver(rows[0])

    logged = [r.getMessage() for r in caplog.records if r.name == "complaints.notifications"]
    assert any("+6281234567890" in m and c.tracking_code in m for m in logged)
    assert mailoutbox == []
    assert fresh(rows[0]).sent_at is not None


@pytest.mark.parametrize("channel", ["sms", "in_app"])
def test_no_reporter_channel_but_email_shows_the_key_placeholder(citizen_user, channel):
    citizen_user.phone = "+6281234567890"
    citizen_user.save()
    c, _key = file(actor=actor_for(citizen_user), reporter_email="")

    row = Notification.objects.get(complaint=c, kind="filed", channel=channel)
    assert PLACEHOLDER not in row.body


def test_a_registered_reporter_also_hears_in_the_portal(citizen_user):
    c, _key = file(actor=actor_for(citizen_user), reporter_email="")
    assert told(c, "filed") == {("citizen@example.org", "email"), ("citizen", "in_app")}


# Staff: dispatch, assignment, reporter activity ------------------------------------------


def test_dispatch_notifies_the_officers_and_head_of_the_opd_only(dispatched):
    assert told(dispatched, "new_dispatch") == both("officer_pupr", "officer2_pupr", "head_pupr")
    mails = Notification.objects.filter(complaint=dispatched, kind="new_dispatch", channel="email")
    assert {m.address for m in mails} == {
        "officer_pupr@example.org",
        "officer2_pupr@example.org",
        "head_pupr@example.org",
    }
    assert all(dispatched.tracking_code in m.subject for m in mails)


def test_dispatch_tells_the_reporter_of_the_new_status(dispatched):
    assert told(dispatched, "status:dispatched") == {(REPORTER_EMAIL, "email")}


def test_dispatch_to_a_kecamatan_office_notifies_its_camat_staff(camat_user, verifier):
    c, _key = file(category="kegiatan_adat_upacara")
    lifecycle.dispatch(c, actor=verifier, opd=Opd.objects.get(code="KEC_KUTA"))
    assert told(c, "new_dispatch") == both("camat_kuta")


def test_assign_notifies_the_assignee_alone(dispatched, head, officer2_user):
    reporter_rows = Notification.objects.filter(address=REPORTER_EMAIL).count()

    lifecycle.assign(dispatched, actor=head, assignee=officer2_user)

    assert told(dispatched, "assigned") == both("officer2_pupr")
    assert Notification.objects.filter(address=REPORTER_EMAIL).count() == reporter_rows


def test_reporter_comment_reaches_the_officers_when_nobody_is_assigned(dispatched):
    lifecycle.comment(dispatched, actor=reporter(dispatched), message="Sudah ada yang jatuh.")

    assert told(dispatched, "reporter_activity") == both("officer_pupr", "officer2_pupr")
    assert told(dispatched, "status:commented") == set()  # not echoed to the reporter


def test_reporter_comment_reaches_only_the_assignee(dispatched, head, officer2_user):
    lifecycle.assign(dispatched, actor=head, assignee=officer2_user)
    lifecycle.comment(dispatched, actor=reporter(dispatched), message="Makin parah.")

    assert told(dispatched, "reporter_activity") == both("officer2_pupr")
    app = Notification.objects.get(complaint=dispatched, kind="reporter_activity", channel="in_app")
    assert "Makin parah." in app.body


def test_internal_note_tells_nobody(dispatched, officer):
    before = Notification.objects.count()
    lifecycle.respond(dispatched, actor=officer, message="Cek anggaran dulu.", public=False)
    assert Notification.objects.count() == before
    assert not Notification.objects.filter(body__contains="Cek anggaran").exists()


def test_return_tells_the_desk_in_the_portal(dispatched, officer):
    lifecycle.return_complaint(dispatched, actor=officer, reason="Jalan provinsi.")
    assert told(dispatched, "returned") == {("verifier", "in_app")}
    assert told(dispatched, "status:returned") == set()  # an internal move


@pytest.mark.parametrize(
    ("action", "text"),
    [
        (lambda c, a: lifecycle.acknowledge(c, actor=a), ""),
        (lambda c, a: lifecycle.respond(c, actor=a, message="Tim ke lokasi besok."), "besok"),
        (lambda c, a: lifecycle.request_info(c, actor=a, message="Mohon foto."), "Mohon foto."),
    ],
    ids=["acknowledged", "responded", "info_requested"],
)
def test_reporter_hears_of_every_public_change_with_its_text(dispatched, officer, action, text):
    before = set(Notification.objects.filter(address=REPORTER_EMAIL).values_list("pk", flat=True))

    action(dispatched, officer)

    new = Notification.objects.filter(address=REPORTER_EMAIL).exclude(pk__in=before)
    assert len(new) == 1
    assert new[0].kind.startswith("status:")
    assert text in new[0].body


def test_resolution_asks_the_reporter_to_rate(dispatched, officer):
    lifecycle.acknowledge(dispatched, actor=officer)
    lifecycle.resolve(dispatched, actor=officer, resolution="Sudah diaspal ulang.")
    row = Notification.objects.get(complaint=dispatched, kind="status:resolved")
    assert "Sudah diaspal ulang." in row.body
    assert "Sudah diaspal ulang." in row.body_html


def test_anonymous_reporter_is_notified_but_never_named_to_staff(
    pupr_staff, verifier, head, pupr, officer2_user
):
    name = "Ketut Rahasia Wibawa"
    c, _key = file(privacy="anonymous", reporter_name=name, now=wita(2026, 3, 16))
    with patch("django.utils.timezone.now", return_value=wita(2026, 3, 25, 6)):
        deadlines.sweep(today=datetime.date(2026, 3, 25))  # the desk's reminder
    lifecycle.dispatch(c, actor=verifier, opd=pupr)
    lifecycle.assign(c, actor=head, assignee=officer2_user)
    lifecycle.comment(c, actor=reporter(c), message="Masih berlubang.")

    staff_rows = Notification.objects.filter(complaint=c, user__isnull=False)
    assert {n.kind for n in staff_rows} >= {
        "deadline:reminder",
        "new_dispatch",
        "assigned",
        "reporter_activity",
    }
    for n in staff_rows:
        assert name not in n.subject + n.body + n.body_html
        assert "Ketut" not in n.subject + n.body + n.body_html
    assert told(c, "filed") == {(REPORTER_EMAIL, "email")}
    assert told(c, "status:dispatched") == {(REPORTER_EMAIL, "email")}


# Language of the reporter's messages (STYLE §11) -----------------------------------------


@pytest.mark.parametrize(
    ("language", "status", "tracking_label"),
    [
        ("en", "Forwarded to the OPD", "Tracking code"),
        ("id", INDONESIAN["Forwarded to the OPD"], INDONESIAN["Tracking code"]),
    ],
)
def test_reporter_hears_in_the_language_of_the_complaint(
    pupr_staff, verifier, pupr, language, status, tracking_label
):
    c, _key = file(language=language)
    lifecycle.dispatch(c, actor=verifier, opd=pupr)

    row = Notification.objects.get(complaint=c, kind="status:dispatched")
    assert status in row.subject
    assert c.tracking_code in row.subject
    assert f"{tracking_label}: {c.tracking_code}" in row.body
    other = {"en": INDONESIAN["Forwarded to the OPD"], "id": "Forwarded to the OPD"}[language]
    assert other not in row.subject + row.body


def test_indonesian_and_english_confirmations_name_the_access_key_in_their_language():
    english, _ = file(language="en")
    indonesian, _ = file(language="id")
    assert "Access key: [[access_key]]" in confirmation(english).body
    assert f"{INDONESIAN['Access key']}: [[access_key]]" in confirmation(indonesian).body


def test_indonesian_filing_confirmation_is_written_in_indonesian():
    c, _key = file(language="id")
    row = confirmation(c)
    assert row.subject != f"Your complaint {c.tracking_code} was received"
    assert "Keep the access key" not in row.body


# Delivery: claim, send, retry ------------------------------------------------------------


def test_claim_is_exclusive_until_the_lease_expires(settings):
    c, _key = file()
    row = confirmation(c)
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.PORTAL_NOTIFICATION_LEASE_SECONDS)

    with patch("django.utils.timezone.now", return_value=now):
        assert notifications.claim(row.pk)
        assert not notifications.claim(row.pk)
    almost = now + lease - datetime.timedelta(seconds=1)
    with patch("django.utils.timezone.now", return_value=almost):
        assert not notifications.claim(row.pk)
    with patch("django.utils.timezone.now", return_value=now + lease):
        assert notifications.claim(row.pk)  # the first worker died with the row


def test_sent_and_in_app_rows_are_never_claimed(citizen_user, mailoutbox):
    c, _key = file(actor=actor_for(citizen_user), reporter_email="")
    mail = Notification.objects.get(complaint=c, channel="email")
    app = Notification.objects.get(complaint=c, channel="in_app")
    assert deliver(mail)

    assert not notifications.claim(mail.pk)
    assert not notifications.claim(app.pk)
    assert notifications.due_pks() == []
    assert len(mailoutbox) == 1


def test_failed_send_keeps_the_row_for_a_later_try(mailoutbox):
    c, key = file()
    row = confirmation(c)
    assert notifications.claim(row.pk)
    before = timezone.now()

    with patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("mail.badungkab.go.id went away"),
    ):
        assert notifications.send(row.pk) is False

    row = fresh(row)
    assert row.sent_at is None
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert row.next_try_at > before
    assert row.secret == key  # still needed for the next try
    assert mailoutbox == []
    assert not notifications.claim(row.pk)  # not due yet
    assert row.pk not in notifications.due_pks()


def test_a_later_successful_send_marks_the_row_sent_exactly_once(mailoutbox):
    c, key = file()
    row = confirmation(c)
    notifications.claim(row.pk)
    with patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")):
        notifications.send(row.pk)

    later = timezone.now() + notifications.MAX_BACKOFF
    with patch("django.utils.timezone.now", return_value=later):
        assert notifications.due_pks() == [row.pk]
        assert deliver(row)
        assert not notifications.claim(row.pk)
        assert tasks.deliver_due() == 0

    assert len(mailoutbox) == 1
    assert key in mailoutbox[0].body
    row = fresh(row)
    assert (row.attempts, row.last_error, row.secret) == (2, "", "")
    assert row.sent_at == later


def test_each_failure_waits_longer_before_the_next_try():
    c, _key = file()
    row = confirmation(c)
    waits = []
    now = timezone.now()
    with patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")):
        for _ in range(3):
            with patch("django.utils.timezone.now", return_value=now):
                assert notifications.claim(row.pk)
                notifications.send(row.pk)
            row = fresh(row)
            waits.append(row.next_try_at - now)
            now = row.next_try_at
    assert waits[0] < waits[1] < waits[2] <= notifications.MAX_BACKOFF
    assert row.attempts == 3


def test_deliver_due_sends_due_rows_and_skips_sent_ones(mailoutbox):
    first, _ = file(title="Jalan berlubang di Kuta")
    second, _ = file(title="Lampu jalan mati")
    tasks.deliver(confirmation(first).pk)
    assert len(mailoutbox) == 1

    assert tasks.deliver_due() == 1

    assert len(mailoutbox) == 2
    assert {m.subject for m in mailoutbox} == {
        confirmation(first).subject,
        confirmation(second).subject,
    }
    assert tasks.deliver_due() == 0
    assert len(mailoutbox) == 2


def test_delivering_the_same_row_twice_sends_one_mail(mailoutbox):
    c, _key = file()
    pk = confirmation(c).pk
    tasks.deliver(pk)
    tasks.deliver(pk)
    assert len(mailoutbox) == 1


def test_a_broker_outage_at_commit_delays_the_mail_and_loses_nothing(
    django_capture_on_commit_callbacks, caplog, mailoutbox
):
    with (
        patch("complaints.tasks.deliver.apply_async", side_effect=OSError("redis down")) as nudge,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        c, _key = file()

    row = confirmation(c)
    assert len(callbacks) == 1
    nudge.assert_called_once_with((row.pk,), retry=False)
    assert "broker unavailable" in caplog.text
    assert fresh(row).sent_at is None

    assert tasks.deliver_due() == 1
    assert mailoutbox[0].to == [REPORTER_EMAIL]


# Camat digest ----------------------------------------------------------------------------


@pytest.fixture
def camat_mengwi_user(db):
    user, _ = staff_create(
        username="camat_mengwi",
        password="pw-camat",
        role="camat",
        kecamatan_code="51.03.02",
        email="camat_mengwi@example.org",
    )
    return user


@pytest.fixture
def day_in_kuta(camat_user, camat_mengwi_user):
    """Complaints around Monday 16 March 2026 in Kuta and one in Mengwi."""
    made = {
        "public": file(title="Jalan Legian berlubang", now=wita(2026, 3, 16, 9)),
        "anonymous": file(privacy="anonymous", now=wita(2026, 3, 16, 23, 30)),
        "confidential": file(privacy="confidential", now=wita(2026, 3, 16, 11)),
        "next_day": file(now=wita(2026, 3, 17, 0, 30)),  # 16 March in UTC
        "day_before": file(now=wita(2026, 3, 15, 23, 50)),
        "mengwi": file(desa="51.03.02.1004", now=wita(2026, 3, 16, 12)),
    }
    return {name: c.tracking_code for name, (c, _key) in made.items()}


def digest_of(user):
    return Notification.objects.filter(kind="digest", user=user)


def test_camat_digest_lists_the_days_non_confidential_complaints_of_their_kecamatan(
    day_in_kuta, camat_user, camat_mengwi_user, mailoutbox
):
    assert notifications.camat_digest(datetime.date(2026, 3, 16)) == 2

    row = digest_of(camat_user).get()
    assert (row.channel, row.address) == ("email", "camat_kuta@example.org")
    for name in ("public", "anonymous"):
        assert day_in_kuta[name] in row.body
        assert day_in_kuta[name] in row.body_html
    for name in ("confidential", "next_day", "day_before", "mengwi"):
        assert day_in_kuta[name] not in row.body + row.body_html
    assert day_in_kuta["mengwi"] in digest_of(camat_mengwi_user).get().body
    assert "Nyoman Pelapor" not in row.body + row.body_html

    assert deliver(row)
    assert mailoutbox[0].to == ["camat_kuta@example.org"]
    assert day_in_kuta["anonymous"] in mailoutbox[0].body


def test_camat_digest_twice_on_the_same_day_sends_nothing_more(day_in_kuta, camat_user):
    notifications.camat_digest(datetime.date(2026, 3, 16))
    rows = Notification.objects.count()

    assert notifications.camat_digest(datetime.date(2026, 3, 16)) == 0
    assert Notification.objects.count() == rows
    assert digest_of(camat_user).count() == 1


def test_camat_digest_of_the_next_day_is_a_new_mail(day_in_kuta, camat_user, camat_mengwi_user):
    notifications.camat_digest(datetime.date(2026, 3, 16))

    assert notifications.camat_digest(datetime.date(2026, 3, 17)) == 1  # nothing in Mengwi

    assert digest_of(camat_user).count() == 2
    assert digest_of(camat_mengwi_user).count() == 1
    latest = digest_of(camat_user).order_by("pk").last()
    assert day_in_kuta["next_day"] in latest.body


def test_daily_digest_task_covers_yesterday(day_in_kuta, camat_user):
    with patch("django.utils.timezone.now", return_value=wita(2026, 3, 17, 6)):
        assert tasks.send_camat_digest() == 2
    assert day_in_kuta["public"] in digest_of(camat_user).get().body


def test_camat_without_complaints_that_day_gets_no_digest(camat_user):
    assert notifications.camat_digest(datetime.date(2026, 3, 16)) == 0
    assert not digest_of(camat_user).exists()


# The inbox page (/notifications/) --------------------------------------------------------

INBOX = "/notifications/"
UNREAD = re.compile(r'data-testid="unread-count">\s*(\d+)\s*<')


def unread_shown(response):
    match = UNREAD.search(response.content.decode())
    return int(match[1]) if match else None


def test_inbox_address_is_notifications():
    assert reverse("complaints:inbox") == INBOX


def test_inbox_needs_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(INBOX).status_code == 302


@pytest.fixture
def two_offices(pupr_staff, verifier, pupr, dlhk):
    """One complaint dispatched to PUPR and one to DLHK."""
    ours, _ = file(title="Jalan berlubang")
    theirs, _ = file(title="Sampah menumpuk", category="sampah_tidak_terangkut")
    lifecycle.dispatch(ours, actor=verifier, opd=pupr)
    lifecycle.dispatch(theirs, actor=verifier, opd=dlhk)
    return ours, theirs


def test_inbox_lists_own_notifications_with_the_unread_count_in_the_nav(
    client, officer_user, two_offices
):
    ours, theirs = two_offices
    client.force_login(officer_user)

    response = client.get(INBOX)

    assert response.status_code == 200
    html = response.content.decode()
    assert ours.tracking_code in html
    assert theirs.tracking_code not in html
    assert unread_shown(response) == 1


def test_unread_count_shows_in_the_nav_of_other_pages(client, officer_user, two_offices):
    client.force_login(officer_user)
    assert unread_shown(client.get("/")) == 1


def test_post_marks_all_own_notifications_read(
    client, officer_user, other_officer_user, two_offices
):
    client.force_login(officer_user)

    response = client.post(INBOX)

    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert not Notification.objects.filter(user=officer_user, read_at=None, channel="in_app")
    assert Notification.objects.filter(user=other_officer_user, read_at=None, channel="in_app")
    page = client.get(INBOX)
    assert unread_shown(page) is None
    assert two_offices[0].tracking_code in page.content.decode()  # still listed, read


def test_a_user_without_notifications_sees_an_empty_inbox(client, citizen_user, two_offices):
    client.force_login(citizen_user)
    response = client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert unread_shown(response) is None
    assert all(c.tracking_code not in html for c in two_offices)


def test_workers_claim_due_notifications_in_batches_without_sharing_a_row(mailoutbox):
    for n in range(3):
        file(reporter_email=f"warga{n}@example.org")
    first = notifications.claim_due(limit=2)
    second = notifications.claim_due(limit=2)
    assert len(first) == 2
    assert len(second) == 1
    assert set(first).isdisjoint(second)
    assert notifications.claim_due(limit=2) == []  # the rest is leased to the two claims
    assert notifications.send_many(first + second) == 3
    assert len(mailoutbox) == 3
    assert Notification.objects.filter(sent_at=None, channel="email").count() == 0


def test_deliver_due_sends_what_a_sweep_wrote_in_bulk_once(mailoutbox):
    for n in range(5):
        file(reporter_email=f"warga{n}@example.org")
    assert tasks.deliver_due(batch=2) == 5
    assert tasks.deliver_due(batch=2) == 0
    assert len(mailoutbox) == 5
