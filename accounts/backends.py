"""The password backend with the log-in lockout (accounts/lockout.py) in front of it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import lockout


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend, refusing locked (username, client) pairs and counting failures.

    It serves every password check (log-in page, admin, API token), so no way in skips the count.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if lockout.locked_until(username, lockout.client_ip(request)) is not None:
            # PermissionDenied makes django.contrib.auth.authenticate() stop here: no password
            # check, and no other backend tried.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        lockout.record(username, request, succeeded=user is not None)
        return user
