"""Complaints from other channels: the signed intake webhook (SPEC §8.2), walk-in and phone.

A source (a social-media monitor or a WhatsApp gateway) signs each request with its secret;
`verified_source` checks the signature and the timestamp, `message_receive` turns one message
into a complaint through the lifecycle, once per (source, message id).
"""

import hashlib
import hmac
import re
import secrets
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import ANONYMOUS
from opd.geo import is_in_badung, nearest_desa
from opd.models import Desa

from . import lifecycle
from .models import Channel, IntakeMessage, IntakeSource, Kind, Privacy

SIGNATURE_MAX_AGE = 300  # seconds either way: older requests are replays (SPEC §8.2)
SIGNATURE_PREFIX = "sha256="
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
SOURCE_CHANNELS = (Channel.SOCIAL_MEDIA, Channel.WHATSAPP)
TITLE_LENGTH = 80
# Checked against when the source is unknown, so that the answer takes the same work.
_NO_SECRET = secrets.token_hex(32)


class SignatureRejected(Exception):
    """Unknown or inactive source, bad signature, or a timestamp outside the window."""


# Sources ------------------------------------------------------------------------------------


def new_secret():
    return secrets.token_hex(32)  # 256 bits, 64 hex characters


def intake_source_create(*, name, channel=Channel.SOCIAL_MEDIA):
    """Register a source; return it with its secret (shown to the operator once)."""
    name = (name or "").strip()
    if not name or slugify(name) != name or len(name) > 50:
        raise ValidationError(
            _(
                "A source name is 1 to 50 lower-case letters, digits, hyphens or underscores, "
                "e.g. whatsapp-gateway."
            )
        )
    if channel not in SOURCE_CHANNELS:
        raise ValidationError(
            _("The channel of a source is social_media or whatsapp, not “%(channel)s”.")
            % {"channel": channel}
        )
    secret = new_secret()
    try:
        with transaction.atomic():
            source = IntakeSource.objects.create(name=name, channel=channel, secret=secret)
    except IntegrityError as e:
        raise ValidationError(
            _("An intake source named “%(name)s” exists already.") % {"name": name}
        ) from e
    return source, secret


def intake_source_rotate(source):
    """Give the source a new secret; the old one stops working at once."""
    secret = new_secret()
    IntakeSource.objects.filter(pk=source.pk).update(secret=secret)
    source.secret = secret
    return source, secret


