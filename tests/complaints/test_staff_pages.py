import csv
import io

import pytest
from django.test import Client

from complaints import lifecycle
from complaints.models import Complaint, ResponseTemplate
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(verifier, officer, pupr):
    """Build complaints dispatched to PUPR by default."""

    class World:
        def complaint(self, stage, **filing):
            c, _ = complaint_in(stage, verifier=verifier, handler=officer, opd=pupr, **filing)
            return c

    return World()


def login(client, actor):
    client.force_login(actor.user)
    return client


def csv_rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_staff_pages_need_login(client):
    response = client.get("/staff/queue/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_citizen_gets_404_on_staff_pages(client, citizen_user):
    client.force_login(citizen_user)
    assert client.get("/staff/queue/?status=submitted").status_code == 404


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("verifier", "/staff/desk/"),
        ("officer", "/staff/queue/"),
        ("camat", "/staff/area/"),
        ("leadership", "/staff/dashboard/"),
    ],
)
def test_home_sends_each_role_to_its_view(client, request, who, landing):
    response = login(client, request.getfixturevalue(who)).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == landing


def test_queue_defaults_to_open_complaints(client, officer, w):
    open_one = w.complaint("in_progress")
    done = w.complaint("closed")
    response = login(client, officer).get("/staff/queue/", follow=True)
    codes = {c.tracking_code for c in response.context["page"]}
    assert open_one.tracking_code in codes
    assert done.tracking_code not in codes


def test_officer_queue_is_scoped_to_own_opd(client, officer, verifier, other_officer, dlhk, w):
    mine = w.complaint("dispatched")
    theirs, _ = complaint_in("dispatched", verifier=verifier, handler=other_officer, opd=dlhk)
    response = login(client, officer).get("/staff/queue/?status=dispatched")
    codes = {c.tracking_code for c in response.context["page"]}
    assert codes == {mine.tracking_code}
    assert theirs.tracking_code not in response.content.decode()


def test_queue_filters_search_and_sort(client, verifier, w):
    a = w.complaint("dispatched", title="Jalan berlubang dekat pura", desa="51.03.01.1002")
    b = w.complaint(
        "dispatched", title="Got mampet", description="Air meluap", desa="51.03.02.1004"
    )
    login(client, verifier)

    def codes(query):
        response = client.get("/staff/queue/?" + query)
        assert response.status_code == 200
        return [c.tracking_code for c in response.context["page"]]

    assert codes("status=dispatched&q=pura") == [a.tracking_code]
    assert codes("status=dispatched&q=meluap") == [b.tracking_code]
    assert codes("status=dispatched&kecamatan=51.03.02") == [b.tracking_code]
    assert codes("status=dispatched&sort=oldest") == [a.tracking_code, b.tracking_code]
    assert codes("status=dispatched&sort=newest") == [b.tracking_code, a.tracking_code]
    assert codes("status=dispatched&overdue=true") == []
    assert set(codes("status=dispatched&overdue=false")) == {a.tracking_code, b.tracking_code}
    assert codes("status=dispatched&assignee=-") != []
    assert client.get("/staff/queue/?status=nope").status_code == 400


def test_overdue_rows_are_marked(client, officer, w):
    late = w.complaint("dispatched")
    Complaint.objects.filter(pk=late.pk).update(first_response_due="2020-01-01")
    response = login(client, officer).get("/staff/queue/?status=dispatched&overdue=true")
    assert [c.tracking_code for c in response.context["page"]] == [late.tracking_code]
    assert 'class="overdue' in response.content.decode()


def test_verifier_desk_lists_submitted_oldest_first_with_suggestion(client, verifier):
    first, _ = file(title="Pertama")
    second, _ = file(title="Kedua")
    response = login(client, verifier).get("/staff/desk/")
    assert [c.tracking_code for c in response.context["page"]] == [
        first.tracking_code,
        second.tracking_code,
    ]
    assert "Dinas PUPR" in response.content.decode()  # routing suggestion shown


def test_officer_cannot_open_the_desk(client, officer):
    assert login(client, officer).get("/staff/desk/").status_code == 404


