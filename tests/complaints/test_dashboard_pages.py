"""Dashboard pages, their JSON, exports and the public statistics, per role.

The complaints are those of test_stats.py (March 2026); see its docstring.
"""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from openpyxl import load_workbook

from accounts.roles import actor_for
from complaints.models import Complaint
from tests.complaints.test_stats import world  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db

MARCH = "from=2026-03&to=2026-03"
PAGES = [
    f"/staff/dashboard/?{MARCH}",
    f"/staff/dashboard/data/trend.json?{MARCH}",
    f"/staff/dashboard/data/areas.json?{MARCH}",
    f"/staff/dashboard/data/categories.json?{MARCH}",
    f"/staff/dashboard/data/channels.json?{MARCH}",
    f"/staff/dashboard/data/opd.json?{MARCH}",
    f"/staff/dashboard/report.csv?{MARCH}",
    f"/staff/dashboard/report.xlsx?{MARCH}",
    "/staff/dashboard/report/?month=2026-03",
]


def t(text):
    """`text` as the pages show it (Indonesian, the default language)."""
    with translation.override("id"):
        return translation.gettext(text)


def as_(client, actor):
    client.force_login(actor.user)
    return client


class Table(HTMLParser):
    """Rows of the first table with the given class: [(header text, [cell texts], [links])]."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.rows = css_class, 0, []
        self.cell = self.row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and self.css_class in (attrs.get("class") or "") and not self.rows:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.row = [[], []]
        elif self.depth and tag in {"td", "th"} and self.row is not None:
            self.cell = ""
        elif self.depth and tag == "a" and self.row is not None:
            self.row[1].append(attrs["href"])

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if self.depth and tag in {"td", "th"} and self.row is not None:
            self.row[0].append(" ".join(self.cell.split()))
            self.cell = None
        elif self.depth and tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif self.depth and tag == "table":
            self.depth = 0


def kpi_rows(response):
    parser = Table("kpi-table")
    parser.feed(response.content.decode())
    return {cells[0]: (cells[1:], links) for cells, links in parser.rows[1:]}


# Who may see it -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_dashboard_needs_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["officer", "other_officer"])
@pytest.mark.parametrize("url", PAGES)
def test_opd_officers_get_404(client, request, who, url):
    assert as_(client, request.getfixturevalue(who)).get(url).status_code == 404


def test_citizens_get_404(client, citizen_user):
    assert as_(client, actor_for(citizen_user)).get("/staff/dashboard/").status_code == 404


@pytest.mark.parametrize("who", ["leadership", "verifier", "head", "camat"])
@pytest.mark.parametrize("url", PAGES)
def test_dashboard_roles_see_every_page(client, request, world, who, url):  # noqa: F811
    response = as_(client, request.getfixturevalue(who)).get(url)
    assert response.status_code == 200, response.content[:500]


def test_leadership_sees_every_opd_and_the_desk(client, world, leadership):  # noqa: F811
    rows = kpi_rows(as_(client, leadership).get(f"/staff/dashboard/?{MARCH}&sort=opd"))
    names = list(rows)
    assert names[0] == "Dinas Lingkungan Hidup dan Kebersihan"
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in names
    pupr, _links = rows["Dinas Pekerjaan Umum dan Penataan Ruang"]
    assert pupr[:4] == ["5", "2", "2", "1"]  # received, open, overdue now, returned
    assert pupr[4] == "4,0"  # median first response in hours, Indonesian decimals
    assert names[-2:] == [t("Verification desk (not yet at an OPD)"), t("Total")]


def test_an_opd_head_sees_only_their_own_row(client, world, head):  # noqa: F811
    response = as_(client, head).get(f"/staff/dashboard/?{MARCH}")
    rows = kpi_rows(response)
    assert set(rows) == {"Dinas Pekerjaan Umum dan Penataan Ruang", t("Total")}
    body = response.content.decode()
    assert "Lingkungan Hidup" not in body
    assert world["D"].tracking_code not in body


def test_a_camat_office_never_sees_confidential_or_other_areas(client, world, camat):  # noqa: F811
    Complaint.objects.filter(pk__in=[world["E"].pk, world["F"].pk]).update(escalation_level=3)
    body = as_(client, camat).get(f"/staff/dashboard/?{MARCH}").content.decode()
    assert world["E"].tracking_code not in body
    assert world["F"].tracking_code not in body
    data = as_(client, camat).get(f"/staff/dashboard/data/areas.json?{MARCH}").json()
    assert [k["code"] for k in data["kecamatan"]] == ["51.03.01"]
    assert sum(d["n"] for d in data["desa"]) == 6


def test_leadership_sees_the_escalated_list(client, world, leadership):  # noqa: F811
    Complaint.objects.filter(pk=world["E"].pk).update(escalation_level=3)
    body = as_(client, leadership).get(f"/staff/dashboard/?{MARCH}").content.decode()
    assert world["E"].tracking_code in body
    assert "escalation_level=3" in body


# Figures link to the queue ----------------------------------------------------------------


def test_every_count_opens_the_complaints_behind_it(client, world, head):  # noqa: F811
    rows = kpi_rows(as_(client, head).get(f"/staff/dashboard/?{MARCH}"))
    _cells, links = rows["Dinas Pekerjaan Umum dan Penataan Ruang"]
    received, open_, overdue = links[:3]
    assert "opd=PUPR" in received
    assert "created_after=2026-03-01" in received
    for link, expected in [(received, "ABCEF"), (open_, "EF"), (overdue, "EF")]:
        page = client.get(link.replace("&amp;", "&")).content.decode()
        shown = set(re.findall(r"BDG-[0-9A-Z]{6}", page))
        assert shown == {world[n].tracking_code for n in expected}, link


def test_the_table_sorts_on_the_server(client, world, leadership):  # noqa: F811
    client = as_(client, leadership)
    descending = list(kpi_rows(client.get(f"/staff/dashboard/?{MARCH}&sort=-received")))
    assert descending[0] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    ascending = list(kpi_rows(client.get(f"/staff/dashboard/?{MARCH}&sort=received")))
    assert ascending[1] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    # The desk is no OPD: its row stays under the OPDs, above the total.
    last = [t("Verification desk (not yet at an OPD)"), t("Total")]
    assert ascending[-2:] == descending[-2:] == last
    body = client.get(f"/staff/dashboard/?{MARCH}&sort=received").content.decode()
    assert 'aria-sort="ascending"' in body
    # An unknown column falls back to the default order instead of failing.
    assert client.get(f"/staff/dashboard/?{MARCH}&sort=nonsense").status_code == 200


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13", "from", "Enter a month as YYYY-MM, e.g. 2026-03."),
        ("from=2026-03&to=2026-01", "to", "The last month comes before the first."),
        ("from=2026-11&to=2030-01", "to", "The period cannot end after the current month."),
    ],
)
def test_a_bad_period_is_refused_with_a_message(client, leadership, query, field, message):
    response = as_(client, leadership).get(f"/staff/dashboard/?{query}")
    assert response.status_code == 400
    assert t(message) in response.content.decode()
    data = client.get(f"/staff/dashboard/data/trend.json?{query}")
    assert data.status_code == 400
    assert data.json() == {field: [t(message)]}


def test_an_unknown_named_period_is_refused(client, leadership):
    response = as_(client, leadership).get("/staff/dashboard/?period=forever")
    assert response.status_code == 400
    assert "forever" in response.content.decode()


# JSON behind the charts --------------------------------------------------------------------


def test_chart_data(client, world, leadership):  # noqa: F811
    client = as_(client, leadership)
    trend = client.get(f"/staff/dashboard/data/trend.json?{MARCH}").json()
    assert trend["period"] == {"from": "2026-03", "to": "2026-03"}
    assert [w["start"] for w in trend["weeks"]] == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
    ]
    (infrastructure,) = trend["datasets"]
    assert infrastructure["data"] == [0, 0, 0, 8, 0, 0]
    assert infrastructure["filter"] == {"sector": "infrastruktur"}

    areas = client.get(f"/staff/dashboard/data/areas.json?{MARCH}").json()
    kuta = next(d for d in areas["desa"] if d["code"] == "51.03.01.1002")
    assert (kuta["n"], kuta["open"], kuta["overdue"]) == (7, 3, 3)  # D, E, G open and late
    assert "lat" in kuta
    assert "desa=51.03.01.1002" in kuta["url"]

    categories = client.get(f"/staff/dashboard/data/categories.json?{MARCH}").json()
    assert [(r["n"], r["url"] is not None) for r in categories["rows"]] == [(8, True)]
    channels = client.get(f"/staff/dashboard/data/channels.json?{MARCH}").json()
    assert channels["total"] == 8
    assert {r["code"]: r["n"] for r in channels["rows"]}["web"] == 8

    opd = client.get(f"/staff/dashboard/data/opd.json?{MARCH}").json()
    assert opd["total"]["received"] == 8
    assert client.get(f"/staff/dashboard/data/nothing.json?{MARCH}").status_code == 404


# Exports ---------------------------------------------------------------------------------


def test_csv_export_parses(client, world, leadership):  # noqa: F811
    response = as_(client, leadership).get(f"/staff/dashboard/report.csv?{MARCH}")
    assert response["Content-Type"].startswith("text/csv")
    assert "badung-opd-202603-202603.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[1]
    assert header[:4] == [t("OPD"), t("Received"), t("Open"), t("Overdue now")]
    by_name = {r[0]: r for r in rows[2:]}
    pupr = by_name["Dinas Pekerjaan Umum dan Penataan Ruang"]
    assert pupr[1:5] == ["5", "2", "2", "1"]
    assert float(pupr[5]) == 4.0
    assert rows[-1][:2] == [t("Total"), "8"]


def test_xlsx_export_parses(client, world, head):  # noqa: F811
    response = as_(client, head).get(f"/staff/dashboard/report.xlsx?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == t("OPD")
    assert rows[2][:5] == ("Dinas Pekerjaan Umum dan Penataan Ruang", 5, 2, 2, 1)
    assert rows[2][5] == 4.0
    assert rows[3][0] == t("Total")
    assert len(rows) == 4  # the head's own OPD and the total, nothing else


def test_printable_report(client, world, leadership):  # noqa: F811
    client = as_(client, leadership)
    response = client.get("/staff/dashboard/report/?month=2026-03")
    body = response.content.decode()
    assert "Maret 2026" in body
    assert "Kuta" in body
    assert "?month=2026-02" in body
    assert "?month=2026-04" in body
    assert client.get("/staff/dashboard/report/?month=2026-3x").status_code == 400


# Public statistics -------------------------------------------------------------------------


def test_public_statistics_page(client, world):  # noqa: F811
    response = client.get(f"/statistik/?{MARCH}")
    assert response.status_code == 200
    body = response.content.decode()
    # A B C D F: public or anonymous, verified. Not E (confidential), G, H (unverified).
    assert re.search(r'data-testid="total-received">5<', body)
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in body
    for name in "ABCDEFGH":
        assert world[name].tracking_code not in body
        assert world[name].reporter_email not in body


def test_open_data_api(api, world, pupr):  # noqa: F811
    data = api.get(f"/api/v1/stats/opd/?{MARCH}").json()
    assert data["period"] == {"from": "2026-03", "to": "2026-03"}
    by_code = {r["opd"]: r for r in data["results"]}
    assert set(by_code) == {"PUPR", "DLHK"}
    assert by_code["PUPR"]["received"] == 4
    assert by_code["PUPR"]["resolution_median_days"] == 2.0
    assert "returned" not in by_code["PUPR"]
    assert data["total"]["received"] == 5
    sectors = api.get(f"/api/v1/stats/sectors/?{MARCH}").json()
    assert [r["sector"] for r in sectors["results"]] == ["infrastruktur"]
    bad = api.get("/api/v1/stats/opd/?from=2026-03&to=2026-01")
    assert bad.status_code == 400
    assert list(bad.json()) == ["to"]


def test_pages_carry_no_inline_script(client, world, leadership):  # noqa: F811
    client = as_(client, leadership)
    for url in [f"/staff/dashboard/?{MARCH}", "/staff/dashboard/report/?month=2026-03"]:
        body = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", body)
    body = client.get(f"/statistik/?{MARCH}").content.decode()
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_a_missed_deadline_figure_links_to_the_queue_of_exactly_those_complaints(
    client,
    world,  # noqa: F811
    leadership,
):
    client = as_(client, leadership)
    body = client.get(f"/staff/dashboard/?{MARCH}").content.decode()
    links = re.findall(r'href="([^"]*missed=resolution[^"]*)"', body)
    pupr = next(link for link in links if "opd=PUPR" in link)
    page = client.get(pupr.replace("&amp;", "&")).content.decode()
    assert set(re.findall(r"BDG-[0-9A-Z]{6}", page)) == {
        world["E"].tracking_code,
        world["F"].tracking_code,
    }
