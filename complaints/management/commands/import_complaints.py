"""Bulk import of complaints from an older system: all rows or none.

Each row is filed through the lifecycle with its original filing time, as a new complaint
waiting for the complaint desk: the history it had in the old system (dispatches, answers,
closure) cannot be replayed honestly, so no status is carried over.
"""

import csv
import datetime
import hashlib
import json
import math
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from accounts.roles import ANONYMOUS
from complaints import lifecycle
from complaints.models import Channel, Complaint, Kind, Language, Privacy
from complaints.validation import clean_phone
from opd import geo
from opd.models import Category, Desa

REQUIRED = ("title", "description", "privacy", "created_at")
OPTIONAL = (
    "source_reference",
    "kind",
    "category",
    "desa",
    "latitude",
    "longitude",
    "address_detail",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "language",
    "channel",
)
COLUMNS = REQUIRED + OPTIONAL
MAX_LENGTH = {
    "title": 150,
    "description": 5000,
    "address_detail": 300,
    "reporter_name": 120,
    "reporter_email": 254,
    "source_reference": 500,
}
CHOICES = {
    "privacy": Privacy.values,
    "kind": Kind.values,
    "language": Language.values,
    "channel": Channel.values,
}
DEFAULTS = {"kind": Kind.COMPLAINT, "language": Language.INDONESIAN, "channel": Channel.WEB}
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
SIX_PLACES = Decimal("0.000001")
LOOKUP_CHUNK = 500


class Progress:
    """A one-line progress report on stderr, redrawn at most every half second (as the bench
    generator's; no dependency). `stream` is a command's OutputWrapper."""

    def __init__(self, label, total, stream, enabled):
        self.label, self.total, self.stream, self.enabled = label, total, stream, enabled
        self.done = 0
        self.start = time.monotonic()
        self.shown = 0.0

    def step(self):
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self.shown >= 0.5 or self.done == self.total):
            self.shown = now
            rate = self.done / max(now - self.start, 1e-6)
            eta = (self.total - self.done) / rate
            share = 100 * self.done / self.total if self.total else 100
            self.stream.write(
                f"\r  {self.label} {self.done:>7,}/{self.total:,} ({share:5.1f} %)"
                f"  {rate:6,.0f}/s  ETA {eta:4.0f} s ",
                style_func=str,
                ending="\n" if self.done == self.total else "",
            )
            self.stream.flush()


class Row:
    def __init__(self, line, raw):
        self.line, self.raw = line, raw
        self.errors = []
        self.data = {}


def _read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.readline()
        if not sample.strip():
            raise CommandError(f"{path}: the first line must name the columns.")
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        f.seek(0)
        reader = csv.reader(f, dialect)
        header = [name.strip().lower() for name in next(reader)]
        _check_header(path, header)
        rows, line = [], reader.line_num + 1
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            row = Row(start, dict(zip(header, values, strict=False)))
            if len(values) != len(header):
                row.errors.append(
                    f"{len(values)} values for {len(header)} columns (check the quoting)"
                )
            rows.append(row)
        return rows


def _check_header(path, header):
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    doubled = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if unknown:
        problems.append("unknown column(s) " + ", ".join(unknown))
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    if doubled:
        problems.append("repeated column(s) " + ", ".join(doubled))
    if problems:
        raise CommandError(
            f"{path}: {'; '.join(problems)}. The columns are: {', '.join(COLUMNS)} "
            f"(required: {', '.join(REQUIRED)})."
        )


def _read_jsonl(path):
    rows = []
    with path.open(encoding="utf-8-sig") as f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except ValueError as e:
                row = Row(number, {})
                row.errors.append(f"not valid JSON ({e})")
            else:
                if isinstance(raw, dict):
                    row = Row(number, raw)
                    unknown = sorted(set(raw) - set(COLUMNS))
                    if unknown:
                        row.errors.append("unknown field(s) " + ", ".join(unknown))
                else:
                    row = Row(number, {})
                    row.errors.append("a line must be a JSON object")
            rows.append(row)
    return rows


