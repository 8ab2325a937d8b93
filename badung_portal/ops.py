"""Operations endpoints: `/healthz` (the process answers) and `/readyz` (it can serve).

A load balancer or orchestrator polls them. Neither needs a session, a login or the
translation catalogue; `/healthz` never touches the database, so a database outage does not
make every web process look dead at once.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.urls import path
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .middleware import database_unavailable_response

log = logging.getLogger(__name__)

# A dependency that does not answer within this many seconds counts as down: a readiness
# probe must answer well within the orchestrator's own timeout.
CHECK_TIMEOUT = 2


def database_ok():
    """True when the default database answers a trivial query."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        log.warning("readiness: database unreachable", exc_info=True)
        # A broken connection must not be reused by the next request of this process.
        connections["default"].close_if_unusable_or_obsolete()
        return False


def redis_ok():
    """True when the Redis of REDIS_URL answers PING."""
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT,
        socket_timeout=CHECK_TIMEOUT,
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        log.warning("readiness: redis unreachable", exc_info=True)
        return False
    finally:
        client.close()


@never_cache
@require_GET
def healthz(request):
    """The process is up and answering requests (no dependency is checked)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Database and (when REDIS_URL is set) Redis reachable; else 503 naming what fails."""
    checks = {"database": "ok" if database_ok() else "unavailable"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if redis_ok() else "unavailable"
    failing = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "unavailable" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
        return JsonResponse(body, status=503)
    return JsonResponse(body)


def server_error(request):
    """handler500: a database outage met outside a view (saving the session) is still a 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable_response(request)
    return defaults.server_error(request)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
