"""The production profile builds: static files collect with the manifest storage."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    # The Dockerfile and the benchmark run this; a vendored file's broken reference fails it.
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "collectstatic-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_s3_bucket_setting_puts_photos_in_the_bucket():
    env = {**os.environ, "S3_BUCKET": "badung-photos", "S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    code = "from django.core.files.storage import storages; d = storages['default']; "
    code += "print(type(d).__name__, d.bucket_name, d.default_acl)"
    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed snippet
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[-1].split() == ["S3Storage", "badung-photos", "private"]