def test_bulk_dispatch_to_suggestions(client, verifier):
    a, _ = file()
    b, _ = file(category="sampah_tidak_terangkut")
    response = login(client, verifier).post(
        "/staff/desk/dispatch/", {"codes": [a.tracking_code, b.tracking_code], "opd": ""}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.current_opd.code) == ("dispatched", "PUPR")
    assert (b.status, b.current_opd.code) == ("dispatched", "DLHK")


def test_bulk_dispatch_to_one_opd(client, verifier):
    a, _ = file()
    login(client, verifier).post(
        "/staff/desk/dispatch/", {"codes": [a.tracking_code], "opd": "DISHUB"}
    )
    a.refresh_from_db()
    assert a.current_opd.code == "DISHUB"


def test_officer_works_a_complaint_through_the_detail_forms(client, officer, w):
    c = w.complaint("dispatched")
    login(client, officer)
    url = f"/staff/complaints/{c.tracking_code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert {"acknowledge", "respond", "request_info", "return", "assign"} <= page.context["allowed"]
    assert client.post(url + "acknowledge/").status_code == 302
    client.post(url + "note/", {"message": "Cek lokasi dulu"})
    client.post(url + "respond/", {"message": "Tim menuju lokasi."})
    client.post(url + "resolve/", {"resolution": "Lubang sudah ditambal."})
    c.refresh_from_db()
    assert c.status == "resolved"
    actions = list(c.events.values_list("action", flat=True))
    assert actions[-4:] == ["acknowledged", "note", "responded", "resolved"]
    staff_html = client.get(url).content.decode()
    assert "Cek lokasi dulu" in staff_html
    public_html = Client().get(c.get_absolute_url()).content.decode()
    assert "Cek lokasi dulu" not in public_html
    assert "Lubang sudah ditambal." in public_html


def test_missing_text_shows_an_error_and_changes_nothing(client, officer, w):
    c = w.complaint("in_progress")
    login(client, officer)
    response = client.post(
        f"/staff/complaints/{c.tracking_code}/resolve/", {"resolution": ""}, follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    c.refresh_from_db()
    assert c.status == "in_progress"


def test_illegal_move_is_refused_with_a_message(client, officer, w):
    c = w.complaint("resolved")
    response = login(client, officer).post(
        f"/staff/complaints/{c.tracking_code}/acknowledge/", follow=True
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])
    c.refresh_from_db()
    assert c.status == "resolved"


def test_verifier_dispatches_with_corrected_category_and_desa(client, verifier):
    c, _ = file()
    login(client, verifier).post(
        f"/staff/complaints/{c.tracking_code}/dispatch/",
        {"opd": "DLHK", "category": "sampah_tidak_terangkut", "desa": "51.03.02.1004"},
    )
    c.refresh_from_db()
    assert (c.status, c.current_opd.code, c.category.code, c.kecamatan.code) == (
        "dispatched",
        "DLHK",
        "sampah_tidak_terangkut",
        "51.03.02",
    )


def test_verifier_rejects_and_merges(client, verifier):
    spam, _ = file()
    dup, _ = file()
    original, _ = file()
    login(client, verifier)
    client.post(f"/staff/complaints/{spam.tracking_code}/reject/", {"reason": "Iklan"})
    client.post(
        f"/staff/complaints/{dup.tracking_code}/merge/", {"into": original.tracking_code.lower()}
    )
    spam.refresh_from_db()
    dup.refresh_from_db()
    original.refresh_from_db()
    assert spam.status == "rejected"
    assert dup.status == "merged"
    assert dup.merged_into == original
    assert original.supporters_count == 1


def test_merge_into_unknown_code_is_an_error(client, verifier):
    c, _ = file()
    response = login(client, verifier).post(
        f"/staff/complaints/{c.tracking_code}/merge/", {"into": "BDG-NOPE00"}, follow=True
    )
    assert any("BDG-NOPE00" in str(m) for m in response.context["messages"])


