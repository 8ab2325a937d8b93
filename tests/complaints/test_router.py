"""The category router (SPEC §6): training, versions, corrections, API, filing, auto-dispatch."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import lifecycle, router
from complaints.models import CategoryCorrection, Complaint, RouterModel
from complaints.router_api import SuggestThrottle
from opd.models import Category, Opd
from tests.factories import file

pytestmark = pytest.mark.django_db

URL = "/api/v1/route-suggestion/"
TREE = {
    "title": "Pohon tumbang di Jalan Raya Kerobokan",
    "description": (
        "Pohon besar roboh melintang di jalan setelah hujan angin, kendaraan tidak bisa lewat."
    ),
}
CEREMONY = {
    "title": "Jalan ditutup untuk upacara ngaben",
    "description": "Pecalang menutup jalan untuk prosesi ngaben seharian tanpa pemberitahuan.",
}


def fresh(c):
    return Complaint.objects.get(pk=c.pk)


def category(code):
    return Category.objects.get(code=code)


# Text --------------------------------------------------------------------------------------


def test_normalise_writes_out_shorthand_elongation_and_reduplication():
    text = "Jln dpn rmh gw RUSAKKK bgt, udh 3 mgg gk dibenerin, anak2 jatuh. pls fix asap!!"
    assert router.normalise(text) == (
        "jalan depan rumah saya rusak banget sudah 3 minggu tidak dibenerin anak anak jatuh "
        "please fix as soon as possible"
    )


def test_normalise_drops_urls_and_splits_hashtags_and_mentions():
    assert router.normalise("Sampah numpuk https://t.co/x1 #BadungBersih @dlhkbadung") == (
        "sampah numpuk badung bersih dlhkbadung"
    )


def test_examples_file_covers_every_active_category_in_both_languages():
    examples = router.read_examples(router.EXAMPLES_FILE)
    active = set(Category.objects.filter(is_active=True).values_list("code", flat=True))
    per_category = {code: [e for e in examples if e.category == code] for code in active}
    assert {e.category for e in examples} <= active
    assert min(len(rows) for rows in per_category.values()) >= 20
    for code, rows in per_category.items():
        assert {e.extra["lang"] for e in rows} == {"id", "en"}, code
    assert 800 <= len(examples) <= 1600


def _shingles(text, n=6):
    words = router.normalise(text).split()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_examples_share_no_passage_with_the_evaluation_set(shared_reference):
    evaluation = router.read_examples(shared_reference / "sample_complaints.jsonl")
    ours = set().union(*(_shingles(e.text) for e in router.read_examples(router.EXAMPLES_FILE)))
    shared = [e.text for e in evaluation if _shingles(e.text) & ours]
    assert shared == []


# Without a model ---------------------------------------------------------------------------


def test_without_a_model_there_are_no_suggestions_and_filing_is_unchanged():
    assert router.suggest("Pohon tumbang menutup jalan") == []
    c, _ = file(category=None, **TREE)
    c = fresh(c)
    assert (c.category, c.suggested_category, c.suggestion_confidence) == (None, None, None)


def test_api_answers_an_empty_list_without_a_model(api):
    response = api.post(URL, {"text": "Pohon tumbang menutup jalan"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


def test_evaluate_with_a_file_needs_a_trained_router(tmp_path):
    path = tmp_path / "texts.jsonl"
    path.write_text(json.dumps({"text": "Lampu jalan mati", "category": "pju_mati"}) + "\n")
    with pytest.raises(CommandError, match="train_router"):
        call_command("evaluate_router", str(path), stdout=io.StringIO())


# Training and versions ---------------------------------------------------------------------


def test_train_router_stores_a_new_version_each_time_and_shows_progress(monkeypatch):
    monkeypatch.setattr(router, "FOLDS", 2)
    out, err = io.StringIO(), io.StringIO()
    call_command("train_router", stdout=out, stderr=err)
    call_command("train_router", stdout=out, stderr=io.StringIO())
    examples = len(router.read_examples(router.EXAMPLES_FILE))
    assert f"Router v1 trained on {examples} examples" in out.getvalue()
    assert f"Router v2 trained on {examples} examples" in out.getvalue()
    assert re.search(r"Cross-validated accuracy \(2 folds\): top-1 \d+\.\d %", out.getvalue())
    assert "[####################] 3/3" in err.getvalue()
    newest = RouterModel.objects.get(version=2)
    assert newest.example_count == examples
    assert newest.metrics["file_examples"] == examples
    assert newest.metrics["correction_examples"] == 0
    assert 0.6 < newest.metrics["cv_top1"] <= newest.metrics["cv_top3"] <= 1
    assert router.suggest(TREE["title"])[0][0].code == "pohon_tumbang"
    assert router.loaded_version() == 2


def test_train_router_quiet_writes_no_progress(monkeypatch):
    monkeypatch.setattr(router, "FOLDS", 2)
    err = io.StringIO()
    call_command("train_router", "--quiet", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_old_versions_keep_their_metrics_but_not_their_weights(fitted_router):
    fitted, metrics, count, _blob = fitted_router
    for _ in range(router.KEEP_BLOBS + 2):
        router.save(fitted, metrics=metrics, example_count=count)
    rows = list(RouterModel.objects.order_by("version"))
    assert [r.version for r in rows] == [1, 2, 3, 4, 5]
    assert [bool(bytes(r.blob)) for r in rows] == [False, False, True, True, True]
    assert all(r.metrics["classes"] == 50 for r in rows)


def test_a_process_notices_a_newer_version_within_a_minute(router_model, monkeypatch):
    assert router.suggest(TREE["title"])
    assert router.loaded_version() == router_model.version
    # Another process trains a newer version.
    RouterModel.objects.create(
        version=router_model.version + 1,
        created_at=timezone.now(),
        example_count=router_model.example_count,
        metrics=router_model.metrics,
        blob=router_model.blob,
    )
    with CaptureQueriesContext(connection) as ctx:
        assert router.current() is not None
    assert len(ctx.captured_queries) == 0  # no look at the database within the minute
    assert router.loaded_version() == router_model.version
    monkeypatch.setattr(router, "RECHECK_SECONDS", 0)  # the minute has passed
    router.current()
    assert router.loaded_version() == router_model.version + 1


def test_a_version_that_cannot_be_loaded_gives_no_suggestions(caplog):
    RouterModel.objects.create(
        version=1, created_at=timezone.now(), example_count=1, metrics={}, blob=b"not a model"
    )
    assert router.suggest("Pohon tumbang") == []
    assert "cannot be loaded" in caplog.text
    c, _ = file(category=None, **TREE)
    assert fresh(c).suggested_category is None


def test_a_failing_router_never_costs_a_complaint(router_model, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(router, "suggest", broken)
    c, _ = file(category="jalan_rusak", **TREE)
    c = fresh(c)
    assert c.category.code == "jalan_rusak"
    assert c.suggested_category is None
    assert "filing without a suggestion" in caplog.text


# Corrections -------------------------------------------------------------------------------


def test_dispatch_with_another_category_records_a_correction(verifier, pupr):
    c, _ = file(category="jalan_rusak", **TREE)
    lifecycle.dispatch(c, actor=verifier, opd=pupr, category=category("pohon_tumbang"))
    correction = CategoryCorrection.objects.get(complaint=c)
    assert correction.old_category.code == "jalan_rusak"
    assert correction.new_category.code == "pohon_tumbang"
    assert correction.corrected_by == verifier.user


def test_dispatch_that_keeps_the_category_records_no_correction(verifier, pupr):
    c, _ = file(category="jalan_rusak")
    lifecycle.dispatch(c, actor=verifier, opd=pupr, category=category("jalan_rusak"))
    assert fresh(c).status == "dispatched"
    assert not CategoryCorrection.objects.exists()


def test_a_category_chosen_by_staff_for_an_uncategorised_complaint_is_a_correction(verifier, pupr):
    c, _ = file(category=None)
    lifecycle.dispatch(c, actor=verifier, opd=pupr, category=category("jalan_rusak"))
    correction = CategoryCorrection.objects.get(complaint=c)
    assert (correction.old_category, correction.new_category.code) == (None, "jalan_rusak")


def test_the_staff_form_correction_is_recorded(client, verifier_user, pupr):
    c, _ = file(category="jalan_rusak", **TREE)
    client.force_login(verifier_user)
    response = client.post(
        f"/staff/complaints/{c.tracking_code}/dispatch/",
        {"opd": "BPBD", "category": "pohon_tumbang"},
    )
    assert response.status_code == 302
    assert CategoryCorrection.objects.get(complaint=c).new_category.code == "pohon_tumbang"


def test_corrections_are_training_examples_and_the_last_one_counts(verifier, pupr, monkeypatch):
    c, _ = file(category="jalan_rusak", **TREE)
    CategoryCorrection.objects.create(
        complaint=c,
        new_category=category("pohon_taman"),
        created_at=timezone.now() - timezone.timedelta(minutes=5),
    )
    lifecycle.dispatch(c, actor=verifier, opd=pupr, category=category("pohon_tumbang"))
    assert router.correction_examples() == [
        router.Example(router.complaint_text(TREE["title"], TREE["description"]), "pohon_tumbang")
    ]
    monkeypatch.setattr(router, "FOLDS", 2)
    row = router.train()
    file_count = len(router.read_examples(router.EXAMPLES_FILE))
    assert row.metrics["correction_examples"] == 1
    assert row.example_count == file_count + 1


def test_examples_of_a_deactivated_category_are_left_out_of_training():
    Category.objects.filter(code="pju_mati").update(is_active=False)
    from_file, _corrections = router.training_examples()
    assert "pju_mati" not in {e.category for e in from_file}


# Evaluation command ------------------------------------------------------------------------


def _jsonl(tmp_path, *rows, raw=None):
    path = tmp_path / "texts.jsonl"
    path.write_text(raw if raw is not None else "\n".join(json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_evaluate_router_on_a_file_prints_category_and_opd_accuracy(router_model, tmp_path):
    path = _jsonl(
        tmp_path,
        {"text": "Lampu jalan di depan rumah mati sudah seminggu", "category": "pju_mati"},
        {"text": "Ada ular kobra masuk ke dapur", "category": "evakuasi_hewan"},
        {"text": CEREMONY["description"], "category": "kegiatan_adat_upacara"},
        {"text": CEREMONY["title"], "category": "kegiatan_adat_upacara", "kecamatan": "51.03.01"},
        {
            "text": "Kantor desa tutup",
            "category": "pelayanan_desa_kelurahan",
            "desa_code": "51.03.02.1004",
        },
    )
    out = io.StringIO()
    call_command("evaluate_router", path, stdout=out)
    text = out.getvalue()
    assert f"5 texts from {path} with router v{router_model.version}" in text
    assert re.search(r"category\s+top-1 100\.0 %\s+top-3 100\.0 %", text)
    assert re.search(r"OPD\s+top-1 100\.0 %\s+top-3 100\.0 %", text)


def test_evaluate_counts_a_wrong_category_with_the_right_opd_as_an_opd_hit(router_model):
    # Both categories go to DLHK: the OPD is right even where the category is not.
    examples = [router.Example("Sampah menumpuk di TPS, truk sampah tidak datang", "tps_liar")]
    result = router.evaluate(router.current(), examples)
    assert result["category_top1"] == 0.0
    assert result["opd_top1"] == 1.0


def test_evaluate_router_without_a_file_uses_a_held_out_split(monkeypatch):
    monkeypatch.setattr(router, "FOLDS", 2)
    out = io.StringIO()
    call_command("evaluate_router", stdout=out)
    text = out.getvalue()
    total = len(router.read_examples(router.EXAMPLES_FILE))
    held = int(re.match(r"(\d+) texts from a held-out fifth", text).group(1))
    assert 0.15 * total < held < 0.25 * total
    assert f"trained on the other {total - held}" in text
    top1 = float(re.search(r"category\s+top-1\s+([\d.]+) %", text).group(1))
    assert top1 > 60
    assert not RouterModel.objects.exists()  # nothing stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok", "category": "pju_mati"}\n{"text": \n', "line 2: not JSON"),
        ('{"text": "ok", "category": "nope"}\n', "line 1: unknown category code 'nope'"),
        ('{"category": "pju_mati"}\n', 'line 1: "text" is missing'),
        ('["text", "pju_mati"]\n', "line 1: expected a JSON object"),
        ("\n\n", "no examples"),
        (
            '{"text": "ok", "category": "pju_mati", "desa_code": "51.03.99.9999"}\n',
            "unknown desa code",
        ),
    ],
)
def test_evaluate_router_refuses_a_bad_file_clearly(router_model, tmp_path, content, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("evaluate_router", _jsonl(tmp_path, raw=content), stdout=io.StringIO())


def test_evaluate_router_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_router", str(tmp_path / "absent.jsonl"))


# Suggestion API ----------------------------------------------------------------------------


def test_api_suggests_three_categories_with_sector_opd_and_confidence(api, router_model):
    response = api.post(URL, {"text": "pohon gede tumbang nutup jalan, gak bisa lewat"})
    assert response.status_code == 200
    rows = response.json()["suggestions"]
    assert len(rows) == 3
    assert rows[0] == {
        "category": "pohon_tumbang",
        "name": "Pohon tumbang",
        "sector": "kebencanaan",
        "sector_name": "Kebencanaan",
        "opd": "BPBD",
        "opd_name": Opd.objects.get(code="BPBD").name,
        "confidence": rows[0]["confidence"],
    }
    confidences = [r["confidence"] for r in rows]
    assert confidences == sorted(confidences, reverse=True)
    assert 0.5 < confidences[0] <= 1
    assert all(0 <= c <= 1 for c in confidences)
    assert sum(confidences) <= 1.001


def test_api_reads_title_and_description_and_follows_the_kecamatan_rule(api, router_model):
    response = api.post(URL, {**CEREMONY, "desa": "51.03.01.1002"}, format="json")
    top = response.json()["suggestions"][0]
    assert (top["category"], top["opd"]) == ("kegiatan_adat_upacara", "KEC_KUTA")
    response = api.post(URL, CEREMONY, format="json")
    assert response.json()["suggestions"][0]["opd"] == "DISBUD"


def test_api_names_categories_in_the_request_language(api, router_model):
    response = api.post(
        URL, {"text": "The street lights are out"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["suggestions"][0]["name"] == "Street light out"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"title": "", "description": ""}, "text"),
        ({"text": "x" * (router.MAX_TEXT + 1)}, "text"),
        ({"title": "x" * 151, "description": "jalan rusak"}, "title"),
        ({"text": "jalan rusak", "desa": "51.03.99.9999"}, "desa"),
    ],
)
def test_api_refuses_empty_or_oversized_text(api, router_model, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_api_is_throttled(api, router_model, monkeypatch):
    monkeypatch.setattr(SuggestThrottle, "THROTTLE_RATES", {"suggest": "2/minute"})
    codes = [api.post(URL, {"text": "jalan rusak"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_api_is_in_the_openapi_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/route-suggestion/"]["post"]
    assert {"200", "400", "429"} <= set(operation["responses"])
    assert "RouteSuggestion" in json.dumps(operation)


def test_api_needs_no_account_and_no_csrf_for_anonymous_clients(client, router_model):
    response = client.post(URL, {"text": "lampu jalan mati"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["category"] == "pju_mati"


# Filing ------------------------------------------------------------------------------------


def test_filing_stores_the_suggestion_and_its_confidence(router_model):
    c, _ = file(category="jalan_rusak", **TREE)
    c = fresh(c)
    assert c.category.code == "jalan_rusak"  # the citizen's choice stays
    assert c.suggested_category.code == "pohon_tumbang"
    assert router.FILL_CONFIDENCE < c.suggestion_confidence <= 1


def test_a_confident_suggestion_fills_an_empty_category(router_model):
    c, _ = file(category=None, desa="51.03.06.1001", **TREE)
    c = fresh(c)
    assert c.category.code == "pohon_tumbang"
    assert c.sector.code == "kebencanaan"
    assert c.suggested_opd.code == "BPBD"
    assert c.status == "submitted"  # still verified by the desk
    note = c.events.get(action="filed").internal_note
    assert "Pohon tumbang" in note
    assert f"{round(100 * c.suggestion_confidence)} %" in note


def test_the_note_on_a_filled_in_category_stays_internal(api, router_model):
    c, _ = file(category=None, **TREE)
    events = api.get(f"/api/v1/complaints/{c.tracking_code}/timeline/").json()
    assert [e["internal_note"] for e in events] == [None]


def test_an_unsure_suggestion_leaves_the_category_to_the_desk(router_model, monkeypatch):
    text = "Mohon perhatian, ada masalah di lingkungan kami."
    _category, confidence = router.suggest(text, k=1)[0]
    monkeypatch.setattr(router, "FILL_CONFIDENCE", confidence + 0.001)
    c, _ = file(category=None, title="Keluhan warga", description=text)
    c = fresh(c)
    assert c.category is None
    assert c.suggested_category is not None
    assert c.suggestion_confidence == pytest.approx(
        router.suggest(router.complaint_text("Keluhan warga", text), k=1)[0][1]
    )


def test_the_filing_form_may_leave_the_category_to_the_router(client, router_model):
    response = client.post(
        "/",
        {
            "kind": "complaint",
            "category": "",
            "kecamatan": "51.03.01",
            "desa": "51.03.01.1002",
            "privacy": "public",
            "reporter_email": "warga@example.org",
            **TREE,
        },
    )
    assert response.status_code == 302
    c = Complaint.objects.get()
    assert (c.category.code, c.suggested_category.code) == ("pohon_tumbang", "pohon_tumbang")


def test_the_filing_form_offers_suggestions_as_the_citizen_types(client):
    page = client.get("/").content.decode()
    assert 'id="category-suggestions"' in page
    assert f'data-url="{URL}"' in page
    assert "js/filing.js" in page


def test_the_api_filing_accepts_no_category(api, router_model):
    response = api.post(
        "/api/v1/complaints/",
        {**TREE, "desa": "51.03.06.1001", "reporter_email": "warga@example.org"},
        format="json",
    )
    assert response.status_code == 201
    c = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert c.category.code == "pohon_tumbang"


# Auto-dispatch -----------------------------------------------------------------------------


@pytest.fixture
def auto(settings):
    settings.PORTAL_AUTO_DISPATCH = True
    return settings


def test_auto_dispatch_when_the_suggestion_is_confident_and_agrees(auto, router_model):
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.suggestion_confidence >= auto.PORTAL_ROUTER_AUTO_DISPATCH_CONFIDENCE
    assert c.status == "dispatched"
    assert c.current_opd.code == "KEC_KUTA"
    assert list(c.events.values_list("action", "by")) == [
        ("filed", "reporter"),
        ("dispatched", "system"),
    ]


def test_no_auto_dispatch_when_the_suggestion_disagrees(auto, router_model):
    c, _ = file(category="kebisingan", desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.suggested_category.code == "kegiatan_adat_upacara"
    assert c.status == "submitted"


def test_no_auto_dispatch_below_the_confidence_setting(auto, router_model):
    auto.PORTAL_ROUTER_AUTO_DISPATCH_CONFIDENCE = 1.01
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    assert fresh(c).status == "submitted"


def test_no_auto_dispatch_of_a_category_the_router_filled_in(auto, router_model):
    c, _ = file(category=None, desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.category.code == "kegiatan_adat_upacara"
    assert c.status == "submitted"


def test_no_auto_dispatch_without_a_model(auto):
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    assert fresh(c).status == "submitted"


def test_no_auto_dispatch_when_the_setting_is_off(settings, router_model):
    settings.PORTAL_AUTO_DISPATCH = False
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    assert fresh(c).status == "submitted"


def test_auto_dispatch_falls_back_to_the_general_rule_of_an_inactive_office(auto, router_model):
    Opd.objects.filter(code="KEC_KUTA").update(is_active=False)
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    assert fresh(c).current_opd.code == "DISBUD"


def test_no_auto_dispatch_when_no_active_opd_takes_the_category(auto, router_model):
    Opd.objects.filter(code__in=["KEC_KUTA", "DISBUD"]).update(is_active=False)
    c, _ = file(category="kegiatan_adat_upacara", desa="51.03.01.1002", **CEREMONY)
    c = fresh(c)
    assert c.status == "submitted"
    assert c.suggested_opd is None


# What verifiers see ------------------------------------------------------------------------


def test_the_desk_shows_the_suggestion_and_its_confidence(client, verifier_user, router_model):
    c, _ = file(category=None, **TREE)
    client.force_login(verifier_user)
    page = client.get("/staff/desk/").content.decode()
    percent = round(100 * fresh(c).suggestion_confidence)
    assert "Pohon tumbang" in page
    assert f"{percent} %" in page


def test_the_staff_page_shows_the_suggestion_and_whether_it_agrees(
    client, verifier_user, router_model
):
    c, _ = file(category="pohon_tumbang", **TREE)
    client.force_login(verifier_user)
    page = client.get(f"/staff/complaints/{c.tracking_code}/").content.decode()
    suggestion = re.search(r'data-testid="category-suggestion">(.*?)</dd>', page, re.S).group(1)
    assert "Pohon tumbang" in suggestion
    assert f"{round(100 * fresh(c).suggestion_confidence)} %" in suggestion


def test_the_api_detail_shows_the_suggestion_to_staff_only(api, verifier_user, router_model):
    c, _ = file(category=None, **TREE)
    api.force_authenticate(verifier_user)
    staff = api.get(f"/api/v1/complaints/{c.tracking_code}/").json()
    assert staff["suggested_category"] == "pohon_tumbang"
    assert staff["suggestion_confidence"] == pytest.approx(fresh(c).suggestion_confidence)
    api.force_authenticate(None)
    public = api.get(f"/api/v1/complaints/{c.tracking_code}/").json()
    assert (public["suggested_category"], public["suggestion_confidence"]) == (None, None)


def test_suggestions_skip_deactivated_categories(router_model):
    Category.objects.filter(code="pohon_tumbang").update(is_active=False)
    codes = [c.code for c, _p in router.suggest(TREE["title"] + " " + TREE["description"])]
    assert "pohon_tumbang" not in codes
    assert len(codes) == 3
