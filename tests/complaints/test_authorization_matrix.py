"""Who sees which complaint, and which of its parts, on every surface (SPEC §1, §3).

The expected outcomes are written out as tables, not recomputed with access.py: removing any
one scoping check (confidentiality, OPD scope, camat scope, anonymous reporters) breaks a cell.
Each test files one complaint whose reporter and internal note carry marker texts, so a leak
is found by a plain substring search in the HTML, JSON or CSV.
"""

import csv
import io

import pytest

from accounts.services import staff_create
from complaints import lifecycle
from complaints.models import Complaint, Event
from opd.models import Opd
from tests.factories import complaint_in

pytestmark = pytest.mark.django_db

NAME = "Rahasia Pelapor"
EMAIL = "rahasia.pelapor@example.org"
PHONE = "081299887766"
NOTE = "CATATAN-INTERNAL"
API = "/api/v1/complaints/"

CASES = {
    "a_public_pupr_kuta": {
        "privacy": "public",
        "opd": "PUPR",
        "desa": "51.03.01.1002",
        "category": "jalan_rusak",
    },
    "b_public_dlhk_mengwi": {
        "privacy": "public",
        "opd": "DLHK",
        "desa": "51.03.02.1004",
        "category": "sampah_tidak_terangkut",
    },
    "c_confidential_pupr_kuta": {
        "privacy": "confidential",
        "opd": "PUPR",
        "desa": "51.03.01.1002",
        "category": "jalan_rusak",
    },
    "d_anonymous_pupr_kuta": {
        "privacy": "anonymous",
        "opd": "PUPR",
        "desa": "51.03.01.1002",
        "category": "jalan_rusak",
    },
    "e_confidential_kec_kuta": {
        "privacy": "confidential",
        "opd": "KEC_KUTA",
        "desa": "51.03.01.1002",
        "category": "jalan_rusak",
    },
}

# The user fixture of each role; anonymous visitors and the reporter (access key) have none.
ROLES = {
    "anonymous": None,
    "citizen": "citizen_user",
    "reporter": None,
    "verifier": "verifier_user",
    "officer_pupr": "officer_user",
    "head_pupr": "head_user",
    "officer_dlhk": "other_officer_user",
    "camat_kuta": "camat_user",
    "camat_mengwi": "camat_mengwi_user",
    "leadership": "leadership_user",
}

# One letter per complaint a..e of CASES:
#   -  out of sight: 404 on a one-complaint surface, missing from a list
#   L  sent to log in (staff pages without a login)
#   X  the whole page is a 404 (staff pages for a logged-in citizen)
#   p  seen as the public sees it: reporter's name, no contact, no internal notes
#   h  seen without the reporter's identity (anonymous complaint), no internal notes
#   R  the reporter: own name and contact, no internal notes
#   S  staff in scope: name, contact and internal notes
#   s  staff in scope of an anonymous complaint: internal notes, no reporter identity
#
# The citizen page and the API detail and timeline answer the same question (get_complaint_for).
TRACKING = {  # /complaints/<code>/, /api/v1/complaints/<code>/ and .../timeline/
    #               a b c d e
    "anonymous": "p p - h -",
    "citizen": "p p - h -",
    "reporter": "R R R R R",
    "verifier": "S S S S S",
    "officer_pupr": "S p S s -",
    "head_pupr": "S p S s -",
    "officer_dlhk": "p S - h -",
    "camat_kuta": "S p - s S",
    "camat_mengwi": "p S - h -",
    "leadership": "S S S s S",
}
STAFF_DETAIL = {  # /staff/complaints/<code>/: only complaints in the actor's staff scope
    #               a b c d e
    "anonymous": "L L L L L",
    "citizen": "X X X X X",
    "reporter": "L L L L L",
    "verifier": "S S S S S",
    "officer_pupr": "S - S s -",
    "head_pupr": "S - S s -",
    "officer_dlhk": "- S - - -",
    "camat_kuta": "S - - s S",
    "camat_mengwi": "- S - - -",
    "leadership": "S S S s S",
}
API_LIST = {  # /api/v1/complaints/: the public list, or the staff member's scope
    #               a b c d e
    "anonymous": "p p - h -",
    "citizen": "p p - h -",
    "reporter": "p p - h -",  # a list takes no access key
    "verifier": "S S S S S",
    "officer_pupr": "S - S s -",
    "head_pupr": "S - S s -",
    "officer_dlhk": "- S - - -",
    "camat_kuta": "S - - s S",
    "camat_mengwi": "- S - - -",
    "leadership": "S S S s S",
}
STAFF_LIST = {  # /staff/queue/?status=dispatched and /staff/queue.csv?status=dispatched
    #               a b c d e
    "anonymous": "L L L L L",
    "citizen": "X X X X X",
    "reporter": "L L L L L",
    "verifier": "S S S S S",
    "officer_pupr": "S - S s -",
    "head_pupr": "S - S s -",
    "officer_dlhk": "- S - - -",
    "camat_kuta": "S - - s S",
    "camat_mengwi": "- S - - -",
    "leadership": "S S S s S",
}
# What each letter lets the actor read: (reporter's name, e-mail and phone, internal notes).
SEES = {
    "p": (True, False, False),
    "h": (False, False, False),
    "R": (True, True, False),
    "S": (True, True, True),
    "s": (False, False, True),
}


