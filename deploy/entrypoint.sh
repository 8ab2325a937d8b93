#!/bin/sh
set -e

case "$1" in
    web)
        # `docker compose up --scale web=N` starts N replicas at once; a
        # PostgreSQL advisory lock lets only one migrate and load reference
        # data at a time, and the others then find nothing left to do.
        python - <<'PY'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badung_portal.settings")
django.setup()

from django.core.management import call_command
from django.db import connection

with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_lock(%s)", [20250001])
    call_command("migrate", interactive=False)
    call_command("load_reference")
PY
        exec gunicorn badung_portal.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${WEB_CONCURRENCY:-3}" \
            --access-logfile -
        ;;
    worker)
        exec celery -A badung_portal worker -l info
        ;;
    beat)
        # /app belongs to root; the schedule file needs a writable place.
        exec celery -A badung_portal beat -l info --schedule /tmp/celerybeat-schedule
        ;;
    *)
        exec "$@"
        ;;
esac
