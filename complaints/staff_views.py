"""Staff dashboard: verifier desk, OPD queue, camat view, complaint detail and actions, and
complaints taken for citizens at the desk or by phone (SPEC §8).

Each view parses, calls one access/selector or lifecycle function, and renders. Scoping is
access.py's; which actions show is lifecycle.allowed_actions'.
"""

import csv
import secrets
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role, RoleGrant, User
from accounts.roles import ANONYMOUS, actor_for
from opd.models import Category, Desa, Opd

from . import intake, lifecycle
from .access import Access, get_complaint_for, in_staff_scope
from .filters import StaffComplaintFilter
from .models import Complaint, ResponseTemplate
from .models import Status as S
from .photos import PhotoRejected, prepare
from .selectors import SORTS, desa_counts, overdue_q, queue_for, status_counts, timeline_for
from .staff_forms import WalkInForm

PAGE_SIZE = 50
OPEN = [S.DISPATCHED, S.IN_PROGRESS, S.INFO_REQUESTED]


def staff_required(view):
    """Logged in with at least one staff role; others are sent to log in or get a 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = actor_for(request.user)
        if not actor.is_staff_member:
            raise Http404
        request.actor = actor
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def home(request):
    actor = request.actor
    if actor.has(Role.VERIFIER):
        return redirect("staff:desk")
    if actor.kecamatan_ids and not actor.has(Role.OPD_OFFICER, Role.OPD_HEAD):
        return redirect("staff:camat")
    if actor.has(Role.LEADERSHIP) and not actor.has(Role.OPD_OFFICER, Role.OPD_HEAD):
        return redirect("dashboard:home")  # leadership reads figures first, cases second
    return redirect("staff:queue")


def _filtered(request, queryset):
    data = request.GET.copy()
    filterset = StaffComplaintFilter(data, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    sort = request.GET.get("sort") or "due"
    return filterset, rows.order_by(*SORTS.get(sort, SORTS["due"])), sort


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _queue_context(request, queryset, **extra):
    filterset, rows, sort = _filtered(request, queryset)
    page, query = _page(request, rows)
    return {
        "filter": filterset,
        "page": page,
        "query": query,
        "sort": sort,
        "sorts": [
            ("due", _("Deadline")),
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("escalation", _("Escalation")),
            ("updated", _("Last change")),
        ],
        "counts": status_counts(request.actor),
        "can_bulk": request.actor.has(Role.OPD_OFFICER, Role.OPD_HEAD, Role.CAMAT),
        "colleagues": _colleagues(request.actor),
        **extra,
    }


def _open_by_default(request, statuses):
    """Without filters, show what is still open, most urgent first (a bookmarkable URL)."""
    query = "&".join(f"status={s}" for s in statuses)
    return redirect(f"{request.path}?{query}&sort=due")


@staff_required
def queue(request):
    """The actor's scoped queue with filters, search, sort and pagination."""
    if not request.GET:
        verifier = request.actor.has(Role.VERIFIER)
        return _open_by_default(request, [S.SUBMITTED, *OPEN] if verifier else OPEN)
    context = _queue_context(request, queue_for(request.actor))
    status = 200 if context["filter"].is_valid() else 400
    return render(request, "staff/queue.html", context, status=status)


@staff_required
def desk(request):
    """Verifier desk: complaints waiting for verification, oldest first."""
    if not request.actor.has(Role.VERIFIER):
        raise Http404
    rows = queue_for(request.actor).filter(status=S.SUBMITTED).order_by("created_at", "pk")
    page, query = _page(request, rows)
    return render(
        request,
        "staff/desk.html",
        {
            "page": page,
            "query": query,
            "counts": status_counts(request.actor),
            "opds": Opd.objects.filter(is_active=True).order_by("name"),
        },
    )


