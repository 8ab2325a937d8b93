"""Open311 GeoReport v2 (SPEC §8): our categories as services, complaints as service requests.

http://wiki.open311.org/GeoReport_v2 — JSON and XML, the standard error format, one
jurisdiction (jurisdiction_id is accepted and ignored, as the spec allows). Reads start from
complaints/access.py like every other view; filing goes through lifecycle.file_complaint.
"""

import datetime
import functools
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework.throttling import SimpleRateThrottle

from accounts.roles import ANONYMOUS
from badung_portal.api import FilingThrottle, LookupThrottle
from opd.models import Category, Desa, Kecamatan

from . import lifecycle
from .access import get_complaint_for, public_complaints
from .models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    Complaint,
    Event,
    Open311Client,
    Privacy,
    digest_key,
)
from .models import Status as S
from .validation import clean_location, clean_phone

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
# The date this interface last changed, for service discovery.
CHANGESET = "2026-12-04T00:00:00+08:00"
MAX_REQUESTS = 1000  # "first 1000 requests returned" (GeoReport v2, GET Service Requests)
WINDOW = datetime.timedelta(days=90)
MAX_IDS = 100  # service_request_id values in one GET
DESCRIPTION_MAX = 4000  # "free form text limited to 4,000 characters"
TITLE_MAX = 100
NAME_MAX = 120
ACCOUNT_ID_MAX = 100
EMAIL_MAX = 254
SOURCE_PREFIX = "open311:"
# In XML a list is an element of items: <services><service/>...</services>.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "endpoints": "endpoint",
    "formats": "format",
}
# Public timeline events that say why a complaint has its status (status_notes).
STATUS_EVENTS = [
    Event.Action.DISPATCHED,
    Event.Action.REJECTED,
    Event.Action.MERGED,
    Event.Action.ACKNOWLEDGED,
    Event.Action.INFO_REQUESTED,
    Event.Action.INFO_PROVIDED,
    Event.Action.RESPONDED,
    Event.Action.RESOLVED,
    Event.Action.RATED,
    Event.Action.REOPENED,
    Event.Action.AUTO_CLOSED,
    Event.Action.EXPIRED,
]
# Of those, the ones whose public text is the staff's explanation.
STAFF_TEXT_EVENTS = {
    Event.Action.REJECTED,
    Event.Action.INFO_REQUESTED,
    Event.Action.RESPONDED,
    Event.Action.RESOLVED,
}
# XML 1.0 allows no other characters; a stray control character must not break a client.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """One or more errors answered in the GeoReport error format."""

    def __init__(self, status, *descriptions, headers=None):
        self.status = status
        self.headers = headers
        self.descriptions = descriptions  # lazy ones are read in the answer's language
        super().__init__(status)


# Rendering ---------------------------------------------------------------------------------


def _xml_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID.sub("", str(value))


def _xml_fill(element, value):
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_tag = ITEM_TAGS[element.tag]
        for child in value:
            _xml_fill(ET.SubElement(element, item_tag), child)
    else:
        element.text = _xml_text(value)


