from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints.access import own_complaints

from .forms import RegisterForm
from .roles import actor_for

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
