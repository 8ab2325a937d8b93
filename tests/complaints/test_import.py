"""manage.py import_complaints: checked row by row, all or nothing, safe to run again."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints.models import Complaint, Notification
from opd.geo import nearest_desa

pytestmark = pytest.mark.django_db

HEADER = [
    "source_reference",
    "title",
    "description",
    "category",
    "desa",
    "latitude",
    "longitude",
    "privacy",
    "created_at",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "channel",
    "kind",
    "language",
    "address_detail",
]


def record(n, **overrides):
    row = {
        "source_reference": f"lapor-lama:{n}",
        "title": f"Jalan rusak nomor {n}",
        "description": f"Keluhan lama nomor {n}: jalan berlubang di depan balai banjar.",
        "category": "jalan_rusak",
        "desa": "51.03.01.1002",
        "latitude": "",
        "longitude": "",
        "privacy": "public",
        "created_at": "2025-11-03 09:30",
        "reporter_name": f"Warga {n}",
        "reporter_email": f"warga{n}@example.org",
        "reporter_phone": "",
        "channel": "web",
        "kind": "complaint",
        "language": "id",
        "address_detail": "",
    }
    row.update(overrides)
    return row


def write_csv(path, rows, header=HEADER, delimiter=",", bom=False):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_complaints", str(path), *args, stdout=out, stderr=err)
    except CommandError as e:
        e.out, e.err = out.getvalue(), err.getvalue()
        raise
    return out.getvalue(), err.getvalue()


def test_good_csv_is_imported_with_its_original_dates(tmp_path):
    rows = [record(n) for n in range(5)]
    rows[1].update(
        privacy="anonymous", channel="phone", reporter_email="", reporter_phone="0812 555 6666"
    )
    rows[2].update(created_at="2025-01-15T08:00:00+00:00", kind="aspiration", language="en")
    out, err = run(write_csv(tmp_path / "old.csv", rows))
    assert "Imported 5 complaints" in out
    assert Complaint.objects.count() == 5
    c = Complaint.objects.get(source_reference="lapor-lama:0")
    assert c.title == "Jalan rusak nomor 0"
    assert c.category.code == "jalan_rusak"
    assert c.desa.code == "51.03.01.1002"
    assert c.kecamatan.code == "51.03.01"
    assert c.status == "submitted"
    assert c.channel == "web"
    assert c.privacy == "public"
    assert c.reporter is None
    assert c.taken_by is None
    local = timezone.localtime(c.created_at)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2025-11-03", 9, 30)
    assert c.events.get().created_at == c.created_at
    phone = Complaint.objects.get(source_reference="lapor-lama:1")
    assert (phone.privacy, phone.channel, phone.reporter_phone) == (
        "anonymous",
        "phone",
        "08125556666",
    )
    other = Complaint.objects.get(source_reference="lapor-lama:2")
    assert other.created_at.isoformat() == "2025-01-15T08:00:00+00:00"
    assert (other.kind, other.language) == ("aspiration", "en")
    # The reporters hear of their new tracking code (and, by e-mail, their access key).
    assert Notification.objects.filter(kind="filed", channel="email").count() == 4
    assert "importing" in err
    assert "5/5" in err


def test_good_jsonl_is_imported(tmp_path):
    rows = [record(n) for n in range(3)]
    rows[0].update(latitude=-8.7254, longitude=115.1769, desa=None)
    del rows[1]["address_detail"]
    out, _ = run(write_jsonl(tmp_path / "old.jsonl", rows))
    assert "Imported 3 complaints" in out
    pinned = Complaint.objects.get(source_reference="lapor-lama:0")
    assert pinned.desa == nearest_desa(-8.7254, 115.1769)[0]
    assert float(pinned.latitude) == pytest.approx(-8.7254)


def test_bad_rows_refuse_the_whole_file_with_a_report(tmp_path):
    rows = [record(n) for n in range(6)]
    rows[1]["category"] = "jalan"
    rows[3].update(privacy="", created_at="05/03/2024")
    rows[4].update(latitude="-8.112", longitude="115.088")  # Singaraja
    rows[5]["source_reference"] = "lapor-lama:0"
    path = write_csv(tmp_path / "old.csv", rows)
    with pytest.raises(CommandError, match="4 of 6 rows refused; nothing was imported") as e:
        run(path)
    report = e.value.out
    assert "line 3: category: unknown category code 'jalan'" in report
    assert "line 5: privacy: required" in report
    assert "created_at: '05/03/2024' is not an ISO 8601 date or time" in report
    assert "line 6: latitude, longitude: -8.112000, 115.088000 is outside Badung" in report
    assert "line 7: source_reference: the same as line 2" in report
    assert "line 2:" not in report
    assert "line 4:" not in report
    assert Complaint.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"title": ""}, "title: required"),
        ({"description": "x" * 5001}, "description: at most 5000 characters"),
        ({"desa": "51.03.99.9999"}, "desa: unknown Kemendagri code"),
        ({"privacy": "secret"}, "privacy: 'secret' is not one of"),
        ({"channel": "fax"}, "channel: 'fax' is not one of"),
        ({"kind": "praise"}, "kind: 'praise' is not one of"),
        ({"language": "de"}, "language: 'de' is not one of"),
        ({"created_at": ""}, "created_at: required"),
        ({"created_at": "2999-01-01"}, "is not between 2000-01-01 and now"),
        ({"created_at": "1999-12-31"}, "is not between 2000-01-01 and now"),
        ({"reporter_email": "nobody"}, "reporter_email: 'nobody' is not an e-mail address"),
        ({"reporter_phone": "12"}, "reporter_phone: "),
        ({"latitude": "-8.72"}, "latitude, longitude: give both or neither"),
        ({"latitude": "abc", "longitude": "115.1"}, "latitude: 'abc' is not a number"),
        ({"latitude": "NaN", "longitude": "115.1"}, "latitude: NaN is out of range"),
        ({"source_reference": "r" * 501}, "source_reference: at most 500 characters"),
    ],
)
def test_each_check_names_its_reason(tmp_path, overrides, reason):
    path = write_csv(tmp_path / "old.csv", [record(1), record(2, **overrides)])
    with pytest.raises(CommandError) as e:
        run(path)
    assert reason in e.value.out
    assert "line 3:" in e.value.out
    assert Complaint.objects.count() == 0


def test_jsonl_lines_that_are_not_objects_are_reported(tmp_path):
    path = tmp_path / "old.jsonl"
    good = json.dumps(record(1))
    path.write_text(
        f"{good}\n\n{{broken\n[1, 2]\n"
        + json.dumps({**record(2), "status": "closed"})
        + "\n"
        + json.dumps({**record(3), "title": ["a"]})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as e:
        run(path)
    report = e.value.out
    assert "line 3: not valid JSON" in report
    assert "line 4: a line must be a JSON object" in report
    assert "line 5: unknown field(s) status" in report
    assert "line 6: title: must be text" in report
    assert Complaint.objects.count() == 0


def test_rerun_skips_what_was_imported(tmp_path):
    path = write_csv(tmp_path / "old.csv", [record(n) for n in range(4)])
    run(path)
    out, _ = run(path)
    assert "Imported 0 complaints" in out
    assert "4 imported already" in out
    bigger = write_csv(tmp_path / "more.csv", [record(n) for n in range(6)])
    out, _ = run(bigger)
    assert "Imported 2 complaints" in out
    assert Complaint.objects.count() == 6


def test_rows_without_a_reference_are_recognised_by_their_content(tmp_path):
    rows = [record(n, source_reference="") for n in range(3)]
    path = write_csv(tmp_path / "old.csv", rows)
    run(path)
    out, _ = run(path)
    assert "Imported 0 complaints" in out
    assert Complaint.objects.count() == 3
    assert all(c.source_reference.startswith("import:") for c in Complaint.objects.all())


def test_identical_rows_without_reference_are_refused_as_duplicates(tmp_path):
    row = record(1, source_reference="")
    with pytest.raises(CommandError) as e:
        run(write_csv(tmp_path / "old.csv", [row, dict(row)]))
    assert "line 3: source_reference: the same as line 2" in e.value.out


def test_dry_run_checks_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "old.csv", [record(n) for n in range(3)])
    out, _ = run(path, "--dry-run")
    assert "3 would be imported" in out
    assert Complaint.objects.count() == 0
    bad = write_csv(tmp_path / "bad.csv", [record(1, title="")])
    with pytest.raises(CommandError, match="1 of 1 rows refused"):
        run(bad, "--dry-run")


def test_header_problems_stop_before_any_row(tmp_path):
    header = [*HEADER, "status"]
    rows = [record(1) | {"status": "closed"}]
    with pytest.raises(CommandError, match="unknown column"):
        run(write_csv(tmp_path / "a.csv", rows, header=header))
    no_privacy = [h for h in HEADER if h != "privacy"]
    with pytest.raises(CommandError, match="missing column"):
        run(write_csv(tmp_path / "b.csv", [record(1)], header=no_privacy))
    assert Complaint.objects.count() == 0


def test_spreadsheet_csv_with_semicolons_and_bom(tmp_path):
    rows = [record(n, description=f"Jalan rusak; sudah lama, nomor {n}") for n in range(2)]
    path = write_csv(tmp_path / "excel.csv", rows, delimiter=";", bom=True)
    out, _ = run(path)
    assert "Imported 2 complaints" in out
    assert Complaint.objects.get(source_reference="lapor-lama:1").description.startswith(
        "Jalan rusak; sudah lama"
    )


def test_csv_with_a_wrong_number_of_values_is_refused(tmp_path):
    path = tmp_path / "old.csv"
    write_csv(path, [record(1)])
    with path.open("a", encoding="utf-8") as f:
        f.write("lapor-lama:9,Judul,Deskripsi\n")
    with pytest.raises(CommandError) as e:
        run(path)
    assert "line 3: 3 values for 16 columns" in e.value.out


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("old.txt", "x", "give a .csv or .jsonl file"),
        ("missing.csv", None, "no such file"),
        ("latin1.csv", "title,description\nCaf\xe9,x\n".encode("latin-1"), "not UTF-8"),
        ("empty.csv", "", "first line must name the columns"),
    ],
)
def test_unusable_files_are_refused(tmp_path, name, content, error):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=error):
        run(path)


def test_quiet_has_no_progress_bar(tmp_path):
    _out, err = run(write_csv(tmp_path / "old.csv", [record(1)]), "--quiet")
    assert err == ""


def test_a_few_hundred_rows_in_one_go(tmp_path):
    rows = [record(n, desa=["51.03.01.1002", "51.03.02.1004"][n % 2]) for n in range(300)]
    out, _ = run(write_csv(tmp_path / "old.csv", rows))
    assert "Imported 300 complaints" in out
    assert Complaint.objects.filter(kecamatan__code="51.03.02").count() == 150
    assert len(set(Complaint.objects.values_list("tracking_code", flat=True))) == 300
