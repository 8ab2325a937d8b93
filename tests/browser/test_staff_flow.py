"""End to end in Chromium: citizen files, verifier dispatches, OPD works it, citizen rates."""

import pytest

from accounts.services import staff_create
from complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff():
    staff_create(username="desk", password="desk-pass-2026", role="verifier")
    staff_create(username="pupr", password="pupr-pass-2026", role="opd_officer", opd_code="PUPR")


def log_in(page, base, username, password):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/**")


def test_complaint_from_filing_to_rating(browser, live_server, staff, shot):
    base = live_server.url
    citizen = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID").new_page()
    citizen.goto(base + "/")
    citizen.locator("#id_category").select_option("jalan_rusak")
    citizen.locator("#id_kecamatan").select_option("51.03.06")
    citizen.locator("#id_desa").select_option("51.03.06.1001")
    citizen.locator("#id_title").fill("Lubang besar di Jalan Raya Kerobokan")
    citizen.locator("#id_description").fill("Dua pengendara motor jatuh minggu ini.")
    citizen.locator("#id_reporter_email").fill("warga@example.org")
    citizen.locator("main form button[type=submit]").click()
    code = citizen.get_by_test_id("tracking-code").inner_text().strip()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID").new_page()
    log_in(desk, base, "desk", "desk-pass-2026")
    assert code in desk.content()
    shot(desk, "staff-desk")
    desk.goto(f"{base}/staff/complaints/{code}/")
    assert "Dinas Pekerjaan Umum" in desk.get_by_test_id("suggestion").inner_text()
    desk.locator("form[action$='/dispatch/'] button[type=submit]").click()
    desk.wait_for_load_state()
    assert Complaint.objects.get(tracking_code=code).status == "dispatched"

    officer = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID"
    ).new_page()
    log_in(officer, base, "pupr", "pupr-pass-2026")
    assert code in officer.content()
    shot(officer, "staff-queue")
    officer.goto(f"{base}/staff/complaints/{code}/")
    officer.locator("form[action$='/acknowledge/'] button[type=submit]").click()
    officer.locator("#respond-message").fill("Tim perbaikan dijadwalkan besok pagi.")
    officer.locator("form[action$='/respond/'] button[type=submit]").click()
    officer.locator("#resolve-text").fill("Lubang sudah ditambal dengan aspal.")
    shot(officer, "staff-detail")
    officer.locator("form[action$='/resolve/'] button[type=submit]").click()
    officer.wait_for_load_state()
    assert Complaint.objects.get(tracking_code=code).status == "resolved"

    # The citizen's browser still holds the access key from filing.
    citizen.goto(f"{base}/complaints/{code}/")
    html = citizen.content()
    assert "Tim perbaikan dijadwalkan besok pagi." in html
    assert "Lubang sudah ditambal dengan aspal." in html
    citizen.locator("input[name=score][value='5']").check()
    citizen.locator("#rate-comment").fill("Cepat sekali, terima kasih.")
    citizen.locator("form[action$='/rate/'] button[type=submit]").click()
    citizen.wait_for_load_state()
    shot(citizen, "citizen-rated-phone")
    c = Complaint.objects.get(tracking_code=code)
    assert (c.status, c.rating) == ("closed", 5)
    assert "Selesai" in citizen.content()
