"""The domain layer of SPEC §4: every arrow of `MOVES`, who may take it, and what it records."""

import datetime
import hashlib
import io
import re
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from accounts.roles import ANONYMOUS, actor_for
from accounts.services import staff_create
from complaints import lifecycle
from complaints.lifecycle import IllegalMove, InvalidInput, NotAllowed
from complaints.models import Complaint, Event
from complaints.photos import prepare
from opd import calendar
from opd.models import Category, Opd
from tests.factories import complaint_in, file

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
TRACKING_CODE = re.compile(r"^BDG-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$")


def wita(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=WITA)


def at(year, month, day, hour=10):
    """Fake the clock of the domain layer (Bali time)."""
    return patch("django.utils.timezone.now", return_value=wita(year, month, day, hour))


def fresh(c):
    c.refresh_from_db()
    return c


def last_event(c):
    # By insertion: a faked clock may date an event before earlier ones.
    return Event.objects.filter(complaint=c).order_by("pk").last()


@pytest.fixture
def camat_mengwi(db):
    user, _ = staff_create(
        username="camat_mengwi", password="pw-camat", role="camat", kecamatan_code="51.03.02"
    )
    return actor_for(user)


@pytest.fixture
def citizen(citizen_user):
    return actor_for(citizen_user)


@pytest.fixture
def kec_kuta(db):
    return Opd.objects.get(code="KEC_KUTA")


@pytest.fixture
def merge_target(db):
    return file(title="Jalan berlubang juga")[0]


