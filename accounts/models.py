from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
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
