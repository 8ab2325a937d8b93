from .roles import actor_for


def portal(request):
    """`actor` and `is_staff_member` for the navigation."""
    actor = actor_for(getattr(request, "user", None))
    return {"actor": actor, "is_staff_member": actor.is_staff_member}
