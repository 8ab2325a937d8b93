"""Staff and reporter actions of the complaints API (SPEC §4, §8.1)."""

import datetime
import json
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from rest_framework.authtoken.models import Token

from complaints.models import Complaint, Event, Supporter
from tests.factories import complaint_in

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
WITA = ZoneInfo("Asia/Makassar")
CONTRACT_FIELDS = {
    "tracking_code",
    "kind",
    "title",
    "description",
    "category",
    "sector",
    "desa",
    "kecamatan",
    "status",
    "privacy",
    "channel",
    "opd",
    "created_at",
    "deadlines",
    "escalation_level",
    "supporters",
    "reporter_name",
}


def at(year, month, day, hour=10):
    """Fake the clock of the domain layer (Bali time)."""
    moment = datetime.datetime(year, month, day, hour, tzinfo=WITA)
    return patch("django.utils.timezone.now", return_value=moment)


def act(api, code, action, body=None, *, user=None, key=None, **extra):
    """POST one action as `user` (None: anonymous), with the access key when given."""
    api.force_authenticate(user)
    if key:
        extra["HTTP_X_ACCESS_KEY"] = key
    return api.post(f"{URL}{code}/{action}/", body or {}, format="json", **extra)


def public_timeline(api, code):
    api.force_authenticate(None)
    return api.get(f"{URL}{code}/timeline/").json()


@pytest.fixture
def build(verifier, officer, pupr):
    """A complaint handled by PUPR in the given stage; returns (complaint, access_key)."""

    def build(stage, **filing):
        return complaint_in(stage, verifier=verifier, handler=officer, opd=pupr, **filing)

    return build


def status_of(complaint):
    return Complaint.objects.get(pk=complaint.pk).status


# Happy paths ----------------------------------------------------------------------------------


def test_complaint_goes_from_filing_to_closed_through_the_api(api, verifier, officer):
    with at(2026, 2, 2, 8):
        created = api.post(
            URL,
            {
                "title": "Jalan berlubang di Jalan Kartika",
                "description": "Lubang besar, berbahaya bagi pengendara motor.",
                "desa": "51.03.01.1002",
                "reporter_email": "wayan@example.org",
            },
            format="json",
        ).json()
    code, key = created["tracking_code"], created["access_key"]

    with at(2026, 2, 2):
        body = act(
            api,
            code,
            "dispatch",
            {"opd": "PUPR", "category": "jalan_rusak", "note": "Jalan kabupaten"},
            user=verifier.user,
        ).json()
    assert body["status"] == "dispatched"
    assert (body["opd"], body["category"], body["sector"]) == (
        "PUPR",
        "jalan_rusak",
        "infrastruktur",
    )
    assert body["deadlines"]["first_response"] == "2026-02-09"
    assert body["deadlines"]["resolution"] == "2026-02-24"

    with at(2026, 2, 3):
        body = act(api, code, "acknowledge", user=officer.user).json()
    assert body["status"] == "in_progress"

    with at(2026, 2, 4):
        response = act(
            api, code, "request-info", {"message": "Mohon foto lokasi."}, user=officer.user
        )
    assert response.json()["status"] == "info_requested"

    # Five working days later the reporter answers: the clock resumes, five days later.
    with at(2026, 2, 11):
        response = act(api, code, "comments", {"message": "Di depan Pura Desa."}, key=key)
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["deadlines"]["resolution"] == "2026-03-03"
    assert Complaint.objects.get(tracking_code=code).paused_at is None

    with at(2026, 2, 12):
        response = act(api, code, "respond", {"message": "Tim akan datang."}, user=officer.user)
    assert response.json()["status"] == "in_progress"
    with at(2026, 2, 13):
        response = act(api, code, "resolve", {"resolution": "Sudah ditambal."}, user=officer.user)
    assert response.json()["status"] == "resolved"

    with at(2026, 2, 16):
        response = act(api, code, "rating", {"score": 5, "comment": "Cepat, terima kasih"}, key=key)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert (body["status"], body["rating"]) == ("closed", 5)
    assert body["reporter_email"] == "wayan@example.org"  # the reporter sees their own contact

    timeline = public_timeline(api, code)
    assert [e["action"] for e in timeline] == [
        "filed",
        "dispatched",
        "acknowledged",
        "info_requested",
        "info_provided",
        "responded",
        "resolved",
        "rated",
    ]
    assert "Jalan kabupaten" not in json.dumps(timeline)  # the dispatch note is internal


