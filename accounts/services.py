"""Accounts: provisioning of staff (`create_staff`, demo accounts); personal data requests."""

import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.validation import clean_phone
from opd.models import Kecamatan, Opd

from .models import OPD_ROLES, AuditEntry, LoginAttempt, Role, RoleGrant, User


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


# Personal data (UU 27/2022 on personal data protection) ---------------------------------------


@dataclass
class Person:
    """Whose data a request is about: accounts, and e-mail addresses and phone numbers."""

    users: list = field(default_factory=list)
    emails: set = field(default_factory=set)
    phones: set = field(default_factory=set)  # every written form of each number

    @property
    def found(self):
        return bool(self.users or self.emails or self.phones)

    def _contact_q(self, email_field, phone_field):
        q = Q(pk__in=[])
        for email in self.emails:
            q |= Q(**{f"{email_field}__iexact": email})
        if self.phones:
            q |= Q(**{f"{phone_field}__in": self.phones})
        return q

    def complaints(self):
        from complaints.models import Complaint

        q = self._contact_q("reporter_email", "reporter_phone")
        if self.users:
            q |= Q(reporter__in=self.users)
        return Complaint.objects.filter(q).order_by("created_at", "pk")

    def notifications(self):
        from complaints.models import Notification

        q = Q(pk__in=[])
        for email in self.emails:
            q |= Q(address__iexact=email)
        if self.phones:
            q |= Q(address__in=self.phones)
        if self.users:
            q |= Q(user__in=self.users)
        return Notification.objects.filter(q).order_by("created_at", "pk")

    def usernames(self):
        return {u.username.lower() for u in self.users} | {e.lower() for e in self.emails}


def phone_forms(phone):
    """The ways one Indonesian number is stored (0812…, +62812…, 62812…)."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return set()
    local = "0" + digits[2:] if digits.startswith("62") else digits
    forms = {digits, local, "+" + digits}
    if local.startswith("0"):
        forms |= {"62" + local[1:], "+62" + local[1:]}
    return forms


def person_for(*, email="", phone="", username=""):
    """The person behind one identifier. An account's own complaints count as its data; an
    e-mail or phone also reaches complaints filed without an account and accounts using it."""
    if sum(bool(x) for x in (email, phone, username)) != 1:
        raise ValidationError(_("Give exactly one of e-mail, phone or username."))
    person = Person()
    if username:
        person.users = list(User.objects.filter(username=username))
    elif email:
        email = email.strip()
        if "@" not in email:
            raise ValidationError(_("%(value)s is not an e-mail address.") % {"value": email})
        person.emails = {email.lower()}
        person.users = list(User.objects.filter(email__iexact=email))
    else:
        person.phones = phone_forms(clean_phone(phone))
        person.users = list(User.objects.filter(phone__in=person.phones))
    return person


def _when(value):
    return value.isoformat() if value else None


def _complaint_data(c):
    return {
        "tracking_code": c.tracking_code,
        "filed_at": _when(c.created_at),
        "kind": c.kind,
        "title": c.title,
        "description": c.description,
        "category": c.category.code if c.category else None,
        "desa": c.desa.code if c.desa else None,
        "kecamatan": c.kecamatan.code if c.kecamatan else None,
        "latitude": str(c.latitude) if c.latitude is not None else None,
        "longitude": str(c.longitude) if c.longitude is not None else None,
        "address_detail": c.address_detail,
        "privacy": c.privacy,
        "channel": c.channel,
        "source_reference": c.source_reference,
        "status": c.status,
        "language": c.language,
        "reporter_account": c.reporter.username if c.reporter else None,
        "reporter_name": c.reporter_name,
        "reporter_email": c.reporter_email,
        "reporter_phone": c.reporter_phone,
        "rating": c.rating,
        "rating_comment": c.rating_comment,
        "photos": [a.get_absolute_url() for a in c.attachments.all() if not a.is_resolution],
        # What the reporter sees of the timeline; staff's internal notes are not their data.
        "timeline": [
            {
                "at": _when(e.created_at),
                "action": e.action,
                "by": e.by,
                "status": e.to_status,
                "text": e.public_text,
            }
            for e in c.events.all()
            if e.is_public
        ],
    }


def personal_data_export(person):
    """Everything the portal holds about `person`, as JSON-ready data."""
    from rest_framework.authtoken.models import Token

    from complaints.models import Event, Supporter

    complaints = (
        person.complaints()
        .select_related("category", "desa", "kecamatan", "reporter")
        .prefetch_related("attachments", "events")
    )
    authored = (
        Event.objects.filter(actor__in=person.users)
        .select_related("complaint")
        .order_by("created_at", "pk")
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "accounts": [
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "phone": u.phone,
                "language": u.language,
                "date_joined": _when(u.date_joined),
                "last_login": _when(u.last_login),
                "is_active": u.is_active,
                "roles": [str(g) for g in u.role_grants.all()],
                "has_api_token": Token.objects.filter(user=u).exists(),
            }
            for u in person.users
        ],
        "complaints": [_complaint_data(c) for c in complaints],
        "events_authored": [
            {
                "complaint": e.complaint.tracking_code,
                "at": _when(e.created_at),
                "action": e.action,
                "text": e.public_text,
                "internal_note": e.internal_note,
            }
            for e in authored
        ],
        "supports": [
            {"complaint": s.complaint.tracking_code, "at": _when(s.created_at)}
            for s in Supporter.objects.filter(user__in=person.users).select_related("complaint")
        ],
        "notifications": [
            {
                "channel": n.channel,
                "kind": n.kind,
                "complaint": n.complaint.tracking_code if n.complaint else None,
                "address": n.address,
                "subject": n.subject,
                "body": n.body,
                "created_at": _when(n.created_at),
                "sent_at": _when(n.sent_at),
                "read_at": _when(n.read_at),
            }
            for n in person.notifications().select_related("complaint")
        ],
        "login_attempts": [
            {"at": _when(a.at), "ip": a.ip, "succeeded": a.succeeded, "channel": a.channel}
            for a in LoginAttempt.objects.filter(username__in=person.usernames())
        ],
    }


def _subject_digest(label, value):
    """An audit entry names the request by a keyed digest: proof, not the erased data itself."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.lower().encode(), hashlib.sha256)
    return f"{label}:{digest.hexdigest()[:32]}"