@require_POST
@staff_required
def bulk_dispatch(request):
    """Dispatch the chosen complaints to one OPD, or each to its routing suggestion."""
    if not request.actor.has(Role.VERIFIER):
        raise Http404
    codes = request.POST.getlist("codes")
    opd_code = request.POST.get("opd") or ""
    opd = Opd.objects.filter(code=opd_code, is_active=True).first() if opd_code else None
    if not codes:
        messages.error(request, _("Choose at least one complaint."))
        return redirect("staff:desk")

    def dispatch_one(access):
        target = opd or access.complaint.suggested_opd
        if target is None:
            raise lifecycle.InvalidInput(_("no routing suggestion; choose an OPD"))
        lifecycle.dispatch(access.complaint, actor=access.actor, opd=target)

    done = _for_each(request, codes, dispatch_one)
    if done:
        messages.success(request, _("%(n)s complaint(s) dispatched.") % {"n": done})
    return redirect("staff:desk")


def _for_each(request, codes, act_on):
    """Run `act_on(access)` for every code in the actor's scope; report each failure."""
    done = 0
    for code in codes:
        try:
            act_on(_staff_access(request, code))
            done += 1
        except (Http404, lifecycle.LifecycleError) as e:
            messages.error(request, f"{code}: {getattr(e, 'message', _('not found'))}")
    return done


@staff_required
def camat(request):
    """Camat office: the kecamatan's complaints with open and overdue counts per desa."""
    actor = request.actor
    if not actor.kecamatan_ids:
        raise Http404
    queryset = queue_for(actor).filter(
        Q(kecamatan_id__in=actor.kecamatan_ids) | Q(current_opd_id__in=actor.opd_ids)
    )
    if not request.GET:
        return _open_by_default(request, [S.SUBMITTED, *OPEN])
    context = _queue_context(
        request,
        queryset,
        desa_rows=desa_counts(actor, actor.kecamatan_ids),
        offices=Opd.objects.filter(pk__in=actor.opd_ids),
    )
    return render(request, "staff/camat.html", context)


@require_POST
@staff_required
def bulk(request):
    """Acknowledge or assign several complaints of the actor's queue at once."""
    action = request.POST.get("action")
    codes = request.POST.getlist("codes")
    assignee = User.objects.filter(username=request.POST.get("username", "")).first()
    if action not in {"acknowledge", "assign"} or not codes:
        messages.error(request, _("Choose complaints and an action."))
        return redirect(_safe_next(request) or "staff:queue")

    def act_on(access):
        if action == "acknowledge":
            lifecycle.acknowledge(access.complaint, actor=access.actor)
        else:
            lifecycle.assign(access.complaint, actor=access.actor, assignee=assignee)

    done = _for_each(request, codes, act_on)
    if done:
        messages.success(request, _("%(n)s complaint(s) updated.") % {"n": done})
    return redirect(_safe_next(request) or "staff:queue")


