"""Request ids, one structured log line per request, and a clean 503 when the database is down."""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

REQUEST_ID_HEADER = "X-Request-ID"
# An id from a proxy or client is kept only when it is short and plain: it goes into logs
# and a response header, so nothing that could forge a log line or a header gets through.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 15

request_log = logging.getLogger("badung_portal.requests")
log = logging.getLogger(__name__)
current_request_id = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served on every log record (`%(request_id)s`)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def _request_id(request):
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request):
    """The user's id when authentication already ran; never a query of its own."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        # Unevaluated: the view never looked at the user (and the database may be down).
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestLogMiddleware:
    """Give every request an id (echoed in X-Request-ID) and log it as one JSON line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _request_id(request)
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_log.info(
                json.dumps(
                    {
                        "ts": datetime.datetime.now(datetime.UTC).isoformat(
                            timespec="milliseconds"
                        ),
                        "event": "request",
                        "request_id": request_id,
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user_id": _user_id(request),
                    },
                    ensure_ascii=False,
                )
            )
            return response
        finally:
            current_request_id.reset(token)


def database_unavailable_response(request):
    """503 with Retry-After: JSON for the API, a translated page for people."""
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if request.path.startswith("/api/") or request.path.startswith("/open311/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        html = render_to_string(
            "503.html", {"message": message, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A lost database connection is an outage, not a bug: answer 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error(
            "database unavailable: %s %s: %s",
            request.method,
            request.path,
            str(exception).strip(),
        )
        return database_unavailable_response(request)
