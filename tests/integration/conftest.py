"""Real parts for integration tests: a private Redis, an SMTP sink and Celery worker processes.

They need PostgreSQL (DATABASE_URL) and the redis-server program; CI sets REQUIRE_INTEGRATION=1
so that a missing part fails instead of skipping.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from badung_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def _missing(reason):
    if os.environ.get("REQUIRE_INTEGRATION"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=30.0, step=0.1):
    """Poll until `predicate()` is truthy; return its value, or fail after `timeout` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        _missing("integration tests run on PostgreSQL (set DATABASE_URL)")


class PrivateRedis:
    """A redis-server of the test's own, so that a test may stop and restart it."""

    def __init__(self, workdir):
        self.exe = shutil.which("redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own test server
            [
                self.exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for(lambda: not self.ping(), timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    if server.exe is None:
        _missing("redis-server is not installed")
    server.start()
    yield server
    server.stop()


class SmtpSink:
    """Records every message it accepted. `delay` holds the reply to DATA for that long; a
    client gone before the reply never saw the message accepted, so it is not recorded."""

    def __init__(self):
        self.messages = []
        self.delay = 0.0
        self.data_started = 0

    async def handle_DATA(self, server, session, envelope):
        self.data_started += 1
        if self.delay:
            await asyncio.sleep(self.delay)
            if server.transport is None or server.transport.is_closing():
                return "421 client went away"
        self.messages.append(envelope)
        return "250 Message accepted"

    def texts(self):
        return [m.content.decode("utf-8", "replace") for m in self.messages]


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


@pytest.fixture
def live_parts(postgres, transactional_db, private_redis, smtp_sink, settings):
    """Point this process (publisher, mail) and the workers at the test's Redis and SMTP."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    settings.EMAIL_USE_TLS = False
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = private_redis.url
    celery_app._after_fork()  # drop pooled connections to the old broker
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER'] or 'postgres'}:{db['PASSWORD'] or ''}@"
            f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": private_redis.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_USE_TLS": "false",
        "OUTBOX_SWEEP_SECONDS": "1",
        "NOTIFICATION_LEASE_SECONDS": "3",
        "CONN_MAX_AGE": "0",
    }
    yield {"env": env, "redis": private_redis, "smtp": smtp_sink}
    celery_app.conf.broker_url = original
    celery_app._after_fork()


class Worker:
    """A real `celery worker` process (with the beat scheduler inside it)."""

    def __init__(self, env, schedule):
        self.env = env
        self.schedule = schedule
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own worker
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "badung_portal",
                "worker",
                "--beat",
                "--pool=solo",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--schedule",
                str(self.schedule),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would: no clean shutdown, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(live_parts, tmp_path):
    w = Worker(live_parts["env"], tmp_path / "beat-schedule")
    w.start()
    yield w
    w.stop()
