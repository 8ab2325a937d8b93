"""One FilterSet for the public list, the API, staff queues and exports (STYLE §4)."""

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from opd.models import Category, Desa, Kecamatan, Opd, Sector

from . import stats
from .models import Channel, Complaint, Kind, Status
from .selectors import overdue_q, search


class QuickSelect(forms.Select):
    """A select whose options are written in Python rather than through one template each:
    a queue page shows about 180 options, and their templates cost more than its queries."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))

        def options(choices):
            return format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (v, mark_safe(" selected") if str(v) in selected else "", label)
                    for v, label in choices
                ),
            )

        parts = [
            format_html('<optgroup label="{}">{}</optgroup>', v, options(label))
            if isinstance(label, list | tuple)
            else options([(v, label)])
            for v, label in self.choices
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", "{}", ((part,) for part in parts)),
        )


class ComplaintFilter(django_filters.FilterSet):
    # distinct=False: status is a column of the row, and DISTINCT over whole complaints
    # (with their texts) would cost far more than the query itself.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"), widget=QuickSelect)
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        label=_("Category"),
        widget=QuickSelect,
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="code", label=_("Sector"), widget=QuickSelect
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Kecamatan.objects.all(),
        to_field_name="code",
        label=_("Kecamatan"),
        widget=QuickSelect,
    )
    desa = django_filters.ModelChoiceFilter(
        queryset=Desa.objects.select_related("kecamatan"),
        to_field_name="code",
        label=_("Desa"),
        widget=QuickSelect,
    )
    opd = django_filters.ModelChoiceFilter(
        field_name="current_opd",
        queryset=Opd.objects.all(),
        to_field_name="code",
        label=_("OPD"),
        widget=QuickSelect,
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


class MapFilter(django_filters.FilterSet):
    """The public map's filters: sector and status."""

    sector = ComplaintFilter.declared_filters["sector"]
    status = ComplaintFilter.declared_filters["status"]

    class Meta:
        model = Complaint
        fields = ["sector", "status"]


class StaffComplaintFilter(ComplaintFilter):
    """The public filters plus what only staff need: assignee, deadlines, search."""

    assignee = django_filters.CharFilter(method="filter_assignee", label=_("Assignee"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    escalation_level = django_filters.NumberFilter(
        field_name="escalation_level", label=_("Escalation level")
    )
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    # The dashboard's drill-downs (issue 8): each lists what its figure counts, with the
    # same expressions (complaints/stats.py).
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, label=_("Channel"), widget=QuickSelect
    )
    missed = django_filters.ChoiceFilter(
        choices=[
            ("verification", _("Verification")),
            ("first_response", _("First response")),
            ("resolution", _("Resolution")),
        ],
        method="filter_missed",
        label=_("Deadline missed"),
        widget=QuickSelect,
    )
    responded = django_filters.BooleanFilter(
        method="filter_responded", label=_("Answered by the OPD")
    )
    reopened = django_filters.BooleanFilter(
        method="filter_reopened", label=_("Reopened by the reporter")
    )
    rated = django_filters.BooleanFilter(
        field_name="rating", lookup_expr="isnull", exclude=True, label=_("Rated")
    )
    returned_by = django_filters.ModelChoiceFilter(
        queryset=Opd.objects.all(),
        to_field_name="code",
        method="filter_returned_by",
        label=_("Returned by"),
        widget=QuickSelect,
    )

    class Meta(ComplaintFilter.Meta):
        fields = [
            *ComplaintFilter.Meta.fields,
            "assignee",
            "overdue",
            "escalation_level",
            "q",
            "channel",
            "missed",
            "responded",
            "reopened",
            "rated",
            "returned_by",
        ]

    def filter_assignee(self, queryset, name, value):
        if value == "-":
            return queryset.filter(assignee=None)
        return queryset.filter(assignee__username=value)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_missed(self, queryset, name, value):
        return stats.deadline_filter(queryset, value, met=False)

    def filter_responded(self, queryset, name, value):
        answered = stats.responded_filter(queryset)
        return answered if value else queryset.exclude(pk__in=answered.values("pk"))

    def filter_reopened(self, queryset, name, value):
        reopened = stats.reopened_filter(queryset)
        return reopened if value else queryset.exclude(pk__in=reopened.values("pk"))

    def filter_returned_by(self, queryset, name, value):
        return stats.returned_by_filter(queryset, value)