def _text(row, name):
    value = row.raw.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        row.errors.append(f"{name}: must be text")
        return ""
    value = str(value).strip()
    limit = MAX_LENGTH.get(name)
    if limit and len(value) > limit:
        row.errors.append(f"{name}: at most {limit} characters ({len(value)} given)")
    return value


def _created_at(row, now):
    value = _text(row, "created_at")
    if not value:
        row.errors.append("created_at: required (ISO 8601, e.g. 2024-03-05 14:30)")
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        row.errors.append(f"created_at: {value!r} is not an ISO 8601 date or time")
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the portal's time zone, WITA
    if not EARLIEST <= moment <= now:
        row.errors.append(f"created_at: {value} is not between 2000-01-01 and now")
        return None
    return moment


def _coordinate(row, name):
    value = _text(row, name)
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        row.errors.append(f"{name}: {value!r} is not a number")
        return None
    if not number.is_finite() or abs(number) > (90 if name == "latitude" else 180):
        row.errors.append(f"{name}: {value} is out of range")
        return None
    return number.quantize(SIX_PLACES)


def _nearest(desas, latitude, longitude):
    """(desa, km) of the nearest centroid: opd.geo's rule, on the desa already loaded (one
    query per row would make 10,000 rows take minutes)."""
    lat, lon = float(latitude), float(longitude)

    def km(desa):
        dlat = math.radians(float(desa.latitude) - lat)
        dlon = math.radians(float(desa.longitude) - lon) * math.cos(
            math.radians((lat + float(desa.latitude)) / 2)
        )
        return 6371.0 * math.hypot(dlat, dlon)

    best = min(desas, key=km)
    return best, km(best)


def _validate(row, refs, now):
    """Fill row.data with file_complaint's arguments, or row.errors with the reasons."""
    d = row.data
    for name in ("title", "description"):
        d[name] = _text(row, name)
        if not d[name]:
            row.errors.append(f"{name}: required")
    for name, choices in CHOICES.items():
        value = _text(row, name) or DEFAULTS.get(name, "")
        if not value:
            row.errors.append(f"{name}: required, one of {', '.join(choices)}")
        elif value not in choices:
            row.errors.append(f"{name}: {value!r} is not one of {', '.join(choices)}")
        d[name] = value
    d["created_at"] = _created_at(row, now)
    code = _text(row, "category")
    d["category"] = refs["categories"].get(code) if code else None
    if code and d["category"] is None:
        row.errors.append(f"category: unknown category code {code!r}")
    code = _text(row, "desa")
    d["desa"] = refs["desas"].get(code) if code else None
    if code and d["desa"] is None:
        row.errors.append(f"desa: unknown Kemendagri code {code!r}")
    latitude, longitude = _coordinate(row, "latitude"), _coordinate(row, "longitude")
    if (latitude is None) != (longitude is None):
        row.errors.append("latitude, longitude: give both or neither")
    elif latitude is not None:
        nearest, km = _nearest(refs["desas"].values(), latitude, longitude)
        inside = geo.LAT_MIN <= latitude <= geo.LAT_MAX and geo.LON_MIN <= longitude <= geo.LON_MAX
        if not inside or km > geo.MAX_KM_FROM_CENTROID:
            row.errors.append(f"latitude, longitude: {latitude}, {longitude} is outside Badung")
        elif d["desa"] is None and not code:
            d["desa"] = nearest
    d["latitude"], d["longitude"] = latitude, longitude
    d["address_detail"] = _text(row, "address_detail")
    d["reporter_name"] = _text(row, "reporter_name")
    d["reporter_email"] = _text(row, "reporter_email")
    if d["reporter_email"]:
        try:
            validate_email(d["reporter_email"])
        except ValidationError:
            row.errors.append(f"reporter_email: {d['reporter_email']!r} is not an e-mail address")
    try:
        d["reporter_phone"] = clean_phone(_text(row, "reporter_phone"))
    except ValidationError as e:
        row.errors.append("reporter_phone: " + " ".join(e.messages))
    d["source_reference"] = _text(row, "source_reference") or _content_reference(d)


