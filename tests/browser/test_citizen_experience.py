"""A citizen in Chromium: pin and photo, duplicates, follow-up, accessibility, screenshots."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from accounts.roles import ANONYMOUS, actor_for
from complaints import lifecycle
from complaints.models import Complaint
from complaints.photos import prepare
from tests.factories import complaint_in, file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
KECAMATAN_KUTA = "51.03.01"
KELURAHAN_KUTA = "51.03.01.1002"


def _(message):
    """The Indonesian text the portal shows (the live server runs in this process)."""
    with translation.override("id"):
        return translation.gettext(message)


def new_page(browser, size="phone", **options):
    context = browser.new_context(viewport=SIZES[size], locale="id-ID", **options)
    return context.new_page()


def jpeg(path, colour=(200, 30, 30)):
    Image.new("RGB", (64, 48), colour).save(path, "JPEG")
    return path


def fill_complaint(page, *, title, description, kecamatan=KECAMATAN_KUTA, desa=KELURAHAN_KUTA):
    page.locator("#id_category").select_option("pju_mati")
    if kecamatan:
        page.locator("#id_kecamatan").select_option(kecamatan)
    if desa:
        page.locator("#id_desa").select_option(desa)
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill(description)
    page.locator("#id_reporter_email").fill("warga@example.org")


def submit_complaint(page):
    page.locator("main form.card button[type=submit]").last.click()
    page.get_by_test_id("tracking-code").wait_for()
    return page.get_by_test_id("tracking-code").inner_text().strip()


def enter_access_key(page, key):
    page.locator("#access_key").fill(key)
    page.locator("#access-key form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".message.success").is_visible()
    assert page.locator("#access-key").count() == 0


def serious_violations(page):
    page.evaluate(AXE.read_text())  # a script tag would be refused by the CSP
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        if v["impact"] in {"serious", "critical"}:
            targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
            found.append(f"{v['id']} [{v['impact']}] {v['help']}: {targets}")
    return found


# 1 -------------------------------------------------------------------------------------------


def test_phone_filing_with_photo_and_location(browser, live_server, tmp_path, shot):
    page = new_page(
        browser,
        geolocation={"latitude": -8.7217, "longitude": 115.1690},
        permissions=["geolocation"],
    )
    page.goto(live_server.url + "/")
    page.locator("#map-field").wait_for()  # shown once Leaflet has started
    page.locator("#id_category").select_option("pju_mati")
    page.locator("#id_title").fill("Lampu jalan mati dekat pantai Kuta")
    page.locator("#id_description").fill("Dua lampu jalan mati, gelap sekali di malam hari.")
    page.locator("#id_photos").set_input_files(str(jpeg(tmp_path / "lampu.jpg")))
    page.locator("#id_reporter_email").fill("kadek@example.org")

    page.locator("#use-location").click()
    status = page.locator("#pin-status")
    status.filter(has_text="Kuta").wait_for()
    desa_code = page.locator("#id_desa").input_value()
    desa_name = page.locator("#id_desa option:checked").inner_text().strip()
    assert desa_code.startswith(KECAMATAN_KUTA + ".")
    assert page.locator("#id_kecamatan").input_value() == KECAMATAN_KUTA
    assert desa_name in status.inner_text()
    assert page.locator("#id_latitude").input_value() == "-8.721700"
    assert page.locator("#clear-pin").is_visible()
    shot(page, "home-pinned-phone")

    code = submit_complaint(page)
    assert page.get_by_test_id("access-key").inner_text().strip()
    c = Complaint.objects.get(tracking_code=code)
    assert (float(c.latitude), float(c.longitude)) == (-8.7217, 115.169)
    assert c.desa.code == desa_code
    assert c.attachments.count() == 1

    page.goto(live_server.url + "/track/")
    page.locator("#code").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/complaints/{code}/")
    img = page.locator("ul.photos img")
    img.scroll_into_view_if_needed()  # the thumbnail is loading="lazy"
    page.wait_for_function(
        "() => { const i = document.querySelector('ul.photos img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    page.context.close()


# 2 -------------------------------------------------------------------------------------------


@pytest.fixture
def open_street_light(verifier, officer, pupr):
    c, _key = complaint_in(
        "dispatched",
        verifier=verifier,
        handler=officer,
        opd=pupr,
        category="pju_mati",
        desa=KELURAHAN_KUTA,
        title="Lampu jalan mati di Jalan Legian",
        description="Lampu jalan mati sejak minggu lalu, jalan gelap di malam hari.",
    )
    return c


def test_similar_complaint_is_suggested_and_supported_once(browser, live_server, open_street_light):
    code = open_street_light.tracking_code
    page = new_page(browser)

    def suggest_and_support():
        page.goto(live_server.url + "/")
        fill_complaint(
            page,
            title="Lampu jalan mati di Legian",
            description="Lampu jalan di Jalan Legian mati, gelap di malam hari.",
        )
        page.locator("#similar").wait_for(state="visible")
        row = page.locator("#similar-list li", has_text=code)
        assert row.count() == 1
        row.locator("form button[type=submit]").click()
        page.wait_for_url(f"**/complaints/{code}/")
        return page.locator(".messages").inner_text()

    assert _("Thank you: your support was counted.") in suggest_and_support()
    open_street_light.refresh_from_db()
    assert open_street_light.supporters_count == 1

    assert _("You already support this complaint.") in suggest_and_support()
    open_street_light.refresh_from_db()
    assert open_street_light.supporters_count == 1
    assert Complaint.objects.count() == 1  # nothing new was filed
    page.context.close()


# 3 -------------------------------------------------------------------------------------------


def test_reporter_answers_rates_and_reopens(browser, live_server, verifier, officer, pupr):
    base = live_server.url
    waiting, key = complaint_in("info_requested", verifier=verifier, handler=officer, opd=pupr)
    page = new_page(browser)
    page.goto(f"{base}/complaints/{waiting.tracking_code}/")
    assert page.locator("#follow-up").count() == 0
    enter_access_key(page, key)
    page.locator("#comment-message").fill("Foto lokasi: depan Pura Desa, sisi utara.")
    page.locator("form[action$='/comment/'] button[type=submit]").click()
    page.wait_for_load_state()
    waiting.refresh_from_db()
    assert waiting.status == "in_progress"
    assert "depan Pura Desa" in page.content()

    lifecycle.resolve(waiting, actor=officer, resolution="Lubang sudah ditambal.")
    page.reload()
    page.locator("input[name=score][value='4']").check()
    page.locator("#rate-comment").fill("Cukup cepat.")
    page.locator("form[action$='/rate/'] button[type=submit]").click()
    page.wait_for_load_state()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.rating) == ("closed", 4)

    resolved, key = complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr)
    page.goto(f"{base}/complaints/{resolved.tracking_code}/")
    enter_access_key(page, key)
    page.locator("#reopen-reason").fill("Lubangnya muncul lagi setelah hujan.")
    page.locator("form[action$='/reopen/'] button[type=submit]").click()
    page.wait_for_load_state()
    resolved.refresh_from_db()
    assert resolved.status == "in_progress"
    assert page.locator(".message.success").is_visible()
    page.context.close()


# 4 and 5 -------------------------------------------------------------------------------------


@pytest.fixture
def public_data(verifier, officer, pupr):
    """A few public complaints for the list and the map."""
    complaint_in("dispatched", verifier=verifier, handler=officer, opd=pupr)
    complaint_in(
        "in_progress",
        verifier=verifier,
        handler=officer,
        opd=pupr,
        desa="51.03.02.1004",
        title="Jalan rusak di Mengwi",
        latitude=-8.55,
        longitude=115.17,
    )
    complaint_in("resolved", verifier=verifier, handler=officer, opd=pupr, privacy="anonymous")
    complaint_in(
        "in_progress", verifier=verifier, handler=officer, opd=pupr, privacy="confidential"
    )


@pytest.fixture
def with_photo(verifier, officer, pupr):
    """A resolved public complaint with a photo and a public answer; returns (code, key)."""
    c, key = file(title="Lubang besar di Jalan Raya Kerobokan", address_detail="Depan pasar")
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, "JPEG")
    upload = SimpleUploadedFile("lubang.jpg", buf.getvalue(), content_type="image/jpeg")
    lifecycle.attach_photo(c, actor=ANONYMOUS.with_access_key_for(c), photo=prepare(upload))
    lifecycle.dispatch(c, actor=verifier, opd=pupr)
    lifecycle.acknowledge(c, actor=officer)
    lifecycle.respond(c, actor=officer, message="Tim perbaikan dijadwalkan besok pagi.")
    lifecycle.resolve(c, actor=officer, resolution="Lubang sudah ditambal dengan aspal.")
    return c.tracking_code, key


@pytest.fixture
def citizen_with_news(citizen_user, verifier, officer, pupr):
    complaint_in(
        "in_progress",
        verifier=verifier,
        handler=officer,
        opd=pupr,
        actor=actor_for(citizen_user),
        title="Sampah menumpuk di Banjar Tegal",
    )
    return citizen_user


def open_home(page, base):
    page.goto(base + "/")
    page.locator("#map-field").wait_for()


def open_filed(page, base):
    page.goto(base + "/")
    fill_complaint(page, title="Lampu jalan mati", description="Gelap di malam hari.")
    submit_complaint(page)


def open_track(page, base):
    page.goto(base + "/track/")


def open_list(page, base):
    page.goto(base + "/complaints/")


def open_map(page, base):
    page.goto(base + "/map/")
    page.locator("#public-map[data-loaded]").wait_for(state="attached")


def log_in_citizen(page, base):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("citizen")
    page.locator("#id_password").fill("pw-citizen")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my-complaints/**")


def open_notifications(page, base):
    log_in_citizen(page, base)
    page.goto(base + "/notifications/")


PAGES = {
    # name: (how to open it, the fixture with its data)
    "home": (open_home, None),
    "filed": (open_filed, None),
    "track": (open_track, None),
    "detail": (None, "with_photo"),
    "list": (open_list, "public_data"),
    "map": (open_map, "public_data"),
    "mine": (log_in_citizen, "citizen_with_news"),
    "notifications": (open_notifications, "citizen_with_news"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_citizen_page_is_accessible(request, browser, live_server, shot, name):
    """axe-core finds nothing serious or critical at phone and desktop sizes; screenshots saved."""
    opener, data = PAGES[name]
    data = request.getfixturevalue(data) if data else None
    base = live_server.url
    problems = {}
    for size in SIZES:
        page = new_page(browser, size)
        if name == "detail":
            code, key = data
            page.goto(f"{base}/complaints/{code}/")
            page.locator("ul.photos img").first.wait_for()
            problems[f"{size} (public view)"] = serious_violations(page)
            enter_access_key(page, key)
            assert page.locator("form[action$='/rate/']").is_visible()
        else:
            opener(page, base)
        shot(page, f"{name}-{size}")
        problems[size] = serious_violations(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems[size].append(f"page scrolls sideways by {overflow}px")
        page.context.close()
    found = {where: ids for where, ids in problems.items() if ids}
    assert not found, f"axe on {name}: " + "; ".join(f"{k}: {v}" for k, v in found.items())
