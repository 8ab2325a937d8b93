"""The API token endpoint, with the log-in lockout's answer (SPEC §8: POST /api/v1/auth/token/)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError

from badung_portal.api import LoginThrottle

from . import lockout


class LockoutAuthTokenSerializer(AuthTokenSerializer):
    """A locked (username, client) pair gets 429 with Retry-After, not 'wrong password'."""

    def _refuse_if_locked(self, username):
        until = lockout.locked_until(username, lockout.client_ip(self.context.get("request")))
        if until is not None:
            wait = max(1, int((until - timezone.now()).total_seconds()))
            raise Throttled(wait=wait, detail=lockout.lockout_message(until))

    def validate(self, attrs):
        username = attrs.get("username")
        if username:
            self._refuse_if_locked(username)
        try:
            return super().validate(attrs)
        except ValidationError:
            # This failure may have been the one that reached the limit.
            if username:
                self._refuse_if_locked(username)
            raise


@extend_schema(
    summary="Get an API token",
    responses={
        200: LockoutAuthTokenSerializer,
        400: OpenApiResponse(description="Wrong username or password."),
        429: OpenApiResponse(description="Too many attempts, or the log-in is locked for now."),
    },
)
class TokenView(ObtainAuthToken):
    """POST username and password, get the API token (SPEC §8)."""

    throttle_classes = [LoginThrottle]
    serializer_class = LockoutAuthTokenSerializer
