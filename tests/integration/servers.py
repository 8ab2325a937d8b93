"""Processes of a test's own: the portal under gunicorn, and a private PostgreSQL cluster.

A test that stops a database or floods a web server starts its own; the shared PostgreSQL
(5432) and Redis (6379) of the machine are never stopped.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.integration.conftest import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def port_open(port):
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def production_env(**extra):
    """The production profile on plain HTTP at 127.0.0.1 (no TLS proxy in a test)."""
    # The browser tests' conftest allows async-unsafe calls in this process; a server never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **env,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Gunicorn:
    """`gunicorn badung_portal.wsgi` with sync workers on a free port; output kept in a file."""

    def __init__(self, env, log_path, workers=2):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        self.process = None

    def start(self, timeout=60):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own server
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "badung_portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--timeout",
                    "60",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

        def listening():
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.log()[-3000:]}")
            return port_open(self.port)

        wait_for(listening, timeout=timeout, step=0.2)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb into a temp folder, own port, trust auth)."""

    def __init__(self):
        self.bin = POSTGRES_BIN_DIRS[0] if POSTGRES_BIN_DIRS else None
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="badung-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "server.log"
        # PostgreSQL refuses to run as root: run its programs as the `postgres` user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def available(self):
        return self.bin is not None and (self.bin / "initdb").exists()

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args, check=True):
        return subprocess.run(  # noqa: S603 - our own test server
            [*self.as_user, *map(str, args)],
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def init(self):
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c synchronous_commit=on -c max_connections=100"
        )
        self._run(
            self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.logfile, "-w", "start"
        )

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def is_ready(self):
        return (
            self._run(
                self.bin / "pg_isready", "-h", "127.0.0.1", "-p", self.port, check=False
            ).returncode
            == 0
        )

    def create_database(self, name):
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def destroy(self):
        self.stop(mode="immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(env, *args, timeout=300):
    """Run a manage.py command in a child process with `env`; fail with its output."""
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def wait_until(predicate, timeout, step=0.2):
    """Like wait_for, but returns False instead of failing."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False