def signature_for(secret, timestamp, body):
    """Hex HMAC-SHA256 of "<timestamp>.<raw body>" with the source's secret (SPEC §8.2)."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verified_source(name, *, timestamp, signature, body, now=None):
    """The active source `name` if it signed `body` at `timestamp`, else SignatureRejected.

    Every refusal looks the same to the caller: which check failed is not revealed.
    """
    now = time.time() if now is None else now
    source = IntakeSource.objects.filter(name=name or "", is_active=True).first()
    timestamp = (timestamp or "").strip()
    signature = (signature or "").strip()
    fresh = bool(_TIMESTAMP.fullmatch(timestamp)) and abs(now - int(timestamp)) <= (
        SIGNATURE_MAX_AGE
    )
    expected = signature_for(source.secret if source else _NO_SECRET, timestamp, body)
    presented = signature.removeprefix(SIGNATURE_PREFIX).lower()
    matches = signature.startswith(SIGNATURE_PREFIX) and hmac.compare_digest(
        expected.encode(), presented.encode()
    )
    if source is None or not fresh or not matches:
        raise SignatureRejected
    return source


# Messages -----------------------------------------------------------------------------------

_MENTIONS = re.compile(r"^(?:[@#][\w.]+[\s,:;-]*)+")
_URLS = re.compile(r"https?://\S+")
_SENTENCE = re.compile(r"^(.{15,}?[.!?])(?:\s|$)")
_ENGLISH = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "there",
        "this",
        "please",
        "my",
        "our",
        "and",
        "with",
        "not",
        "of",
        "to",
        "in",
        "on",
        "at",
        "it",
        "near",
        "road",
        "street",
        "broken",
        "since",
        "been",
        "have",
        "has",
        "for",
    ]
)
_INDONESIAN = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "ada",
        "tidak",
        "tolong",
        "mohon",
        "sudah",
        "belum",
        "jalan",
        "sejak",
        "dengan",
        "untuk",
        "rusak",
        "banyak",
        "sangat",
        "kami",
        "saya",
        "kok",
        "ga",
        "gak",
        "nggak",
        "udah",
        "sampah",
    ]
)


def title_from_text(text):
    """A short title from a message: its first sentence or line, without leading mentions."""
    line = " ".join(next((row for row in text.splitlines() if row.strip()), "").split())
    line = " ".join(_URLS.sub("", line).split()) or line
    line = _MENTIONS.sub("", line).strip() or line
    sentence = _SENTENCE.match(line)
    if sentence:
        line = sentence.group(1)
    if len(line) <= TITLE_LENGTH:
        return line or _("Message without text")
    cut = line[: TITLE_LENGTH - 1]
    if " " in cut[TITLE_LENGTH // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def language_of(text):
    """ "en" when the message reads as English (tourists), else "id" (the reporter's notices)."""
    words = re.findall(r"[a-z]+", text.lower())
    english = sum(word in _ENGLISH for word in words)
    indonesian = sum(word in _INDONESIAN for word in words)
    return "en" if english > indonesian else "id"


def _description(text, media_urls):
    if not media_urls:
        return text
    return text + "\n\n" + _("Media:") + "\n" + "\n".join(media_urls)


def _place(latitude, longitude):
    """(desa, latitude, longitude) from a point; a point outside Badung is dropped."""
    if latitude is None or longitude is None or not is_in_badung(latitude, longitude):
        return None, None, None
    return nearest_desa(latitude, longitude)[0], latitude, longitude


def message_receive(
    *,
    source,
    message_id,
    text,
    author,
    url="",
    sent_at=None,
    latitude=None,
    longitude=None,
    media_urls=(),
    now=None,
):
    """File the message as a complaint, once per (source, message id); return (complaint, new).

    A WhatsApp sender's handle is a phone number, kept as the reporter's phone so that the SMS
    backend can answer; a social-media handle is kept as the reporter's name.
    """
    known = IntakeMessage.objects.filter(source=source, message_id=message_id)
    existing = known.select_related("complaint").first()
    if existing is not None:
        return existing.complaint, False
    now = now or timezone.now()
    # The citizen complained when they sent it; a clock ahead of ours is read as now.
    filed_at = min(sent_at, now) if sent_at else now
    desa, latitude, longitude = _place(latitude, longitude)
    contact = (
        {"reporter_phone": author}
        if source.channel == Channel.WHATSAPP
        else {"reporter_name": author}
    )
    try:
        with transaction.atomic():
            complaint, _key = lifecycle.file_complaint(
                actor=ANONYMOUS,
                title=title_from_text(text),
                description=_description(text, media_urls),
                channel=source.channel,
                kind=Kind.COMPLAINT,
                desa=desa,
                latitude=latitude,
                longitude=longitude,
                privacy=Privacy.PUBLIC,
                language=language_of(text),
                source_reference=url or message_id,
                now=filed_at,
                **contact,
            )
            IntakeMessage.objects.create(
                source=source, message_id=message_id, complaint=complaint, received_at=now
            )
    except IntegrityError:
        # A concurrent delivery of the same message won: answer with its complaint.
        existing = known.select_related("complaint").first()
        if existing is None:
            raise
        return existing.complaint, False
    return complaint, True


# Walk-in and phone complaints -------------------------------------------------------------


def walk_in_desas(actor):
    """The desa for which `actor` may file walk-in and phone complaints, or None.

    The citizen's front desks of SPEC §1 take them: the regency's complaint desk (verifiers) for
    the whole regency, a camat office for its own kecamatan. OPD staff handle what is routed to
    them and leadership only reads, so neither files for citizens.
    """
    desas = Desa.objects.select_related("kecamatan").order_by("kecamatan__code", "name")
    if actor.has(Role.VERIFIER):
        return desas
    if actor.has(Role.CAMAT) and actor.kecamatan_ids:
        return desas.filter(kecamatan_id__in=actor.kecamatan_ids)
    return None