def audit_personal_data(action, *, label, value, actor=None, detail=None):
    AuditEntry.objects.create(
        action=action,
        subject=_subject_digest(label, value),
        actor=actor,
        detail=detail or {},
    )


ERASED = "erased"


@transaction.atomic
def personal_data_erase(person, *, actor=None):
    """Erase `person`'s personal data; keep each complaint's public facts, timeline, counts.

    Reporter name, e-mail, phone and the link to the account are blanked; notifications lose
    address and text (unsent ones are withdrawn); the account is anonymised and locked rather
    than deleted, so timeline rows that name it keep pointing at a row with nothing personal
    (the timeline is append-only). Returns counts of what changed; a second run changes nothing.
    """
    from rest_framework.authtoken.models import Token

    staff = [u for u in person.users if u.role_grants.exists() or u.is_staff]
    if staff:
        raise ValidationError(
            _(
                "%(users)s is a staff account: deactivate it in the admin; "
                "its actions stay on record."
            )
            % {"users": ", ".join(u.username for u in staff)}
        )
    done = {"complaints": 0, "notifications": 0, "accounts": 0, "login_attempts": 0}
    touched = person.complaints().exclude(
        reporter=None, reporter_name="", reporter_email="", reporter_phone="", source_reference=""
    )
    done["complaints"] = touched.update(
        reporter=None,
        reporter_name="",
        reporter_email="",
        reporter_phone="",
        source_reference="",
    )
    notifications = person.notifications().exclude(address="", body="", body_html="", secret="")
    now = timezone.now()
    done["notifications"] = notifications.filter(sent_at=None).update(
        address="",
        body="",
        body_html="",
        secret="",
        next_try_at=None,
        last_error="withdrawn: personal data erased",
    )
    done["notifications"] += notifications.exclude(sent_at=None).update(
        address="", body="", body_html="", secret=""
    )
    done["login_attempts"], _by_model = LoginAttempt.objects.filter(
        username__in=person.usernames()
    ).delete()
    for user in person.users:
        Token.objects.filter(user=user).delete()
        user.username = f"{ERASED}-{user.pk}"
        user.first_name = user.last_name = user.email = user.phone = ""
        user.is_active = False
        user.set_unusable_password()  # also ends every session of the account
        user.save()
        done["accounts"] += 1
    done["at"] = now.isoformat()
    return done