def test_reporter_reopens_a_resolved_complaint(api, build):
    c, key = build("resolved")
    response = act(api, c.tracking_code, "reopen", {"reason": "Lubang muncul lagi."}, key=key)
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    reopened = public_timeline(api, c.tracking_code)[-1]
    assert (reopened["action"], reopened["public_text"]) == ("reopened", "Lubang muncul lagi.")


def test_reporter_with_an_account_acts_without_the_key(api, citizen_user, build):
    api.force_authenticate(citizen_user)
    code = api.post(
        URL,
        {"title": "Sampah", "description": "Menumpuk.", "desa": "51.03.01.1002"},
        format="json",
    ).json()["tracking_code"]
    response = act(api, code, "comments", {"message": "Makin banyak."}, user=citizen_user)
    assert response.status_code == 200
    assert Event.objects.filter(complaint__tracking_code=code, action="commented").exists()


def test_verifier_rejects_with_a_public_reason(api, verifier, build):
    c, _ = build("submitted")
    response = act(api, c.tracking_code, "reject", {"reason": "Bukan wewenang"}, user=verifier.user)
    assert response.json()["status"] == "rejected"
    assert public_timeline(api, c.tracking_code)[-1]["public_text"] == "Bukan wewenang"


def test_dispatch_can_correct_category_and_desa(api, verifier, build):
    c, _ = build("submitted")
    response = act(
        api,
        c.tracking_code,
        "dispatch",
        {"opd": "DLHK", "category": "sampah_tidak_terangkut", "desa": "51.03.02.1004"},
        user=verifier.user,
    )
    body = response.json()
    assert (body["opd"], body["category"], body["sector"]) == (
        "DLHK",
        "sampah_tidak_terangkut",
        "lingkungan",
    )
    assert (body["desa"], body["kecamatan"]) == ("51.03.02.1004", "51.03.02")


def test_officer_returns_a_wrongly_routed_complaint(api, officer, build):
    c, _ = build("dispatched")
    response = act(api, c.tracking_code, "return", {"reason": "Jalan nasional"}, user=officer.user)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["opd"]) == ("submitted", None)
    assert body["deadlines"]["first_response"] is None
    assert "Jalan nasional" not in json.dumps(public_timeline(api, c.tracking_code))


def test_returning_a_confidential_complaint_answers_without_private_fields(api, officer, build):
    # Once returned, the complaint leaves the officer's scope; the answer shows the outcome only.
    c, _ = build("dispatched", privacy="confidential")
    response = act(api, c.tracking_code, "return", {"reason": "Salah OPD"}, user=officer.user)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["reporter_name"] is None
    assert body["reporter_email"] is None
    api.force_authenticate(officer.user)
    assert api.get(f"{URL}{c.tracking_code}/").status_code == 404


