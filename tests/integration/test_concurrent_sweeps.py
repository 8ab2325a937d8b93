"""Two deadline sweeps at once on PostgreSQL: every step exactly once (SPEC §5)."""

import datetime
import threading

import pytest
from django.db import connections

from accounts.roles import ANONYMOUS
from accounts.services import staff_create
from complaints import deadlines, lifecycle
from complaints.models import Complaint, Escalation, Notification
from opd.models import Category, Desa

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

COMPLAINTS = 60


def test_two_sweeps_at_once_take_each_step_once(postgres):
    staff_create(username="desk", password="x", role="verifier", email="desk@example.org")
    staff_create(username="sekda", password="x", role="leadership", email="sekda@example.org")
    category = Category.objects.get(code="jalan_rusak")
    desa = Desa.objects.select_related("kecamatan").get(code="51.03.01.1002")
    for n in range(COMPLAINTS):
        lifecycle.file_complaint(
            actor=ANONYMOUS,
            title=f"Jalan rusak {n}",
            description="Berlubang.",
            category=category,
            desa=desa,
            reporter_email="a@example.org",
        )
    # Filed long ago: the verification reminder, level 1 and level 2 are all due now.
    Complaint.objects.update(
        submitted_on=datetime.date(2026, 11, 2),
        verification_due=datetime.date(2026, 11, 5),
        next_check_on=datetime.date(2026, 11, 3),
    )
    today = datetime.date(2026, 11, 20)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(deadlines.sweep(today=today, batch=7))
        except Exception as e:
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sum(r["steps"] for r in results) == COMPLAINTS * 3
    assert Escalation.objects.count() == COMPLAINTS * 3
    # Each step: one in-app and one e-mail message (verifier, then leadership), never two.
    assert Notification.objects.filter(kind__startswith="deadline:").count() == COMPLAINTS * 3 * 2
    assert set(Complaint.objects.values_list("escalation_level", flat=True)) == {2}
    # A third sweep, as after a crash, finds nothing left to do.
    assert deadlines.sweep(today=today) == {"steps": 0, "auto": 0}