def _content_reference(data):
    """A reference from the row's content, so that a re-run knows a row without its own id."""
    fields = {k: str(v.code if hasattr(v, "code") else v) for k, v in sorted(data.items())}
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    return f"import:{digest[:24]}"


def _already_imported(references):
    found = set()
    references = list(references)
    for start in range(0, len(references), LOOKUP_CHUNK):
        chunk = references[start : start + LOOKUP_CHUNK]
        found.update(
            Complaint.objects.filter(source_reference__in=chunk).values_list(
                "source_reference", flat=True
            )
        )
    return found


class Command(BaseCommand):
    help = (
        "Import complaints from an older system (CSV with a header row, or JSON Lines). Every "
        "row is checked first; if any is refused, a report of the refused rows (line and "
        "reasons) is printed and nothing is imported. Rows already imported (same "
        "source_reference) are skipped, so the command may be run again. Columns: "
        + ", ".join(COLUMNS)
        + "; required: "
        + ", ".join(REQUIRED)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .jsonl file (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and report, import nothing"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, file, dry_run, quiet, **options):
        with translation.override("en"):  # operators' messages in English
            self._import(Path(file), dry_run=dry_run, progress=not quiet)

    def _import(self, path, *, dry_run, progress):
        suffix = path.suffix.lower()
        if suffix not in {".csv", ".jsonl", ".ndjson"}:
            raise CommandError(f"{path}: give a .csv or .jsonl file.")
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        stream = self.stderr
        try:
            rows = _read_csv(path) if suffix == ".csv" else _read_jsonl(path)
        except UnicodeDecodeError as e:
            raise CommandError(f"{path}: not UTF-8 text ({e}).") from e
        refs = {
            "categories": {
                c.code: c for c in Category.objects.filter(is_active=True).select_related("sector")
            },
            "desas": {d.code: d for d in Desa.objects.select_related("kecamatan")},
        }
        now = timezone.now()
        bar = Progress("checking ", len(rows), stream, progress)
        first_line = {}
        for row in rows:
            if not row.errors or row.raw:
                _validate(row, refs, now)
                ref = row.data.get("source_reference")
                if ref in first_line:
                    row.errors.append(
                        f"source_reference: the same as line {first_line[ref]} (a duplicate)"
                    )
                else:
                    first_line[ref] = row.line
            bar.step()
        refused = [row for row in rows if row.errors]
        done = _already_imported(first_line) if not refused else set()
        todo = [row for row in rows if row.data.get("source_reference") not in done]
        if refused:
            self.stdout.write(f"Refused rows of {path}:")
            for row in refused:
                self.stdout.write(f"  line {row.line}: " + "; ".join(row.errors))
            raise CommandError(
                f"{len(refused)} of {len(rows)} rows refused; nothing was imported. "
                "Correct them and run the command again."
            )
        skipped = len(rows) - len(todo)
        if dry_run:
            self.stdout.write(
                f"Checked {len(rows)} rows of {path}: {len(todo)} would be imported, "
                f"{skipped} imported already. Nothing was written (--dry-run)."
            )
            return
        self._file(todo, stream, progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(todo)} complaints from {path}; {skipped} imported already "
                "were skipped."
            )
        )

    def _file(self, rows, stream, progress):
        bar = Progress("importing", len(rows), stream, progress)
        row = None
        try:
            with transaction.atomic():
                for row in rows:
                    data = dict(row.data)
                    lifecycle.file_complaint(actor=ANONYMOUS, now=data.pop("created_at"), **data)
                    bar.step()
        except (lifecycle.LifecycleError, DatabaseError) as e:
            self.stdout.write(f"  line {row.line}: {e}")
            raise CommandError(
                f"Line {row.line} could not be filed; nothing was imported (all rolled back)."
            ) from e
