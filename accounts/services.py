"""Provisioning of staff accounts (`create_staff`, demo accounts)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opd.models import Kecamatan, Opd

from .models import OPD_ROLES, Role, RoleGrant, User


@transaction.atomic
def staff_create(*, username, password, role, opd_code=None, kecamatan_code=None, email=""):
    """Create or update a staff user with one role grant; return (user, created)."""
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    opd = kecamatan = None
    if role in OPD_ROLES:
        if not opd_code:
            raise ValidationError(_("The role %(role)s needs --opd CODE.") % {"role": role})
        opd = Opd.objects.filter(code=opd_code).first()
        if opd is None:
            raise ValidationError(_("Unknown OPD code %(code)s.") % {"code": opd_code})
    if role == Role.CAMAT:
        if not kecamatan_code:
            raise ValidationError(_("The role camat needs --kecamatan CODE."))
        kecamatan = Kecamatan.objects.filter(code=kecamatan_code).first()
        if kecamatan is None:
            raise ValidationError(_("Unknown kecamatan code %(code)s.") % {"code": kecamatan_code})
    user, created = User.objects.get_or_create(username=username)
    user.set_password(password)
    if email:
        user.email = email
    user.is_staff = role == Role.SYSADMIN or user.is_staff
    user.is_superuser = role == Role.SYSADMIN or user.is_superuser
    user.save()
    RoleGrant.objects.get_or_create(user=user, role=role, opd=opd, kecamatan=kecamatan)
    return user, created
