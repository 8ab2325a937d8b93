"""Faults with real parts: PostgreSQL restarted during filing; two staff acting at once.

The restart uses a PostgreSQL cluster of the test's own (initdb into a temporary folder, its
own port): the machine's shared server is never touched.
"""

import http.client
import json
import logging
import threading
import time

import psycopg2
import pytest
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.services import staff_create
from complaints import lifecycle
from complaints.models import Complaint, Event
from tests.factories import complaint_in
from tests.integration.conftest import wait_for
from tests.integration.servers import Gunicorn, PrivatePostgres, manage, production_env

log = logging.getLogger(__name__)
pytestmark = [pytest.mark.integration]

CLIENTS = 8
BODY = {
    "kind": "complaint",
    "description": "Air masuk rumah warga sejak subuh.",
    "category": "jalan_rusak",
    "desa": "51.03.01.1002",
    "privacy": "public",
    "reporter_email": "banjir@example.org",
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    server = PrivatePostgres()
    if not server.available:
        pytest.skip("PostgreSQL server programs (initdb) are not installed")
    server.init()
    server.start()
    server.create_database("badung")
    env = production_env(DATABASE_URL=server.url("badung"), CONN_MAX_AGE="0")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference", "-v0")
    yield server
    server.destroy()


def stored_codes(cluster):
    with psycopg2.connect(cluster.url("badung"), connect_timeout=5) as db, db.cursor() as cur:
        cur.execute("SELECT tracking_code, title FROM complaints_complaint")
        return dict(cur.fetchall())


def request(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            method,
            path,
            body=json.dumps(body) if body is not None else None,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Load:
    """CLIENTS threads filing complaints until stopped; every answer is kept."""

    def __init__(self, port):
        self.port = port
        self.answers = []  # (number, status, headers, body, finished_at)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.counter = 0
        self.threads = [threading.Thread(target=self.work) for _ in range(CLIENTS)]

    def work(self):
        while not self.stop.is_set():
            with self.lock:
                self.counter += 1
                n = self.counter
            try:
                status, headers, raw = request(
                    self.port, "POST", "/api/v1/complaints/", {**BODY, "title": f"Banjir {n}"}
                )
            except OSError as e:
                status, headers, raw = None, {}, repr(e).encode()
            with self.lock:
                self.answers.append((n, status, headers, raw, time.monotonic()))

    def successes_since(self, moment):
        with self.lock:
            return sum(1 for a in self.answers if a[1] == 201 and a[4] > moment)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_postgresql_restart_during_filing(cluster, private_redis, tmp_path):
    env = production_env(
        DATABASE_URL=cluster.url("badung"),
        REDIS_URL=private_redis.url,
        THROTTLE_RATES="filing=1000000/hour",
        STATIC_ROOT=str(tmp_path / "static"),
        CONN_MAX_AGE="60",  # kept connections must notice the restart by themselves
    )
    portal = Gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    portal.start()
    try:
        with Load(portal.port) as load:
            wait_for(lambda: load.successes_since(0) >= 60, timeout=60)
            cluster.stop(mode="fast")
            down_at = time.monotonic()
            time.sleep(3)
            ready = request(portal.port, "GET", "/readyz")
            time.sleep(1)
            cluster.start()
            up_at = time.monotonic()
            # Back by itself: no restart of gunicorn, filings succeed again.
            wait_for(lambda: load.successes_since(up_at) >= 40, timeout=60)
        health = request(portal.port, "GET", "/readyz")
    finally:
        portal.stop()

    assert ready[0] == 503
    assert json.loads(ready[2])["failing"] == ["database"]
    assert health[0] == 200

    statuses = {}
    for _n, status, _h, _b, _t in load.answers:
        statuses[status] = statuses.get(status, 0) + 1
    # Only two kinds of answer: stored (201), or a clean 503 while the database was away.
    assert set(statuses) <= {201, 503}, (statuses, portal.log()[-3000:])
    outage = [a for a in load.answers if a[1] == 503]
    assert outage, "the restart was never seen by a request"
    assert all(down_at - 1 <= a[4] for a in outage)
    for _n, _status, headers, raw, _t in outage:
        assert headers["Content-Type"] == "application/json"
        assert int(headers["Retry-After"]) > 0
        assert set(json.loads(raw)) == {"detail"}

    stored = stored_codes(cluster)
    answered = {json.loads(a[3])["tracking_code"]: a[0] for a in load.answers if a[1] == 201}
    # No 201 without its complaint stored ...
    assert set(answered) <= set(stored)
    # ... and nothing stored that was not asked for; a 503 may hide a commit only when the
    # connection died between COMMIT and its acknowledgement.
    refused_titles = {f"Banjir {a[0]}" for a in outage}
    unanswered = {code for code in stored if code not in answered}
    assert {stored[code] for code in unanswered} <= refused_titles
    assert len(unanswered) <= CLIENTS
    back = min(a[4] for a in load.answers if a[1] == 201 and a[4] > up_at) - up_at
    log.info(
        "restart: %s answers %s; first 201 %.1f s after the database was back; "
        "stored behind a 503: %s",
        len(load.answers),
        statuses,
        back,
        len(unanswered),
    )


# Two staff at once ------------------------------------------------------------------------


def act_together(first, second):
    """Run two API calls at the same moment in two threads (two database connections)."""
    barrier = threading.Barrier(2)
    answers = [None, None]

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            answers[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return answers


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db(transaction=True)
def test_two_officers_acknowledging_at_once(postgres, verifier, officer, pupr, officer2_user):
    a, b = token_client(officer.user), token_client(officer2_user)
    for _round in range(5):
        c, _ = complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
        url = f"/api/v1/complaints/{c.tracking_code}/acknowledge/"
        answers = act_together(
            lambda url=url: a.post(url, content_type="application/json"),
            lambda url=url: b.post(url, content_type="application/json"),
        )
        assert sorted(r.status_code for r in answers) == [200, 409]
        conflict = next(r for r in answers if r.status_code == 409)
        assert "cannot be changed this way" in conflict.json()["detail"]
        assert Event.objects.filter(complaint=c, action="acknowledged").count() == 1
        assert Complaint.objects.get(pk=c.pk).status == "in_progress"


@pytest.mark.django_db(transaction=True)
def test_resolve_and_return_at_once_one_wins(postgres, verifier, officer, pupr, officer2_user):
    a, b = token_client(officer.user), token_client(officer2_user)
    c, _ = complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
    code = c.tracking_code
    # Being handled: one officer resolves it while the other asks the reporter for information.
    # Whichever comes second finds a status that no longer allows its move.
    lifecycle.acknowledge(c, actor=officer)
    answers = act_together(
        lambda: a.post(
            f"/api/v1/complaints/{code}/resolve/",
            {"resolution": "Sudah ditambal."},
            content_type="application/json",
        ),
        lambda: b.post(
            f"/api/v1/complaints/{code}/request-info/",
            {"message": "Mohon foto."},
            content_type="application/json",
        ),
    )
    assert sorted(r.status_code for r in answers) == [200, 409]
    events = list(
        Event.objects.filter(complaint=c, action__in=["resolved", "info_requested"]).values_list(
            "action", flat=True
        )
    )
    assert len(events) == 1
    final = Complaint.objects.get(pk=c.pk).status
    assert final == {"resolved": "resolved", "info_requested": "info_requested"}[events[0]]


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_dispatching_at_once(postgres, verifier, pupr, dlhk):
    other, _ = staff_create(username="verifier2", password="pw-verifier2", role="verifier")
    a, b = token_client(verifier.user), token_client(other)
    c, _ = complaint_in("submitted", verifier=verifier, handler=None, opd=pupr)
    url = f"/api/v1/complaints/{c.tracking_code}/dispatch/"
    answers = act_together(
        lambda: a.post(url, {"opd": "PUPR"}, content_type="application/json"),
        lambda: b.post(url, {"opd": "DLHK"}, content_type="application/json"),
    )
    assert sorted(r.status_code for r in answers) == [200, 409]
    winner = next(r for r in answers if r.status_code == 200).json()
    assert Event.objects.filter(complaint=c, action="dispatched").count() == 1
    assert Complaint.objects.get(pk=c.pk).current_opd.code == winner["opd"]