class World:
    """Actors and complaints of one test, made on first use from the conftest fixtures."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return self._request.getfixturevalue(name)

    def complaint(self, stage, **filing):
        c, _key = complaint_in(
            stage, verifier=self.verifier, handler=self.officer, opd=self.pupr, **filing
        )
        return c

    def prepare(self, action):
        """Make what the action needs beyond the complaint before counting events."""
        needs = {"merge": "merge_target", "assign": "officer2_user"}
        if action in needs:
            self._request.getfixturevalue(needs[action])

    def actor(self, who, c):
        if who == "reporter":
            return ANONYMOUS.with_access_key_for(c)
        return self._request.getfixturevalue(who)


@pytest.fixture
def w(request):
    return World(request)


def tiny_photo():
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "JPEG")
    return prepare(SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"))


# One call per action of MOVES, with valid inputs.
PERFORM = {
    "dispatch": lambda c, a, w: lifecycle.dispatch(c, actor=a, opd=w.pupr),
    "reject": lambda c, a, w: lifecycle.reject(c, actor=a, reason="Bukan wewenang Pemkab."),
    "merge": lambda c, a, w: lifecycle.merge(c, actor=a, into=w.merge_target),
    "acknowledge": lambda c, a, w: lifecycle.acknowledge(c, actor=a),
    "respond": lambda c, a, w: lifecycle.respond(c, actor=a, message="Tim akan ke lokasi."),
    "note": lambda c, a, w: lifecycle.respond(c, actor=a, message="Cek anggaran.", public=False),
    "request_info": lambda c, a, w: lifecycle.request_info(c, actor=a, message="Mohon foto."),
    "resolve": lambda c, a, w: lifecycle.resolve(c, actor=a, resolution="Sudah ditambal."),
    "return": lambda c, a, w: lifecycle.return_complaint(c, actor=a, reason="Jalan provinsi."),
    "assign": lambda c, a, w: lifecycle.assign(c, actor=a, assignee=w.officer2_user),
    "comment": lambda c, a, w: lifecycle.comment(c, actor=a, message="Makin parah."),
    "provide_info": lambda c, a, w: lifecycle.comment(c, actor=a, message="Foto terlampir."),
    "rate": lambda c, a, w: lifecycle.rate(c, actor=a, score=5, comment="Terima kasih"),
    "reopen": lambda c, a, w: lifecycle.reopen(c, actor=a, reason="Lubang muncul lagi."),
    "auto_close": lambda c, a, w: lifecycle.auto_close(c, actor=a),
    "expire_info_request": lambda c, a, w: lifecycle.expire_info_request(c, actor=a),
    "attach_photo": lambda c, a, w: lifecycle.attach_photo(c, actor=a, photo=tiny_photo()),
}

# Every arrow of SPEC §4 as MOVES implements it: (action, from, to, event action, public event).
ARROWS = [
    ("dispatch", "submitted", "dispatched", "dispatched", True),
    ("reject", "submitted", "rejected", "rejected", True),
    ("merge", "submitted", "merged", "merged", True),
    ("acknowledge", "dispatched", "in_progress", "acknowledged", True),
    ("respond", "dispatched", "in_progress", "responded", True),
    ("respond", "in_progress", "in_progress", "responded", True),
    ("request_info", "dispatched", "info_requested", "info_requested", True),
    ("request_info", "in_progress", "info_requested", "info_requested", True),
    ("provide_info", "info_requested", "in_progress", "info_provided", True),
    ("resolve", "in_progress", "resolved", "resolved", True),
    ("return", "dispatched", "submitted", "returned", False),
    ("assign", "dispatched", "dispatched", "assigned", False),
    ("assign", "in_progress", "in_progress", "assigned", False),
    ("assign", "info_requested", "info_requested", "assigned", False),
    ("note", "submitted", "submitted", "note", False),
    ("note", "dispatched", "dispatched", "note", False),
    ("note", "in_progress", "in_progress", "note", False),
    ("note", "info_requested", "info_requested", "note", False),
    ("note", "resolved", "resolved", "note", False),
    ("comment", "submitted", "submitted", "commented", True),
    ("comment", "dispatched", "dispatched", "commented", True),
    ("comment", "in_progress", "in_progress", "commented", True),
    ("comment", "resolved", "resolved", "commented", True),
    ("rate", "resolved", "closed", "rated", True),
    ("reopen", "resolved", "in_progress", "reopened", True),
    ("auto_close", "resolved", "closed", "auto_closed", True),
    ("expire_info_request", "info_requested", "rejected", "expired", True),
    *[
        ("attach_photo", s, s, "photo_added", True)
        for s in ("submitted", "dispatched", "in_progress", "info_requested", "resolved")
    ],
]

# Who may take each action on a complaint of PUPR in Kuta (SPEC §1, §4).
ALLOWED = {
    "dispatch": {"verifier", "system"},
    "reject": {"verifier"},
    "merge": {"verifier"},
    "acknowledge": {"officer", "head"},
    "respond": {"officer", "head"},
    "note": {"officer", "head", "verifier"},
    "request_info": {"officer", "head"},
    "resolve": {"officer", "head"},
    "return": {"officer", "head"},
    "assign": {"officer", "head"},
    "comment": {"reporter"},
    "provide_info": {"reporter"},
    "rate": {"reporter"},
    "reopen": {"reporter"},
    "auto_close": {"system"},
    "expire_info_request": {"system"},
    "attach_photo": {"officer", "head", "reporter"},
}
SOURCE = {
    "dispatch": "submitted",
    "reject": "submitted",
    "merge": "submitted",
    "acknowledge": "dispatched",
    "respond": "in_progress",
    "note": "in_progress",
    "request_info": "in_progress",
    "resolve": "in_progress",
    "return": "dispatched",
    "assign": "in_progress",
    "comment": "in_progress",
    "provide_info": "info_requested",
    "rate": "resolved",
    "reopen": "resolved",
    "auto_close": "resolved",
    "expire_info_request": "info_requested",
    "attach_photo": "in_progress",
}
# camat: the Kuta office, whose kecamatan the complaint is in but whose OPD does not handle it;
# citizen: logged in, not the reporter.
ACTORS = [
    "verifier",
    "officer",
    "head",
    "other_officer",
    "camat",
    "camat_mengwi",
    "leadership",
    "citizen",
    "anonymous",
    "reporter",
    "system",
]
BY = {"reporter": Event.By.REPORTER, "system": Event.By.SYSTEM}
OPD_ACTIONS = ["acknowledge", "respond", "note", "request_info", "resolve", "return", "assign"]


def first_allowed(action):
    # Someone who may act in every source status of the action.
    return {"note": "verifier", "attach_photo": "reporter"}.get(action, sorted(ALLOWED[action])[0])


# The table itself ------------------------------------------------------------------------


def test_every_arrow_of_moves_is_tested():
    implemented = {(a, s) for a, (sources, _to, _roles) in lifecycle.MOVES.items() for s in sources}
    assert implemented == {(a, s) for a, s, *_ in ARROWS}
    assert set(PERFORM) == set(ALLOWED) == set(SOURCE) == set(lifecycle.MOVES)


@pytest.mark.parametrize(("action", "stage", "to", "_event", "_public"), ARROWS)
def test_moves_table_targets_the_spec_status(action, stage, to, _event, _public):
    target = lifecycle.MOVES[action][1]
    assert (target or stage) == to


# Every arrow: status, one event --------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "stage", "to", "event_action", "public"),
    ARROWS,
    ids=[f"{a}-from-{s}" for a, s, *_ in ARROWS],
)
def test_arrow_moves_status_and_appends_exactly_one_event(
    w, action, stage, to, event_action, public
):
    c = w.complaint(stage)
    who = first_allowed(action)
    actor = w.actor(who, c)
    w.prepare(action)
    before = set(c.events.values_list("pk", flat=True))
    total = Event.objects.count()

    PERFORM[action](c, actor, w)

    c = fresh(c)
    assert c.status == to
    assert Event.objects.count() == total + 1
    (event,) = c.events.exclude(pk__in=before)
    assert event.action == event_action
    assert (event.from_status, event.to_status) == (stage, to)
    assert event.is_public is public
    assert event.by == BY.get(who, Event.By.STAFF)
    assert event.actor == actor.user


@pytest.mark.parametrize(
    ("action", "who"), [(a, who) for a in ALLOWED for who in sorted(ALLOWED[a])]
)
def test_allowed_actor_may_take_the_action(w, action, who):
    c = w.complaint(SOURCE[action])
    actor = w.actor(who, c)
    count = c.events.count()

    PERFORM[action](c, actor, w)

    c = fresh(c)
    assert c.events.count() == count + 1
    assert last_event(c).by == BY.get(who, Event.By.STAFF)


@pytest.mark.parametrize(
    ("action", "who"), [(a, who) for a in ALLOWED for who in ACTORS if who not in ALLOWED[a]]
)
def test_others_may_not_take_the_action(w, action, who):
    c = w.complaint(SOURCE[action])
    actor = w.actor(who, c)
    count = c.events.count()

    with pytest.raises(NotAllowed):
        PERFORM[action](c, actor, w)

    c = fresh(c)
    assert c.status == SOURCE[action]
    assert c.events.count() == count


def test_officer_of_other_opd_may_not_acknowledge(w):
    c = w.complaint("dispatched")
    with pytest.raises(NotAllowed):
        lifecycle.acknowledge(c, actor=w.other_officer)


def test_reporter_with_an_account_is_recognised_without_access_key(w, citizen):
    c = w.complaint("resolved", actor=citizen)
    assert c.reporter == citizen.user

    lifecycle.rate(c, actor=citizen, score=4)

    event = last_event(c)
    assert (event.by, event.actor) == (Event.By.REPORTER, citizen.user)


def test_access_key_of_another_complaint_does_not_make_a_reporter(w):
    c = w.complaint("resolved")
    other, _ = file()
    with pytest.raises(NotAllowed):
        lifecycle.rate(c, actor=ANONYMOUS.with_access_key_for(other), score=5)


# Forbidden moves ---------------------------------------------------------------------------

FORBIDDEN = [
    ("dispatch", "dispatched", "verifier"),
    ("dispatch", "in_progress", "verifier"),
    ("dispatch", "closed", "verifier"),
    ("dispatch", "rejected", "verifier"),
    ("dispatch", "merged", "verifier"),
    ("reject", "in_progress", "verifier"),
    ("reject", "closed", "verifier"),
    ("merge", "dispatched", "verifier"),
    ("merge", "rejected", "verifier"),
    ("acknowledge", "in_progress", "officer"),
    ("acknowledge", "resolved", "officer"),
    ("acknowledge", "closed", "head"),
    ("respond", "info_requested", "officer"),
    ("respond", "resolved", "officer"),
    ("respond", "closed", "officer"),
    ("request_info", "info_requested", "officer"),
    ("request_info", "resolved", "officer"),
    ("resolve", "dispatched", "officer"),
    ("resolve", "info_requested", "officer"),
    ("resolve", "resolved", "officer"),
    ("resolve", "closed", "head"),
    ("return", "in_progress", "officer"),
    ("return", "info_requested", "officer"),
    ("return", "closed", "officer"),
    ("assign", "resolved", "head"),
    ("assign", "closed", "head"),
    ("note", "closed", "officer"),
    ("note", "rejected", "verifier"),
    ("note", "merged", "verifier"),
    ("comment", "closed", "reporter"),
    ("comment", "rejected", "reporter"),
    ("comment", "merged", "reporter"),
    ("rate", "submitted", "reporter"),
    ("rate", "in_progress", "reporter"),
    ("rate", "closed", "reporter"),
    ("reopen", "in_progress", "reporter"),
    ("reopen", "closed", "reporter"),
    ("auto_close", "in_progress", "system"),
    ("auto_close", "closed", "system"),
    ("expire_info_request", "in_progress", "system"),
    ("expire_info_request", "rejected", "system"),
]


@pytest.mark.parametrize(("action", "stage", "who"), FORBIDDEN)
def test_forbidden_move_is_an_illegal_move_and_changes_nothing(w, action, stage, who):
    c = w.complaint(stage)
    count = c.events.count()

    with pytest.raises(IllegalMove):
        PERFORM[action](c, w.actor(who, c), w)

    c = fresh(c)
    assert c.status == stage
    assert c.events.count() == count


def test_illegal_move_answers_409_and_names_the_status(w):
    c = w.complaint("closed")
    with pytest.raises(IllegalMove) as error:
        lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr)
    assert error.value.status_code == 409
    assert "dispatch" in error.value.message


def test_nobody_at_an_opd_may_resolve_a_submitted_complaint(w):
    # Roles are checked before the status: a submitted complaint has no OPD, so no handler.
    c = w.complaint("submitted")
    with pytest.raises(NotAllowed):
        lifecycle.resolve(c, actor=w.officer, resolution="Sudah.")
    assert fresh(c).status == "submitted"


# Required inputs ---------------------------------------------------------------------------

L = lifecycle
EMPTY_INPUTS = {  # id: (stage, who, action, inputs, field named in the error)
    "reject-reason": ("submitted", "verifier", L.reject, {"reason": ""}, "reason"),
    "reject-blank-reason": ("submitted", "verifier", L.reject, {"reason": " \n"}, "reason"),
    "dispatch-opd": ("submitted", "verifier", L.dispatch, {"opd": None}, "opd"),
    "merge-into": ("submitted", "verifier", L.merge, {"into": None}, "into"),
    "respond-message": ("in_progress", "officer", L.respond, {"message": ""}, "message"),
    "note-message": (
        "in_progress",
        "officer",
        L.respond,
        {"message": " ", "public": False},
        "message",
    ),
    "request-info-message": ("in_progress", "officer", L.request_info, {"message": ""}, "message"),
    "resolve-resolution": ("in_progress", "officer", L.resolve, {"resolution": ""}, "resolution"),
    "resolve-no-resolution": (
        "in_progress",
        "officer",
        L.resolve,
        {"resolution": None},
        "resolution",
    ),
    "return-reason": ("dispatched", "officer", L.return_complaint, {"reason": ""}, "reason"),
    "assign-assignee": ("in_progress", "officer", L.assign, {"assignee": None}, "username"),
    "comment-message": ("in_progress", "reporter", L.comment, {"message": ""}, "message"),
    "provide-info-message": ("info_requested", "reporter", L.comment, {"message": ""}, "message"),
    "reopen-reason": ("resolved", "reporter", L.reopen, {"reason": ""}, "reason"),
    "rate-score": ("resolved", "reporter", L.rate, {"score": None}, "score"),
}


@pytest.mark.parametrize(
    ("stage", "who", "action", "inputs", "field"),
    list(EMPTY_INPUTS.values()),
    ids=list(EMPTY_INPUTS),
)
def test_missing_input_is_invalid_and_changes_nothing(w, stage, who, action, inputs, field):
    c = w.complaint(stage)
    count = c.events.count()

    with pytest.raises(InvalidInput) as error:
        action(c, actor=w.actor(who, c), **inputs)

    assert error.value.field == field
    assert error.value.status_code == 400
    c = fresh(c)
    assert c.status == stage
    assert c.events.count() == count


@pytest.mark.parametrize(
    ("title", "description", "field"), [("", "x", "title"), ("x", " ", "description")]
)
def test_filing_needs_a_title_and_a_description(title, description, field):
    with pytest.raises(InvalidInput) as error:
        file(title=title, description=description)
    assert error.value.field == field
    assert not Complaint.objects.exists()


def test_dispatch_to_an_inactive_opd_is_invalid(w, dlhk):
    dlhk.is_active = False
    dlhk.save()
    c = w.complaint("submitted")
    with pytest.raises(InvalidInput) as error:
        lifecycle.dispatch(c, actor=w.verifier, opd=dlhk)
    assert error.value.field == "opd"
    assert fresh(c).status == "submitted"


# Filing: access key, tracking code, routing ----------------------------------------------


def test_access_key_is_stored_only_as_its_sha256_digest():
    c, key = file()
    assert len(key) >= 22  # at least 128 bits of url-safe base64
    row = Complaint.objects.filter(pk=c.pk).values().get()
    assert row["access_key_digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert not any(key in str(value) for value in row.values())


def test_check_access_key_accepts_the_right_key_and_refuses_others():
    c, key = file()
    _other, other_key = file()
    c = Complaint.objects.get(pk=c.pk)
    assert c.check_access_key(key)
    assert not c.check_access_key(other_key)
    assert not c.check_access_key(key.upper() if key != key.upper() else key.lower())
    assert not c.check_access_key(key[:-1])
    assert not c.check_access_key("")
    assert not c.check_access_key(None)
    assert not c.check_access_key(c.access_key_digest)


def test_filing_gives_a_readable_tracking_code_and_one_public_event():
    codes = set()
    for _ in range(3):
        c, _key = file()
        assert TRACKING_CODE.match(c.tracking_code)
        codes.add(c.tracking_code)
        (event,) = c.events.all()
        assert (event.action, event.to_status, event.by) == ("filed", "submitted", "reporter")
        assert event.is_public
    assert len(codes) == 3


def test_tracking_code_collision_draws_a_new_code():
    draws = ["BDG-7K3M9Q", "BDG-7K3M9Q", "BDG-8H4N2R"]
    with patch("complaints.lifecycle._new_tracking_code", side_effect=draws):
        first, _ = file()
        second, _ = file(title="Sampah menumpuk")
    assert first.tracking_code == "BDG-7K3M9Q"
    assert second.tracking_code == "BDG-8H4N2R"
    assert Complaint.objects.count() == 2
    assert second.events.count() == 1


def test_filing_gives_up_when_every_draw_collides():
    file()
    taken = Complaint.objects.get().tracking_code
    with (
        patch("complaints.lifecycle._new_tracking_code", return_value=taken),
        pytest.raises(IntegrityError),
    ):
        file()
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("desa", "opd"),
    [("51.03.01.1002", "KEC_KUTA"), ("51.03.02.1004", "KEC_MENGWI"), (None, "DISBUD")],
)
def test_filing_suggests_the_opd_of_the_routing_rules_and_waits_for_verification(desa, opd):
    c, _ = file(category="kegiatan_adat_upacara", desa=desa, title="Ogoh-ogoh tutup jalan")
    assert c.suggested_opd.code == opd
    assert c.status == "submitted"
    assert c.current_opd is None
    assert c.events.count() == 1


def test_filing_suggests_category_default_opd_without_kecamatan_rule():
    c, _ = file(category="jalan_rusak")
    assert c.suggested_opd.code == "PUPR"


CEREMONY = {
    "title": "Jalan ditutup untuk upacara ngaben",
    "description": "Pecalang menutup jalan untuk prosesi ngaben seharian tanpa pemberitahuan.",
}


def test_auto_dispatch_sends_the_complaint_to_the_suggested_opd_at_once(settings, router_model):
    # The router (tests/complaints/conftest.py) agrees with the citizen's category.
    settings.PORTAL_AUTO_DISPATCH = True
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.status == "dispatched"
    assert c.current_opd.code == "KEC_KUTA"
    assert c.first_response_due is not None
    assert list(c.events.values_list("action", "by")) == [
        ("filed", "reporter"),
        ("dispatched", "system"),
    ]


def test_auto_dispatch_without_a_suggestion_leaves_the_complaint_for_the_verifier(settings):
    settings.PORTAL_AUTO_DISPATCH = True
    c, _ = file(category=None)
    assert c.suggested_opd is None
    assert fresh(c).status == "submitted"


def test_inactive_kecamatan_office_falls_back_to_the_general_rule(settings, kec_kuta, router_model):
    settings.PORTAL_AUTO_DISPATCH = True
    kec_kuta.is_active = False
    kec_kuta.save()
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.status == "dispatched"
    assert c.current_opd.code == "DISBUD"


def test_auto_dispatch_with_no_active_opd_keeps_the_complaint_submitted(settings):
    settings.PORTAL_AUTO_DISPATCH = True
    Opd.objects.filter(code__in=["KEC_KUTA", "DISBUD"]).update(is_active=False)
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002")
    c = fresh(c)
    assert c.status == "submitted"
    assert c.suggested_opd is None


# Single actions in detail ------------------------------------------------------------------


def test_dispatch_records_the_opd_and_may_correct_category_and_desa(w, desa_mengwi):
    c = w.complaint("submitted")
    pju = Category.objects.get(code="pju_mati")

    lifecycle.dispatch(
        c, actor=w.verifier, opd=w.dlhk, category=pju, desa=desa_mengwi, note="Salah kategori"
    )

    c = fresh(c)
    assert (c.current_opd, c.category, c.sector) == (w.dlhk, pju, pju.sector)
    assert (c.desa, c.kecamatan) == (desa_mengwi, desa_mengwi.kecamatan)
    assert c.dispatched_at is not None
    event = last_event(c)
    assert (event.opd, event.internal_note, event.public_text) == (w.dlhk, "Salah kategori", "")


def test_reject_keeps_the_reason_public_and_closes(w):
    c = w.complaint("submitted")
    lifecycle.reject(c, actor=w.verifier, reason="  Iklan  ")
    c = fresh(c)
    assert c.closed_at is not None
    assert last_event(c).public_text == "Iklan"


def test_acknowledge_and_respond_set_first_response_once(w):
    c = w.complaint("dispatched")
    assert c.first_response_at is None
    with at(2026, 2, 3):
        lifecycle.acknowledge(c, actor=w.officer)
    with at(2026, 2, 4):
        lifecycle.respond(c, actor=w.head, message="Dijadwalkan minggu depan.")
    c = fresh(c)
    assert c.first_response_at == wita(2026, 2, 3, 10)
    event = last_event(c)
    assert (event.public_text, event.opd, event.actor_label) == (
        "Dijadwalkan minggu depan.",
        w.pupr,
        "head_pupr",
    )


def test_respond_to_a_dispatched_complaint_counts_as_first_response(w):
    c = w.complaint("dispatched")
    lifecycle.respond(c, actor=w.officer, message="Kami tangani.")
    c = fresh(c)
    assert c.status == "in_progress"
    assert c.first_response_at is not None


def test_internal_note_stays_internal_and_keeps_the_status(w):
    c = w.complaint("in_progress")
    lifecycle.respond(c, actor=w.officer, message="Menunggu alat berat.", public=False)
    c = fresh(c)
    event = last_event(c)
    assert (event.action, event.is_public) == ("note", False)
    assert (event.internal_note, event.public_text) == ("Menunggu alat berat.", "")
    assert c.status == "in_progress"


def test_verifier_may_note_a_submitted_complaint(w):
    c = w.complaint("submitted")
    lifecycle.add_note(c, actor=w.verifier, note="Kemungkinan duplikat.")
    event = last_event(c)
    assert (event.action, event.is_public, event.by) == ("note", False, "staff")


def test_return_clears_the_opd_and_keeps_it_on_the_event(w, dlhk):
    c = w.complaint("dispatched")
    lifecycle.assign(c, actor=w.officer, assignee=w.officer2_user)

    lifecycle.return_complaint(c, actor=w.officer, reason="Ini jalan provinsi.")

    c = fresh(c)
    assert c.status == "submitted"
    assert c.current_opd is None
    assert c.assignee is None
    assert c.dispatched_at is None
    assert (c.first_response_due, c.resolution_due) == (None, None)
    event = last_event(c)
    assert (event.action, event.opd, event.is_public) == ("returned", w.pupr, False)
    assert (event.internal_note, event.public_text) == ("Ini jalan provinsi.", "")


def test_returns_are_countable_per_opd(w, dlhk, other_officer):
    c = w.complaint("dispatched")
    lifecycle.return_complaint(c, actor=w.officer, reason="Bukan PUPR.")
    lifecycle.dispatch(c, actor=w.verifier, opd=dlhk)
    lifecycle.return_complaint(c, actor=other_officer, reason="Bukan DLHK.")
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr)
    lifecycle.return_complaint(c, actor=w.head, reason="Tetap bukan PUPR.")

    returns = Event.objects.filter(complaint=c, action="returned")
    assert returns.filter(opd=w.pupr).count() == 2
    assert returns.filter(opd=dlhk).count() == 1


def test_merge_carries_supporters_over_plus_the_reporter(w, merge_target):
    c = w.complaint("submitted")
    for person in ("a", "b", "both"):
        lifecycle.support(c, actor=ANONYMOUS, fingerprint=person)
    for person in ("both", "c"):
        lifecycle.support(merge_target, actor=ANONYMOUS, fingerprint=person)
    target_events = merge_target.events.count()

    lifecycle.merge(fresh(c), actor=w.verifier, into=merge_target)

    c, merge_target = fresh(c), fresh(merge_target)
    # a, b, both, c, and the duplicate's reporter: the shared supporter counts once.
    assert merge_target.supporters_count == 5
    assert c.merged_into == merge_target
    assert c.closed_at is not None
    assert merge_target.status == "submitted"
    assert merge_target.events.count() == target_events
    assert not lifecycle.support(merge_target, actor=ANONYMOUS, fingerprint="a")


def test_merge_into_itself_is_refused(w):
    c = w.complaint("submitted")
    with pytest.raises(InvalidInput) as error:
        lifecycle.merge(c, actor=w.verifier, into=c)
    assert error.value.field == "into"
    assert fresh(c).status == "submitted"


@pytest.mark.parametrize("target_stage", ["closed", "rejected", "merged"])
def test_merge_into_a_finished_complaint_is_refused(w, target_stage):
    target = w.complaint(target_stage)
    c = w.complaint("submitted")
    supporters = target.supporters_count

    with pytest.raises(InvalidInput) as error:
        lifecycle.merge(c, actor=w.verifier, into=target)

    assert error.value.field == "into"
    assert fresh(c).status == "submitted"
    assert fresh(target).supporters_count == supporters


@pytest.mark.parametrize("target_stage", ["dispatched", "in_progress", "info_requested"])
def test_merge_into_an_open_complaint_being_handled(w, target_stage):
    target = w.complaint(target_stage)
    c = w.complaint("submitted")
    lifecycle.merge(c, actor=w.verifier, into=target)
    assert fresh(c).merged_into == target


def test_provide_info_resumes_handling(w):
    c = w.complaint("info_requested")
    assert c.paused_at is not None
    lifecycle.comment(c, actor=w.actor("reporter", c), message="Lokasi di depan pura.")
    c = fresh(c)
    assert (c.status, c.paused_at) == ("in_progress", None)
    assert last_event(c).public_text == "Lokasi di depan pura."


def test_comment_keeps_the_status(w):
    c = w.complaint("dispatched")
    lifecycle.comment(c, actor=w.actor("reporter", c), message="Sudah ada korban jatuh.")
    c = fresh(c)
    assert c.status == "dispatched"
    event = last_event(c)
    assert (event.action, event.by, event.actor) == ("commented", "reporter", None)


def test_resolve_records_the_public_resolution(w):
    c = w.complaint("in_progress")
    with at(2026, 2, 5):
        lifecycle.resolve(c, actor=w.officer, resolution="Jalan sudah diaspal ulang.")
    c = fresh(c)
    assert c.resolved_at == wita(2026, 2, 5, 10)
    event = last_event(c)
    assert (event.public_text, event.is_public) == ("Jalan sudah diaspal ulang.", True)


@pytest.mark.parametrize("score", [1, 3, 5, "4"])
def test_rate_accepts_scores_from_one_to_five_and_closes(w, score):
    c = w.complaint("resolved")
    lifecycle.rate(c, actor=w.actor("reporter", c), score=score, comment=" Cepat! ")
    c = fresh(c)
    assert (c.status, c.rating, c.rating_comment) == ("closed", int(score), "Cepat!")
    assert c.closed_at is not None


@pytest.mark.parametrize("score", [0, 6, -1, 10, "lima", "", None])
def test_rate_refuses_scores_outside_one_to_five(w, score):
    c = w.complaint("resolved")
    with pytest.raises(InvalidInput) as error:
        lifecycle.rate(c, actor=w.actor("reporter", c), score=score)
    assert error.value.field == "score"
    c = fresh(c)
    assert (c.status, c.rating) == ("resolved", None)


def test_auto_close_and_expiry_set_closed_at(w, system):
    resolved = w.complaint("resolved")
    waiting = w.complaint("info_requested")
    lifecycle.auto_close(resolved, actor=system)
    lifecycle.expire_info_request(waiting, actor=system)
    resolved, waiting = fresh(resolved), fresh(waiting)
    assert (resolved.status, waiting.status) == ("closed", "rejected")
    assert resolved.closed_at is not None
    assert waiting.closed_at is not None
    assert waiting.paused_at is None


# Reopen window (10 working days of resolution) ---------------------------------------------


def resolved_on(w, year, month, day):
    c = w.complaint("in_progress")
    with at(year, month, day):
        lifecycle.resolve(c, actor=w.officer, resolution="Sudah ditambal.")
    return fresh(c)


@pytest.mark.parametrize(
    "reopen_day",
    [
        datetime.date(2026, 2, 2),  # same day
        datetime.date(2026, 2, 13),  # 9th working day
        datetime.date(2026, 2, 18),  # 10th: 16-17 Feb are Lunar New Year days off
    ],
)
def test_reporter_may_reopen_within_ten_working_days(w, reopen_day):
    c = resolved_on(w, 2026, 2, 2)
    with at(reopen_day.year, reopen_day.month, reopen_day.day):
        lifecycle.reopen(c, actor=w.actor("reporter", c), reason="Lubang muncul lagi.")
    c = fresh(c)
    assert (c.status, c.resolved_at) == ("in_progress", None)
    assert last_event(c).public_text == "Lubang muncul lagi."


@pytest.mark.parametrize("reopen_day", [datetime.date(2026, 2, 19), datetime.date(2026, 4, 1)])
def test_reporter_may_not_reopen_after_ten_working_days(w, reopen_day):
    c = resolved_on(w, 2026, 2, 2)
    with (
        at(reopen_day.year, reopen_day.month, reopen_day.day),
        pytest.raises(IllegalMove),
    ):
        lifecycle.reopen(c, actor=w.actor("reporter", c), reason="Lubang muncul lagi.")
    assert fresh(c).status == "resolved"


def test_reopen_window_follows_resolved_at(w):
    c = w.complaint("resolved")
    Complaint.objects.filter(pk=c.pk).update(
        resolved_at=c.resolved_at - datetime.timedelta(days=30)
    )
    with pytest.raises(IllegalMove):
        lifecycle.reopen(c, actor=w.actor("reporter", c), reason="Belum beres.")


# Assign ------------------------------------------------------------------------------------


def test_assign_to_a_colleague_of_the_handling_opd(w):
    c = w.complaint("in_progress")
    lifecycle.assign(c, actor=w.head, assignee=w.officer2_user)
    c = fresh(c)
    assert c.assignee == w.officer2_user
    event = last_event(c)
    assert event.is_public is False
    assert "officer2_pupr" in event.internal_note


@pytest.mark.parametrize("who", ["other_officer_user", "citizen_user", "verifier_user"])
def test_assign_only_to_someone_who_works_for_the_handling_opd(w, who):
    c = w.complaint("in_progress")
    with pytest.raises(InvalidInput) as error:
        lifecycle.assign(c, actor=w.officer, assignee=getattr(w, who))
    assert error.value.field == "username"
    assert fresh(c).assignee is None


def test_assignee_may_then_handle_the_complaint(w):
    c = w.complaint("in_progress")
    lifecycle.assign(c, actor=w.head, assignee=w.officer2_user)
    lifecycle.resolve(c, actor=actor_for(w.officer2_user), resolution="Beres.")
    assert fresh(c).status == "resolved"


# Camat office as an OPD --------------------------------------------------------------------


def adat(w, stage):
    """A ceremony complaint in Kuta, dispatched to the Kuta kecamatan office."""
    c, _key = complaint_in(
        stage,
        verifier=w.verifier,
        handler=w.camat,
        opd=w.kec_kuta,
        category="kegiatan_adat_upacara",
        title="Ogoh-ogoh menutup jalan",
    )
    return c


def test_camat_office_is_an_opd_of_its_kecamatan(camat, kec_kuta):
    assert kec_kuta.kecamatan.code == "51.03.01"
    assert camat.works_for(kec_kuta.pk)


@pytest.mark.parametrize("action", OPD_ACTIONS)
def test_camat_handles_complaints_dispatched_to_its_office(w, action, camat):
    c = adat(w, SOURCE[action])
    if action == "assign":
        lifecycle.assign(c, actor=camat, assignee=w.camat_user)
    else:
        PERFORM[action](c, camat, w)
    assert last_event(c).by == "staff"


@pytest.mark.parametrize("action", OPD_ACTIONS)
@pytest.mark.parametrize("who", ["camat_mengwi", "officer"])
def test_camat_of_another_kecamatan_or_an_opd_may_not_handle_it(w, action, who):
    c = adat(w, SOURCE[action])
    with pytest.raises(NotAllowed):
        PERFORM[action](c, getattr(w, who), w)


def test_camat_may_not_assign_a_complaint_to_another_kecamatan(w, camat, camat_mengwi):
    c = adat(w, "in_progress")
    with pytest.raises(InvalidInput):
        lifecycle.assign(c, actor=camat, assignee=camat_mengwi.user)


# Deadlines (SPEC §5) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (wita(2026, 2, 2), datetime.date(2026, 2, 5)),  # an ordinary week
        (wita(2026, 2, 5), datetime.date(2026, 2, 10)),  # over a weekend
        (wita(2026, 3, 16), datetime.date(2026, 3, 26)),  # Nyepi and Idul Fitri days off
    ],
)
def test_verification_is_due_three_working_days_after_filing(filed, due):
    c, _ = file(now=filed)
    assert c.verification_due == due


def test_verification_due_follows_the_bali_date_not_utc():
    # 23:00 UTC on Sunday is already 07:00 on Monday in Bali.
    c, _ = file(now=datetime.datetime(2026, 2, 1, 23, tzinfo=datetime.UTC))
    assert c.verification_due == datetime.date(2026, 2, 5)


def test_dispatch_sets_first_response_and_resolution_deadlines(w):
    c = w.complaint("submitted")
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr, now=wita(2026, 2, 2))
    c = fresh(c)
    assert c.first_response_due == datetime.date(2026, 2, 9)  # +5 working days
    # jalan_rusak: 14 working days; 16-17 Feb 2026 are Lunar New Year days off.
    assert c.resolution_due == datetime.date(2026, 2, 24)


def test_resolution_deadline_follows_the_category_target(w):
    c = w.complaint("submitted", category="pju_mati")  # 5 working days
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr, now=wita(2026, 2, 2))
    assert fresh(c).resolution_due == datetime.date(2026, 2, 9)


def test_resolution_deadline_is_never_beyond_sixty_days(w, jalan_rusak):
    jalan_rusak.target_working_days = 60
    jalan_rusak.save()
    c = w.complaint("submitted")
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr, now=wita(2026, 2, 2))
    assert fresh(c).resolution_due == datetime.date(2026, 4, 3)


def test_return_restarts_verification(w):
    c = w.complaint("submitted")
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr, now=wita(2026, 2, 2))
    with at(2026, 2, 4):
        lifecycle.return_complaint(c, actor=w.officer, reason="Bukan PUPR.")
    assert fresh(c).verification_due == datetime.date(2026, 2, 9)


@pytest.mark.parametrize(
    ("asked", "answered", "paused", "resolution_due"),
    [
        # 5, 6, 9, 10, 11 Feb: five working days; 24 Feb + 5 = 3 Mar.
        (datetime.date(2026, 2, 4), datetime.date(2026, 2, 11), 5, datetime.date(2026, 3, 3)),
        # Fri 13 to Wed 18 Feb: weekend and Lunar New Year off, one working day.
        (datetime.date(2026, 2, 13), datetime.date(2026, 2, 18), 1, datetime.date(2026, 2, 25)),
        # Answered the same day: nothing to add.
        (datetime.date(2026, 2, 4), datetime.date(2026, 2, 4), 0, datetime.date(2026, 2, 24)),
    ],
)
def test_request_info_pauses_and_provide_info_moves_deadlines_later(
    w, asked, answered, paused, resolution_due
):
    assert calendar.working_days_between(asked, answered) == paused
    c = w.complaint("submitted")
    lifecycle.dispatch(c, actor=w.verifier, opd=w.pupr, now=wita(2026, 2, 2))
    with at(2026, 2, 3):
        lifecycle.acknowledge(c, actor=w.officer)
    with at(asked.year, asked.month, asked.day, 10):
        lifecycle.request_info(c, actor=w.officer, message="Mohon titik lokasi.")
    c = fresh(c)
    assert c.paused_at == wita(asked.year, asked.month, asked.day, 10)
    assert c.resolution_due == datetime.date(2026, 2, 24)

    with at(answered.year, answered.month, answered.day, 15):
        lifecycle.comment(c, actor=w.actor("reporter", c), message="Di depan Pura Desa.")

    c = fresh(c)
    assert c.paused_at is None
    assert c.resolution_due == resolution_due
    assert c.first_response_due == datetime.date(2026, 2, 9)  # already met on 3 Feb


def test_request_info_on_a_dispatched_complaint_counts_as_first_response(w):
    c = w.complaint("dispatched")
    with at(2026, 2, 3):
        lifecycle.request_info(c, actor=w.officer, message="Mohon foto.")
    c = fresh(c)
    assert c.first_response_at == wita(2026, 2, 3, 10)
    assert c.paused_at == wita(2026, 2, 3, 10)
