"""The benchmark runner's quick mode on a tiny dataset, so that it does not rot."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def test_quick_run_prints_the_table(db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL")
    settings = connection.settings_dict
    server = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}"
    )
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": f"{server}/badung_bench_ci",
        "BENCH_RESULTS": str(tmp_path),  # the committed results stay as they are
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--quick",
            "--no-peer",
            "--complaints",
            "300",
            "--duration",
            "0.5",
            "--notifications",
            "50",
            "--scenario",
            "floor",
            "--scenario",
            "filing",
            "--scenario",
            "tracking",
            "--scenario",
            "staff",
            "--scenario",
            "dashboards",
            "--scenario",
            "sweep",
            "--scenario",
            "notifications",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for scenario in (
        "floor: psycopg2",
        "filing: POST /api/v1/complaints/",
        "tracking: GET",
        "staff API (officer)",
        "dashboard (leadership): page",
        "public statistics page",
        "escalation sweep",
        "notification delivery, 2 worker(s)",
    ):
        assert scenario in out
    assert "MISMATCH" not in out
