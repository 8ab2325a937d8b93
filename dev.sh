#!/usr/bin/env bash
# Badung Portal: the two commands of the README.
#   ./dev.sh run    install, set up the database with reference and demo data, serve on :8000
#   ./dev.sh test   install, lint, run the whole test suite
# Uses PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, else SQLite and a
# filesystem queue under var/.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

install() {
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e ".[$1]"
}

case "${1:-}" in
  run)
    install run
    py="$VENV/bin/python"
    "$py" manage.py migrate --noinput
    "$py" manage.py load_reference
    "$py" manage.py load_demo
    "$py" manage.py train_router
    # Celery worker with the beat scheduler: without REDIS_URL it uses the filesystem queue.
    "$VENV/bin/celery" -A badung_portal worker --beat --pool=solo --loglevel=warning \
      --schedule var/celerybeat-schedule &
    worker=$!
    trap 'kill $worker 2>/dev/null || true' EXIT
    echo
    echo "Badung Portal: http://127.0.0.1:8000/  (staff admin: /admin/, API docs: /api/docs/)"
    "$py" manage.py runserver 127.0.0.1:8000
    ;;
  test)
    install dev
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/python" manage.py makemigrations --check --dry-run >/dev/null
    "$VENV/bin/pytest" "${@:2}"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
