"""Filing under concurrency on the real database: every complaint stored, codes all distinct."""

import threading

import pytest
from django.db import connection, connections

from accounts.roles import ANONYMOUS
from complaints import lifecycle
from complaints.models import Complaint
from opd.models import Category, Desa

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREADS, EACH = 8, 15


def test_concurrent_filing_gives_distinct_codes(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL")
    # A tiny code space forces real collisions between the threads.
    monkeypatch.setattr(lifecycle, "TRACKING_LENGTH", 2)
    category = Category.objects.get(code="jalan_rusak")
    desa = Desa.objects.select_related("kecamatan").get(code="51.03.01.1002")
    errors, codes = [], []
    lock = threading.Lock()

    def work():
        try:
            for n in range(EACH):
                c, _ = lifecycle.file_complaint(
                    actor=ANONYMOUS,
                    title=f"Jalan rusak {n}",
                    description="Berlubang.",
                    category=category,
                    desa=desa,
                    reporter_email="a@example.org",
                )
                with lock:
                    codes.append(c.tracking_code)
        except Exception as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(codes) == THREADS * EACH == len(set(codes))
    assert Complaint.objects.count() == THREADS * EACH
