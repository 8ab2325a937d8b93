"""API plumbing shared by every endpoint: error mapping and throttles."""

import hashlib
import hmac
import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from complaints.lifecycle import LifecycleError


def exception_handler(exc, context):
    """DRF's handler, plus domain errors as 4xx in DRF's shapes (SPEC §8.1)."""
    if isinstance(exc, LifecycleError):
        body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class ScopedThrottle(SimpleRateThrottle):
    """Per user when logged in, else per client address, for one named scope."""

    def get_ident(self, request):
        # A server may hand over no address at all (REMOTE_ADDR missing or empty, e.g. on a
        # unix socket without the proxy's header): one shared bucket then, never None.
        return super().get_ident(request) or "unknown"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginThrottle(ScopedThrottle):
    scope = "login"


class LookupThrottle(ScopedThrottle):
    scope = "lookup"


class SupportThrottle(ScopedThrottle):
    scope = "support"


def contact_key(value):
    """One form of an e-mail address or phone number, keyed-hashed (no raw contact in a key)."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "@" not in value:
        digits = re.sub(r"\D", "", value)
        # 0812…, 62812… and +62 812… are the same Indonesian number.
        value = "0" + digits[2:] if digits.startswith("62") else digits
        if not value:
            return ""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class FilingContactThrottle(SimpleRateThrottle):
    """Filing per contact address: a flood from rotating addresses with one e-mail or phone.

    Each contact given (e-mail, phone) has its own count; a filing needs room in every one.
    The web form passes its cleaned contacts; the API reads them from the request body.
    """

    scope = "filing_contact"

    def __init__(self, contacts=None):
        super().__init__()
        self.contacts = contacts

    def _contacts(self, request):
        if self.contacts is not None:
            return self.contacts
        data = request.data
        if not isinstance(data, Mapping):
            return []
        return [data.get("reporter_email"), data.get("reporter_phone")]

    def get_cache_key(self, request, view):
        return None  # allow_request below keys by each contact

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        digests = {contact_key(c) for c in self._contacts(request) if isinstance(c, str)}
        keys = [self.cache_format % {"scope": self.scope, "ident": d} for d in digests if d]
        self.now = self.timer()
        histories = {}
        for key in keys:
            history = [t for t in self.cache.get(key, []) if t > self.now - self.duration]
            if len(history) >= self.num_requests:
                self.key, self.history = key, history
                return self.throttle_failure()
            histories[key] = history
        for key, history in histories.items():
            history.insert(0, self.now)
            self.cache.set(key, history, self.duration)
        return True


class FilingThrottle(ScopedThrottle):
    """Anonymous filing per client address (or per user), and per contact address given."""

    scope = "filing"

    def __init__(self, contacts=None):
        super().__init__()
        self.by_contact = FilingContactThrottle(contacts)
        self.refused_by = None

    def allow_request(self, request, view):
        for throttle in (super(), self.by_contact):
            if not throttle.allow_request(request, view):
                self.refused_by = throttle
                return False
        return True

    def wait(self):
        if self.refused_by is self.by_contact:
            return self.by_contact.wait()
        return super().wait()


def filing_refusal(request, *, email="", phone=""):
    """For the web form: why this filing must wait (per client and per contact), or None."""
    throttle = FilingThrottle(contacts=[email, phone])
    if throttle.allow_request(request, None):
        return None
    minutes = max(1, round((throttle.wait() or 60) / 60))
    return _(
        "Too many complaints were sent from this connection or with this contact address. "
        "Please try again in %(minutes)s min."
    ) % {"minutes": minutes}
