from django.contrib import admin

from . import calendar, routing
from .models import Category, Desa, Holiday, Kecamatan, Opd, RoutingRule, Sector


class ForgetsReferenceAdmin(admin.ModelAdmin):
    """Routing and lookups read these through a per-process copy: an edit takes effect at once."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        routing.forget_rules()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        routing.forget_rules()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        routing.forget_rules()


class DesaInline(admin.TabularInline):
    model = Desa
    extra = 0
    fields = ["code", "name", "kind", "latitude", "longitude"]


@admin.register(Kecamatan)
class KecamatanAdmin(ForgetsReferenceAdmin):
    list_display = ["code", "name", "latitude", "longitude"]
    search_fields = ["code", "name"]
    inlines = [DesaInline]


@admin.register(Desa)
class DesaAdmin(ForgetsReferenceAdmin):
    list_display = ["code", "name", "kind", "kecamatan"]
    list_filter = ["kecamatan", "kind"]
    search_fields = ["code", "name"]


@admin.register(Sector)
class SectorAdmin(ForgetsReferenceAdmin):
    list_display = ["code", "name_id", "name_en", "position"]


@admin.register(Opd)
class OpdAdmin(ForgetsReferenceAdmin):
    list_display = ["code", "abbreviation", "name", "kind", "kecamatan", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "abbreviation", "name"]
    filter_horizontal = ["sectors"]


@admin.register(Category)
class CategoryAdmin(ForgetsReferenceAdmin):
    list_display = ["code", "name_id", "sector", "default_opd", "target_working_days", "is_active"]
    list_filter = ["sector", "is_active"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ForgetsReferenceAdmin):
    list_display = ["category", "kecamatan", "opd"]
    list_filter = ["kecamatan", "opd"]
    search_fields = ["category__code", "opd__code"]
    autocomplete_fields = ["category", "opd"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar.forget_extra_days()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar.forget_extra_days()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar.forget_extra_days()
