"""One FilterSet for the public list, the API, staff queues and exports (STYLE §4)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opd.models import Category, Desa, Kecamatan, Opd, Sector

from .models import Complaint, Kind, Status


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), to_field_name="code", label=_("Category")
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="code", label=_("Sector")
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Kecamatan.objects.all(), to_field_name="code", label=_("Kecamatan")
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=Desa.objects.select_related("kecamatan"), to_field_name="code", label=_("Desa")
    )
    opd = django_filters.ModelChoiceFilter(
        field_name="current_opd", queryset=Opd.objects.all(), to_field_name="code", label=_("OPD")
    )
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Filed from")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Filed until")
    )

    class Meta:
        model = Complaint
        fields = [
            "status",
            "kind",
            "category",
            "sector",
            "kecamatan",
            "desa",
            "opd",
            "created_after",
            "created_before",
        ]
