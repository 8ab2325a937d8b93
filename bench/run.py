"""Benchmark runner: `python -m bench.run [--scenario NAME ...] [--quick]`.

Starts the portal under gunicorn (production profile) and a Celery worker against PostgreSQL and
Redis, the peer (django-helpdesk) under gunicorn, measures bounded loads on 127.0.0.1 only, and
prints one table with the ratios to the peer and to the database's floor.
"""

import argparse
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
# Where the table (JSON) and the chart go; tests point it elsewhere.
RESULTS = Path(os.environ.get("BENCH_RESULTS") or ROOT / "bench" / "results")
PASSWORD = "bench-pass-2026"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/badung_bench"
QUICK_DB = "postgres://postgres@127.0.0.1:5432/badung_bench_quick"
CORES = os.cpu_count() or 2
SCENARIOS = [
    "floor",
    "filing",
    "tracking",
    "public_list",
    "staff",
    "dashboards",
    "sweep",
    "notifications",
    "curve",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def portal_env(database_url, redis_url, extra=None):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "THROTTLE_RATES": "filing=10000000/hour,login=100000/hour,lookup=10000000/hour,"
        "anon=10000000/hour,user=10000000/hour,support=100000/hour",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",  # the sweep logs every complaint at INFO
    }
    env.update(extra or {})
    return env