def test_staff_actions_work_with_token_auth(api, officer, build):
    c, _ = build("dispatched")
    token = Token.objects.create(user=officer.user)
    response = api.post(
        f"{URL}{c.tracking_code.lower()}/acknowledge/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


# Bad bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "who", "action", "body", "field"),
    [
        ("submitted", "verifier", "dispatch", {}, "opd"),
        ("submitted", "verifier", "dispatch", {"opd": "NOPE"}, "opd"),
        ("submitted", "verifier", "dispatch", {"opd": "PUPR", "category": "nope"}, "category"),
        ("submitted", "verifier", "dispatch", {"opd": "PUPR", "desa": "51.03.01.9999"}, "desa"),
        ("submitted", "verifier", "reject", {}, "reason"),
        ("submitted", "verifier", "reject", {"reason": "   "}, "reason"),
        ("submitted", "verifier", "merge", {}, "into"),
        ("submitted", "verifier", "merge", {"into": "BDG-ZZZZZZ"}, "into"),
        ("in_progress", "officer", "request-info", {}, "message"),
        ("in_progress", "officer", "respond", {"message": ""}, "message"),
        ("in_progress", "officer", "respond", {"message": "Ok", "public": "maybe"}, "public"),
        ("in_progress", "officer", "resolve", {}, "resolution"),
        ("dispatched", "officer", "return", {"reason": ""}, "reason"),
        ("in_progress", "officer", "assign", {}, "username"),
        ("in_progress", "officer", "assign", {"username": "nobody"}, "username"),
        ("info_requested", "reporter", "comments", {}, "message"),
        ("resolved", "reporter", "rating", {}, "score"),
        ("resolved", "reporter", "rating", {"score": 0}, "score"),
        ("resolved", "reporter", "rating", {"score": 6}, "score"),
        ("resolved", "reporter", "rating", {"score": "five"}, "score"),
        ("resolved", "reporter", "reopen", {"reason": ""}, "reason"),
    ],
)
def test_bad_body_gives_400_with_field_message_and_changes_nothing(
    api, build, verifier, officer, stage, who, action, body, field
):
    c, key = build(stage)
    events = Event.objects.filter(complaint=c).count()
    user = {"verifier": verifier.user, "officer": officer.user, "reporter": None}[who]
    response = act(
        api, c.tracking_code, action, body, user=user, key=key if who == "reporter" else None
    )
    assert response.status_code == 400
    messages = response.json()[field]
    assert messages
    assert all(isinstance(m, str) and m for m in messages)
    assert status_of(c) == stage
    assert Event.objects.filter(complaint=c).count() == events


def test_merging_a_complaint_into_itself_gives_400(api, verifier, build):
    c, _ = build("submitted")
    response = act(api, c.tracking_code, "merge", {"into": c.tracking_code}, user=verifier.user)
    assert response.status_code == 400
    assert "into" in response.json()


def test_malformed_json_gives_400(api, officer, build):
    c, _ = build("in_progress")
    api.force_authenticate(officer.user)
    response = api.post(
        f"{URL}{c.tracking_code}/respond/", "{oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


# Illegal moves --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "who", "action", "body"),
    [
        ("in_progress", "officer", "acknowledge", {}),  # acknowledged twice
        ("dispatched", "officer", "resolve", {"resolution": "Selesai"}),
        ("in_progress", "officer", "return", {"reason": "Salah OPD"}),
        ("closed", "officer", "respond", {"message": "Halo"}),
        ("dispatched", "verifier", "dispatch", {"opd": "PUPR"}),
        ("in_progress", "verifier", "reject", {"reason": "Spam"}),
        ("dispatched", "verifier", "merge", {"into": "other"}),
        ("in_progress", "reporter", "rating", {"score": 4}),
        ("closed", "reporter", "reopen", {"reason": "Belum beres"}),
        ("closed", "reporter", "comments", {"message": "Halo"}),
    ],
)
def test_illegal_transition_gives_409_with_a_message(
    api, build, verifier, officer, stage, who, action, body
):
    c, key = build(stage)
    if body.get("into") == "other":
        body = {"into": build("submitted")[0].tracking_code}
    user = {"verifier": verifier.user, "officer": officer.user, "reporter": None}[who]
    response = act(
        api, c.tracking_code, action, body, user=user, key=key if who == "reporter" else None
    )
    assert response.status_code == 409
    assert response.json()["detail"]
    assert status_of(c) == stage


def test_acknowledging_twice_gives_409(api, officer, build):
    c, _ = build("dispatched")
    assert act(api, c.tracking_code, "acknowledge", user=officer.user).status_code == 200
    assert act(api, c.tracking_code, "acknowledge", user=officer.user).status_code == 409


# Scope and permissions ------------------------------------------------------------------------


def test_officer_of_another_opd_gets_404_on_a_confidential_complaint(api, other_officer, build):
    c, _ = build("dispatched", privacy="confidential")
    response = act(api, c.tracking_code, "acknowledge", user=other_officer.user)
    assert response.status_code == 404
    assert status_of(c) == "dispatched"


def test_officer_of_another_opd_gets_403_on_a_public_complaint(api, other_officer, build):
    c, _ = build("dispatched")
    response = act(api, c.tracking_code, "acknowledge", user=other_officer.user)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert status_of(c) == "dispatched"