@pytest.fixture
def camat_mengwi_user(db):
    user, _ = staff_create(
        username="camat_mengwi",
        password="pw-camat_mengwi",
        role="camat",
        kecamatan_code="51.03.02",
        email="camat_mengwi@example.org",
    )
    return user


@pytest.fixture
def build(verifier):
    """File the named complaint with marker texts, dispatch it, add an internal note."""

    def make(case):
        spec = dict(CASES[case])
        opd = Opd.objects.get(code=spec.pop("opd"))
        c, key = complaint_in(
            "dispatched",
            verifier=verifier,
            handler=None,
            opd=opd,
            reporter_name=NAME,
            reporter_email=EMAIL,
            reporter_phone=PHONE,
            **spec,
        )
        lifecycle.add_note(c, actor=verifier, note=f"{NOTE}: pelapor kenal kepala dinas")
        return c, key

    return make


def _user(request, role):
    fixture = ROLES[role]
    return request.getfixturevalue(fixture) if fixture else None


# Read surfaces: each returns (status code, is the complaint there, the text to search).


def _public_page(client, api, c, key, role):
    url = f"/complaints/{c.tracking_code}/"
    if role == "reporter":
        client.post(url, {"access_key": key})  # the browser keeps the key in its session
    response = client.get(url)
    return response, response.status_code == 200, response.content.decode()


def _staff_detail(client, api, c, key, role):
    response = client.get(f"/staff/complaints/{c.tracking_code}/")
    return response, response.status_code == 200, response.content.decode()


def _api_headers(role, key):
    return {"HTTP_X_ACCESS_KEY": key} if role == "reporter" else {}


def _api_detail(client, api, c, key, role):
    response = api.get(f"{API}{c.tracking_code}/", **_api_headers(role, key))
    return response, response.status_code == 200, response.content.decode()


def _api_timeline(client, api, c, key, role):
    response = api.get(f"{API}{c.tracking_code}/timeline/", **_api_headers(role, key))
    return response, response.status_code == 200, response.content.decode()


def _api_list(client, api, c, key, role):
    response = api.get(API)
    codes = [row["tracking_code"] for row in response.json()["results"]]
    return response, c.tracking_code in codes, response.content.decode()


def _staff_queue(client, api, c, key, role):
    response = client.get("/staff/queue/?status=dispatched")
    if response.status_code != 200:
        return response, False, response.content.decode()
    codes = {row.tracking_code for row in response.context["page"]}
    return response, c.tracking_code in codes, response.content.decode()


def _csv(client, api, c, key, role):
    response = client.get("/staff/queue.csv?status=dispatched")
    if response.status_code != 200:
        return response, False, response.content.decode()
    body = b"".join(response.streaming_content).decode()
    codes = {row["tracking_code"] for row in csv.DictReader(io.StringIO(body))}
    return response, c.tracking_code in codes, body


# surface: (read, expected table, is a list, which parts it can show: name, contact, notes).
# A part a surface never shows must never be found in it, whoever asks.
SURFACES = {
    "public_page": (_public_page, TRACKING, False, (True, True, True)),
    "staff_detail": (_staff_detail, STAFF_DETAIL, False, (True, True, True)),
    "api_detail": (_api_detail, TRACKING, False, (True, True, False)),
    "api_timeline": (_api_timeline, TRACKING, False, (False, False, True)),
    "api_list": (_api_list, API_LIST, True, (True, True, False)),
    "staff_queue": (_staff_queue, STAFF_LIST, True, (False, False, False)),
    "csv_export": (_csv, STAFF_LIST, True, (True, True, False)),
}

