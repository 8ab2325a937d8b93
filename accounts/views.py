from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .roles import actor_for


@login_required
def home(request):
    """After login: staff to their dashboard, citizens to their complaints."""
    if actor_for(request.user).is_staff_member:
        return redirect("staff:home")
    return redirect("my_complaints")
