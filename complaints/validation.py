"""Checks shared by the filing form and the API, so both refuse the same input the same way."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opd.geo import is_in_badung, nearest_desa

PHONE_RE = re.compile(r"^\+?[0-9][0-9 .\-]{5,22}$")


def clean_phone(value):
    value = (value or "").strip()
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.match(value) or not 8 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number of 8 to 15 digits, e.g. 0812 3456 7890 or +62 812 3456 7890.")
        )
    return ("+" if value.startswith("+") else "") + digits


def clean_location(*, desa, kecamatan, latitude, longitude):
    """Check area and map point; return (desa, errors by field). A pin alone finds the desa."""
    errors = {}
    if (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = [
            _("Give both latitude and longitude, or neither.")
        ]
    elif latitude is not None and not is_in_badung(latitude, longitude):
        errors["latitude"] = [_("This point is outside Badung regency.")]
    if desa is not None and kecamatan is not None and desa.kecamatan_id != kecamatan.pk:
        errors["desa"] = [
            _("%(desa)s is not in Kecamatan %(kecamatan)s.")
            % {"desa": desa.name, "kecamatan": kecamatan.name}
        ]
    if desa is None and not errors:
        if latitude is not None:
            desa = nearest_desa(latitude, longitude)[0]
        else:
            errors["desa"] = [_("Choose the desa/kelurahan where the problem is.")]
    return desa, errors


def contact_errors(*, is_authenticated, email, phone):
    if is_authenticated or email or phone:
        return {}
    message = _("Give an e-mail address or a phone number so that we can tell you of progress.")
    return {"reporter_email": [message]}
