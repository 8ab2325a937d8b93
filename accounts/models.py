from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A citizen with an account, or a member of staff (roles in `RoleGrant`)."""

    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )

    def display_name(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    VERIFIER = "verifier", _("verifier (complaint desk)")
    OPD_OFFICER = "opd_officer", _("OPD officer")
    OPD_HEAD = "opd_head", _("OPD head")
    CAMAT = "camat", _("camat office")
    LEADERSHIP = "leadership", _("leadership")
    SYSADMIN = "sysadmin", _("system admin")


OPD_ROLES = {Role.OPD_OFFICER, Role.OPD_HEAD}


class RoleGrant(models.Model):
    """One role held by one user, scoped to an OPD or a kecamatan where the role needs it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    opd = models.ForeignKey(
        "opd.Opd", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("OPD")
    )
    kecamatan = models.ForeignKey(
        "opd.Kecamatan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("kecamatan"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "opd", "kecamatan"], name="role_grant_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["opd_officer", "opd_head"])
                | models.Q(opd__isnull=False),
                name="role_grant_opd_roles_need_opd",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="camat") | models.Q(kecamatan__isnull=False),
                name="role_grant_camat_needs_kecamatan",
            ),
        ]

    def __str__(self):
        scope = self.opd or self.kecamatan or ""
        return f"{self.user} — {self.get_role_display()} {scope}".strip()

    def clean(self):
        if self.role in OPD_ROLES and not self.opd_id:
            raise ValidationError({"opd": _("An OPD role needs an OPD.")})
        if self.role == Role.CAMAT and not self.kecamatan_id:
            raise ValidationError({"kecamatan": _("A camat office role needs a kecamatan.")})


class LoginAttempt(models.Model):
    """One password check by username and client address: the lockout counts the failures."""

    username = models.CharField(_("username"), max_length=150)  # as typed, lower case
    ip = models.CharField(_("client address"), max_length=64, blank=True)
    succeeded = models.BooleanField(_("succeeded"))
    channel = models.CharField(_("channel"), max_length=8)  # web, admin or api
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("log-in attempt")
        verbose_name_plural = _("log-in attempts")
        indexes = [
            models.Index(fields=["username", "ip", "at"], name="login_attempt_user_ip"),
            models.Index(fields=["ip", "at"], name="login_attempt_ip"),
        ]

    def __str__(self):
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.username} {self.ip} {outcome} {self.at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """A security-relevant event: a lockout, an export or erasure of personal data (SPEC §9)."""

    class Action(models.TextChoices):
        LOGIN_LOCKED = "login_locked", _("log-in locked after failed attempts")
        DATA_EXPORTED = "data_exported", _("personal data exported")
        DATA_ERASED = "data_erased", _("personal data erased")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Whom it is about: the username tried, or the e-mail/phone/username of a data request.
    subject = models.CharField(_("about"), max_length=254)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    ip = models.CharField(_("client address"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.get_action_display()} {self.subject} {self.at:%Y-%m-%d %H:%M}"