def _safe_next(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def _colleagues(actor):
    """Users who work for the OPDs the actor works for (assignment targets)."""
    if not actor.opd_ids:
        return User.objects.none()
    opds = Opd.objects.filter(pk__in=actor.opd_ids)
    return (
        User.objects.filter(
            Q(role_grants__role__in=[Role.OPD_OFFICER, Role.OPD_HEAD], role_grants__opd__in=opds)
            | Q(
                role_grants__role=Role.CAMAT,
                role_grants__kecamatan__office__in=opds,
            )
        )
        .distinct()
        .order_by("username")
    )


def _staff_access(request, tracking_code):
    access = get_complaint_for(
        request.actor, tracking_code, related=("assignee", "merged_into", "taken_by")
    )
    if not access.is_staff:
        raise Http404
    return access


@staff_required
def detail(request, tracking_code):
    access = _staff_access(request, tracking_code)
    c = access.complaint
    allowed = lifecycle.allowed_actions(c, access.actor)
    templates = ResponseTemplate.objects.filter(is_active=True).filter(
        Q(opd=None) | Q(opd_id=c.current_opd_id)
    )
    context = {
        "complaint": c,
        "access": access,
        "events": timeline_for(access),
        "allowed": allowed,
        "attachments": c.attachments.all(),
        "is_overdue": Complaint.objects.filter(pk=c.pk).filter(overdue_q()).exists(),
        "templates": [(t, t.render(c)) for t in templates],
        "colleagues": _colleagues_for_complaint(c) if "assign" in allowed else [],
        "opds": Opd.objects.filter(is_active=True).order_by("name")
        if "dispatch" in allowed
        else [],
        "categories": Category.objects.filter(is_active=True).select_related("sector")
        if "dispatch" in allowed
        else [],
        "desas": Desa.objects.select_related("kecamatan") if "dispatch" in allowed else [],
    }
    return render(request, "staff/detail.html", context)


def _colleagues_for_complaint(c):
    opd = c.current_opd
    if opd is None:
        return []
    works_there = Q(role__in=[Role.OPD_OFFICER, Role.OPD_HEAD], opd=opd)
    if opd.kecamatan_id:
        works_there |= Q(role=Role.CAMAT, kecamatan_id=opd.kecamatan_id)
    grants = RoleGrant.objects.filter(works_there)
    return User.objects.filter(role_grants__in=grants).distinct().order_by("username")


def _form_action(request, access, action):
    """Run one §4 action from a posted form; return the success message."""
    c, actor, post = access.complaint, access.actor, request.POST
    if action == "dispatch":
        opd = Opd.objects.filter(code=post.get("opd", "")).first()
        category = Category.objects.filter(code=post.get("category") or "").first()
        desa = Desa.objects.select_related("kecamatan").filter(code=post.get("desa") or "").first()
        lifecycle.dispatch(
            c, actor=actor, opd=opd, category=category, desa=desa, note=post.get("note", "")
        )
        return _("Dispatched to %(opd)s.") % {"opd": opd.abbreviation}
    if action == "reject":
        lifecycle.reject(c, actor=actor, reason=post.get("reason", ""))
        return _("Complaint rejected.")
    if action == "merge":
        code = (post.get("into") or "").strip().upper()
        into = Complaint.objects.filter(tracking_code=code).first()
        if code and into is None:
            raise lifecycle.InvalidInput(
                _("No complaint with tracking code %(code)s.") % {"code": code}, field="into"
            )
        lifecycle.merge(c, actor=actor, into=into)
        return _("Merged into %(code)s.") % {"code": code}
    if action == "acknowledge":
        lifecycle.acknowledge(c, actor=actor)
        return _("Acknowledged: the complaint is being handled.")
    if action == "request-info":
        lifecycle.request_info(c, actor=actor, message=post.get("message", ""))
        return _("The reporter was asked for information.")
    if action == "respond":
        lifecycle.respond(c, actor=actor, message=post.get("message", ""), public=True)
        return _("Response published.")
    if action == "note":
        lifecycle.add_note(c, actor=actor, note=post.get("message", ""))
        return _("Internal note added.")
    if action == "resolve":
        upload = request.FILES.get("photo")
        try:
            photo = prepare(upload) if upload else None
        except PhotoRejected as e:
            raise lifecycle.InvalidInput(str(e), field="photo") from e
        with transaction.atomic():
            lifecycle.resolve(c, actor=actor, resolution=post.get("resolution", ""))
            if photo:
                lifecycle.attach_photo(c, actor=actor, photo=photo, is_resolution=True)
        return _("Marked as resolved.")
    if action == "return":
        lifecycle.return_complaint(c, actor=actor, reason=post.get("reason", ""))
        return _("Returned to the complaint desk.")
    if action == "assign":
        assignee = User.objects.filter(username=post.get("username", "")).first()
        lifecycle.assign(c, actor=actor, assignee=assignee)
        return _("Assigned.")
    raise Http404


@require_POST
@staff_required
def act(request, tracking_code, action):
    access = _staff_access(request, tracking_code)
    try:
        message = _form_action(request, access, action)
    except lifecycle.LifecycleError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, message)
        if (
            action in {"return", "reject", "merge"}
            or not get_complaint_for(request.actor, tracking_code).is_staff
        ):
            # The complaint left this actor's queue.
            return redirect("staff:home")
    return redirect("staff:detail", tracking_code=access.complaint.tracking_code)


class _Echo:
    def write(self, value):
        return value


CSV_COLUMNS = [
    "tracking_code",
    "created_at",
    "kind",
    "status",
    "category",
    "sector",
    "kecamatan",
    "desa",
    "opd",
    "assignee",
    "title",
    "verification_due",
    "first_response_due",
    "resolution_due",
    "escalation_level",
    "overdue",
    "privacy",
    "channel",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
]