class Portal:
    """gunicorn with the production profile, plus one Celery worker."""

    def __init__(self, env, workers):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes = []

    def start(self, worker=True):
        py = sys.executable
        subprocess.run(
            [py, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.gunicorn = subprocess.Popen(
            [
                py,
                "-m",
                "gunicorn",
                "badung_portal.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--worker-class",
                "sync",
                # gunicorn 27 opens a control socket at a fixed path; the peer runs beside us.
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        self.processes.append(self.gunicorn)
        if worker:
            self.processes.append(
                subprocess.Popen(
                    [
                        py,
                        "-m",
                        "celery",
                        "-A",
                        "badung_portal",
                        "worker",
                        "--loglevel=warning",
                        "--concurrency=1",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                )
            )
        wait_http(self.base + "/api/v1/categories/")

    def worker_rss_mb(self):
        """Resident memory of each gunicorn worker (children of the master)."""
        sizes = []
        for child in (
            Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children").read_text().split()
        ):
            status = Path(f"/proc/{child}/status").read_text()
            kb = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            sizes.append(kb / 1024)
        return sizes

    def stop(self):
        for p in self.processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


# Rows of the final table --------------------------------------------------------------------

ROWS = []


def record(
    scenario,
    result=None,
    *,
    concurrency="",
    rps=None,
    p50=None,
    p95=None,
    p99=None,
    errors=None,
    ratio="",
    note="",
):
    if result is not None:
        rps, p50, p95, p99 = (
            result.rps,
            result.percentile(50),
            result.percentile(95),
            result.percentile(99),
        )
        errors, concurrency = result.errors, result.concurrency
        if result.error_samples:
            note = (note + " " if note else "") + f"e.g. {result.error_samples[0]}"
    row = {
        "scenario": scenario,
        "concurrency": concurrency,
        "rps": rps,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "errors": errors,
        "ratio": ratio,
        "note": note,
    }
    ROWS.append(row)
    print(_format(row), flush=True)
    return row


def _num(value, digits=1):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


HEADER = (
    f"{'scenario':<44} {'c':>3} {'req/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'err':>5}  ratio / note"
)


def _format(row):
    return (
        f"{row['scenario']:<44} {row['concurrency']!s:>3} {_num(row['rps']):>10} "
        f"{_num(row['p50']):>8} {_num(row['p95']):>8} {_num(row['p99']):>8} "
        f"{_num(row['errors']):>5}  {row['ratio']} {row['note']}".rstrip()
    )


def ratio(ours, theirs, target):
    if not theirs:
        return "(no peer figure)"
    value = ours / theirs
    return f"{value:,.1f}x peer (target {target}x{' ✓' if value >= target else ' ✗'})"


# Scenarios ----------------------------------------------------------------------------------


def complaint_body(rng, desa_codes, categories):
    category = rng.choice(categories)
    return {
        "kind": "complaint",
        "title": f"Laporan {category.replace('_', ' ')} nomor {rng.randint(1, 10**6)}",
        "description": "Mohon segera ditindaklanjuti, kondisi ini mengganggu warga sekitar.",
        "category": category,
        "desa": rng.choice(desa_codes),
        "privacy": "public",
        "reporter_name": "Beban Uji",
        "reporter_email": "bench@example.org",
        "language": "id",
    }


def scenario_floor(ctx):
    """Raw psycopg2 single-row INSERT + COMMIT at c=16 into a table shaped like ours."""
    import psycopg2

    dsn = ctx["database_url"]
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_floor")
        cur.execute(
            "CREATE TABLE bench_floor (LIKE complaints_complaint INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        cur.execute("ALTER TABLE bench_floor ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    duration, threads = ctx["duration"], 16
    counts, latencies = [0] * threads, []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def work(i):
        conn = psycopg2.connect(dsn)
        cur = conn.cursor()
        n = 0
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            cur.execute(
                "INSERT INTO bench_floor (tracking_code, kind, title, description, privacy, "
                "channel, source_reference, reporter_name, reporter_email, reporter_phone, "
                "access_key_digest, language, status, address_detail, escalation_level, "
                "supporters_count, rating_comment, created_at, updated_at) VALUES "
                "(%s, 'complaint', 'Jalan rusak', 'Berlubang', 'public', 'api', '', 'A', "
                "'a@example.org', '', %s, 'id', 'submitted', '', 0, 0, '', now(), now())",
                (f"F{i:02d}{n:08d}", "0" * 64),
            )
            conn.commit()
            mine.append(time.perf_counter() - started)
            n += 1
        counts[i] = n
        with lock:
            latencies.extend(mine)
        conn.close()

    began = time.monotonic()
    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - began
    from bench.load import Result

    result = Result("floor", threads, elapsed, latencies)
    ctx["floor_rps"] = result.rps
    record("floor: psycopg2 INSERT+COMMIT", result)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE bench_floor")


def drain_outbox(timeout=300):
    """Wait until the worker has sent every waiting message; return the seconds it took.

    A filing load leaves thousands of confirmations to deliver: measuring the next load while
    the worker still sends them would charge that work to it.
    """
    from django.utils import timezone

    from complaints.models import Notification
    from complaints.tasks import deliver_due

    started = time.monotonic()
    deliver_due.apply_async()  # what beat does every minute (the bench runs no beat)
    while (
        Notification.objects.filter(sent_at=None, next_try_at__lte=timezone.now()).exists()
        and time.monotonic() - started < timeout
    ):
        time.sleep(0.5)
    return time.monotonic() - started


def scenario_filing(ctx):
    from bench.load import run_load

    portal, rng = ctx["portal"], random.Random(7)
    desa, categories = ctx["desa_codes"], ctx["category_codes"]
    before = ctx["count_complaints"]()

    async def api(client, n):
        status, body = await client.request(
            "POST", "/api/v1/complaints/", json=complaint_body(rng, desa, categories)
        )
        return status == 201, body

    result = run_load(
        "filing api", portal.base, concurrency=16, duration=ctx["duration"], action=api
    )
    stored = ctx["count_complaints"]() - before
    note = f"stored {stored}/{result.count}"
    if stored != result.count:
        note += " MISMATCH"
    floor = ctx.get("floor_rps")
    if floor:
        note += f", {result.rps / floor:.0%} of the floor"
    record(
        "filing: POST /api/v1/complaints/",
        result,
        ratio=ratio(result.rps, ctx["peer"].get("submit_rps"), 3),
        note=note,
    )
    ctx["filing_rps"] = result.rps
    record("filing: confirmations delivered after the API load", note=f"{drain_outbox():.1f} s")

    async def get_form(client, i):
        await client.request("GET", "/")

    async def form(client, n):
        data = {**complaint_body(rng, desa, categories), "csrfmiddlewaretoken": client.csrf()}
        data["kecamatan"] = data["desa"][:8]
        status, body = await client.request(
            "POST", "/", data=data, headers={"Referer": portal.base + "/"}
        )
        return status == 302, f"{status} {body[:120]}"

    result = run_load(
        "filing form",
        portal.base,
        concurrency=16,
        duration=ctx["duration"],
        action=form,
        setup=get_form,
    )
    record(
        "filing: HTML form with CSRF",
        result,
        ratio=ratio(result.rps, ctx["peer"].get("submit_rps"), 2),
    )
    record("filing: confirmations delivered after the form load", note=f"{drain_outbox():.1f} s")
    rss = portal.worker_rss_mb()
    record(
        "memory: gunicorn workers after filing",
        note=(f"RSS per worker {', '.join(f'{mb:.0f}' for mb in rss)} MB (target < 200 MB)"),
    )


def scenario_tracking(ctx):
    from bench.load import run_load

    portal, codes = ctx["portal"], ctx["public_codes"]

    async def api(client, n):
        status, _body = await client.request("GET", f"/api/v1/complaints/{codes[n % len(codes)]}/")
        return status == 200, status

    async def page(client, n):
        status, _body = await client.request("GET", f"/complaints/{codes[n % len(codes)]}/")
        return status == 200, status

    for name, action in [
        ("tracking: GET /api/v1/complaints/{code}/", api),
        ("tracking: page /complaints/{code}/", page),
    ]:
        result = run_load(
            name, portal.base, concurrency=32, duration=ctx["duration"], action=action
        )
        target_ok = result.rps >= 600 and result.percentile(99) < 100
        record(name, result, ratio=f"target ≥600 req/s, p99 <100 ms {'✓' if target_ok else '✗'}")


def scenario_public_list(ctx):
    from bench.load import run_load

    portal, rng = ctx["portal"], random.Random(3)
    sectors = ["infrastruktur", "lingkungan", "lalu_lintas", "kesehatan", "ekonomi"]
    kecamatan = ["51.03.01", "51.03.02", "51.03.05", "51.03.06"]

    async def listing(client, n):
        query = (
            f"?sector={rng.choice(sectors)}&kecamatan={rng.choice(kecamatan)}"
            f"&status=in_progress&status=dispatched&page={rng.randint(1, 3)}"
        )
        status, _body = await client.request("GET", "/api/v1/complaints/" + query)
        return status in {200, 404}, status

    result = run_load(
        "public list", portal.base, concurrency=16, duration=ctx["duration"], action=listing
    )
    record("public list: GET /api/v1/complaints/?filters", result)


def _login(username):
    async def setup(client, i):
        await client.request("GET", "/accounts/login/")
        status, _body = await client.request(
            "POST",
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": client.csrf()},
            headers={"Referer": client.base + "/accounts/login/"},
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed: {status}")

    return setup


def _token(base, username):
    import json as _json
    from urllib.parse import urlencode
    from urllib.request import Request

    request = Request(  # noqa: S310 - loopback
        base + "/api/v1/auth/token/",
        data=urlencode({"username": username, "password": PASSWORD}).encode(),
        method="POST",
    )
    with urlopen(request, timeout=10) as response:  # noqa: S310
        return _json.loads(response.read())["token"]


def scenario_staff(ctx):
    from bench.load import run_load

    portal = ctx["portal"]
    open_statuses = "status=dispatched&status=in_progress&status=info_requested"
    views = [  # label, user, page, API query: each role's default view, then a search
        ("officer", "bench_officer", f"/staff/queue/?{open_statuses}&sort=due", open_statuses),
        (
            "camat",
            "bench_camat",
            f"/staff/area/?status=submitted&{open_statuses}&sort=due",
            f"status=submitted&{open_statuses}",
        ),
        ("verifier", "bench_verifier", "/staff/desk/", "status=submitted"),
        (
            "officer search",
            "bench_officer",
            f"/staff/queue/?{open_statuses}&kecamatan=51.03.01&q=jalan+berlubang&sort=due",
            f"{open_statuses}&kecamatan=51.03.01&q=jalan+berlubang",
        ),
    ]
    for label, username, path, query in views:

        async def page(client, n, path=path):
            status, _body = await client.request("GET", path)
            return status == 200, status

        seq = run_load(
            label,
            portal.base,
            concurrency=1,
            duration=ctx["duration"] / 2,
            action=page,
            setup=_login(username),
        )
        ok = seq.percentile(95) < 100
        record(
            f"staff page ({label}) sequential",
            seq,
            ratio=f"target p95 <100 ms {'✓' if ok else '✗'}",
        )
        api_path = f"/api/v1/complaints/?{query}"
        token = _token(portal.base, username)

        async def api(client, n, api_path=api_path, token=token):
            status, _body = await client.request(
                "GET", api_path, headers={"Authorization": f"Token {token}"}
            )
            return status == 200, status

        seq = run_load(label, portal.base, concurrency=1, duration=ctx["duration"] / 2, action=api)
        record(
            f"staff API ({label}) sequential",
            seq,
            ratio=f"target p95 <100 ms {'✓' if seq.percentile(95) < 100 else '✗'}",
        )
        par = run_load(label, portal.base, concurrency=8, duration=ctx["duration"], action=api)
        record(
            f"staff API ({label})", par, ratio=ratio(par.rps, ctx["peer"].get("list_rps_c8"), 20)
        )

    codes = ctx["officer_codes"]

    async def detail(client, n):
        status, _body = await client.request("GET", f"/staff/complaints/{codes[n % len(codes)]}/")
        return status == 200, status

    seq = run_load(
        "detail",
        portal.base,
        concurrency=1,
        duration=ctx["duration"] / 2,
        action=detail,
        setup=_login("bench_officer"),
    )
    record("staff complaint page (officer) sequential", seq)


DASHBOARD_PATHS = [
    ("page", "/staff/dashboard/"),
    ("page, sorted by overdue", "/staff/dashboard/?sort=-overdue"),
    ("trend JSON", "/staff/dashboard/data/trend.json"),
    ("areas JSON", "/staff/dashboard/data/areas.json"),
    ("categories JSON", "/staff/dashboard/data/categories.json"),
    ("channels JSON", "/staff/dashboard/data/channels.json"),
    ("OPD JSON", "/staff/dashboard/data/opd.json"),
    ("monthly report", "/staff/dashboard/report/"),
    ("CSV export", "/staff/dashboard/report.csv"),
    ("XLSX export", "/staff/dashboard/report.xlsx"),
]
PUBLIC_STATS_PATHS = [
    ("public statistics page", "/statistik/"),
    ("public stats JSON per OPD", "/api/v1/stats/opd/"),
    ("public stats JSON per sector", "/api/v1/stats/sectors/"),
]


def scenario_dashboards(ctx):
    """Issue 8's pages and JSON endpoints, sequentially per role (target p95 < 300 ms)."""
    from bench.load import run_load

    portal = ctx["portal"]
    duration = max(ctx["duration"] / 4, 2)
    # As beat does every five minutes: closed complaints summed into the rollups.
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "refresh_stats"], cwd=ROOT, env=portal.env, check=True
    )
    record("dashboard rollups: refresh_stats", note=f"{time.perf_counter() - started:.1f} s")

    def measure(label, path, setup=None):
        async def get(client, n):
            status, _body = await client.request("GET", path)
            return status == 200, status

        result = run_load(
            label, portal.base, concurrency=1, duration=duration, action=get, setup=setup
        )
        ok = result.percentile(95) < 300 and not result.errors
        record(f"{label} sequential", result, ratio=f"target p95 <300 ms {'✓' if ok else '✗'}")

    for username, who in [
        ("bench_leader", "leadership"),
        ("bench_head", "OPD head"),
        ("bench_camat", "camat"),
    ]:
        for name, path in DASHBOARD_PATHS:
            if who != "leadership" and name not in {"page", "OPD JSON", "trend JSON"}:
                continue
            measure(f"dashboard ({who}): {name}", path, setup=_login(username))
    for name, path in PUBLIC_STATS_PATHS:
        measure(name, path)


def scenario_curve(ctx):
    """Latency against concurrency for filing and the officer's queue API; a PNG chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bench.load import run_load

    portal, rng = ctx["portal"], random.Random(11)
    desa, categories = ctx["desa_codes"], ctx["category_codes"]
    token = _token(portal.base, "bench_officer")
    query = "status=dispatched&status=in_progress&status=info_requested"

    async def filing(client, n):
        status, _body = await client.request(
            "POST", "/api/v1/complaints/", json=complaint_body(rng, desa, categories)
        )
        return status == 201, status

    async def queue(client, n):
        status, _body = await client.request(
            "GET", f"/api/v1/complaints/?{query}", headers={"Authorization": f"Token {token}"}
        )
        return status == 200, status

    curves = {}
    for label, action, levels in [
        ("filing (POST /api/v1/complaints/)", filing, [1, 4, 16, 32]),
        ("staff queue API (officer)", queue, [1, 4, 8, 16]),
    ]:
        points = []
        for c in levels:
            r = run_load(
                label, portal.base, concurrency=c, duration=ctx["duration"] / 2, action=action
            )
            record(f"curve: {label}", r)
            points.append((c, r.percentile(50), r.percentile(95), r.rps))
        curves[label] = points
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (label, points) in zip(axes, curves.items(), strict=True):
        xs = [p[0] for p in points]
        ax.plot(xs, [p[1] for p in points], marker="o", label="p50")
        ax.plot(xs, [p[2] for p in points], marker="o", label="p95")
        ax.set_title(label)
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("latency (ms)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"Badung Portal on {CORES} cores, {ctx['complaint_total']:,} complaints")
    fig.tight_layout()
    folder = RESULTS.parent if "BENCH_RESULTS" not in os.environ else RESULTS
    out = folder / ("latency-quick.png" if ctx["quick"] else "latency.png")
    fig.savefig(out, dpi=110)
    print(f"chart saved to {out}", flush=True)


def scenario_sweep(ctx):
    from django.utils import timezone

    from bench.generate import make_due
    from complaints import deadlines
    from complaints.models import OPEN_STATUSES, Complaint
    from opd import calendar

    available = Complaint.objects.filter(status__in=OPEN_STATUSES).count()
    calendar.add_working_days(timezone.localdate(), 3)  # a running worker has the calendar loaded
    for wanted in ctx["sweep_sizes"]:
        due = min(wanted, available)
        make_due(due)
        started = time.perf_counter()
        done = deadlines.sweep()
        seconds = time.perf_counter() - started
        per_second = done["steps"] / seconds if seconds else 0.0
        target = "<1 s" if due == 1000 else ""
        record(
            f"escalation sweep, {due:,} due",
            rps=per_second,
            note=(
                f"{seconds:.2f} s, {done['steps']:,} steps, {done['auto']:,} auto {target}; "
                + ratio(per_second, ctx["peer"].get("escalate_per_s"), 10)
            ),
        )


def scenario_notifications(ctx):
    from aiosmtpd.controller import Controller
    from django.utils import timezone

    from complaints.models import Notification

    total = ctx["notifications"]

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every session
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for workers in (1, 2):
            Notification.objects.filter(kind="bench").delete()
            Sink.count = 0
            now = timezone.now()
            Notification.objects.bulk_create(
                [
                    Notification(
                        channel="email",
                        kind="bench",
                        address="sink@example.org",
                        subject=f"Bench {i}",
                        body="Isi pesan uji.",
                        next_try_at=now,
                    )
                    for i in range(total)
                ],
                batch_size=2000,
            )
            env = portal_env(
                ctx["database_url"],
                ctx["redis_url"],
                {
                    "EMAIL_HOST": "127.0.0.1",
                    "EMAIL_PORT": str(controller.port),
                    "EMAIL_USE_TLS": "false",
                },
            )
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "badung_portal",
                        "worker",
                        "--concurrency=1",
                        "--loglevel=warning",
                        "--without-gossip",
                        "--without-mingle",
                        "-n",
                        f"bench{i}@%h",
                        "-Q",
                        "bench",
                    ],
                    cwd=ROOT,
                    env=env,
                    start_new_session=True,
                    stdout=subprocess.DEVNULL,
                )
                for i in range(workers)
            ]
            from complaints.tasks import deliver_due

            time.sleep(3)  # workers up
            started = time.perf_counter()
            # As after a sweep: rows written in bulk, one nudge per worker; the workers claim
            # batches with SKIP LOCKED and share the rows.
            for _ in range(workers):
                deliver_due.apply_async(queue="bench")
            deadline = time.monotonic() + 600
            while Sink.count < total and time.monotonic() < deadline:
                time.sleep(0.2)
            seconds = time.perf_counter() - started
            for p in procs:
                os.killpg(p.pid, signal.SIGTERM)
            for p in procs:
                p.wait(timeout=30)
            rate = Sink.count / seconds
            record(
                f"notification delivery, {workers} worker(s)",
                rps=rate,
                concurrency=workers,
                note=f"{Sink.count:,}/{total:,} mails in {seconds:.1f} s (target ≥200/s "
                f"{'✓' if rate >= 200 else '✗'})",
            )
            Notification.objects.filter(kind="bench").delete()
    finally:
        controller.stop()


# Peer -------------------------------------------------------------------------------------


def run_peer(ctx):
    """Measure the peer's public submission, staff list and escalation."""
    from bench import peer
    from bench.load import run_load

    peer.setup()
    peer.seed(ctx["peer_tickets"])
    port = free_port()
    server = peer.serve(port, ctx["web_workers"])
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        wait_http(base + peer.PUBLIC_SUBMIT_PATH, timeout=90)

        async def get_form(client, i):
            await client.request("GET", peer.PUBLIC_SUBMIT_PATH)

        async def submit(client, n):
            data = {**peer.form_fields(), "csrfmiddlewaretoken": client.csrf()}
            status, _body = await client.request(
                "POST",
                peer.PUBLIC_SUBMIT_PATH,
                data=data,
                headers={"Referer": base + peer.PUBLIC_SUBMIT_PATH},
            )
            return status in {200, 302}, status

        r = run_load(
            "peer submit",
            base,
            concurrency=16,
            duration=ctx["duration"],
            action=submit,
            setup=get_form,
        )
        results["submit_rps"] = r.rps
        record("peer: public ticket submission", r)
        cookies = peer.login_cookies(base)

        async def login(client, i):
            client.cookies.update(cookies)

        async def listing(client, n):
            status, _body = await client.request("GET", peer.STAFF_LIST_PATH)
            return status == 200, status

        r = run_load(
            "peer list", base, concurrency=1, duration=ctx["duration"], action=listing, setup=login
        )
        record("peer: staff ticket list JSON sequential", r)
        r = run_load(
            "peer list", base, concurrency=8, duration=ctx["duration"], action=listing, setup=login
        )
        results["list_rps_c8"] = r.rps
        record("peer: staff ticket list JSON", r)
    finally:
        server.terminate()
        server.wait(timeout=30)
    escalated, seconds = peer.escalate(due=ctx["sweep_sizes"][-1])
    results["escalate_per_s"] = escalated / seconds if seconds else 0.0
    record(
        "peer: escalate_tickets",
        rps=results["escalate_per_s"],
        note=f"{escalated:,} escalated in {seconds:.2f} s",
    )
    return results


# Main ------------------------------------------------------------------------------------


def prepare_database(database_url, complaints, wipe):
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    from bench.generate import ensure_bench_accounts, generate

    counts = generate(complaints, wipe=wipe)
    ensure_bench_accounts()
    return counts


def ensure_database(database_url):
    import psycopg2
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only these (repeatable); default: all",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small dataset and short loads: a smoke run in a few minutes",
    )
    parser.add_argument("--complaints", type=int, help="complaints to generate if fewer exist")
    parser.add_argument("--no-peer", action="store_true", help="skip django-helpdesk")
    parser.add_argument("--duration", type=float, help="seconds per load (default 20; 4 quick)")
    parser.add_argument("--notifications", type=int, help="mails to deliver (default 10,000)")
    parser.add_argument("--web-workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
    args = parser.parse_args(argv)

    quick = args.quick
    database_url = os.environ.get("BENCH_DATABASE_URL") or (QUICK_DB if quick else DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    complaints = args.complaints or (3_000 if quick else 1_000_000)
    # This process runs the sweep itself: the same production profile as the portal's
    # processes (DEBUG off, so templates are compiled once, as in production).
    os.environ.update(portal_env(database_url, redis_url))
    ensure_database(database_url)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badung_portal.settings")
    django.setup()
    from complaints.models import Complaint, Privacy
    from opd.models import Category, Desa

    print(
        f"Preparing {database_url.rsplit('/', 1)[1]} with {complaints:,} complaints …", flush=True
    )
    prepare_database(database_url, complaints, wipe=quick)

    scenarios = args.scenario or SCENARIOS
    ctx = {
        "database_url": database_url,
        "redis_url": redis_url,
        "duration": args.duration or (4.0 if quick else 20.0),
        "web_workers": args.web_workers or 2 * CORES + 1,
        "sweep_sizes": [100, 300] if quick else [1000, 10000],
        "notifications": args.notifications or (1000 if quick else 10000),
        "peer_tickets": 2000 if quick else 200_000,
        "desa_codes": list(Desa.objects.values_list("code", flat=True)),
        "category_codes": list(Category.objects.values_list("code", flat=True)),
        "count_complaints": lambda: Complaint.objects.count(),
        "public_codes": list(
            Complaint.objects.exclude(privacy=Privacy.CONFIDENTIAL)
            .order_by("?")
            .values_list("tracking_code", flat=True)[:2000]
        ),
        "officer_codes": list(
            Complaint.objects.filter(current_opd__code="PUPR")
            .order_by("?")
            .values_list("tracking_code", flat=True)[:500]
        ),
        "peer": {},
        "quick": quick,
        "complaint_total": Complaint.objects.count(),
    }
    print(f"\nMachine: {CORES} cores; gunicorn sync workers: {ctx['web_workers']}\n", flush=True)
    print(HEADER, flush=True)
    started = time.monotonic()
    if "floor" in scenarios:
        scenario_floor(ctx)
    if not args.no_peer and set(scenarios) & {"filing", "staff", "sweep"}:
        ctx["peer"] = run_peer(ctx)
    portal = Portal(portal_env(database_url, redis_url), ctx["web_workers"])
    ctx["portal"] = portal
    web = [
        s
        for s in scenarios
        if s in {"filing", "tracking", "public_list", "staff", "dashboards", "curve"}
    ]
    if web:
        portal.start()
        try:
            for name in web:
                globals()[f"scenario_{name}"](ctx)
        finally:
            portal.stop()
    for name in [s for s in scenarios if s in {"sweep", "notifications"}]:
        globals()[f"scenario_{name}"](ctx)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("quick.json" if quick else "latest.json")
    out.write_text(
        json.dumps(
            {
                "rows": ROWS,
                "cores": CORES,
                "complaints": complaints,
                "seconds": time.monotonic() - started,
            },
            indent=2,
        )
    )
    print(
        f"\n{len(ROWS)} rows in {time.monotonic() - started:.0f} s; saved to {out}",
        flush=True,
    )


if __name__ == "__main__":
    main()
