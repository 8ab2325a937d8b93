from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .forms import AdminLoginForm
from .models import AuditEntry, LoginAttempt, RoleGrant, User

# The admin's log-in says why a locked account is refused (accounts/lockout.py).
admin.site.login_form = AdminLoginForm


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleGrantInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Badung Portal", {"fields": ["phone", "language"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_staff"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "opd", "kecamatan"]
    list_filter = ["role", "opd", "kecamatan"]
    search_fields = ["user__username", "user__email"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: readable, never written by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip", "channel", "succeeded"]
    list_filter = ["succeeded", "channel", "at"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "subject", "actor", "ip"]
    list_filter = ["action", "at"]
    search_fields = ["subject", "ip", "actor__username"]
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False
