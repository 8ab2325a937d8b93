"""The benchmark's peer: django-helpdesk 2.6.1 in its own virtualenv.

Runs in OUR venv and talks to the peer only through subprocesses of
bench/peer/.venv (python, gunicorn); it never imports helpdesk or Django.

    from bench import peer
    peer.setup()                        # venv + pip + database + migrate + staff user + queue
    peer.seed(200_000)                  # at least 200,000 tickets (wipe=True: exactly)
    proc = peer.serve(8100, workers=2)  # gunicorn on 127.0.0.1:8100; caller stops it
    cookies = peer.login_cookies("http://127.0.0.1:8100")
    # GET  base + peer.STAFF_LIST_PATH with cookies -> datatables JSON
    # GET  base + peer.PUBLIC_SUBMIT_PATH -> csrftoken cookie + form;
    # POST base + peer.PUBLIC_SUBMIT_PATH, peer.form_fields() + csrfmiddlewaretoken -> 302
    proc.terminate(); proc.wait()
    escalated, seconds = peer.escalate(1000)

The peer's database: PEER_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_peer.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
PY = VENV / "bin" / "python"
GUNICORN = VENV / "bin" / "gunicorn"
SITE = HERE / "site"
TASKS = HERE / "_tasks.py"
VAR = HERE / "var"

HELPDESK_VERSION = "2.6.1"
REQUIREMENTS = [
    f"django-helpdesk=={HELPDESK_VERSION}",
    "Django>=5.2,<5.3",
    "gunicorn>=27",  # --no-control-socket (27+): no clash with our gunicorn's socket
    "psycopg2-binary>=2.9",
]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_peer"

STAFF_USERNAME = "peeradmin"  # superuser, is_staff (keep in step with _tasks.py)
STAFF_PASSWORD = "peer-bench-2026"
QUEUE_SLUG = "pengaduan"

LOGIN_PATH = "/login/"
# The public "submit a ticket" form (helpdesk:submit, public CreateTicketView with
# PublicTicketForm). Anonymous GET renders it and sets the csrftoken cookie; POST
# with the fields of form_fields() plus csrfmiddlewaretoken answers 302 to
# /view/?ticket=...&email=...&key=... (the ticket is stored by then).
PUBLIC_SUBMIT_PATH = "/tickets/submit/"
# The JSON that the staff ticket list page (/tickets/, helpdesk:list) loads through
# DataTables: helpdesk:datatables_ticket_list with the page's default query
# (open + reopened tickets, sorted by created) base64-encoded exactly as
# views/staff.py:ticket_list encodes it, and the first page of 25 as DataTables asks.
STAFF_LIST_PAGE_PATH = "/tickets/"
_DEFAULT_LIST_QUERY = {
    "filtering": {"status__in": [1, 2]},
    "sorting": "created",
    "search_string": "",
    "sortreverse": False,
}
STAFF_LIST_PATH = (
    "/datatables_ticket_list/"
    + base64.b64encode(json.dumps(_DEFAULT_LIST_QUERY).encode()).decode("ascii")
    + "?draw=1&start=0&length=25&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=asc"
    + "&search%5Bvalue%5D="
)


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("PEER_DATABASE_URL", DEFAULT_DATABASE_URL)
    env["DJANGO_SETTINGS_MODULE"] = "settings"
    env.pop("DATABASE_URL", None)  # ours; the peer reads PEER_DATABASE_URL only
    env.pop("PYTHONPATH", None)
    return env


def _task(*args: str, quiet: bool = False) -> dict:
    """Run _tasks.py in the peer venv; its progress goes to our stderr."""
    proc = subprocess.run(
        [str(PY), str(TASKS), *args],
        cwd=str(HERE),
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"peer task {args!r} failed (exit {proc.returncode}):\n{proc.stdout}")
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return {}


def _installed() -> bool:
    if not PY.exists() or not GUNICORN.exists():
        return False
    check = (
        "import importlib.metadata as m, psycopg2;"
        f"assert m.version('django-helpdesk') == '{HELPDESK_VERSION}';"
        "assert m.version('Django').startswith('5.2.')"
    )
    return subprocess.run([str(PY), "-c", check], capture_output=True).returncode == 0


def setup(verbose: bool = True) -> dict:
    """Idempotent: venv, pip install, database, migrate, staff superuser, one public queue.

    Returns {"queue_id": ..., "staff_id": ...}.
    """
    if not PY.exists():
        base = shutil.which("python3") or sys.executable
        if verbose:
            print(f"peer: creating {VENV}", file=sys.stderr)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    if not _installed():
        if verbose:
            print(f"peer: pip install {' '.join(REQUIREMENTS)}", file=sys.stderr)
        subprocess.run(
            [
                str(PY),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *REQUIREMENTS,
            ],
            check=True,
        )
    VAR.mkdir(exist_ok=True)
    info = _task("setup")
    global _QUEUE_ID
    _QUEUE_ID = info.get("queue_id")
    return info


def seed(tickets: int, wipe: bool = False) -> dict:
    """Make the peer hold at least `tickets` tickets (exactly `tickets` with wipe=True).

    COPY in batches of 20,000 from the peer venv, progress on stderr, VACUUM ANALYZE
    at the end. Returns {"tickets": total, "added": n, "seconds": s, ...}.
    """
    args = ["seed", str(int(tickets))] + (["--wipe"] if wipe else [])
    return _task(*args)


def ticket_count() -> int:
    return int(_task("info", quiet=True)["tickets"])


_QUEUE_ID: int | None = None


def queue_id() -> int:
    global _QUEUE_ID
    if _QUEUE_ID is None:
        _QUEUE_ID = _task("info", quiet=True)["queue_id"]
        if _QUEUE_ID is None:
            raise RuntimeError("peer queue missing: run bench.peer.setup() first")
    return _QUEUE_ID


_TITLES = [
    "Jalan berlubang",
    "Sampah menumpuk",
    "Lampu jalan mati",
    "Genangan banjir",
    "Parkir liar",
]
_PLACES = [
    "Jl. Sunset Road, Kuta",
    "Jl. Raya Canggu",
    "Pasar Mengwi",
    "Jl. Raya Uluwatu",
    "Desa Sangeh",
]


def form_fields(n: int | None = None) -> dict[str, str]:
    """POST fields of a valid public submission to PUBLIC_SUBMIT_PATH (without
    csrfmiddlewaretoken, which the caller adds from the csrftoken cookie or the form).

    Fields of helpdesk's PublicTicketForm: queue (id of the public queue), title,
    body, priority (1-5), submitter_email, due_date (optional, empty). `attachment`
    is optional and not sent. The first call asks the peer for the queue id.
    """
    n = random.randrange(1_000_000) if n is None else n
    title = f"{_TITLES[n % len(_TITLES)]} di {_PLACES[(n // 7) % len(_PLACES)]}"
    return {
        "queue": str(queue_id()),
        "title": title,
        "body": f"{title}: sudah seminggu belum ditangani, mohon segera dicek petugas. (#{n})",
        "priority": "3",
        "submitter_email": f"warga{n % 50_000}@example.com",
        "due_date": "",
    }


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def serve(
    port: int, workers: int, wait: float = 30.0, log_path: str | os.PathLike | None = None
) -> subprocess.Popen:
    """Start gunicorn (sync workers) with the peer site on 127.0.0.1:port.

    DEBUG off, the site's own settings (bench/peer/site/settings.py), no access log;
    gunicorn's own log goes to bench/peer/var/gunicorn-PORT.log. Waits until the port
    answers (up to `wait` seconds). The caller stops it: proc.terminate(); proc.wait().
    """
    if _port_open(port):
        raise RuntimeError(f"127.0.0.1:{port} is already in use")
    VAR.mkdir(exist_ok=True)
    log_path = Path(log_path) if log_path else VAR / f"gunicorn-{port}.log"
    cmd = [
        str(GUNICORN),
        "--chdir",
        str(SITE),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(int(workers)),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        "--no-control-socket",
        "wsgi:application",
    ]
    env = _env()
    env["PEER_DEBUG"] = "0"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd, cwd=str(SITE), env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"peer gunicorn exited with {proc.returncode}; see {log_path}")
        if _port_open(port):
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"peer gunicorn did not listen on {port} within {wait}s; see {log_path}")


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _opener():
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def _open(opener, req, timeout=30):
    try:
        return opener.open(req, timeout=timeout)
    except urllib.error.HTTPError as e:  # 3xx without following, 4xx, 5xx
        return e


def csrf(base_url: str) -> tuple[dict[str, str], str]:
    """GET the public form: (cookies, csrfmiddlewaretoken) for anonymous POSTs."""
    jar, opener = _opener()
    resp = _open(opener, base_url.rstrip("/") + PUBLIC_SUBMIT_PATH)
    html = resp.read().decode("utf-8", "replace")
    m = _CSRF_INPUT.search(html)
    if resp.status != 200 or not m:
        raise RuntimeError(f"peer public form: HTTP {resp.status}, token found: {bool(m)}")
    return {c.name: c.value for c in jar}, m.group(1)


def login_cookies(base_url: str) -> dict[str, str]:
    """Log the staff user in through helpdesk's login form (GET for CSRF, then POST).

    Returns {"sessionid": ..., "csrftoken": ...} for an aiohttp/requests client.
    """
    base = base_url.rstrip("/")
    jar, opener = _opener()
    resp = _open(opener, base + LOGIN_PATH)
    html = resp.read().decode("utf-8", "replace")
    m = _CSRF_INPUT.search(html)
    if resp.status != 200 or not m:
        raise RuntimeError(f"peer login form: HTTP {resp.status}, token found: {bool(m)}")
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": m.group(1),
            "username": STAFF_USERNAME,
            "password": STAFF_PASSWORD,
            "next": STAFF_LIST_PAGE_PATH,
        }
    ).encode()
    req = urllib.request.Request(  # noqa: S310 - http(s) base URL of our own peer server
        base + LOGIN_PATH, data=data, headers={"Referer": base + LOGIN_PATH}, method="POST"
    )
    resp = _open(opener, req)
    resp.read()
    cookies = {c.name: c.value for c in jar}
    if resp.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"peer login failed: HTTP {resp.status}, cookies {sorted(cookies)}")
    return cookies


def escalate(due: int = 1000) -> tuple[int, float]:
    """Make `due` tickets due, run helpdesk's `escalate_tickets`, return (escalated, seconds).

    Due, for escalate_tickets: in a queue with escalate_days (ours: 3), status open or
    reopened, not on hold, priority > 1, and last_escalation (or, when NULL, created)
    older than escalate_days. Preparation, not timed: every open ticket gets
    last_escalation = now(); `due` random open, not-on-hold tickets get
    last_escalation = now() - 4 days (priority 1 raised to 3 so they qualify).
    `seconds` is the wall time of call_command("escalate_tickets") alone, inside the
    peer's python (each escalation: save, e-mail rendering to the dummy backend,
    a follow-up and a TicketChange).
    """
    out = _task("escalate", str(int(due)))
    return int(out["escalated"]), float(out["seconds"])


__all__ = [
    "LOGIN_PATH",
    "PUBLIC_SUBMIT_PATH",
    "STAFF_LIST_PAGE_PATH",
    "STAFF_LIST_PATH",
    "STAFF_PASSWORD",
    "STAFF_USERNAME",
    "csrf",
    "escalate",
    "form_fields",
    "login_cookies",
    "queue_id",
    "seed",
    "serve",
    "setup",
    "ticket_count",
]
