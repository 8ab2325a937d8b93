"""Lists, exports and the staff detail page cost the same number of queries at any size."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import ANONYMOUS
from complaints import lifecycle
from complaints.models import Complaint, Event
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 15
DESAS = ["51.03.01.1001", "51.03.01.1002", "51.03.01.1003", "51.03.01.1004", "51.03.01.1005"]
CATEGORIES = ["jalan_rusak", "jembatan_rusak", "drainase_genangan"]
PRIVACIES = ["public", "anonymous", "confidential"]


@pytest.fixture
def grow(verifier, officer, officer2_user, pupr):
    """Complaints dispatched to PUPR, each with notes and an assignee, until there are n."""

    def make(n):
        for i in range(Complaint.objects.count(), n):
            c, _ = file(
                privacy=PRIVACIES[i % len(PRIVACIES)],
                desa=DESAS[i % len(DESAS)],
                category=CATEGORIES[i % len(CATEGORIES)],
                title=f"Keluhan nomor {i}",
                reporter_name=f"Pelapor {i}",
            )
            lifecycle.dispatch(c, actor=verifier, opd=pupr, note="Cek lokasi.")
            lifecycle.assign(c, actor=officer, assignee=officer2_user if i % 2 else officer.user)
            lifecycle.add_note(c, actor=officer, note="Tim survei dijadwalkan.")

    return make


def queries(fetch):
    """The SQL run by `fetch()`, and the number of rows it returned."""
    with CaptureQueriesContext(connection) as ctx:
        rows = fetch()
    return [q["sql"] for q in ctx.captured_queries], rows


def assert_constant(fetch, grow_to):
    fetch()  # the first request warms caches (translations, content types)
    small, small_rows = queries(fetch)
    grow_to()
    large, large_rows = queries(fetch)
    assert small_rows < large_rows
    extra = [sql for sql in large if sql not in small]
    assert len(large) == len(small), extra


def _page_rows(response):
    assert response.status_code == 200
    return len(response.context["page"])


def _staff_queue(client, api):
    return _page_rows(client.get("/staff/queue/?status=dispatched"))


def _csv_export(client, api):
    response = client.get("/staff/queue.csv?status=dispatched")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # the rows are read while streaming
    return len(list(csv.DictReader(io.StringIO(body))))


def _public_list(client, api):
    return _page_rows(client.get("/complaints/"))


def _api_list(client, api):
    response = api.get("/api/v1/complaints/")
    assert response.status_code == 200
    return len(response.json()["results"])


@pytest.mark.parametrize(
    ("surface", "who"),
    [
        pytest.param(_staff_queue, "officer", id="staff_queue-officer"),
        pytest.param(_staff_queue, "verifier", id="staff_queue-verifier"),
        pytest.param(_staff_queue, "camat", id="staff_queue-camat"),
        pytest.param(_csv_export, "officer", id="csv_export-officer"),
        pytest.param(_csv_export, "verifier", id="csv_export-verifier"),
        pytest.param(_public_list, None, id="public_list-anonymous"),
        pytest.param(_api_list, None, id="api_list-anonymous"),
        pytest.param(_api_list, "officer", id="api_list-officer"),
        pytest.param(_api_list, "verifier", id="api_list-verifier"),
    ],
)
def test_list_queries_do_not_grow_with_rows(client, api, request, grow, surface, who):
    if who is not None:
        user = request.getfixturevalue(who).user
        client.force_login(user)
        api.force_authenticate(user)
    grow(SMALL)
    assert_constant(lambda: surface(client, api), lambda: grow(LARGE))


def _events_up_to_fifteen(c, *, officer, head_user):
    """Twelve more actions of every kind; the complaint ends in progress, as it began."""
    reporter = ANONYMOUS.with_access_key_for(c)
    steps = [
        lambda: lifecycle.respond(c, actor=officer, message="Kami cek besok."),
        lambda: lifecycle.add_note(c, actor=officer, note="Butuh alat berat."),
        lambda: lifecycle.request_info(c, actor=officer, message="Mohon foto lokasi."),
        lambda: lifecycle.comment(c, actor=reporter, message="Foto sudah dikirim."),
        lambda: lifecycle.assign(c, actor=officer, assignee=head_user),
        lambda: lifecycle.comment(c, actor=reporter, message="Terima kasih."),
        lambda: lifecycle.respond(c, actor=officer, message="Tim sudah di lokasi."),
        lambda: lifecycle.add_note(c, actor=officer, note="Anggaran tersedia."),
        lambda: lifecycle.assign(c, actor=officer, assignee=officer.user),
        lambda: lifecycle.request_info(c, actor=officer, message="Titik tepatnya di mana?"),
        lambda: lifecycle.comment(c, actor=reporter, message="Depan pura desa."),
        lambda: lifecycle.add_note(c, actor=officer, note="Dijadwalkan minggu depan."),
    ]
    for step in steps:
        step()
    assert Event.objects.filter(complaint=c).count() == LARGE


@pytest.mark.parametrize("who", ["officer", "verifier", "leadership"])
def test_staff_detail_queries_do_not_grow_with_events(
    client, request, verifier, officer, head_user, pupr, who
):
    c, _ = complaint_in("in_progress", verifier=verifier, handler=officer, opd=pupr)
    assert Event.objects.filter(complaint=c).count() == SMALL  # filed, dispatched, acknowledged
    client.force_login(request.getfixturevalue(who).user)

    def fetch():
        response = client.get(f"/staff/complaints/{c.tracking_code}/")
        assert response.status_code == 200
        return len(response.context["events"])

    assert_constant(fetch, lambda: _events_up_to_fifteen(c, officer=officer, head_user=head_user))