READ_MATRIX = [
    pytest.param(surface, role, case, id=f"{surface}-{role}-{case}")
    for surface in SURFACES
    for role in ROLES
    for case in CASES
]


def expected(table, role, case):
    return table[role].split()[list(CASES).index(case)]


@pytest.mark.parametrize(("surface", "role", "case"), READ_MATRIX)
def test_read_matrix(client, api, request, build, surface, role, case):
    read, table, is_list, shows = SURFACES[surface]
    letter = expected(table, role, case)
    c, key = build(case)
    user = _user(request, role)
    if user is not None:
        client.force_login(user)
        api.force_authenticate(user)

    response, present, text = read(client, api, c, key, role)

    if letter == "L":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    if letter == "X" or (letter == "-" and not is_list):
        assert response.status_code == 404  # out of scope: never a 403 that confirms it exists
    else:
        assert response.status_code == 200
        assert present == (letter != "-")
    name, contact, notes = SEES.get(letter, (False, False, False))
    shows_name, shows_contact, shows_notes = shows
    assert (NAME in text) == (name and shows_name)
    assert (EMAIL in text) == (contact and shows_contact)
    assert (PHONE in text) == (contact and shows_contact)
    assert (NOTE in text) == (notes and shows_notes)
    if surface == "api_timeline" and response.status_code == 200:
        # The note's event itself is internal, not only its text.
        assert any(e["action"] == "note" for e in response.json()) == notes


def test_the_tables_cover_every_role_and_complaint():
    for table in (TRACKING, STAFF_DETAIL, API_LIST, STAFF_LIST):
        assert set(table) == set(ROLES)
        assert all(len(row.split()) == len(CASES) for row in table.values())


# Writes: a sample of API actions on a (public, PUPR, Kuta) and c (confidential, PUPR, Kuta),
# both dispatched. 403: the actor sees the complaint but may not act; 404: out of sight;
# 409: allowed role, wrong status.
ACTIONS = {
    "acknowledge": {},
    "respond": {"message": "Tim kami akan memeriksa lokasi."},
    "dispatch": {"opd": "DLHK"},
    "comments": {"message": "Lubangnya makin besar."},
    "rating": {"score": 5},
}
WRITES = {
    #               acknowledge  respond     dispatch    comments    rating      (on a, on c)
    "anonymous": ((403, 404), (403, 404), (403, 404), (403, 404), (403, 404)),
    "citizen": ((403, 404), (403, 404), (403, 404), (403, 404), (403, 404)),
    "reporter": ((403, 403), (403, 403), (403, 403), (200, 200), (409, 409)),
    "verifier": ((403, 403), (403, 403), (409, 409), (403, 403), (403, 403)),
    "officer_pupr": ((200, 200), (200, 200), (403, 403), (403, 403), (403, 403)),
    "head_pupr": ((200, 200), (200, 200), (403, 403), (403, 403), (403, 403)),
    "officer_dlhk": ((403, 404), (403, 404), (403, 404), (403, 404), (403, 404)),
    "camat_kuta": ((403, 404), (403, 404), (403, 404), (403, 404), (403, 404)),
    "camat_mengwi": ((403, 404), (403, 404), (403, 404), (403, 404), (403, 404)),
    "leadership": ((403, 403), (403, 403), (403, 403), (403, 403), (403, 403)),
}
WRITE_CASES = ("a_public_pupr_kuta", "c_confidential_pupr_kuta")
WRITE_MATRIX = [
    pytest.param(
        action,
        role,
        case,
        WRITES[role][list(ACTIONS).index(action)][WRITE_CASES.index(case)],
        id=f"{action}-{role}-{case}",
    )
    for action in ACTIONS
    for role in ROLES
    for case in WRITE_CASES
]


@pytest.mark.parametrize(("action", "role", "case", "status"), WRITE_MATRIX)
def test_write_matrix(api, request, build, action, role, case, status):
    c, key = build(case)
    api.force_authenticate(_user(request, role))
    events = Event.objects.filter(complaint=c).count()

    response = api.post(
        f"{API}{c.tracking_code}/{action}/",
        ACTIONS[action],
        format="json",
        **_api_headers(role, key),
    )

    assert response.status_code == status
    after = Complaint.objects.get(pk=c.pk)
    if status == 200:
        assert Event.objects.filter(complaint=c).count() == events + 1
    else:
        assert Event.objects.filter(complaint=c).count() == events
        assert (after.status, after.current_opd_id) == (c.status, c.current_opd_id)
        assert NAME not in response.content.decode()
