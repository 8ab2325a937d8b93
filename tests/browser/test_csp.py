"""The Content Security Policy holds in Chromium: the main pages load and work with no violation."""

import base64

import pytest
from django.core.management import call_command
from django.urls import resolve
from drf_spectacular.views import SpectacularSwaggerSplitView

from complaints.models import Complaint, Privacy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "badung-demo-2026"
# Collects every violation the page reports (enforced or report-only) before its scripts run.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""
# A 1x1 PNG for tile requests: no network in tests, and a refused tile must be CSP's doing.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    public = Complaint.objects.filter(privacy=Privacy.PUBLIC, status="in_progress").first()
    return {"public": public.tracking_code}


@pytest.fixture
def watch(browser):
    """A new page that records CSP violations and console errors about the policy."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        contexts.append(context)
        context.add_init_script(LISTEN)
        context.route(
            "https://tile.openstreetmap.org/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=PIXEL),
        )
        page = context.new_page()
        page.csp_console = []
        page.on(
            "console",
            lambda m: (
                page.csp_console.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def violations(page):
    return page.evaluate("window.__cspViolations") + page.csp_console


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return violations(page)


def log_in(page, base, username, url="/accounts/login/"):
    page.goto(base + url)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()


def test_citizen_pages_load_without_violations(live_server, demo, watch):
    base = live_server.url
    page = watch()
    found = {}
    for path in [
        "/",
        "/complaints/",
        "/map/",
        "/track/",
        f"/complaints/{demo['public']}/",
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/password_reset/",
    ]:
        found[path] = visit(page, base + path)
        page.evaluate("window.__cspViolations = []")
        page.csp_console.clear()
    assert not {path: v for path, v in found.items() if v}


def test_maps_still_draw_under_the_policy(live_server, demo, watch):
    base = live_server.url
    page = watch()
    assert visit(page, base + "/map/") == []
    # Leaflet ran: tiles drawn (from the tile server allowed in img-src) and markers placed.
    page.locator("#public-map.leaflet-container").wait_for()
    page.locator(".leaflet-tile-loaded").first.wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert violations(page) == []

    page = watch()
    assert visit(page, base + "/") == []
    page.locator("#pick-map.leaflet-container").wait_for()
    page.locator("#pick-map .leaflet-tile-loaded").first.wait_for()
    page.locator("#pick-map").click()  # the centre of the map is in Badung: a pin is dropped
    page.locator("#pick-map .leaflet-marker-icon").wait_for()
    assert violations(page) == []


def test_staff_pages_load_without_violations(live_server, demo, watch):
    base = live_server.url
    page = watch()
    log_in(page, base, "verifikator")
    found = {}
    for path in ["/staff/desk/", "/staff/queue/", f"/staff/complaints/{demo['public']}/"]:
        found[path] = visit(page, base + path)
    assert not {path: v for path, v in found.items() if v}


def test_admin_pages_load_without_violations(live_server, demo, watch):
    base = live_server.url
    page = watch()
    log_in(page, base, "admin", url="/admin/login/")
    found = {}
    for path in ["/admin/", "/admin/complaints/complaint/", "/admin/accounts/user/"]:
        found[path] = visit(page, base + path)
    assert not {path: v for path, v in found.items() if v}


def test_api_docs_load_without_violations(live_server, watch):
    if resolve("/api/docs/").func.view_class is not SpectacularSwaggerSplitView:
        pytest.skip("/api/docs/ must be SpectacularSwaggerSplitView (its script as a file)")
    page = watch()
    assert visit(page, live_server.url + "/api/docs/") == []
    page.locator(".opblock").first.wait_for()  # Swagger UI rendered the operations
    assert violations(page) == []