def _csv_row(c, actor):
    access = Access(complaint=c, actor=actor, is_staff=True)
    return [
        c.tracking_code,
        timezone.localtime(c.created_at).isoformat(timespec="minutes"),
        c.kind,
        c.status,
        c.category.code if c.category else "",
        c.sector.code if c.sector else "",
        c.kecamatan.name if c.kecamatan else "",
        c.desa.name if c.desa else "",
        c.current_opd.code if c.current_opd else "",
        c.assignee.username if c.assignee else "",
        c.title,
        c.verification_due or "",
        c.first_response_due or "",
        c.resolution_due or "",
        c.escalation_level,
        "yes" if c.is_overdue else "",
        c.privacy,
        c.channel,
        c.reporter_name if access.can_see_reporter else "",
        c.reporter_email if access.can_see_contact else "",
        c.reporter_phone if access.can_see_contact else "",
    ]


@staff_required
def export_csv(request):
    """The filtered queue as CSV, streamed; same scoping, anonymous reporters stay hidden."""
    filterset, rows, _sort = _filtered(request, queue_for(request.actor))
    if not filterset.is_valid():
        rows = rows.none()
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for c in rows.iterator(chunk_size=2000):
            yield writer.writerow(_csv_row(c, request.actor))

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{stamp}.csv"'
    return response


# Walk-in and phone complaints ---------------------------------------------------------------

SESSION_WALK_IN_FILED = "walk_in_filed"  # {"code", "key"}: shown once on the confirmation
SESSION_WALK_IN_DONE = "walk_in_done"  # form nonce -> tracking code, against double filing
WALK_IN_NONCES_KEPT = 20


@require_http_methods(["GET", "POST"])
@staff_required
def walk_in(request):
    """File a complaint for a citizen at the desk or on the phone; the staff member took it."""
    desas = intake.walk_in_desas(request.actor)
    if desas is None:
        raise Http404
    form = WalkInForm(
        request.POST or None,
        request.FILES or None,
        desas=desas,
        initial={"nonce": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        done = request.session.get(SESSION_WALK_IN_DONE, {})
        nonce = form.cleaned_data["nonce"]
        if nonce in done:
            messages.info(request, _("This complaint was filed already."))
            return redirect("staff:walk_in_filed", tracking_code=done[nonce])
        data = form.filing_data()
        photos = data.pop("photos")
        with transaction.atomic():
            # The citizen is the reporter (no account); the staff member is who took it.
            complaint, access_key = lifecycle.file_complaint(
                actor=ANONYMOUS, taken_by=request.user, **data
            )
            reporter = ANONYMOUS.with_access_key_for(complaint)
            for prepared in photos:
                lifecycle.attach_photo(complaint, actor=reporter, photo=prepared)
        code = complaint.tracking_code
        done[nonce] = code
        request.session[SESSION_WALK_IN_DONE] = dict(list(done.items())[-WALK_IN_NONCES_KEPT:])
        request.session[SESSION_WALK_IN_FILED] = {"code": code, "key": access_key}
        return redirect("staff:walk_in_filed", tracking_code=code)
    return render(
        request,
        "staff/walk_in.html",
        {
            "form": form,
            # A camat office sees which area it files for; the desk files for the regency.
            "area": None
            if request.actor.has(Role.VERIFIER)
            else sorted({d.kecamatan.name for d in desas}),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required
def walk_in_filed(request, tracking_code):
    """The slip for the citizen: tracking code and access key, the key shown this once."""
    complaint = (
        Complaint.objects.select_related("desa", "kecamatan", "category")
        .filter(tracking_code=tracking_code.upper(), taken_by=request.user)
        .first()
    )
    if complaint is None:
        raise Http404
    access_key = None
    shown = request.session.get(SESSION_WALK_IN_FILED)
    if shown and shown.get("code") == complaint.tracking_code:
        access_key = shown["key"]
        del request.session[SESSION_WALK_IN_FILED]
    return render(
        request,
        "staff/walk_in_filed.html",
        {
            "complaint": complaint,
            "access_key": access_key,
            "track_url": request.build_absolute_uri(complaint.get_absolute_url()),
            "can_open": in_staff_scope(request.actor, complaint),
        },
    )
