"""API plumbing shared by every endpoint: error mapping and throttles."""

from django.core.exceptions import ValidationError as DjangoValidationError
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

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class FilingThrottle(ScopedThrottle):
    scope = "filing"


class LoginThrottle(ScopedThrottle):
    scope = "login"


class LookupThrottle(ScopedThrottle):
    scope = "lookup"


class SupportThrottle(ScopedThrottle):
    scope = "support"
