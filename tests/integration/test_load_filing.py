"""A flood of filings (a disaster morning) against gunicorn: 2,000 complaints, 32 clients.

Production profile, sync workers, PostgreSQL and a private Redis (broker and throttle cache),
throttles raised as a load test does (THROTTLE_RATES). Every answer is a 201 with a tracking
code; every code is stored once; nothing else is stored.
"""

import http.client
import json
import logging
import threading
import time

import pytest
from django.db import connection

from complaints.models import Complaint, Event
from tests.integration.servers import Gunicorn, production_env

log = logging.getLogger(__name__)
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOTAL, CLIENTS = 2000, 32
DESA = ["51.03.01.1002", "51.03.02.1004", "51.03.06.1001", "51.03.05.2003", "51.03.04.2001"]
CATEGORIES = ["jalan_rusak", "pju_mati", "sampah_tidak_terangkut", "banjir", None]


def database_url():
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def body(n):
    data = {
        "kind": "complaint",
        "title": f"Banjir setinggi lutut di gang nomor {n}",
        "description": f"Air masuk rumah warga sejak subuh (laporan {n}).",
        "desa": DESA[n % len(DESA)],
        "privacy": ["public", "anonymous", "confidential"][n % 3],
        "reporter_name": f"Warga {n}",
        # Many people, some reporting twice: the per-contact limit is raised with the rest.
        "reporter_email": f"warga{n % 700}@example.org",
        "language": "id",
    }
    category = CATEGORIES[n % len(CATEGORIES)]
    if category:
        data["category"] = category
    return json.dumps(data)


def post(port, payload):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            "/api/v1/complaints/",
            body=payload,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def portal(postgres, private_redis, tmp_path):
    env = production_env(
        DATABASE_URL=database_url(),
        REDIS_URL=private_redis.url,
        THROTTLE_RATES="filing=1000000/hour",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=4)
    server.start()
    yield server
    server.stop()


def test_two_thousand_filings_from_32_clients_are_all_stored_once(portal, record_property):
    results, errors = [], []
    lock = threading.Lock()
    numbers = iter(range(TOTAL))

    def client():
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            try:
                status, raw = post(portal.port, body(n))
            except OSError as e:  # a refused or dropped connection is an error too
                status, raw = None, repr(e).encode()
            with lock:
                if status == 201:
                    results.append(json.loads(raw))
                else:
                    errors.append((n, status, raw[:300]))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    assert errors == [], f"{len(errors)} failed, e.g. {errors[:3]}; log: {portal.log()[-2000:]}"
    codes = [r["tracking_code"] for r in results]
    assert len(codes) == TOTAL
    assert len(set(codes)) == TOTAL
    assert {r["status"] for r in results} == {"submitted"}
    stored = set(Complaint.objects.values_list("tracking_code", flat=True))
    assert stored == set(codes)  # every answered code stored, nothing stored unanswered
    assert Event.objects.filter(action="filed").count() == TOTAL
    record_property("seconds", round(elapsed, 1))
    log.info(
        "%s filings by %s clients in %.1f s (%.0f/s)", TOTAL, CLIENTS, elapsed, TOTAL / elapsed
    )
