"""Citizen pages: file, confirm, track, browse (SPEC §8)."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import actor_for
from badung_portal.api import SupportThrottle, filing_refusal

from . import lifecycle
from .access import get_complaint_for, public_complaints
from .filters import ComplaintFilter, MapFilter
from .forms import ComplaintForm
from .models import FINAL_STATUSES, Attachment, Channel, Notification, Privacy
from .models import Status as S
from .photos import CONTENT_TYPES, PhotoRejected, prepare
from .selectors import map_points, timeline_for

SESSION_KEYS = "access_keys"  # tracking code -> access key, for this browser's own complaints
SESSION_JUST_FILED = "just_filed"
SUPPORTER_COOKIE = "bp_supporter"  # a random id per browser, so support counts once


def _remember_key(request, code, key):
    keys = request.session.get(SESSION_KEYS, {})
    keys[code] = key
    request.session[SESSION_KEYS] = keys


@require_http_methods(["GET", "POST"])
def home(request):
    form = ComplaintForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Anonymous filing is throttled per client and per contact address, as in the API.
        refusal = filing_refusal(
            request,
            email=form.cleaned_data.get("reporter_email") or "",
            phone=form.cleaned_data.get("reporter_phone") or "",
        )
        if refusal:
            form.add_error(None, refusal)
    if request.method == "POST" and form.is_valid():
        data = form.filing_data()
        photos = data.pop("photos")
        actor = actor_for(request.user)
        with transaction.atomic():
            complaint, access_key = lifecycle.file_complaint(
                actor=actor,
                channel=Channel.WEB,
                language="en" if get_language() == "en" else "id",
                **data,
            )
            reporter = actor.with_access_key_for(complaint)
            for prepared in photos:
                lifecycle.attach_photo(complaint, actor=reporter, photo=prepared)
        _remember_key(request, complaint.tracking_code, access_key)
        request.session[SESSION_JUST_FILED] = complaint.tracking_code
        return redirect("complaints:filed", tracking_code=complaint.tracking_code)
    context = {
        "form": form,
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "desa_points": [
            {
                "code": d.code,
                "name": d.name,
                "kecamatan": d.kecamatan.code,
                "lat": float(d.latitude),
                "lon": float(d.longitude),
            }
            for d in form.fields["desa"].queryset
        ],
        "similar_texts": {
            "support": _("Support this"),
            "open": _("Open"),
            "supporters": _("supporters"),
            "nearest": _(
                "Nearest desa/kelurahan: %(name)s (chosen from the point; change it if needed)."
            ),
            "outside": _("This point is outside Badung regency."),
            "located": _("Point set."),
            "denied": _("Your location could not be read."),
        },
    }
    return render(request, "citizen/home.html", context, status=400 if form.errors else 200)


def filed(request, tracking_code):
    """The confirmation: tracking code and access key, shown once."""
    if request.session.get(SESSION_JUST_FILED) != tracking_code:
        return redirect("complaints:detail", tracking_code=tracking_code)
    del request.session[SESSION_JUST_FILED]
    access_key = request.session.get(SESSION_KEYS, {}).get(tracking_code)
    access = get_complaint_for(actor_for(request.user), tracking_code, access_key=access_key)
    return render(
        request, "citizen/filed.html", {"complaint": access.complaint, "access_key": access_key}
    )


def track(request):
    code = (request.GET.get("code") or "").strip().upper()
    error = None
    if code:
        try:
            access = get_complaint_for(actor_for(request.user), code)
        except Http404:
            error = _("No complaint with tracking code %(code)s was found.") % {"code": code}
        else:
            return redirect("complaints:detail", tracking_code=access.complaint.tracking_code)
    return render(
        request, "citizen/track.html", {"code": code, "error": error}, status=404 if error else 200
    )


@require_http_methods(["GET", "POST"])
def detail(request, tracking_code):
    code = tracking_code.upper()
    if request.method == "POST":
        # The reporter presents the access key; keep it for this browser session.
        key = (request.POST.get("access_key") or "").strip()
        try:
            access = get_complaint_for(actor_for(request.user), code, access_key=key)
        except Http404:
            access = None
        if access is not None and access.is_reporter:
            _remember_key(request, code, key)
            messages.success(request, _("Access key accepted: you see your complaint in full."))
            return redirect("complaints:detail", tracking_code=code)
        messages.error(request, _("This access key does not match the complaint."))
        return redirect(reverse("complaints:detail", args=[code]) + "#access-key")
    access_key = request.session.get(SESSION_KEYS, {}).get(code)
    access = get_complaint_for(actor_for(request.user), code, access_key=access_key)
    allowed = (
        lifecycle.allowed_actions(access.complaint, access.actor) if access.is_reporter else set()
    )
    context = {
        "complaint": access.complaint,
        "access": access,
        "events": timeline_for(access),
        "can_comment": bool(allowed & {"comment", "provide_info"}),
        "can_rate": "rate" in allowed,
        "can_reopen": "reopen" in allowed,
        "can_add_photo": access.is_reporter and access.complaint.is_open,
        "can_support": (
            not access.is_reporter
            and access.complaint.is_public
            and access.complaint.status not in FINAL_STATUSES
        ),
        "photos": access.complaint.attachments.all(),
    }
    return render(request, "citizen/detail.html", context)


@require_POST
def reporter_act(request, tracking_code, action):
    """The reporter answers, adds information, rates or reopens (SPEC §4)."""
    code = tracking_code.upper()
    access_key = request.session.get(SESSION_KEYS, {}).get(code)
    access = get_complaint_for(actor_for(request.user), code, access_key=access_key)
    post = request.POST
    try:
        if action == "comment":
            lifecycle.comment(access.complaint, actor=access.actor, message=post.get("message"))
            done = _("Your message was added.")
        elif action == "rate":
            lifecycle.rate(
                access.complaint,
                actor=access.actor,
                score=post.get("score"),
                comment=post.get("comment", ""),
            )
            done = _("Thank you for your rating. The complaint is closed.")
        elif action == "reopen":
            lifecycle.reopen(access.complaint, actor=access.actor, reason=post.get("reason"))
            done = _("The complaint is reopened and goes back to the OPD.")
        else:
            raise Http404
    except lifecycle.LifecycleError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("complaints:detail", tracking_code=code)


def complaint_list(request):
    queryset = public_complaints().select_related(
        "category", "sector", "desa", "kecamatan", "current_opd"
    )
    filterset = ComplaintFilter(request.GET, queryset=queryset)
    rows = filterset.qs.order_by("-created_at") if filterset.is_valid() else queryset.none()
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "citizen/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
        status=200 if filterset.is_valid() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    """The user's in-portal notifications; POST marks them all read."""
    mine = Notification.objects.filter(user=request.user, channel=Notification.Channel.IN_APP)
    if request.method == "POST":
        mine.filter(read_at=None).update(read_at=timezone.now())
        return redirect("complaints:inbox")
    page = Paginator(mine.select_related("complaint").order_by("-created_at"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "citizen/inbox.html", {"page": page, "query": ""})


def photo(request, tracking_code, token, size):
    """A complaint's photo, for whoever may see the complaint (never a direct media URL)."""
    code = tracking_code.upper()
    access_key = request.session.get(SESSION_KEYS, {}).get(code)
    access = get_complaint_for(
        actor_for(request.user),
        code,
        access_key=request.headers.get("X-Access-Key") or access_key,
    )
    attachment = Attachment.objects.filter(complaint=access.complaint, token=token).first()
    if attachment is None or size not in {"full", "thumb"}:
        raise Http404
    stored = attachment.thumbnail if size == "thumb" else attachment.image
    content_type = "image/jpeg" if size == "thumb" else CONTENT_TYPES[attachment.extension]
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = (
        "public, max-age=86400"
        if access.complaint.privacy != Privacy.CONFIDENTIAL
        else "private, no-store"
    )
    return response


@require_POST
def add_photo(request, tracking_code):
    """The reporter adds a photo to their complaint."""
    code = tracking_code.upper()
    access_key = request.session.get(SESSION_KEYS, {}).get(code)
    access = get_complaint_for(actor_for(request.user), code, access_key=access_key)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise PhotoRejected(_("Choose a photo."))
        lifecycle.attach_photo(access.complaint, actor=access.actor, photo=prepare(upload))
    except PhotoRejected as e:
        messages.error(request, str(e))
    except lifecycle.LifecycleError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Photo added."))
    return redirect("complaints:detail", tracking_code=code)


def _map_filter(request):
    return MapFilter(request.GET, queryset=public_complaints())


def public_map(request):
    """Public open complaints on a map, with a per-desa table that needs no JavaScript."""
    filterset = _map_filter(request)
    valid = filterset.is_valid()
    rows = filterset.qs if valid else public_complaints().none()
    per_desa = (
        rows.filter(status__in=[S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED])
        .order_by()
        .values("desa__code", "desa__name", "kecamatan__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "desa__name")
    )
    return render(
        request,
        "citizen/map.html",
        {
            "filter": filterset,
            "per_desa": per_desa,
            "query": request.GET.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_ATTRIBUTION,
        },
        status=200 if valid else 400,
    )


def map_data(request):
    """GeoJSON of the map's complaints (a pin, or the desa's centre when none was set)."""
    filterset = _map_filter(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    english = (get_language() or "id").startswith("en")
    features = []
    for row in map_points(filterset):
        lat = row["latitude"] if row["latitude"] is not None else row["desa__latitude"]
        lon = row["longitude"] if row["longitude"] is not None else row["desa__longitude"]
        if lat is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": {
                    "code": row["tracking_code"],
                    "title": row["title"],
                    "status": row["status"],
                    "status_label": str(S(row["status"]).label),
                    "category": row["category__name_en" if english else "category__name_id"] or "",
                    "desa": row["desa__name"] or "",
                    "exact": row["latitude"] is not None,
                    "url": reverse("complaints:detail", args=[row["tracking_code"]]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_POST
def support(request, tracking_code):
    """ "Me too": count one person's support, by account or by a browser cookie."""
    code = tracking_code.upper()
    access_key = request.session.get(SESSION_KEYS, {}).get(code)
    access = get_complaint_for(actor_for(request.user), code, access_key=access_key)
    token = request.COOKIES.get(SUPPORTER_COOKIE) or secrets.token_urlsafe(16)
    digest = hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()
    if not SupportThrottle().allow_request(request, None):
        messages.error(request, _("Too many supports from this connection; try again later."))
    else:
        try:
            counted = lifecycle.support(
                access.complaint, actor=access.actor, fingerprint=f"cookie:{digest}"
            )
        except lifecycle.LifecycleError as e:
            messages.error(request, e.message)
        else:
            messages.success(
                request,
                _("Thank you: your support was counted.")
                if counted
                else _("You already support this complaint."),
            )
    response = redirect("complaints:detail", tracking_code=code)
    response.set_cookie(
        SUPPORTER_COOKIE,
        token,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
