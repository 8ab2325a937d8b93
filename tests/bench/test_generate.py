"""The benchmark data generator (issue 6) on the real database, so that it does not rot.

300 complaints over about four months: enough for every status, and the app's own code
(deadline sweep, API, staff queue) must work on what was generated.
"""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from complaints import deadlines
from complaints.models import Complaint, Escalation, Event, Supporter
from opd import calendar
from opd.models import Desa

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

N = 300
YEARS = 0.3
OPEN = {"submitted", "dispatched", "in_progress", "info_requested", "resolved"}
FINAL = {"closed", "rejected", "merged"}


@pytest.fixture
def bench():
    if connection.vendor != "postgresql":
        pytest.skip("the generator loads PostgreSQL with COPY (set DATABASE_URL)")
    from bench import generate

    return generate


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def generated(bench, now):
    return bench.generate(N, wipe=True, years=YEARS, progress=False, now=now)


def test_counts_places_statuses_and_codes(bench, generated):
    assert generated["complaints"] == Complaint.objects.count() == N
    assert 3.5 <= generated["events"] / N <= 7  # about five timeline events each
    assert generated["escalations"] == Escalation.objects.count() > 0
    assert generated["supporters"] == Supporter.objects.count() > 0

    desa = {d.pk: d.kecamatan_id for d in Desa.objects.all()}
    rows = list(Complaint.objects.values())
    assert all(desa[r["desa_id"]] == r["kecamatan_id"] for r in rows)
    statuses = {r["status"] for r in rows}
    assert statuses & FINAL, statuses
    assert len(statuses & OPEN) >= 3, statuses
    assert {r["privacy"] for r in rows} >= {"public", "anonymous"}
    assert {r["language"] for r in rows} == {"id", "en"}

    codes = [r["tracking_code"] for r in rows]
    assert len(set(codes)) == N
    assert all(re.fullmatch(r"BDG-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}", c) for c in codes)
    sample = Complaint.objects.get(tracking_code=codes[0])
    assert sample.check_access_key(bench.access_key_for(sample.tracking_code))

    per_complaint = Supporter.objects.values("complaint").annotate(n=Count("pk"))
    counted = {row["complaint"]: row["n"] for row in per_complaint}
    assert all(r["supporters_count"] == counted.get(r["id"], 0) for r in rows)
    rated = Complaint.objects.filter(rating__isnull=False)
    assert rated.exists()
    assert not rated.exclude(status="closed").exists()


def test_timelines_due_dates_and_escalations_follow_the_lifecycle(generated, now):
    today = timezone.localdate(now)
    levels = deadlines.LEVELS
    escalated = 0
    for c in Complaint.objects.select_related("category"):
        events = list(c.events.order_by("created_at", "pk"))
        assert events[0].action == Event.Action.FILED
        assert events[-1].to_status == c.status
        assert c.updated_at == events[-1].created_at <= now
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status, c.tracking_code

        # Due dates from the working-day calendar, as the lifecycle sets them.
        assert c.verification_due == calendar.add_working_days(c.submitted_on, 3)
        if c.dispatched_at:
            start = timezone.localdate(c.dispatched_at)
            assert c.first_response_due == calendar.add_working_days(start, 5)
            if not any(e.action == Event.Action.INFO_PROVIDED for e in events):
                target = c.category.target_working_days
                assert c.resolution_due == min(
                    calendar.add_working_days(start, target), start + datetime.timedelta(60)
                )
            taken = Escalation.objects.filter(complaint=c, created_at__gte=c.dispatched_at)
        else:
            assert c.first_response_due is None
            assert c.resolution_due is None
            taken = Escalation.objects.filter(
                complaint=c, deadline="verification", due=c.verification_due
            )
        if c.status in FINAL:
            assert c.closed_at
            assert c.next_check_on is None
        # Escalation rows match the level; next_check_on is what the app computes.
        assert c.escalation_level == max((levels[e.step] for e in taken), default=0)
        escalated += c.escalation_level > 0
        assert c.next_check_on == deadlines.next_check_on(c)
        assert c.next_check_on is None or c.next_check_on > today
    assert escalated > 0
    assert deadlines.sweep(today=today) == {"steps": 0, "auto": 0}


def test_the_app_serves_the_generated_data(bench, generated, client):
    public = Complaint.objects.filter(
        privacy="public", status__in=["dispatched", "in_progress", "resolved"]
    ).first()
    assert public is not None
    response = client.get(f"/api/v1/complaints/{public.tracking_code}/")
    assert response.status_code == 200
    assert response.json()["tracking_code"] == public.tracking_code

    assert client.login(username="bench_officer", password=bench.BENCH_PASSWORD)
    queue = reverse("staff:queue")
    response = client.get(f"{queue}?status=dispatched&status=in_progress&sort=due")
    assert response.status_code == 200
    response = client.get(f"{queue}?status=closed&q=jalan")
    assert response.status_code == 200
    handled = Complaint.objects.filter(current_opd__code="PUPR", status="closed").first()
    detail = client.get(reverse("staff:detail", args=[handled.tracking_code]))
    assert detail.status_code == 200


def test_wipe_regenerates_the_same_data_and_a_filled_database_is_left_alone(bench, generated, now):
    again = bench.generate(N, progress=False, years=YEARS, now=now)
    assert again["skipped"]
    assert again["complaints"] == N

    fresh = bench.generate(N, wipe=True, years=YEARS, progress=False, now=now)
    for key in ("complaints", "events", "supporters", "escalations", "statuses"):
        assert fresh[key] == generated[key], key
    assert Complaint.objects.aggregate(Max("id"))["id__max"] == N


def test_make_due_gives_the_sweep_exactly_that_many(bench, generated, now):
    today = timezone.localdate(now)
    assert bench.make_due(20, today=today) == 20
    assert Complaint.objects.filter(next_check_on__lte=today).count() == 20
    done = deadlines.sweep(today=today)
    assert done["steps"] >= 20
    assert Complaint.objects.filter(next_check_on__lte=today).count() == 0
    assert bench.make_due(5, today=today) == 5
    assert bench.due_count(today) == 5