def to_xml(root, data):
    """`data` (dicts, lists, scalars) as a GeoReport XML document under `root`."""
    element = ET.Element(root)
    _xml_fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def render(fmt, root, data, status=200):
    if fmt == "json":
        return JsonResponse(
            data,
            safe=False,
            status=status,
            content_type=CONTENT_TYPES["json"],
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(
        to_xml(root, data).encode("utf-8"), status=status, content_type=CONTENT_TYPES["xml"]
    )


def render_errors(fmt, status, descriptions, headers=None):
    errors = [{"code": status, "description": str(d)} for d in descriptions]
    response = render(fmt if fmt in CONTENT_TYPES else "xml", "errors", errors, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Request plumbing --------------------------------------------------------------------------


def _params(request):
    """Query string and body (form-encoded as the spec says, or JSON) as one dict."""
    params = request.GET.dict()
    if request.method == "POST" and request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as e:
            raise Open311Error(400, gettext_lazy("The request body is not valid JSON.")) from e
        if not isinstance(body, dict):
            raise Open311Error(400, gettext_lazy("The request body must be a JSON object."))
        params.update(
            {k: str(v) for k, v in body.items() if isinstance(v, str | int | float | Decimal)}
        )
    elif request.method == "POST":
        params.update(request.POST.dict())
    if any("\x00" in k or "\x00" in v for k, v in params.items()):
        # PostgreSQL stores no NUL character; Django's and DRF's fields refuse them too.
        raise Open311Error(400, gettext_lazy("Null characters are not allowed."))
    return params


def _language(request, params):
    """`locale` or `lang` (en, en_US, id, id_ID...) wins over Accept-Language; default id."""
    wanted = (params.get("locale") or params.get("lang") or "").strip().lower()
    if wanted.startswith("en"):
        return "en"
    if wanted.startswith(("id", "in")):
        return "id"
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "id"


def open311_view(methods, *, throttle_reads=True):
    """Format check, allowed methods, language, and every failure as a GeoReport error."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        def answer(request, fmt, params, kwargs):
            if fmt not in CONTENT_TYPES:
                message = _("Unknown format “%(fmt)s”: use json or xml.") % {"fmt": fmt[:10]}
                return render_errors("xml", 404, [message])
            if request.method not in allowed:
                message = _("Method %(method)s is not allowed here.") % {"method": request.method}
                headers = {"Allow": ", ".join(sorted(allowed))}
                return render_errors(fmt, 405, [message], headers=headers)
            try:
                if isinstance(params, Exception):
                    raise params
                if throttle_reads and request.method in {"GET", "HEAD"}:
                    _throttle(LookupThrottle(), request)
                return view(request, fmt, params, **kwargs)
            except (SuspiciousOperation, MultiPartParserError):
                return render_errors(fmt, 400, [_("The request is too large or malformed.")])
            except Open311Error as e:
                return render_errors(fmt, e.status, e.descriptions, headers=e.headers)
            except Http404:
                return render_errors(fmt, 404, [_("Not found.")])
            except lifecycle.LifecycleError as e:
                return render_errors(fmt, e.status_code, [e.message])
            except ValidationError as e:
                return render_errors(fmt, 400, e.messages)

        @functools.wraps(view)
        def wrapper(request, fmt, **kwargs):
            try:
                params = _params(request)
                language = _language(request, params)
            except (SuspiciousOperation, MultiPartParserError, Open311Error) as e:
                params = e  # answered as an error, in the language the query string asks for
                language = _language(request, request.GET.dict())
            with translation.override(language):
                response = answer(request, fmt.lower(), params, kwargs)
            response["Content-Language"] = language
            return response

        # Authenticated by api_key, never by a session cookie: no CSRF token to ask for.
        return csrf_exempt(wrapper)

    return decorate


def _throttle(throttle, request):
    if not throttle.allow_request(request, None):
        wait = throttle.wait()
        seconds = int(wait) + 1 if wait is not None else 60
        raise Open311Error(
            429,
            _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": seconds},
            headers={"Retry-After": str(seconds)},
        )


class ReporterFilingThrottle(SimpleRateThrottle):
    """The filing rate per person of each client: one city app relays many citizens."""

    scope = FilingThrottle.scope

    def __init__(self, client, person):
        super().__init__()
        self.client, self.person = client, person

    def get_cache_key(self, request, view):
        person = self.person or self.get_ident(request)
        ident = hashlib.sha256(f"{self.client.pk}:{person}".encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": f"open311-{ident}"}


# Shapes ------------------------------------------------------------------------------------


def _w3(moment):
    """A datetime as the spec's W3C format, in WITA with its offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _end_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def _day(day):
    return formats.date_format(day, "j F Y")


def service_row(category):
    opd = category.default_opd
    sector = category.sector
    keywords = []
    for name in (category.name_id, category.name_en, sector.name_id, sector.name_en):
        word = " ".join(name.replace(",", " ").split())  # keywords are comma separated
        if word and word.lower() not in {k.lower() for k in keywords}:
            keywords.append(word)
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _(
            "%(category)s (%(sector)s), usually handled by %(opd)s; resolution target: "
            "%(days)s working days after forwarding."
        )
        % {
            "category": category.name,
            "sector": category.sector.name,
            "opd": opd.name,
            "days": category.target_working_days,
        },
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": category.sector.name,
    }


def with_details(queryset):
    """Complaints with what a request row needs, in a fixed number of queries."""
    status_event = Event.objects.filter(
        complaint=OuterRef("pk"), is_public=True, action__in=STATUS_EVENTS
    ).order_by("-created_at", "-pk")
    photo = Attachment.objects.filter(complaint=OuterRef("pk"), is_resolution=False).order_by(
        "created_at", "pk"
    )
    return queryset.select_related(
        "category", "desa", "kecamatan", "current_opd", "merged_into"
    ).annotate(
        note_action=Subquery(status_event.values("action")[:1]),
        note_text=Subquery(status_event.values("public_text")[:1]),
        photo_token=Subquery(photo.values("token")[:1]),
    )


def status_notes(c):
    label = str(S(c.status).label)
    if c.status == S.MERGED and c.merged_into_id:
        merged = _("Merged into complaint %(code)s, which reports the same problem") % {
            "code": c.merged_into.tracking_code
        }
        return f"{label}: {merged}"
    text = (getattr(c, "note_text", "") or "").strip()
    if getattr(c, "note_action", None) in STAFF_TEXT_EVENTS and text:
        return f"{label}: {text}"
    return label


def service_notice(c):
    """What happens next, from the complaint's status and deadlines (SPEC §4, §5)."""
    opd = c.current_opd.name if c.current_opd_id else ""
    if c.status == S.SUBMITTED and c.verification_due:
        return _(
            "The complaint desk verifies this report by %(date)s and forwards it to the "
            "agency in charge."
        ) % {"date": _day(c.verification_due)}
    if c.status in {S.DISPATCHED, S.IN_PROGRESS} and opd:
        if c.resolution_due:
            return _("%(opd)s handles this report; it is due to be resolved by %(date)s.") % {
                "opd": opd,
                "date": _day(c.resolution_due),
            }
        return _("%(opd)s handles this report.") % {"opd": opd}
    if c.status == S.INFO_REQUESTED:
        return _(
            "Waiting for more information from the reporter; the deadline is paused meanwhile."
        )
    if c.status == S.RESOLVED:
        return _(
            "Reported as solved. The reporter may confirm it or reopen it within %(days)s "
            "working days."
        ) % {"days": settings.PORTAL_REOPEN_WINDOW_DAYS}
    return None


def _description(c):
    # Web complaints have a title of their own; an Open311 one's title is its first words.
    if c.description.startswith(c.title.rstrip("…").rstrip()):
        return c.description
    return f"{c.title}\n\n{c.description}"


def _address(c):
    parts = [c.address_detail.strip()]
    if c.desa_id:
        parts.append(c.desa.name)
    if c.kecamatan_id:
        parts.append(f"Kecamatan {c.kecamatan.name}")
    parts += ["Kabupaten Badung", "Bali"]
    return ", ".join(p for p in parts if p)


def request_row(c, request):
    """One complaint as a GeoReport service request: nothing of the reporter, ever."""
    is_open = c.status in OPEN_STATUSES
    # While the OPD waits for the reporter the clock stops and the due date will move.
    running = c.status in {S.DISPATCHED, S.IN_PROGRESS}
    photo = getattr(c, "photo_token", None)
    return {
        "service_request_id": c.tracking_code,
        "status": "open" if is_open else "closed",
        "status_notes": status_notes(c),
        "service_name": c.category.name if c.category_id else None,
        "service_code": c.category.code if c.category_id else None,
        "description": _description(c),
        "agency_responsible": c.current_opd.name if c.current_opd_id else None,
        "service_notice": service_notice(c),
        "requested_datetime": _w3(c.created_at),
        "updated_datetime": _w3(c.updated_at),
        "expected_datetime": (
            _w3(_end_of(c.resolution_due)) if running and c.resolution_due else None
        ),
        "address": _address(c),
        "address_id": c.desa.code if c.desa_id else None,
        "zipcode": None,
        "lat": float(c.latitude) if c.latitude is not None else None,
        "long": float(c.longitude) if c.longitude is not None else None,
        "media_url": (
            request.build_absolute_uri(
                reverse("complaints:photo", args=[c.tracking_code, photo, "full"])
            )
            if photo
            else None
        ),
    }


# Reading -----------------------------------------------------------------------------------


def _split(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _moment(value, name, *, end=False):
    """A W3C date or datetime; a bare date is its whole day. Naive times are WITA."""
    value = (value or "").strip()
    if not value:
        return None
    # An unencoded "+08:00" arrives as " 08:00".
    value = re.sub(r" (\d\d:?\d\d)$", r"+\1", value)
    invalid = Open311Error(
        400,
        _("%(name)s must be a W3C date and time, e.g. 2025-01-31T00:00:00+08:00.") % {"name": name},
    )
    try:
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
            if end:
                moment += datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)
        else:
            moment = parse_datetime(value)
    except (ValueError, OverflowError) as e:
        raise invalid from e
    if moment is None:
        raise invalid
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(datetime.UTC)  # how the database will compare it
    except (ValueError, OverflowError) as e:
        raise invalid from e
    return moment


def date_range(params):
    """start_date and end_date, spanning at most 90 days; by default the last 90 days."""
    start = _moment(params.get("start_date"), "start_date")
    end = _moment(params.get("end_date"), "end_date", end=True)
    try:
        if start and end:
            if end < start:
                raise Open311Error(400, _("end_date is before start_date."))
            if end - start > WINDOW:
                raise Open311Error(400, _("start_date and end_date may span at most 90 days."))
        elif start:
            end = start + WINDOW
        elif end:
            start = end - WINDOW
        else:
            end = timezone.now()
            start = end - WINDOW
        for moment in (start, end):  # the database compares them in UTC
            moment.astimezone(datetime.UTC)
    except OverflowError as e:
        raise Open311Error(400, _("The dates are out of range.")) from e
    return start, end


def requests_list(request, fmt, params):
    codes = [c.upper() for c in _split(params.get("service_request_id"))]
    if codes:
        # "This overrides all other arguments." Whoever holds a tracking code may follow that
        # complaint, as on the tracking page; confidential ones stay out (access.py decides).
        if len(codes) > MAX_IDS:
            raise Open311Error(
                400,
                _("Ask for at most %(n)s service_request_id values at once.") % {"n": MAX_IDS},
            )
        found = []
        for code in dict.fromkeys(codes):
            try:
                found.append(get_complaint_for(ANONYMOUS, code).complaint.pk)
            except Http404:
                continue
        complaints = Complaint.objects.filter(pk__in=found)
    else:
        complaints = public_complaints()
        services = _split(params.get("service_code"))
        if services:
            complaints = complaints.filter(category__code__in=services)
        wanted = {s.lower() for s in _split(params.get("status"))}
        if wanted - {"open", "closed"}:
            raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
        if wanted == {"open"}:
            complaints = complaints.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            complaints = complaints.exclude(status__in=OPEN_STATUSES)
        start, end = date_range(params)
        complaints = complaints.filter(created_at__gte=start, created_at__lte=end)
    rows = with_details(complaints).order_by("-created_at")[:MAX_REQUESTS]
    return render(fmt, "service_requests", [request_row(c, request) for c in rows])


# Filing ------------------------------------------------------------------------------------


def authenticate(api_key):
    """The active client holding this key, or a 403."""
    api_key = (api_key or "").strip()
    if not api_key:
        raise Open311Error(403, _("api_key is missing: ask the portal's administrators for one."))
    client = Open311Client.objects.filter(
        api_key_digest=digest_key(api_key), is_active=True
    ).first()
    if client is None:
        raise Open311Error(403, _("Invalid api_key: it is unknown or has been revoked."))
    return client


def _norm(text):
    return " ".join(re.sub(r"[/\-_,.;:()]", " ", text.lower()).split())


# Names in older lists (../shared/reference README).
DESA_VARIANTS = {
    "51.03.02.2020": ["Kuwun"],
    "51.03.03.2002": ["Sibang Kaja"],
    "51.03.03.2003": ["Sibang Gede"],
    "51.03.03.2016": ["Dauh Yeh Cani"],
}
# Desa names that are also everyday words (park, ship, strait, evening, "currently"):
# they count only after "desa"/"kelurahan" or with their kecamatan named too.
EVERYDAY_WORDS = {"taman", "kapal", "selat", "petang", "sedang"}
AREA_WORDS = re.compile(r"(desa|kelurahan|kel|ds)\s+$")


def _hits(text, name):
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, _norm(name).split())) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def desa_named_in(address):
    """The desa/kelurahan an address names, reading it from specific to general; or None."""
    text = _norm(address)
    kecamatan_hits = [
        (start, end, k) for k in Kecamatan.objects.all() for start, end in _hits(text, k.name)
    ]
    desa_hits = []
    for desa in Desa.objects.select_related("kecamatan"):
        for name in [desa.name, *DESA_VARIANTS.get(desa.code, [])]:
            desa_hits += [(start, end, desa) for start, end in _hits(text, name)]
    spans = [(s, e) for s, e, _x in kecamatan_hits + desa_hits]

    def inside_longer(s, e):  # "Kuta" within "Kuta Selatan", "Benoa" within "Tanjung Benoa"
        return any(s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2 in spans)

    kecamatan_hits = [h for h in kecamatan_hits if not inside_longer(h[0], h[1])]
    desa_hits = [h for h in desa_hits if not inside_longer(h[0], h[1])]
    named = {k.pk for _s, _e, k in kecamatan_hits}
    named_words = {_norm(k.name) for _s, _e, k in kecamatan_hits}
    desa_hits = [
        h
        for h in desa_hits
        if _norm(h[2].name) not in EVERYDAY_WORDS
        or h[2].kecamatan_id in named
        or AREA_WORDS.search(text[: h[0]])
    ]
    if named:
        in_named = [h for h in desa_hits if h[2].kecamatan_id in named]
        # "Seminyak, Kuta": a name shared by a kecamatan and its kelurahan names the kecamatan
        # when a more specific place of that kecamatan is given too.
        specific = [h for h in in_named if _norm(h[2].name) not in named_words]
        desa_hits = specific or in_named or desa_hits
    if not desa_hits:
        return None
    return max(desa_hits, key=lambda h: h[0])[2]