@pytest.mark.parametrize("who", ["leadership", "camat", "anonymous", "citizen"])
def test_who_does_not_handle_the_complaint_gets_403(
    api, build, leadership, camat, citizen_user, who
):
    # Leadership reads everything, the Kuta camat follows the area: neither handles PUPR's case.
    c, _ = build("in_progress")
    user = {
        "leadership": leadership.user,
        "camat": camat.user,
        "anonymous": None,
        "citizen": citizen_user,
    }[who]
    response = act(api, c.tracking_code, "resolve", {"resolution": "Selesai"}, user=user)
    assert response.status_code == 403
    assert status_of(c) == "in_progress"


def test_officer_may_not_do_the_verifiers_work(api, officer, build):
    c, _ = build("submitted")
    response = act(api, c.tracking_code, "dispatch", {"opd": "PUPR"}, user=officer.user)
    assert response.status_code == 403
    assert status_of(c) == "submitted"


def test_anonymous_client_without_key_gets_404_on_a_confidential_complaint(api, build):
    c, _ = build("in_progress", privacy="confidential")
    assert act(api, c.tracking_code, "comments", {"message": "Halo"}).status_code == 404
    assert act(api, c.tracking_code, "support").status_code == 404
    response = act(api, c.tracking_code, "comments", {"message": "Halo"}, key="wrong-key")
    assert response.status_code == 404


def test_unknown_tracking_code_gives_404(api, verifier):
    response = act(api, "BDG-ZZZZZZ", "reject", {"reason": "Spam"}, user=verifier.user)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("stage", "action", "body"),
    [
        ("in_progress", "comments", {"message": "Masih rusak"}),
        ("resolved", "rating", {"score": 5}),
        ("resolved", "reopen", {"reason": "Belum beres"}),
    ],
)
@pytest.mark.parametrize(("privacy", "expected"), [("public", 403), ("confidential", 404)])
def test_reporter_actions_need_the_key(api, build, stage, action, body, privacy, expected):
    c, key = build(stage, privacy=privacy)
    assert act(api, c.tracking_code, action, body).status_code == expected
    assert act(api, c.tracking_code, action, body, key=key[::-1]).status_code == expected
    assert status_of(c) == stage
    assert act(api, c.tracking_code, action, body, key=key).status_code == 200


def test_staff_may_not_use_reporter_actions(api, officer, build):
    c, _ = build("resolved")
    response = act(api, c.tracking_code, "rating", {"score": 5}, user=officer.user)
    assert response.status_code == 403


# Assignment -----------------------------------------------------------------------------------


def test_officer_assigns_a_colleague_of_the_same_opd(api, officer, officer2_user, build):
    c, _ = build("in_progress")
    response = act(api, c.tracking_code, "assign", {"username": "officer2_pupr"}, user=officer.user)
    assert response.status_code == 200
    assert response.json()["assignee"] == "officer2_pupr"
    assert Complaint.objects.get(pk=c.pk).assignee == officer2_user


def test_head_reassigns_within_the_opd(api, head, officer, officer2_user, build):
    c, _ = build("dispatched")
    act(api, c.tracking_code, "assign", {"username": "officer_pupr"}, user=head.user)
    response = act(api, c.tracking_code, "assign", {"username": "officer2_pupr"}, user=head.user)
    assert response.json()["assignee"] == "officer2_pupr"


def test_assigning_an_officer_of_another_opd_gives_400(api, officer, other_officer, build):
    c, _ = build("in_progress")
    response = act(api, c.tracking_code, "assign", {"username": "officer_dlhk"}, user=officer.user)
    assert response.status_code == 400
    assert response.json()["username"]
    assert Complaint.objects.get(pk=c.pk).assignee is None


def test_assignee_is_hidden_from_the_public(api, officer, officer2_user, build):
    c, _ = build("in_progress")
    act(api, c.tracking_code, "assign", {"username": "officer2_pupr"}, user=officer.user)
    api.force_authenticate(None)
    assert api.get(f"{URL}{c.tracking_code}/").json()["assignee"] is None
    assert "officer2" not in json.dumps(public_timeline(api, c.tracking_code))


