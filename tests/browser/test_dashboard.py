"""The leadership dashboard and the public statistics in Chromium: charts, map and tables
drawn from their JSON, no console error, no Content Security Policy violation."""

import base64

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "badung-demo-2026"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def open_page(browser):
    """A page that records console errors, uncaught exceptions and CSP violations."""
    contexts = []

    def make(width=1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
        contexts.append(context)
        context.add_init_script(LISTEN)
        # No network in tests: map tiles are a blank pixel.
        context.route(
            "https://tile.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=PIXEL),
        )
        page = context.new_page()
        page.problems = []
        page.on(
            "console",
            lambda m: page.problems.append(f"{m.type}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: page.problems.append(f"exception: {e}"))
        page.on(
            "response",
            lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )
        return page

    yield make
    for context in contexts:
        context.close()


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()


def charts_loaded(page, names):
    for name in names:
        section = page.locator(f"section[data-chart='{name}'][data-loaded]")
        section.wait_for(state="attached")
        assert section.get_attribute("data-loaded") == "true", (name, page.problems)
    return page.evaluate("window.__violations")


def test_leadership_dashboard_draws_its_charts(live_server, demo, open_page, shot):
    base = live_server.url
    page = open_page()
    log_in(page, base, "pimpinan")
    response = page.goto(base + "/staff/dashboard/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert charts_loaded(page, ["trend", "areas", "categories", "channels"]) == []
    # Each chart has its canvas drawn by Chart.js and a table of the same figures under it.
    for name in ["trend", "categories", "channels"]:
        section = page.locator(f"section[data-chart='{name}']")
        assert section.locator("canvas").get_attribute("width")
        assert section.locator("[data-table] table tbody tr").count() > 0
    assert int(page.locator(".dashboard-map").get_attribute("data-circles")) > 0
    page.locator(".dashboard-map .leaflet-interactive").first.wait_for()
    # The per-OPD table works without JavaScript too: sorting is a link.
    page.locator(".kpi-table thead a").nth(1).click()
    page.wait_for_load_state()
    assert "sort=" in page.url
    assert page.locator(".kpi-table th[aria-sort]").count() == 1
    shot(page, "dashboard-leadership")
    assert page.problems == []


def test_camat_dashboard_and_printable_report(live_server, demo, open_page, shot):
    base = live_server.url
    page = open_page()
    log_in(page, base, "camat.kuta")
    page.goto(base + "/staff/dashboard/")
    assert charts_loaded(page, ["trend", "areas", "categories", "channels"]) == []
    kecamatan = page.locator("section[data-chart='areas'] [data-table] table").first
    assert kecamatan.locator("tbody tr").count() == 1  # Kuta only
    page.goto(base + "/staff/dashboard/report/")
    assert page.locator("h1").inner_text()
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    shot(page, "dashboard-report-print")
    assert page.problems == []
    assert page.evaluate("window.__violations") == []


def test_public_statistics_draw_their_charts(live_server, demo, open_page, shot):
    base = live_server.url
    page = open_page(width=360)
    response = page.goto(base + "/statistik/")
    assert response.status == 200
    assert charts_loaded(page, ["public-opd", "public-sectors"]) == []
    assert page.locator("section[data-chart='public-opd'] canvas").is_visible()
    assert page.locator("section[data-chart='public-opd'] table tbody tr").count() > 0
    shot(page, "statistics-phone")
    assert page.problems == []