def _decimal(value):
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


def _location(params, errors):
    """(desa, latitude, longitude, address_detail) from lat/long, address_id or address_string."""
    lat, lon = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    address = (params.get("address_string") or "").strip()
    address_id = (params.get("address_id") or "").strip()
    if len(address) > 300:
        errors.append(_("address_string is too long (at most 300 characters)."))
    if not (lat or lon or address or address_id):
        errors.append(_("Give the location: lat and long, address_string or address_id."))
        return None, None, None, address
    desa = None
    if address_id:
        desa = Desa.objects.select_related("kecamatan").filter(code=address_id).first()
        if desa is None:
            errors.append(
                _(
                    "address_id “%(id)s” is not the Kemendagri code of a desa/kelurahan of "
                    "Badung (e.g. 51.03.01.1002)."
                )
                % {"id": address_id[:40]}
            )
            return None, None, None, address
    latitude = longitude = None
    if lat or lon:
        latitude, longitude = _decimal(lat) if lat else None, _decimal(lon) if lon else None
        if (lat and latitude is None) or (lon and longitude is None):
            errors.append(_("lat and long must be numbers (WGS 84 degrees)."))
            return None, None, None, address
        desa, problems = clean_location(
            desa=desa, kecamatan=None, latitude=latitude, longitude=longitude
        )
        for messages in problems.values():
            errors.extend(messages)
        if problems:
            return None, None, None, address
        step = Decimal("0.000001")
        latitude, longitude = latitude.quantize(step), longitude.quantize(step)
    elif desa is None:
        desa = desa_named_in(address)
        if desa is None:
            errors.append(
                _(
                    "No desa or kelurahan of Badung is named in address_string: add lat and "
                    "long, or address_id (the Kemendagri code of the desa)."
                )
            )
    return desa, latitude, longitude, address