def test_officer_returns_a_wrongly_routed_complaint(client, officer, w):
    c = w.complaint("dispatched")
    response = login(client, officer).post(
        f"/staff/complaints/{c.tracking_code}/return/", {"reason": "Bukan jalan kabupaten"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "submitted"
    assert c.current_opd is None
    assert client.get(f"/staff/complaints/{c.tracking_code}/").status_code == 404


def test_assign_and_bulk_acknowledge(client, officer, officer2_user, w):
    a = w.complaint("dispatched")
    b = w.complaint("dispatched")
    login(client, officer)
    client.post(f"/staff/complaints/{a.tracking_code}/assign/", {"username": "officer2_pupr"})
    a.refresh_from_db()
    assert a.assignee == officer2_user
    client.post(
        "/staff/queue/bulk/", {"action": "acknowledge", "codes": [a.tracking_code, b.tracking_code]}
    )
    assert set(Complaint.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        "in_progress"
    }


def test_response_templates_are_offered_with_placeholders(client, officer, pupr, w):
    c = w.complaint("in_progress")
    ResponseTemplate.objects.create(
        title="Dijadwalkan", body="Pengaduan {tracking_code} dijadwalkan oleh {opd}.", opd=pupr
    )
    ResponseTemplate.objects.create(title="Lain", body="x", opd=None, is_active=False)
    html = login(client, officer).get(f"/staff/complaints/{c.tracking_code}/").content.decode()
    assert f"Pengaduan {c.tracking_code} dijadwalkan oleh Dinas Pekerjaan Umum" in html
    assert ">Lain<" not in html


def test_anonymous_reporter_hidden_from_officer_and_camat_but_not_verifier(
    client, officer, camat, verifier, w
):
    c = w.complaint("in_progress", privacy="anonymous", desa="51.03.01.1002")
    for actor in (officer, camat):
        html = login(client, actor).get(f"/staff/complaints/{c.tracking_code}/").content.decode()
        assert "Nyoman Pelapor" not in html
        assert "pelapor@example.org" not in html
    html = login(client, verifier).get(f"/staff/complaints/{c.tracking_code}/").content.decode()
    assert "Nyoman Pelapor" in html


def test_csv_export_is_scoped_and_hides_anonymous_reporters(
    client, officer, verifier, other_officer, dlhk, w
):
    public = w.complaint("in_progress")
    anonymous = w.complaint("in_progress", privacy="anonymous")
    complaint_in("dispatched", verifier=verifier, handler=other_officer, opd=dlhk)
    response = login(client, officer).get("/staff/queue.csv?status=in_progress&status=dispatched")
    assert response["Content-Type"].startswith("text/csv")
    rows = {r["tracking_code"]: r for r in csv_rows(response)}
    assert set(rows) == {public.tracking_code, anonymous.tracking_code}
    assert rows[public.tracking_code]["reporter_name"] == "Nyoman Pelapor"
    assert rows[anonymous.tracking_code]["reporter_name"] == ""
    assert rows[anonymous.tracking_code]["reporter_email"] == ""


def test_camat_view_counts_per_desa_and_hides_confidential(client, camat, w):
    w.complaint("dispatched", desa="51.03.01.1002")
    w.complaint("in_progress", desa="51.03.01.1002")
    secret = w.complaint("in_progress", desa="51.03.01.1002", privacy="confidential")
    w.complaint("dispatched", desa="51.03.02.1004")  # Mengwi: not theirs
    response = login(client, camat).get("/staff/area/", follow=True)
    assert response.status_code == 200
    counts = {
        desa.code: (n_open, n_overdue) for desa, n_open, n_overdue in response.context["desa_rows"]
    }
    assert len(counts) == 5  # the 5 kelurahan of Kuta
    assert counts["51.03.01.1002"] == (2, 0)
    assert secret.tracking_code not in response.content.decode()


def test_camat_office_handles_complaints_dispatched_to_it(client, camat, verifier):
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1004")
    lifecycle.dispatch(c, actor=verifier, opd=c.suggested_opd)
    assert c.suggested_opd.code == "KEC_KUTA"
    login(client, camat).post(f"/staff/complaints/{c.tracking_code}/acknowledge/")
    c.refresh_from_db()
    assert c.status == "in_progress"


def test_leadership_reads_everything_but_has_no_actions(client, leadership, w):
    c = w.complaint("in_progress", privacy="confidential")
    response = login(client, leadership).get(f"/staff/complaints/{c.tracking_code}/")
    assert response.status_code == 200
    assert response.context["allowed"] == set()
