"""A citizen files a complaint on a phone-sized screen and follows it by code."""

import re

import pytest

from complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_files_and_tracks_on_a_phone(live_server, phone, shot):
    page = phone
    page.goto(live_server.url + "/")
    shot(page, "home-phone")
    page.get_by_label("Kategori", exact=True).select_option("pju_mati")
    page.get_by_label("Kecamatan").select_option("51.03.01")
    # The desa list follows the kecamatan: a Mengwi desa is hidden now.
    assert (
        page.locator('#id_desa optgroup[data-kecamatan="51.03.02"]').get_attribute("hidden")
        is not None
    )
    page.get_by_label("Desa/kelurahan").select_option("51.03.01.1004")
    page.get_by_label("Judul").fill("PJU mati di Jalan Legian")
    page.get_by_label("Uraian").fill("Tiga lampu jalan mati, gelap sekali di malam hari.")
    page.get_by_label("Email", exact=True).fill("kadek@example.org")
    page.get_by_role("button", name="Kirim pengaduan").click()

    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"BDG-[2-9A-Z]{6}", code)
    assert page.get_by_test_id("access-key").inner_text().strip()
    shot(page, "filed-phone")
    assert Complaint.objects.get(tracking_code=code).channel == "web"

    page.goto(live_server.url + "/track/")
    page.get_by_label("Kode pelacakan").fill(code)
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(f"**/complaints/{code}/")
    assert "PJU mati di Jalan Legian" in page.content()
    assert page.get_by_text("Menunggu verifikasi").first.is_visible()
    shot(page, "detail-phone")


def test_form_errors_are_shown_next_to_fields(live_server, phone, shot):
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Kirim pengaduan").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.locator(".field.has-error").count() >= 3
    shot(page, "home-errors-phone")
    assert Complaint.objects.count() == 0
