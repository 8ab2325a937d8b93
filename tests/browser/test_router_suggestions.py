"""The filing form suggests the category as the citizen types (real Chromium)."""

import pytest

from complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_shows_suggestions_and_a_tap_sets_the_category(live_server, phone, router_model):
    page = phone
    page.goto(live_server.url + "/")
    assert page.locator("#category-suggestions").is_hidden()
    page.get_by_label("Judul").fill("Pohon tumbang")
    page.get_by_label("Uraian").fill("pohon gede roboh nutup jln, motor gk bs lewat, tlg cepet")
    first = page.locator("#category-suggestions button").first
    first.wait_for()
    assert first.inner_text().startswith("Pohon tumbang (")
    assert page.locator("#id_category").input_value() == ""  # nothing chosen for the citizen
    first.click()
    assert page.locator("#id_category").input_value() == "pohon_tumbang"
    assert first.get_attribute("aria-pressed") == "true"
    assert "Pohon tumbang" in page.locator("#category-suggestions-status").inner_text()

    page.get_by_label("Kecamatan").select_option("51.03.06")
    page.get_by_label("Desa/kelurahan").select_option("51.03.06.1001")
    page.get_by_label("Email", exact=True).fill("kadek@example.org")
    page.get_by_role("button", name="Kirim pengaduan").click()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    c = Complaint.objects.get(tracking_code=code)
    assert (c.category.code, c.suggested_category.code) == ("pohon_tumbang", "pohon_tumbang")


def test_no_suggestions_without_a_model(live_server, phone):
    page = phone
    page.goto(live_server.url + "/")
    with page.expect_response("**/api/v1/route-suggestion/") as answer:
        page.get_by_label("Uraian").fill("Lampu jalan di depan rumah mati sudah seminggu")
    assert answer.value.json() == {"suggestions": []}
    assert page.locator("#category-suggestions").is_hidden()
