from .roles import actor_for


def portal(request):
    """`actor`, `is_staff_member`, `has_dashboard` and the unread notification count for the
    navigation."""
    user = getattr(request, "user", None)
    actor = actor_for(user)
    context = {"actor": actor, "is_staff_member": actor.is_staff_member}
    if actor.is_authenticated:
        from complaints.models import Notification
        from complaints.stats import has_dashboard

        context["has_dashboard"] = has_dashboard(actor)
        context["unread_notifications"] = Notification.objects.filter(
            user=user, channel=Notification.Channel.IN_APP, read_at=None
        ).count()
    return context