def _title(description):
    first = " ".join(description.split("\n", 1)[0].split()) or " ".join(description.split())
    if len(first) <= TITLE_MAX:
        return first
    cut = first[: TITLE_MAX - 1].rsplit(" ", 1)[0] or first[: TITLE_MAX - 1]
    return cut + "…"


def _reporter(params, errors):
    """(name, email, phone, account_id) of the person the client files for."""
    names = [(params.get(k) or "").strip() for k in ("first_name", "last_name")]
    name = " ".join(n for n in names if n)
    if len(name) > NAME_MAX:
        errors.append(_("first_name and last_name are too long together."))
    email = (params.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
            valid = len(email) <= EMAIL_MAX
        except ValidationError:
            valid = False
        if not valid:
            errors.append(_("email is not a valid e-mail address."))
    try:
        phone = clean_phone(params.get("phone"))
    except ValidationError as e:
        phone = ""
        errors.extend(e.messages)
    account_id = (params.get("account_id") or "").strip()
    if len(account_id) > ACCOUNT_ID_MAX:
        errors.append(
            _("account_id is too long (at most %(n)s characters).") % {"n": ACCOUNT_ID_MAX}
        )
    return name, email, phone, account_id


def _source(client, params, errors):
    """The complaint's source reference: the client, and the media URL it sent."""
    source = f"{SOURCE_PREFIX}{client.name}"
    media_url = (params.get("media_url") or "").strip()
    if not media_url:
        return source
    room = Complaint._meta.get_field("source_reference").max_length - len(source) - 1
    try:
        URLValidator(schemes=["http", "https"])(media_url)
    except ValidationError:
        errors.append(_("media_url must be an http or https URL."))
    else:
        if len(media_url) > room:
            errors.append(_("media_url is too long (at most %(n)s characters).") % {"n": room})
    # Never fetched (no network from here): staff open it from the complaint's source.
    return f"{source} {media_url}"


def create_request(request, fmt, params):
    """POST requests: file a complaint for the client's user through the lifecycle."""
    client = authenticate(params.get("api_key"))
    keys = ("device_id", "account_id", "email", "phone")
    person = next((value for k in keys if (value := params.get(k, "").strip())), "")
    _throttle(ReporterFilingThrottle(client, person), request)

    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required: see services.json."))
    category = (
        Category.objects.filter(code=code, is_active=True)
        .select_related("sector", "default_opd")
        .first()
    )
    if category is None:
        raise Open311Error(
            404, _("Unknown service_code “%(code)s”: see services.json.") % {"code": code[:60]}
        )

    errors = []
    desa, latitude, longitude, address = _location(params, errors)
    description = (params.get("description") or "").strip()
    if not description:
        errors.append(_("description is required: say what the problem is and where."))
    elif len(description) > DESCRIPTION_MAX:
        errors.append(
            _("description is too long (at most %(n)s characters).") % {"n": DESCRIPTION_MAX}
        )
    name, email, phone, account_id = _reporter(params, errors)
    source = _source(client, params, errors)
    privacy = (params.get("privacy") or Privacy.PUBLIC).strip().lower()
    if privacy not in Privacy.values:
        errors.append(_("privacy must be public, anonymous or confidential."))
    if errors:
        raise Open311Error(400, *errors)

    complaint, _access_key = lifecycle.file_complaint(
        actor=ANONYMOUS,
        channel=Channel.API,
        title=_title(description),
        description=description,
        category=category,
        desa=desa,
        latitude=latitude,
        longitude=longitude,
        address_detail=address,
        privacy=privacy,
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone,
        language=translation.get_language(),
        source_reference=source,
    )
    # The access key reaches the reporter by e-mail or SMS (notifications), never the client.
    row = {
        "service_request_id": complaint.tracking_code,
        "service_notice": service_notice(complaint),
        "account_id": account_id or None,
    }
    return render(fmt, "service_requests", [row], status=201)


# Views -------------------------------------------------------------------------------------


@open311_view({"GET"}, throttle_reads=False)
def discovery(request, fmt, params):
    base = request.build_absolute_uri(request.path).rsplit("/", 1)[0] + "/"
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": f"Dinas Komunikasi dan Informatika Kabupaten Badung, {settings.SITE_URL}",
            "key_service": _(
                "API keys for filing requests are issued by the portal's system administrators "
                "(Diskominfo Kabupaten Badung)."
            ),
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view({"GET"}, throttle_reads=False)
def services(request, fmt, params):
    categories = Category.objects.filter(is_active=True).select_related("sector", "default_opd")
    return render(fmt, "services", [service_row(c) for c in categories])


@open311_view({"GET"}, throttle_reads=False)
def service_definition(request, fmt, params, code):
    if not Category.objects.filter(code=code, is_active=True).exists():
        raise Open311Error(
            404, _("Unknown service_code “%(code)s”: see services.json.") % {"code": code[:60]}
        )
    # No service takes extra attributes: "metadata" is false for all of them.
    return render(fmt, "service_definition", {"service_code": code, "attributes": []})


@open311_view({"GET", "POST"})
def requests(request, fmt, params):
    if request.method == "POST":
        return create_request(request, fmt, params)
    return requests_list(request, fmt, params)


@open311_view({"GET"})
def request_detail(request, fmt, params, code):
    complaint = get_complaint_for(ANONYMOUS, code).complaint
    row = with_details(Complaint.objects.filter(pk=complaint.pk)).get()
    return render(fmt, "service_requests", [request_row(row, request)])


@open311_view({"GET"})
def token(request, fmt, params, token):
    """Requests are realtime: the service_request_id is returned at once, and is its token."""
    complaint = get_complaint_for(ANONYMOUS, token).complaint
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": complaint.tracking_code, "token": token}],
    )


def not_found(request, path):
    fmt = "json" if path.lower().endswith(".json") else "xml"
    with translation.override(_language(request, request.GET.dict())):
        return render_errors(fmt, 404, [_("Not found.")])