# Internal notes -------------------------------------------------------------------------------


def test_respond_with_public_false_is_an_internal_note(api, officer, build):
    c, key = build("in_progress")
    response = act(
        api,
        c.tracking_code,
        "respond",
        {"message": "Butuh alat berat dari UPT", "public": False},
        user=officer.user,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert "Butuh alat berat" not in json.dumps(public_timeline(api, c.tracking_code))
    api.force_authenticate(None)
    as_reporter = api.get(f"{URL}{c.tracking_code}/timeline/", HTTP_X_ACCESS_KEY=key).json()
    assert "Butuh alat berat" not in json.dumps(as_reporter)
    api.force_authenticate(officer.user)
    staff = api.get(f"{URL}{c.tracking_code}/timeline/").json()
    assert (staff[-1]["action"], staff[-1]["internal_note"]) == (
        "note",
        "Butuh alat berat dari UPT",
    )


def test_internal_note_does_not_count_as_first_response(api, officer, build):
    c, _ = build("dispatched")
    act(
        api, c.tracking_code, "respond", {"message": "Cek dulu", "public": False}, user=officer.user
    )
    c = Complaint.objects.get(pk=c.pk)
    assert (c.status, c.first_response_at) == ("dispatched", None)


# Support --------------------------------------------------------------------------------------


def test_support_counts_once_per_user(api, citizen_user, build):
    c, _ = build("in_progress")
    first = act(api, c.tracking_code, "support", user=citizen_user)
    again = act(api, c.tracking_code, "support", user=citizen_user)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["supporters"] == 1


def test_support_counts_once_per_client_address(api, build):
    c, _ = build("in_progress")
    act(api, c.tracking_code, "support", REMOTE_ADDR="203.0.113.7")
    act(api, c.tracking_code, "support", REMOTE_ADDR="203.0.113.7")
    response = act(api, c.tracking_code, "support", REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 200
    assert response.json()["supporters"] == 2
    stored = json.dumps(list(Supporter.objects.values_list("fingerprint", flat=True)))
    assert "203.0.113.7" not in stored  # only a digest of the address is kept


def test_support_of_a_closed_complaint_gives_409(api, build):
    c, _ = build("closed")
    response = act(api, c.tracking_code, "support")
    assert response.status_code == 409
    assert Complaint.objects.get(pk=c.pk).supporters_count == 0


def test_support_of_a_confidential_complaint_is_refused(api, verifier, build):
    c, key = build("in_progress", privacy="confidential")
    assert act(api, c.tracking_code, "support").status_code == 404
    assert act(api, c.tracking_code, "support", user=verifier.user).status_code == 409
    assert act(api, c.tracking_code, "support", key=key).status_code == 409


def test_merge_carries_supporters_over(api, verifier, citizen_user, build):
    duplicate, _ = build("submitted")
    original, _ = build("dispatched")
    act(api, duplicate.tracking_code, "support", user=citizen_user)
    act(api, duplicate.tracking_code, "support", REMOTE_ADDR="203.0.113.7")
    response = act(
        api, duplicate.tracking_code, "merge", {"into": original.tracking_code}, user=verifier.user
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["merged_into"]) == ("merged", original.tracking_code)
    api.force_authenticate(None)
    # The duplicate's two supporters, plus its reporter, now back the original.
    assert api.get(f"{URL}{original.tracking_code}/").json()["supporters"] == 3


# Schema ---------------------------------------------------------------------------------------


def test_schema_describes_the_action_bodies_and_errors(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for action in [
        "dispatch",
        "reject",
        "merge",
        "acknowledge",
        "request-info",
        "respond",
        "resolve",
        "return",
        "assign",
        "comments",
        "rating",
        "reopen",
        "support",
    ]:
        post = schema["paths"][f"/api/v1/complaints/{{tracking_code}}/{action}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(post["responses"])
    dispatch = schema["components"]["schemas"]["DispatchRequest"]
    assert set(dispatch["properties"]) == {"opd", "category", "desa", "note"}
    assert dispatch["required"] == ["opd"]
    assert set(schema["components"]["schemas"]["RatingRequest"]["properties"]) == {
        "score",
        "comment",
    }
