import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints.access import own_complaints

from .forms import RegisterForm
from .models import AuditEntry
from .roles import actor_for
from .services import Person, audit_personal_data, personal_data_export

MY_COMPLAINTS_PER_PAGE = 20


@login_required
def home(request):
    """After login: staff to their dashboard, citizens to their complaints."""
    if actor_for(request.user).is_staff_member:
        return redirect("staff:home")
    return redirect("my_complaints")


@require_http_methods(["GET", "POST"])
def register(request):
    """Sign-up for citizens; the new account is logged in at once."""
    if request.user.is_authenticated:
        return redirect("accounts_home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="accounts.backends.LockoutModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("my_complaints")
    return render(
        request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def my_complaints(request):
    """The complaints the logged-in user filed, newest first."""
    complaints = (
        own_complaints(actor_for(request.user))
        .select_related("category", "desa", "kecamatan", "current_opd")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(complaints, MY_COMPLAINTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/my_complaints.html", {"page": page})


@login_required
def my_data(request):
    """What the portal holds about the logged-in user (UU 27/2022), and how to get or erase it."""
    user = request.user
    person = Person(users=[user])
    context = {
        "complaint_count": person.complaints().count(),
        "notification_count": person.notifications().count(),
    }
    return render(request, "accounts/my_data.html", context)


@login_required
def my_data_download(request):
    """The logged-in user's own data as a JSON file: what is linked to this account only.

    Complaints filed without an account are not included even when the e-mail matches: an
    account's address is not verified, so the desk answers such requests after checking who asks
    (manage.py personal_data export --email ...).
    """
    user = request.user
    data = personal_data_export(Person(users=[user]))
    audit_personal_data(
        AuditEntry.Action.DATA_EXPORTED,
        label="username",
        value=user.username,
        actor=user,
        detail={"complaints": len(data["complaints"]), "via": "my data page"},
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = f"badung-portal-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
