from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import RoleGrant, User


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
