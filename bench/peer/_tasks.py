"""Work done INSIDE the peer's virtualenv (bench/peer/.venv), never in ours.

bench/peer/__init__.py runs this file as a script with the peer's python:

    .venv/bin/python _tasks.py setup
    .venv/bin/python _tasks.py seed N [--wipe]
    .venv/bin/python _tasks.py escalate DUE
    .venv/bin/python _tasks.py info

Results go to stdout as one JSON line prefixed with "RESULT "; progress goes
to stderr. It imports django and helpdesk, so it must not be imported from our
venv.
"""

import io
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
sys.path.insert(0, str(SITE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

STAFF_USERNAME = "peeradmin"
STAFF_PASSWORD = "peer-bench-2026"
STAFF_EMAIL = "peeradmin@bench.invalid"
QUEUE_SLUG = "pengaduan"
QUEUE_TITLE = "Pengaduan Masyarakat"
ESCALATE_DAYS = 3  # the queue's escalate_days: open tickets untouched this long are due

OPEN, REOPENED, RESOLVED, CLOSED, DUPLICATE = 1, 2, 3, 4, 5
N = "\\N"  # NULL in COPY text format


def result(obj):
    print("RESULT " + json.dumps(obj), flush=True)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def _dsn_parts():
    import settings  # the peer site's settings (plain module, no django setup needed)

    return settings.DATABASES["default"]


def _connect(dbname=None):
    import psycopg2

    db = _dsn_parts()
    return psycopg2.connect(
        dbname=dbname or db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"],
        port=db["PORT"],
    )


def create_database():
    db = _dsn_parts()
    conn = _connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{db["NAME"]}"')
            log(f"peer: created database {db['NAME']}")
    conn.close()


def setup():
    create_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sites.models import Site
    from django.core.management import call_command
    from helpdesk.models import Queue

    call_command("migrate", interactive=False, verbosity=0)
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={"email": STAFF_EMAIL, "is_staff": True, "is_superuser": True},
    )
    if created or not user.check_password(STAFF_PASSWORD) or not user.is_staff:
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(STAFF_PASSWORD)
        user.save()
    Site.objects.update_or_create(id=1, defaults={"domain": "127.0.0.1", "name": "bench peer"})
    queue, _ = Queue.objects.update_or_create(
        slug=QUEUE_SLUG,
        defaults={
            "title": QUEUE_TITLE,
            "allow_public_submission": True,
            "allow_email_submission": False,
            "escalate_days": ESCALATE_DAYS,
        },
    )
    result({"queue_id": queue.id, "staff_id": user.id})


def info():
    conn = _connect()
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM helpdesk_queue WHERE slug = %s", [QUEUE_SLUG])
        row = cur.fetchone()
        cur.execute("SELECT count(*) FROM helpdesk_ticket")
        tickets = cur.fetchone()[0]
    conn.close()
    result({"queue_id": row[0] if row else None, "tickets": tickets})


# ---------------------------------------------------------------- seeding

PLACES = [
    "Jl. Sunset Road, Kuta",
    "Jl. Raya Legian",
    "Jl. Pantai Kuta",
    "Jl. Bypass Ngurah Rai, Jimbaran",
    "Jl. Raya Uluwatu, Ungasan",
    "Jl. Raya Canggu",
    "Jl. Batu Bolong, Canggu",
    "Jl. Raya Kerobokan",
    "Jl. Raya Mengwi",
    "Jl. Raya Abiansemal",
    "Jl. Raya Petang",
    "Jl. Raya Sempidi",
    "Jl. Nusa Dua",
    "Jl. Raya Tuban",
    "Jl. Dewi Sri, Legian",
    "Jl. Raya Dalung",
    "Jl. Raya Blahkiuh",
    "Pasar Badung",
    "Pasar Mengwi",
    "Puskesmas Kuta I",
    "Puskesmas Abiansemal",
    "Banjar Tegal, Kuta",
    "Desa Pererenan",
    "Desa Sangeh",
    "Kelurahan Seminyak",
    "Kelurahan Kedonganan",
    "Desa Pelaga",
    "Desa Baha",
]
ISSUES = [
    (
        "Jalan berlubang",
        "Lubang besar di badan jalan membahayakan pengendara motor, sudah ada yang jatuh.",
    ),
    ("Sampah menumpuk", "Sampah tidak diangkut lebih dari seminggu, bau dan dikerumuni lalat."),
    (
        "Lampu jalan mati",
        "Beberapa lampu penerangan jalan mati sehingga gelap total di malam hari.",
    ),
    ("Genangan banjir", "Saluran tersumbat, air menggenang setinggi lutut setiap hujan deras."),
    ("Kemacetan parah", "Parkir liar di bahu jalan menyebabkan macet panjang pada jam sibuk."),
    ("Drainase rusak", "Tutup got pecah dan berbahaya bagi pejalan kaki, terutama anak sekolah."),
    ("Pelayanan puskesmas", "Antrean sangat lama dan petugas pendaftaran tidak ada di tempat."),
    ("Pasar kotor", "Los pasar becek dan saluran air meluap ke area pedagang."),
    ("Pohon tumbang", "Pohon besar tumbang menutup sebagian jalan dan menimpa kabel listrik."),
    ("Kebisingan", "Suara musik keras dari tempat usaha sampai lewat tengah malam."),
    ("Trotoar rusak", "Paving trotoar lepas dan dipakai parkir, pejalan kaki turun ke jalan."),
    ("Air PDAM mati", "Air tidak mengalir sudah tiga hari tanpa pemberitahuan."),
]
DETAILS = [
    "Mohon segera ditindaklanjuti.",
    "Sudah dilaporkan ke kelian banjar tetapi belum ada tindakan.",
    "Kondisi ini sudah berlangsung cukup lama.",
    "Banyak wisatawan juga mengeluhkan hal ini.",
    "Foto bisa saya kirim bila diperlukan.",
    "Terima kasih atas perhatiannya.",
    "Mohon petugas dapat meninjau lokasi.",
    "Warga sekitar sangat terganggu.",
]
REPLIES = [
    "Terima kasih, laporan sudah diteruskan ke OPD terkait.",
    "Petugas sudah dijadwalkan meninjau lokasi minggu ini.",
    "Mohon informasi tambahan mengenai titik lokasi yang tepat.",
    "Perbaikan sedang dalam proses pengadaan.",
]
RESOLUTIONS = [
    "Perbaikan telah selesai dilakukan oleh petugas.",
    "Sampah sudah diangkut dan jadwal pengangkutan diperbaiki.",
    "Lokasi sudah ditinjau dan ditangani.",
    "Laporan digabung dengan laporan lain yang sama.",
]


def _status_for_age(rng, age_days):
    r = rng.random()
    if age_days < 14:
        table = ((0.55, OPEN), (0.60, REOPENED), (0.85, RESOLVED), (1.0, CLOSED))
    elif age_days < 90:
        table = ((0.18, OPEN), (0.21, REOPENED), (0.38, RESOLVED), (0.98, CLOSED), (1.0, DUPLICATE))
    else:
        table = ((0.07, OPEN), (0.08, REOPENED), (0.12, RESOLVED), (0.97, CLOSED), (1.0, DUPLICATE))
    for bound, status in table:
        if r < bound:
            return status
    return CLOSED


def _row(*fields):
    """One line of COPY text format (fields already escaped; "\\N" is NULL)."""
    return "\t".join(str(f) for f in fields) + "\n"


def _ts(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f+00")


def seed(target, wipe=False, batch=20_000):
    """Make the peer hold at least `target` tickets (exactly `target` with wipe).

    Tickets span three years (denser in recent months is not modelled: uniform age),
    statuses follow age (recent: mostly open; old: mostly closed), every ticket has
    its "Ticket Opened Via Web" follow-up like a real web submission, resolved/closed/
    reopened ones a staff follow-up with a status TicketChange, ~30% a public reply.
    """
    t0 = time.monotonic()
    conn = _connect()
    cur = conn.cursor()
    cur.execute("SELECT id FROM helpdesk_queue WHERE slug = %s", [QUEUE_SLUG])
    row = cur.fetchone()
    if row is None:
        raise SystemExit("peer: run setup first (no queue)")
    queue_id = row[0]
    cur.execute("SELECT id FROM auth_user WHERE username = %s", [STAFF_USERNAME])
    staff_id = cur.fetchone()[0]
    if wipe:
        cur.execute("TRUNCATE helpdesk_ticket RESTART IDENTITY CASCADE")
        conn.commit()
        log("peer seed: wiped tickets, follow-ups and their dependents")
    cur.execute("SELECT count(*), coalesce(max(id), 0) FROM helpdesk_ticket")
    existing, max_ticket = cur.fetchone()
    cur.execute("SELECT coalesce(max(id), 0) FROM helpdesk_followup")
    max_fu = cur.fetchone()[0]
    cur.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticketchange")
    max_tc = cur.fetchone()[0]
    todo = max(0, target - existing)
    if todo == 0:
        log(f"peer seed: {existing} tickets already there (>= {target}), nothing to do")
        conn.close()
        result({"tickets": existing, "added": 0, "seconds": 0.0})
        return

    rng = random.Random(20260601 + existing)
    now = datetime.now(UTC)
    horizon_days = 3 * 365
    status_names = {
        OPEN: "Open",
        REOPENED: "Reopened",
        RESOLVED: "Resolved",
        CLOSED: "Closed",
        DUPLICATE: "Duplicate",
    }
    tid, fid, cid = max_ticket, max_fu, max_tc
    done = 0
    fu_total = 0
    log(f"peer seed: adding {todo} tickets to {existing} (batches of {batch})")
    while done < todo:
        n = min(batch, todo - done)
        tickets, followups, changes = io.StringIO(), io.StringIO(), io.StringIO()
        for _ in range(n):
            tid += 1
            age = rng.random() * horizon_days
            created = now - timedelta(days=age)
            status = _status_for_age(rng, age)
            issue, issue_text = ISSUES[rng.randrange(len(ISSUES))]
            place = PLACES[rng.randrange(len(PLACES))]
            title = f"{issue} di {place}"
            description = (
                f"{issue_text} Lokasi: {place}. {DETAILS[rng.randrange(len(DETAILS))]}"
                f"\\n\\n{DETAILS[rng.randrange(len(DETAILS))]}"
            )
            email = f"warga{rng.randrange(1, 60_000)}@example.com"
            recips = f'["{email}"]'
            priority = rng.choices((1, 2, 3, 4, 5), weights=(5, 15, 50, 20, 10))[0]
            is_open = status in (OPEN, REOPENED)
            on_hold = "t" if is_open and rng.random() < 0.02 else "f"
            assigned = str(staff_id) if rng.random() < (0.5 if is_open else 0.8) else N
            due = _ts(created + timedelta(days=7)) if rng.random() < 0.3 else N
            # open tickets were looked at recently: not due for escalation after seeding
            last_esc = _ts(now - timedelta(hours=rng.random() * 48)) if is_open else N
            resolution = (
                RESOLUTIONS[rng.randrange(len(RESOLUTIONS))]
                if status in (RESOLVED, CLOSED, DUPLICATE)
                else N
            )
            modified = created
            # follow-up 1: the web submission itself
            fid += 1
            followups.write(
                _row(
                    fid, _ts(created), "Ticket Opened Via Web", description, "t", N, tid, N, recips
                )
            )
            fu_total += 1
            if rng.random() < 0.3:
                fid += 1
                modified = created + timedelta(hours=1 + rng.random() * 48)
                reply = REPLIES[rng.randrange(len(REPLIES))]
                followups.write(
                    _row(fid, _ts(modified), "Comment", reply, "t", N, tid, staff_id, recips)
                )
                fu_total += 1
            if status != OPEN:
                fid += 1
                modified = modified + timedelta(hours=2 + rng.random() * 24 * min(age, 30))
                if modified > now:
                    modified = now
                old = OPEN if status != REOPENED else CLOSED
                comment = resolution if resolution != N else "Ticket reopened by submitter"
                title_s = status_names[status]
                followups.write(
                    _row(fid, _ts(modified), title_s, comment, "t", status, tid, staff_id, recips)
                )
                fu_total += 1
                cid += 1
                changes.write(
                    f"{cid}\tStatus\t{status_names[old]}\t{status_names[status]}\t{fid}\n"
                )
            tickets.write(
                f"{tid}\t{title}\t{_ts(created)}\t{_ts(modified)}\t{email}\t{status}\t{on_hold}\t"
                f"{description}\t{resolution}\t{priority}\t{due}\t{last_esc}\t"
                f"{assigned}\t{queue_id}\t{uuid.UUID(int=rng.getrandbits(128), version=4)}\n"
            )
        for buf in (tickets, followups, changes):
            buf.seek(0)
        cur.copy_expert(
            "COPY helpdesk_ticket (id, title, created, modified, submitter_email, status, on_hold,"
            " description, resolution, priority, due_date, last_escalation, assigned_to_id,"
            " queue_id, secret_key) FROM STDIN",
            tickets,
        )
        cur.copy_expert(
            "COPY helpdesk_followup (id, date, title, comment, public, new_status, ticket_id,"
            " user_id, email_recipients) FROM STDIN",
            followups,
        )
        cur.copy_expert(
            "COPY helpdesk_ticketchange (id, field, old_value, new_value, followup_id) FROM STDIN",
            changes,
        )
        conn.commit()
        done += n
        el = time.monotonic() - t0
        rate = done / el
        log(f"peer seed: {done}/{todo} tickets, {fu_total} follow-ups ({el:.1f}s, {rate:.0f}/s)")
    for table in ("helpdesk_ticket", "helpdesk_followup", "helpdesk_ticketchange"):
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    conn.commit()
    conn.autocommit = True
    log("peer seed: VACUUM ANALYZE")
    for table in ("helpdesk_ticket", "helpdesk_followup", "helpdesk_ticketchange"):
        cur.execute(f"VACUUM ANALYZE {table}")
    cur.execute("SELECT count(*) FROM helpdesk_ticket")
    total = cur.fetchone()[0]
    conn.close()
    el = time.monotonic() - t0
    log(f"peer seed: done, {total} tickets in {el:.1f}s")
    result({"tickets": total, "added": todo, "followups_added": fu_total, "seconds": round(el, 2)})


# ---------------------------------------------------------------- escalation


def escalate(due):
    """Make exactly `due` tickets due, then time helpdesk's `escalate_tickets`.

    escalate_tickets escalates, in queues with escalate_days set, the tickets that
    are open/reopened, not on hold, priority > 1, and whose last_escalation (or, when
    it is NULL, created) is older than escalate_days (minus EscalationExclusion days).
    Preparation (not timed): no exclusion days; every open ticket gets
    last_escalation = now() (not due); `due` random open, not-on-hold tickets get
    last_escalation = now() - (escalate_days + 1) days, and priority 3 if it was 1.
    """
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from helpdesk.models import EscalationExclusion, Queue

    EscalationExclusion.objects.all().delete()
    Queue.objects.filter(slug=QUEUE_SLUG).update(escalate_days=ESCALATE_DAYS)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE helpdesk_ticket SET last_escalation = now()"
            " WHERE status IN (1, 2)"
            " AND (last_escalation IS NULL OR last_escalation < now() - interval '1 day')"
        )
        cur.execute(
            "WITH pick AS (SELECT id FROM helpdesk_ticket WHERE status IN (1, 2) AND NOT on_hold"
            " ORDER BY random() LIMIT %s)"
            " UPDATE helpdesk_ticket t SET last_escalation = now() - make_interval(days => %s),"
            " priority = CASE WHEN t.priority = 1 THEN 3 ELSE t.priority END"
            " FROM pick WHERE t.id = pick.id",
            [due, ESCALATE_DAYS + 1],
        )
        made_due = cur.rowcount
        cur.execute("SELECT count(*) FROM helpdesk_ticket")
        total = cur.fetchone()[0]
        cur.execute("SELECT now()")
        start_db = cur.fetchone()[0]
    log(f"peer escalate: {made_due} of {total} tickets made due; running escalate_tickets")
    t0 = time.perf_counter()
    call_command("escalate_tickets")
    seconds = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM helpdesk_ticket WHERE last_escalation >= %s", [start_db])
        escalated = cur.fetchone()[0]
    log(f"peer escalate: {escalated} escalated in {seconds:.2f}s ({escalated / seconds:.0f}/s)")
    result(
        {"escalated": escalated, "due": made_due, "tickets": total, "seconds": round(seconds, 4)}
    )


def main(argv):
    if not argv:
        raise SystemExit(__doc__)
    cmd, rest = argv[0], argv[1:]
    if cmd == "setup":
        setup()
    elif cmd == "info":
        info()
    elif cmd == "seed":
        seed(int(rest[0]), wipe="--wipe" in rest)
    elif cmd == "escalate":
        escalate(int(rest[0]) if rest else 1000)
    else:
        raise SystemExit(f"unknown command {cmd!r}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
