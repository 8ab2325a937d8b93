"""Notifications through a real Celery worker, real Redis and a real SMTP server (SPEC §7)."""

import time

import pytest
from django.test import Client

from complaints.models import Complaint, Notification
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BODY = {
    "title": "Sampah menumpuk di Jalan Kartika Plaza",
    "description": "Sudah tiga hari tidak diangkut.",
    "category": "sampah_tidak_terangkut",
    "desa": "51.03.01.1001",
    "reporter_name": "Ketut",
    "reporter_email": "ketut@example.org",
}


def file_through_api():
    response = Client().post("/api/v1/complaints/", BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def mails_to(sink, address):
    return [m for m in sink.messages if address in m.rcpt_tos]


def test_filing_mail_reaches_the_reporter(live_parts, worker):
    sink = live_parts["smtp"]
    created = file_through_api()
    wait_for(lambda: mails_to(sink, "ketut@example.org"), timeout=40)
    time.sleep(1.5)  # any duplicate would arrive by now
    (mail,) = mails_to(sink, "ketut@example.org")
    text = mail.content.decode()
    assert created["tracking_code"] in text
    assert created["access_key"] in text  # sent once, by e-mail (SPEC §3) ...
    row = Notification.objects.get(
        complaint__tracking_code=created["tracking_code"], channel="email"
    )
    assert row.sent_at is not None
    assert row.secret == ""  # ... and not kept in the database afterwards
    assert created["access_key"] not in row.body


def test_redis_down_filing_is_saved_and_mail_follows(live_parts, worker):
    redis, sink = live_parts["redis"], live_parts["smtp"]
    redis.stop()
    started = time.monotonic()
    created = file_through_api()  # the citizen still gets the confirmation
    assert time.monotonic() - started < 10
    assert Complaint.objects.filter(tracking_code=created["tracking_code"]).exists()
    assert not mails_to(sink, "ketut@example.org")
    redis.start()
    # The worker reconnects; its periodic outbox sweep delivers what waited.
    wait_for(lambda: mails_to(sink, "ketut@example.org"), timeout=60)
    time.sleep(2)
    assert len(mails_to(sink, "ketut@example.org")) == 1


def test_worker_killed_during_delivery_mail_arrives_once(live_parts, worker):
    sink = live_parts["smtp"]
    sink.delay = 6.0  # the SMTP server is slow to accept: the worker is mid-delivery
    file_through_api()
    wait_for(lambda: sink.data_started >= 1, timeout=40)
    worker.kill()
    assert not mails_to(sink, "ketut@example.org")
    sink.delay = 0.0
    worker.start()  # after its lease expires, the restarted worker's sweep retries it
    wait_for(lambda: mails_to(sink, "ketut@example.org"), timeout=60)
    time.sleep(8)  # the killed attempt's late acceptance or a redelivery would show by now
    assert len(mails_to(sink, "ketut@example.org")) == 1
    assert Notification.objects.get(channel="email").sent_at is not None
